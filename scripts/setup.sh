#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# setup.sh: install the Debian packages crawlpack needs to build, test and benchmark.
# Installs only what is missing; safe to run again. Needs root (or sudo) on Debian 12.
set -eu
packages="build-essential cmake pkg-config git
libcurl4-openssl-dev libxml2-dev libgumbo-dev uthash-dev libidn2-dev zlib1g-dev libyaml-dev
libsqlite3-dev libjansson-dev libnats-dev libjemalloc-dev nats-server libmicrohttpd-dev libbrotli-dev libcmocka-dev
clang clang-format libclang-rt-14-dev libxml2-utils python3 python3-jsonschema python3-yaml openssl
chromium"
if [ "${1:-}" = "--bench" ]; then
    packages="$packages nginx-light wget2 wrk hyperfine valgrind python3-doc"
fi
missing=
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
    echo "setup: all packages present"
    exit 0
fi
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "setup: installing$missing"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
