#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/install: what a user installs. `cmake --install` into a temporary prefix must give the
# binary (which runs), the man page (which `man -l` renders, with every command's section), the bash
# and zsh completions and the docs; `cpack -G DEB` must give a package whose contents (dpkg-deb -c)
# hold the same files and whose Depends names the libraries the binary links.
#
#   install.sh BUILD_DIR
set -eu
build=${1:?usage: install.sh BUILD_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "install test: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$work/prefix" >/dev/null || fail "cmake --install failed"
for file in bin/crawlpack share/man/man1/crawlpack.1 share/bash-completion/completions/crawlpack \
            share/zsh/vendor-completions/_crawlpack share/doc/crawlpack/README.md share/doc/crawlpack/CHANGELOG.md \
            share/doc/crawlpack/docs/config.md; do
    [ -s "$work/prefix/$file" ] || fail "$file is not installed"
done
"$work/prefix/bin/crawlpack" --version | grep -q '^crawlpack [0-9]' || fail "the installed binary does not run"
page=$(MANWIDTH=100 man -l "$work/prefix/share/man/man1/crawlpack.1" 2>"$work/man.err") || fail "man -l failed"
[ ! -s "$work/man.err" ] || fail "man -l complains: $(cat "$work/man.err")"
for words in "CRAWLPACK(1)" "crawlpack audit" "--sitemap-only" "CRAWLPACK_USER" ".crawlpack.yml" "EXIT STATUS"; do
    printf '%s' "$page" | grep -qF -- "$words" || fail "the man page lacks '$words'"
done
bash -c ". '$work/prefix/share/bash-completion/completions/crawlpack' && complete -p crawlpack" >/dev/null ||
    fail "the bash completion does not load"
if command -v zsh >/dev/null; then
    zsh -n "$work/prefix/share/zsh/vendor-completions/_crawlpack" || fail "the zsh completion does not parse"
fi

(cd "$build" && cpack -G DEB -B "$work/package" >/dev/null) || fail "cpack -G DEB failed"
deb=$(ls "$work"/package/crawlpack_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "cpack made no .deb"
contents=$(dpkg-deb -c "$deb")
for file in ./usr/bin/crawlpack ./usr/share/man/man1/crawlpack.1 ./usr/share/bash-completion/completions/crawlpack \
            ./usr/share/zsh/vendor-completions/_crawlpack; do
    printf '%s\n' "$contents" | grep -q " $file\$" || fail "the package lacks $file"
done
depends=$(dpkg-deb -f "$deb" Depends)
for library in libcurl4 libxml2 libgumbo libyaml libsqlite3 libjansson libidn2 libc6; do
    printf '%s' "$depends" | grep -q "$library" || fail "Depends lacks $library: $depends"
done
echo "install test: ok ($(basename "$deb"): Depends: $depends)"
