#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_format.sh: fails when a C source or header of the project is not laid out as .clang-format
# says (clang-format 14, Debian 12's). Fix with: clang-format -i FILE. Test data (fixtures/,
# tests/conformance/) keeps its bytes.
# Usage: check_format.sh SOURCE_DIR
set -eu
cd "$1"
command -v clang-format >/dev/null || { echo "format: clang-format is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
files=$( (git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' | sed 's#^\./##') |
    grep -v '^fixtures/\|^tests/conformance/\|^build/' || true)
[ -n "$files" ] || { echo "format: no C file found under $1" >&2; exit 1; }
# shellcheck disable=SC2086 # one word per file: paths here have no spaces
clang-format --dry-run --Werror $files
echo "format ok: $(echo "$files" | wc -l) files"
