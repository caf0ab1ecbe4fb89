#!/usr/bin/env bash
# Builds a stand-alone `recur` (Swift runtime linked in statically, symbols
# stripped) into DIR, for machines without Swift: they need only glibc,
# libhwloc and zlib. Usage: scripts/package-binary.sh DIR
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
[ $# -eq 1 ] || recur_die "usage: scripts/package-binary.sh DIR"
recur_install_system_packages
recur_require_swift
swift build -c release --product recur --static-swift-stdlib >&2
mkdir -p "$1"
cp .build/release/recur "$1/recur"
strip "$1/recur"
ls -l "$1/recur" >&2
