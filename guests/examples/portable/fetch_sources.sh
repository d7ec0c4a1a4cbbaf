#!/bin/sh
# Fetches the Debian source of zlib (bookworm) into .build/portable/, for
# tests/guests_portable_test.ts: portable C that nobody here wrote, compiled
# unchanged against the guest libc and compared with the native build.
# Opt-in (needs the network); nothing is committed. It uses a private apt
# configuration under .build/portable/apt and leaves the system's alone.
#
#   sh guests/examples/portable/fetch_sources.sh
set -eu
root=$(cd "$(dirname "$0")/../../.." && pwd)
dir="$root/.build/portable"
apt="$dir/apt"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
echo "deb-src http://deb.debian.org/debian bookworm main" > "$apt/sources.list"
opts="-q -o Dir::Etc::SourceList=$apt/sources.list -o Dir::Etc::SourceParts=/dev/null \
  -o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache -o APT::Sandbox::User=root"
# shellcheck disable=SC2086
apt-get $opts update
cd "$dir"
# shellcheck disable=SC2086
apt-get $opts source --download-only zlib
rm -rf zlib-src
mkdir zlib-src
tar -xjf zlib_*.orig.tar.bz2 -C zlib-src --strip-components=1
echo "zlib sources in $dir/zlib-src"
