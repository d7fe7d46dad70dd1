#!/usr/bin/env bash
# Josev's EV side (iso15118 0.31.2 in .venv-josev) charging from our simulated DC charger (sim/dc), inside a
# private network namespace. Usage: tools/josev_peer/josev_ev_vs_sim.sh din70121|iso15118-2|iso15118-20 [SECONDS]
# Prints what our charger answered (JSON lines) and Josev's verdict; exit 0 when Josev's EV received
# SessionStopRes and our charger answered SessionStopReq with OK.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv-josev"
PROTO="${1:-din70121}"
SECONDS_RUN="${2:-40}"
case "$PROTO" in
    din70121) CFG='{"supportedProtocols": ["DIN_SPEC_70121"], "energyTransferMode": "DC_extended",
                    "isCertInstallNeeded": false, "useTls": false, "chargeLoopCycle": 10}' ;;
    iso15118-2) CFG='{"supportedProtocols": ["ISO_15118_2"], "supportedEnergyServices": ["DC"],
                      "energyTransferMode": "DC_extended", "isCertInstallNeeded": false, "useTls": false,
                      "chargeLoopCycle": 10}' ;;
    iso15118-20) CFG='{"supportedProtocols": ["ISO_15118_20_DC"], "supportedEnergyServices": ["DC"],
                       "isCertInstallNeeded": false, "useTls": false}' ;;
    *) echo "unknown protocol $PROTO" >&2; exit 2 ;;
esac
[[ -x "$VENV/bin/python" ]] || { echo "no $VENV: run tools/josev_peer/setup.sh" >&2; exit 3; }
WORK="$(mktemp -d /tmp/josev-ev-XXXXXX)"
echo "$CFG" > "$WORK/evcc.json"
if [[ "$PROTO" == iso15118-20 ]]; then
    # Josev's -20 EVCC reads contract certificates even for EIM (reference/iso15118.md 1.5 item 4): make its own
    # test PKI with its own script (needs openssl; key password 12345)
    cp -r "$VENV/lib/python3.11/site-packages/iso15118/shared/pki" "$WORK/pki"
    (cd "$WORK/pki" && bash create_certs.sh -v iso-2 >/dev/null 2>&1 && bash create_certs.sh -v iso-20 >/dev/null 2>&1) \
        || { echo "josev_ev_vs_sim.sh: Josev's create_certs.sh failed" >&2; exit 3; }
fi
export WORK VENV ROOT SECONDS_RUN
exec "$ROOT/tools/josev_peer/netns.sh" bash -c '
    cd "$ROOT"
    python tools/josev_peer/secc_peer.py --interface veth0 --seconds "$SECONDS_RUN" > "$WORK/secc.jsonl" 2>&1 &
    PEER=$!
    sleep 1.5
    cd "$WORK"
    printf "LOG_LEVEL=INFO\nMESSAGE_LOG_JSON=False\n" > .env
    NETWORK_INTERFACE=veth1 EVCC_CONFIG_PATH="$WORK/evcc.json" PKI_PATH="$WORK/pki/" \
        timeout "$SECONDS_RUN" "$VENV/bin/python" -c "from iso15118.evcc.main import run; run()" > "$WORK/evcc.log" 2>&1 || true
    kill -TERM $PEER 2>/dev/null; wait $PEER 2>/dev/null || true
    cat "$WORK/secc.jsonl"
    grep -E "SessionStopRes|stop_state_machine|Error|error|Terminat" "$WORK/evcc.log" | tail -5
    grep -q "SessionStopReq\", \"code\": \"OK\"" "$WORK/secc.jsonl"
'
