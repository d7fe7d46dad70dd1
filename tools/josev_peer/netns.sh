#!/usr/bin/env bash
# Run a command inside a private network namespace with a veth pair carrying IPv6 link-local addresses:
# veth0 = fe80::1 (charger side), veth1 = fe80::2 (EV side). Nothing outside the namespace can reach it.
# Usage: tools/josev_peer/netns.sh COMMAND...   (re-executes itself under `unshare -rn` when needed;
# root or CAP_NET_ADMIN works without user namespaces)
set -euo pipefail
if [[ "${CHARGEBENCH_NETNS:-}" != "1" ]]; then
    export CHARGEBENCH_NETNS=1
    if [[ "$(id -u)" == "0" ]]; then exec unshare -n "$0" "$@"; else exec unshare -rn "$0" "$@"; fi
fi
ip link set lo up
ip link add veth0 type veth peer name veth1
ip -6 addr add fe80::1/64 dev veth0 nodad
ip -6 addr add fe80::2/64 dev veth1 nodad
ip link set veth0 up
ip link set veth1 up
exec "$@"
