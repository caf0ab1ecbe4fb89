#!/usr/bin/env bash
# Builds and runs the independent C FMA peak probe, Benchmarks/peak-probe/fma_probe.c:
# GFLOP/s at 1..N threads (N = cores), each thread pinned to its own core,
# 16 independent zmm FMA chains per thread with AVX-512 (12 ymm chains with
# AVX2+FMA), all threads released together and timed from the common start to
# the last finish, best of several runs. The reference for `recur bench`'s
# `peak` figures (README.md, "Development").
#
#   scripts/peak-probe.sh                 # 1..cores threads, best of 5, ~0.3 s a run
#   scripts/peak-probe.sh 2 7 0.5         # 1..2 threads, best of 7, ~0.5 s a run
#
# Needs a C compiler (cc) and a CPU with AVX-512F or AVX2+FMA. Numbers are
# only meaningful on an otherwise idle machine.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="${TMPDIR:-/tmp}/recur-fma-probe-$$"
trap 'rm -f "$out"' EXIT
cc -O2 -march=native -pthread -o "$out" "$root/Benchmarks/peak-probe/fma_probe.c"
"$out" "$@"
