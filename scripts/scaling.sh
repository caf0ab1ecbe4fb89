#!/usr/bin/env bash
# The scaling sweep behind the README's table: `recur bench` at 1, 2, 4, 8
# and 16 threads (capped at the usable cores) and batch 64 and 256, writing
# JSON, CSV and an SVG plot into Benchmarks/results/ (or OUT).
# With --processes 1,2,4 it sweeps processes x threads instead: for each P,
# `mpirun -np P` ranks of cores/P threads each (every core busy, each rank
# bound to its own cores), at batch 64 and 256, one file set per P named
# NAME-pPxT; --mpi "OPTIONS" passes more to mpirun (e.g. "--mca btl tcp,self").
# Usage: scripts/scaling.sh [--recur BIN] [--out DIR] [--name NAME] [--processes LIST] [--mpi OPTIONS]
#                           [extra recur bench options]
set -euo pipefail
cd "$(dirname "$0")/.."
recur=""
out="Benchmarks/results"
name="scaling-$(hostname)"
extra=()
processes=""
mpi_options=""
while [ $# -gt 0 ]; do
    case "$1" in
        --processes) processes="$2"; shift 2 ;;
        --mpi) mpi_options="$2"; shift 2 ;;
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
mkdir -p "$out"
if [ -n "$processes" ]; then
    command -v mpirun >/dev/null || { echo "error: --processes needs mpirun (apt-get install openmpi-bin libopenmpi-dev)" >&2; exit 1; }
    root=()
    [ "$(id -u)" -eq 0 ] && root=(--allow-run-as-root)
    for p in ${processes//,/ }; do
        t=$((cores / p))
        [ "$t" -ge 1 ] || { echo "error: $p processes is more than the $cores cores" >&2; exit 1; }
        # shellcheck disable=SC2086
        mpirun "${root[@]}" -np "$p" --map-by "slot:PE=$t" --bind-to core $mpi_options \
            "$recur" bench --threads "$t" --batch-size 64,256 --steps 30 --warmup 5 --repeats 5 \
            --json "$out/$name-p${p}x$t.json" --csv "$out/$name-p${p}x$t.csv" "${extra[@]}"
    done
    exit 0
fi
threads=""
for n in 1 2 4 8 16 32 64 128; do
    [ "$n" -le "$cores" ] && threads="${threads:+$threads,}$n"
done
"$recur" bench --threads "$threads" --batch-size 64,256 --steps 30 --warmup 5 --repeats 5 \
    --json "$out/$name.json" --csv "$out/$name.csv" --plot "$out/$name.svg" "${extra[@]}"
