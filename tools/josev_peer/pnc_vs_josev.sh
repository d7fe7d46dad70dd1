#!/usr/bin/env bash
# Our EV's ISO 15118-2 DC Plug & Charge session over TLS 1.2 against Josev's charger side, with Josev's own test PKI
# (create_certs.sh -v iso-2; needs openssl) turned into our wallet layout by josev_wallet.py. Usage:
# tools/josev_peer/pnc_vs_josev.sh [--install] [--deviation kind:at]   Prints our session record (JSON).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv-josev"
[[ -x "$VENV/bin/python" ]] || { echo "no $VENV: run tools/josev_peer/setup.sh" >&2; exit 3; }
WORK="$(mktemp -d /tmp/josev-pnc-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT  # the wallet holds decrypted test keys
cp -r "$VENV/lib/python3.11/site-packages/iso15118/shared/pki" "$WORK/pki"
(cd "$WORK/pki" && bash create_certs.sh -v iso-2 >/dev/null 2>&1) || { echo "create_certs.sh failed" >&2; exit 3; }
PYTHONPATH="$ROOT" python "$ROOT/tools/josev_peer/josev_wallet.py" "$WORK/pki" "$WORK/wallet"
export WORK VENV ROOT
"$ROOT/tools/josev_peer/netns.sh" bash -c '
    cd "$WORK"
    printf "LOG_LEVEL=INFO\nMESSAGE_LOG_JSON=False\n" > .env
    NETWORK_INTERFACE=veth0 PROTOCOLS=ISO_15118_2 AUTH_MODES=PNC PKI_PATH="$WORK/pki/" \
        "$VENV/bin/python" -c "from iso15118.secc.main import run; run()" > "$WORK/secc.log" 2>&1 &
    SECC=$!
    trap "kill $SECC 2>/dev/null; wait $SECC 2>/dev/null" EXIT
    sleep "${JOSEV_START_S:-4}"
    cd "$ROOT"
    PYTHONPATH="$ROOT" python "$ROOT/tools/josev_peer/ev_session.py" --protocol iso15118-2 --interface veth1 \
        --precharge-tolerance-v 100000 --tls-root "$WORK/wallet/v2g_root.pem" --pnc "$WORK/wallet" '"$*"'
    rc=$?
    [[ $rc == 0 ]] || grep -iE "error|fail|signature|certif" "$WORK/secc.log" | grep -v "^DEBUG" | tail -15 >&2
    exit $rc
'
