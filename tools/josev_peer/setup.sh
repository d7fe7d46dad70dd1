#!/usr/bin/env bash
# Install Josev (PyPI iso15118 0.31.2, Apache-2.0) as a real SECC/EVCC peer. It reuses the venv of
# tools/josev_bridge/setup.sh (.venv-josev: iso15118==0.31.2 plus the undeclared aiofile, and a JRE for its
# EXI codec), which is exactly what the peer needs; nothing else is installed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$ROOT/tools/josev_bridge/setup.sh"
command -v unshare >/dev/null || { echo "josev_peer/setup.sh: unshare (util-linux) is missing" >&2; exit 1; }
command -v ip >/dev/null || { echo "josev_peer/setup.sh: ip (iproute2) is missing" >&2; exit 1; }
echo "josev_peer/setup.sh: ready (.venv-josev; run tools/josev_peer/ev_vs_josev.sh or josev_ev_vs_sim.sh)" >&2
