#!/usr/bin/env bash
# Everything a borrowed many-core machine is measured for, in one run, for
# machines without Swift (the 16-core GPU host of the README): the CPU, the
# independent FMA peak probe, the scaling sweep (scripts/scaling.sh), 2-epoch
# runs of each cell, processes x threads under MPI with a bit-identity check
# against the single-process run, and PyTorch on the machine's GPU (and CPU)
# as the reference. Each part has its own time limit; after each one the
# results so far are packed into OUT/results.tar.gz, so a run cut short still
# returns what it measured.
#
# BIN holds what scripts/package-binary.sh and a static build of
# Benchmarks/peak-probe/fma_probe.c make (recur, fma_probe_v4 and/or
# fma_probe_v3), MNIST in BIN/mnist, and optionally Debian's Open MPI
# packages in BIN/debs (unpacked to /tmp/ompi and relocated with OPAL_PREFIX
# when the machine has no mpirun of its own).
#
# GROUPS (comma-separated; default all; none for the CPU and probe alone)
# picks what runs besides the CPU and probe: sweep, train (the 2-epoch runs
# of each cell), gpu (PyTorch on the GPU), mpi, cells (the LSTM and GRU
# bench), cpu (PyTorch on the CPU). Bad arguments exit 2 before anything runs.
#
#   scripts/measure-machine.sh BIN OUT [NAME [GROUPS]]
set -uo pipefail
die() { echo "measure-machine.sh: $*" >&2; exit 2; }
[ $# -ge 2 ] || die "usage: scripts/measure-machine.sh BIN OUT [NAME [GROUPS]]"
# BIN and OUT as the caller named them, before moving to the checkout.
bin=$(cd "$1" 2>/dev/null && pwd) || die "BIN $1 is not a folder"
[ -x "$bin/recur" ] || die "no executable $1/recur (scripts/package-binary.sh $1 makes one)"
mkdir -p "$2" && out=$(cd "$2" && pwd) || die "cannot make the output folder $2"
name=${3:-machine}
groups=",${4:-sweep,train,gpu,mpi,cells,cpu},"
for group in ${groups//,/ }; do
    case "$group" in
        sweep|train|gpu|mpi|cells|cpu|none) ;;
        *) die "unknown group $group (sweep, train, gpu, mpi, cells, cpu)" ;;
    esac
done
wanted() { [[ $groups == *",$1,"* ]]; }
if wanted train || wanted gpu || wanted cpu; then
    [ -d "$bin/mnist" ] || die "the train, gpu and cpu groups need MNIST in $1/mnist"
fi
cd "$(dirname "$0")/.."
has_gpu() { wanted gpu && nvidia-smi -L >/dev/null 2>&1 && python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; }
work=/tmp/recur-measure
rm -rf "$work" && mkdir -p "$work"
recur="$bin/recur"
data="$bin/mnist"
cores=$(nproc)
exec > >(tee "$out/log.txt") 2>&1

pack() { tar -czf "$out/results.tar.gz" -C "$work" . ; }
part() { # part NAME SECONDS COMMAND...: one timed part, its output kept
    local title=$1 limit=$2; shift 2
    echo "=== $title ($(date -u +%T), limit ${limit}s)"
    local start=$SECONDS
    timeout --kill-after=5 "$limit" bash -c '"$@"' part "$@"
    echo "=== $title: exit $?, $((SECONDS - start)) s"
    pack
}

machine() {
    lscpu; echo; grep -m1 "model name" /proc/cpuinfo; grep -m1 flags /proc/cpuinfo | tr ' ' '\n' | grep -E "avx512(f|bw|vl)|avx2|fma" | tr '\n' ' '; echo
    uname -a; free -g; nvidia-smi -L 2>/dev/null
    "$recur" topology
}
probe() {
    local probe_binary="$bin/fma_probe_v3"
    grep -q avx512f /proc/cpuinfo && [ -x "$bin/fma_probe_v4" ] && probe_binary="$bin/fma_probe_v4"
    "$probe_binary" "$cores" 3 0.2
}
train() { # train CELL THREADS (in $work: a run cut short saves its checkpoint there)
    cd "$work" && "$recur" train --data "$data" --cell "$1" --threads "$2" --json --save "$work/train-$1-t$2.safetensors" \
        | tee "$work/train-$1-t$2.jsonl"
}
cells() {
    for cell in lstm gru; do
        "$recur" bench --cell "$cell" --threads "1,$cores" --batch-size 64 --steps 20 --warmup 3 --repeats 3 \
            --json "$work/bench-$cell.json" --csv "$work/bench-$cell.csv"
    done
}
mpi_setup() {
    if command -v mpirun >/dev/null && mpirun --version 2>&1 | grep -q "Open MPI"; then
        :
    elif compgen -G "$bin/debs/*.deb" >/dev/null; then
        rm -rf /tmp/ompi && mkdir -p /tmp/ompi
        for deb in "$bin"/debs/*.deb; do dpkg-deb -x "$deb" /tmp/ompi || return 1; done
        export OPAL_PREFIX=/tmp/ompi/usr PMIX_INSTALL_PREFIX=/tmp/ompi/usr
        export PATH=/tmp/ompi/usr/bin:$PATH
        export LD_LIBRARY_PATH=/tmp/ompi/usr/lib/x86_64-linux-gnu:/tmp/ompi/lib/x86_64-linux-gnu:/tmp/ompi/usr/lib/x86_64-linux-gnu/openmpi/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
        ln -sf orterun /tmp/ompi/usr/bin/mpirun
    else
        echo "no Open MPI here and none in $bin/debs"; return 1
    fi
    mpirun --version | head -1
}
mpi_sweep() {
    scripts/scaling.sh --recur "$recur" --out "$work" --name "$name-mpi" --processes 1,2,4 --mpi "$mpi_options"
}
mpi_identity() { # the same 300 steps as 1 x cores and as P x cores/P: checkpoint bytes must match
    "$recur" train --data "$data" --threads "$cores" --steps 300 --eval-limit 1000 --save "$work/identity-p1.safetensors" >/dev/null || return 1
    for p in 2 4; do
        # shellcheck disable=SC2086
        mpirun $mpi_options $root_option -np "$p" --map-by "slot:PE=$((cores / p))" --bind-to core \
            "$recur" train --data "$data" --threads "$((cores / p))" --steps 300 --eval-limit 1000 \
            --save "$work/identity-p$p.safetensors" >/dev/null || return 1
        if cmp "$work/identity-p1.safetensors" "$work/identity-p$p.safetensors"; then
            echo "$p ranks x $((cores / p)) threads: checkpoint bytes identical to 1 x $cores"
        else
            echo "$p ranks x $((cores / p)) threads: checkpoint bytes DIFFER from 1 x $cores"
        fi
    done
    rm -f "$work"/identity-*.safetensors
}
pytorch() { # pytorch DEVICE CELL BATCH [THREADS]
    PYTHONUNBUFFERED=1 python3 scripts/pytorch-mnist.py --data "$data" --device "$1" --cell "$2" --batch-size "$3" \
        ${4:+--threads "$4"} | tee "$work/pytorch-$1-$2-b$3.txt"
}

# Shared memory without the kernel's cross-memory attach, which sandboxed kernels may lack.
mpi_options="--mca btl_vader_single_copy_mechanism none"
[ "$(id -u)" -eq 0 ] && root_option=--allow-run-as-root || root_option=
export bin work recur data cores name mpi_options root_option
export -f machine probe train cells mpi_sweep mpi_identity pytorch

part machine 30 machine
part "FMA peak probe" 40 probe
# Three rounds of two repeats: every thread count measured across the same
# minutes (that VM's speed moved from one call to the next); each round
# probes the FMA peak again, about 2.5 s per configuration.
wanted sweep && part "scaling sweep (recur bench)" 210 scripts/scaling.sh --recur "$recur" --out "$work" --name "$name" \
    --repeats 2 --rounds 3
wanted train && part "2 epochs, rnn, $cores threads" 40 train rnn "$cores"
if has_gpu; then
    part "PyTorch GPU rnn batch 64" 60 pytorch cuda rnn 64
    part "PyTorch GPU rnn batch 256" 40 pytorch cuda rnn 256
fi
if wanted mpi && mpi_setup; then
    part "MPI processes x threads sweep" 120 mpi_sweep
    part "MPI bit identity" 60 mpi_identity
fi
wanted cells && part "cells bench" 60 cells
wanted train && part "2 epochs, lstm, $cores threads" 60 train lstm "$cores"
wanted train && part "2 epochs, gru, $cores threads" 60 train gru "$cores"
has_gpu && part "PyTorch GPU lstm batch 64" 40 pytorch cuda lstm 64
wanted cpu && part "PyTorch CPU rnn batch 64, $cores threads" 70 pytorch cpu rnn 64 "$cores"
rm -rf "$work"/*.safetensors "$work"/recur-checkpoints
pack
echo "=== done $(date -u +%T)"
