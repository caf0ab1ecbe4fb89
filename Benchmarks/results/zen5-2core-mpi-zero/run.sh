#!/bin/bash
# usage: run.sh BINARY LABEL
set -u
BIN=$1; L=$2; O=/tmp/meas/$L; mkdir -p $O
A="--batch-size 64 --steps 20 --warmup 5 --repeats 5"
log() { echo "$(date -u +%H:%M:%S) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> $O/load.log; }
log start-single
nice -n 19 $BIN bench --threads 1,2 $A --json $O/single.json > $O/single.txt 2>&1
log start-shm
nice -n 19 mpirun --allow-run-as-root --oversubscribe -np 2 --bind-to core $BIN bench --threads 1 $A --json $O/p2-shm.json > $O/p2-shm.txt 2>&1
log start-tcp
nice -n 19 mpirun --allow-run-as-root --oversubscribe -np 2 --bind-to core --mca btl tcp,self $BIN bench --threads 1 $A --json $O/p2-tcp.json > $O/p2-tcp.txt 2>&1
log end
