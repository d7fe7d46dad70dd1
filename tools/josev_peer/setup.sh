#!/usr/bin/env bash
# Install Josev (PyPI iso15118 0.31.2, Apache-2.0) as a real SECC/EVCC peer. It reuses the venv of
# tools/josev_bridge/setup.sh (.venv-josev: iso15118==0.31.2 plus the undeclared aiofile, and a JRE for its
# EXI codec), which is exactly what the peer needs; nothing else is installed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Never fails the CI run: a missing piece only makes the interop tests skip with the reason.
bash "$ROOT/tools/josev_bridge/setup.sh" || echo "josev_peer/setup.sh: josev_bridge/setup.sh failed" >&2
if ! command -v ip >/dev/null && [[ "$(id -u)" == "0" ]]; then
    echo "josev_peer/setup.sh: installing iproute2 (ip) for the veth pair" >&2
    (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq iproute2 >/dev/null) || true
fi
for tool in unshare ip openssl java; do
    command -v "$tool" >/dev/null || echo "josev_peer/setup.sh: $tool is missing; the Josev interop tests will skip" >&2
done
echo "josev_peer/setup.sh: done (.venv-josev; tools/josev_peer/ev_vs_josev.sh, josev_ev_vs_sim.sh)" >&2
exit 0
