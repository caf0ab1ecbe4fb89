#!/usr/bin/env bash
# Runs `recur ARGS` as 2 MPI ranks with rank 1 in a network namespace of its
# own, joined to this one by a veth pair, so the exchange between the ranks
# really crosses a network interface (Open MPI's TCP transport, bound to the
# pair's addresses) instead of shared memory or loopback. Prints the bytes
# the interface carried each way. Needs root, iproute2 and Open MPI.
# Usage: scripts/mpi-netns.sh [--recur BIN] [--mpi "MORE MPIRUN OPTIONS"] ARGS...
# e.g.   scripts/mpi-netns.sh train --steps 20 --data mnist --save model.safetensors
set -euo pipefail
cd "$(dirname "$0")/.."
recur=".build/release/recur"
mpi_options=""
while [ $# -gt 0 ]; do
    case "$1" in
        --recur) recur="$2"; shift 2 ;;
        --mpi) mpi_options="$2"; shift 2 ;;
        *) break ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "error: network namespaces need root" >&2; exit 1; }
command -v ip >/dev/null || { echo "error: needs ip (apt-get install iproute2)" >&2; exit 1; }
command -v mpirun >/dev/null || { echo "error: needs mpirun (apt-get install openmpi-bin libopenmpi-dev)" >&2; exit 1; }
[ -x "$recur" ] || { echo "error: no recur at $recur (swift build -c release, or --recur BIN)" >&2; exit 1; }
recur=$(cd "$(dirname "$recur")" && pwd)/$(basename "$recur")

# Names and a /24 unique to this run, so concurrent runs do not collide.
id=$$
namespace="recur-$id"
outside="rca$((id % 100000))"
inside="rcb$((id % 100000))"
subnet="10.$((200 + id % 50)).$((id / 50 % 250)).0/24"
prefix=${subnet%.0/24}
work=$(mktemp -d)
cleanup() {
    ip link del "$outside" 2>/dev/null || true
    ip netns del "$namespace" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$namespace"
ip link add "$outside" type veth peer name "$inside"
ip link set "$inside" netns "$namespace"
ip addr add "$prefix.1/24" dev "$outside"
ip link set "$outside" up
ip netns exec "$namespace" ip addr add "$prefix.2/24" dev "$inside"
ip netns exec "$namespace" ip link set "$inside" up
ip netns exec "$namespace" ip link set lo up

# mpirun starts the second "host"'s daemon through this agent, inside the namespace.
cat > "$work/agent" <<AGENT
#!/bin/sh
host="\$1"; shift
exec ip netns exec "\$host" /bin/sh -c "\$*"
AGENT
chmod +x "$work/agent"

statistics=/sys/class/net/$outside/statistics
sent_before=$(cat "$statistics/tx_bytes"); received_before=$(cat "$statistics/rx_bytes")
status=0
# shellcheck disable=SC2086
mpirun --allow-run-as-root --host "localhost:1,$namespace:1" -np 2 \
    --mca plm_rsh_agent "$work/agent" --mca btl tcp,self \
    --mca btl_tcp_if_include "$subnet" --mca oob_tcp_if_include "$subnet" $mpi_options \
    "$recur" "$@" || status=$?
echo "veth: $(( $(cat "$statistics/tx_bytes") - sent_before )) bytes to rank 1's namespace, $(( $(cat "$statistics/rx_bytes") - received_before )) back" >&2
exit $status
