#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_spdx.sh: fails when a source file of the project (C, shell, Python, CMake, and report.html's
# script and stylesheet) has no SPDX-License-Identifier line near its top. Test data (fixtures/,
# tests/conformance/) keeps the licence of its origin and is listed in NOTICE instead.
# Usage: check_spdx.sh SOURCE_DIR
set -eu
cd "$1"
bad=0
for file in $(git ls-files 2>/dev/null || find . -type f | sed 's#^\./##'); do
    case "$file" in
    fixtures/* | tests/conformance/*) continue ;;
    *.c | *.h | *.def | *.sh | *.py | *.cmake | *.js | *.css | CMakeLists.txt | */CMakeLists.txt | Dockerfile) ;;
    *) continue ;;
    esac
    [ -f "$file" ] || continue
    if ! head -n 3 "$file" | grep -q 'SPDX-License-Identifier: '; then
        echo "spdx: $file has no SPDX-License-Identifier line" >&2
        bad=1
    fi
done
[ $bad = 0 ] && echo "spdx ok"
exit $bad
