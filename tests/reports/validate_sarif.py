# SPDX-License-Identifier: Apache-2.0
"""validate_sarif.py SCHEMA FILE...: validate SARIF files against the SARIF 2.1.0 JSON schema.

Exits 1 on the first invalid file (printing every error of it) or when jsonschema is missing."""
import json
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("python3-jsonschema not installed: run scripts/setup.sh")


def main():
    schema_path, files = sys.argv[1], sys.argv[2:]
    if not files:
        sys.exit("no SARIF files given")
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft4Validator.check_schema(schema)
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    for path in files:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors:
            print(f"{path}: {'/'.join(map(str, error.absolute_path))}: {error.message}", file=sys.stderr)
        if errors:
            sys.exit(1)
        if document["runs"][0]["tool"]["driver"].get("rules") is None:
            sys.exit(f"{path}: no rules in tool.driver")
    print(f"sarif: {len(files)} documents valid")


main()
