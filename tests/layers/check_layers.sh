#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_layers.sh: fails when a file includes a header from a folder above its own layer.
#
# The product folders in layer order, bottom first (docs/ARCHITECTURE.md says why). A file may
# include headers from its own folder and from any folder listed before it, never after it.
# Usage: check_layers.sh SOURCE_DIR
set -eu
cd "$1"
layers="common findings web sitemap linkgraph store crawler reports audit fleet cli"

rank() { # folder -> its position in $layers, or nothing when it is not a product folder
    i=0
    for layer in $layers; do
        [ "$layer" = "$1" ] && { echo $i; return; }
        i=$((i + 1))
    done
}

bad=0
for dir in $layers; do
    [ -d "$dir" ] || continue
    own=$(rank "$dir")
    for file in "$dir"/*.c "$dir"/*.h "$dir"/*.def; do
        [ -f "$file" ] || continue
        for target in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([a-z_]*\)\/[^"]*".*/\1/p' "$file" | sort -u); do
            theirs=$(rank "$target")
            [ -n "$theirs" ] || continue
            if [ "$theirs" -gt "$own" ]; then
                echo "layering: $file includes $target/ (layer $theirs above $dir/, layer $own)" >&2
                bad=1
            fi
        done
    done
done
[ $bad = 0 ] && echo "layers ok: $layers"
exit $bad
