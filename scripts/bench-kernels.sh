#!/usr/bin/env bash
# Builds (release) and runs the kernel benchmarks in Benchmarks/, a separate
# package that uses ordo-one/package-benchmark; every argument is passed to
# its `benchmark` command plugin.
#
#   scripts/bench-kernels.sh                                  # run them all
#   scripts/bench-kernels.sh --filter 'Recurrent step.*'      # a subset (regex)
#   scripts/bench-kernels.sh --format markdown                # tables as markdown
#   scripts/bench-kernels.sh baseline update main             # save a baseline
#   scripts/bench-kernels.sh baseline compare main            # compare with it
#   scripts/bench-kernels.sh help                             # the plugin's help
#
# Installs nothing. Needs what the root package needs (a Swift 6.3 toolchain,
# pkg-config, libhwloc-dev, zlib1g-dev) and the benchmark package's
# dependencies from the package mirror; no jemalloc (the MallocInterposer
# trait counts mallocs without it). Numbers are only meaningful on an
# otherwise idle machine.
set -euo pipefail

cd "$(dirname "$0")/../Benchmarks"
exec swift package --allow-writing-to-package-directory benchmark "$@"
