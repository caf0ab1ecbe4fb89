#!/usr/bin/env bash
# The scaling sweep behind the README's table: `recur bench` at 1, 2, 4, 8
# and 16 threads (capped at the usable cores) and batch 64 and 256, writing
# JSON, CSV and an SVG plot into Benchmarks/results/ (or OUT).
# Usage: scripts/scaling.sh [--recur BIN] [--out DIR] [--name NAME] [extra recur bench options]
set -euo pipefail
cd "$(dirname "$0")/.."
recur=""
out="Benchmarks/results"
name="scaling-$(hostname)"
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --recur) recur="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --name) name="$2"; shift 2 ;;
        *) extra+=("$1"); shift ;;
    esac
done
if [ -z "$recur" ]; then
    source scripts/lib/setup.sh
    recur_install_system_packages
    recur_require_swift
    swift build -c release --product recur >&2
    recur=.build/release/recur
fi
cores=$(nproc)
threads=""
for n in 1 2 4 8 16 32 64 128; do
    [ "$n" -le "$cores" ] && threads="${threads:+$threads,}$n"
done
mkdir -p "$out"
"$recur" bench --threads "$threads" --batch-size 64,256 --steps 30 --warmup 5 --repeats 5 \
    --json "$out/$name.json" --csv "$out/$name.csv" --plot "$out/$name.svg" "${extra[@]}"
