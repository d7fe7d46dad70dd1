#!/usr/bin/env bash
# Josev's EV side doing ISO 15118-2 DC Plug & Charge over TLS 1.2 with our simulated DC charger (sim/dc), both
# holding Josev's own test PKI (create_certs.sh -v iso-2; our charger's copy made by josev_wallet.py --lab).
# Usage: tools/josev_peer/josev_pnc_ev_vs_sim.sh [install] [--defect NAME]   Prints what our charger answered;
# exit 0 when our charger answered SessionStopReq with OK.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv-josev"
INSTALL=false
if [[ "${1:-}" == install ]]; then INSTALL=true; shift; fi
[[ -x "$VENV/bin/python" ]] || { echo "no $VENV: run tools/josev_peer/setup.sh" >&2; exit 3; }
WORK="$(mktemp -d /tmp/josev-pnc-ev-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT  # decrypted test keys
cp -r "$VENV/lib/python3.11/site-packages/iso15118/shared/pki" "$WORK/pki"
(cd "$WORK/pki" && bash create_certs.sh -v iso-2 >/dev/null 2>&1) || { echo "create_certs.sh failed" >&2; exit 3; }
PYTHONPATH="$ROOT" python "$ROOT/tools/josev_peer/josev_wallet.py" --lab "$WORK/pki" "$WORK/lab"
printf '{"supportedProtocols": ["ISO_15118_2"], "supportedEnergyServices": ["DC"], "energyTransferMode": "DC_extended",
 "isCertInstallNeeded": %s, "useTls": true, "enforceTls": true, "chargeLoopCycle": 10}\n' "$INSTALL" > "$WORK/evcc.json"
export WORK VENV ROOT
"$ROOT/tools/josev_peer/netns.sh" bash -c '
    cd "$ROOT"
    PYTHONPATH="$ROOT" python tools/josev_peer/secc_peer.py --interface veth0 --seconds 45 --pki-dir "$WORK/lab" '"$*"' \
        > "$WORK/secc.jsonl" 2>&1 &
    PEER=$!
    sleep 1.5
    cd "$WORK"
    printf "LOG_LEVEL=INFO\nMESSAGE_LOG_JSON=False\n" > .env
    NETWORK_INTERFACE=veth1 EVCC_CONFIG_PATH="$WORK/evcc.json" PKI_PATH="$WORK/pki/" \
        timeout 45 "$VENV/bin/python" -c "from iso15118.evcc.main import run; run()" > "$WORK/evcc.log" 2>&1 || true
    kill -TERM $PEER 2>/dev/null; wait $PEER 2>/dev/null || true
    cat "$WORK/secc.jsonl"
    grep -E "SessionStopRes|stop_state_machine|Error|error|Terminat|ignature" "$WORK/evcc.log" | tail -5
    grep -q "SessionStopReq\", \"code\": \"OK\"" "$WORK/secc.jsonl"
'
