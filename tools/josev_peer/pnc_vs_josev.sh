#!/usr/bin/env bash
# Our EV's DC Plug & Charge session against Josev's charger side, with Josev's own test PKI (create_certs.sh -v iso-2;
# needs openssl) turned into our wallet layout by josev_wallet.py: ISO 15118-2 over TLS 1.2, or with PROTO=iso15118-20
# over TLS 1.3 with our EV's client certificate (Josev's OEM chain; Josev requires it). Usage:
# [PROTO=iso15118-20] tools/josev_peer/pnc_vs_josev.sh [--install] [--deviation kind:at]   Prints our session record.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv-josev"
[[ -x "$VENV/bin/python" ]] || { echo "no $VENV: run tools/josev_peer/setup.sh" >&2; exit 3; }
WORK="$(mktemp -d /tmp/josev-pnc-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT  # the wallet holds decrypted test keys
cp -r "$VENV/lib/python3.11/site-packages/iso15118/shared/pki" "$WORK/pki"
(cd "$WORK/pki" && bash create_certs.sh -v iso-2 >/dev/null 2>&1) || { echo "create_certs.sh failed" >&2; exit 3; }
PYTHONPATH="$ROOT" python "$ROOT/tools/josev_peer/josev_wallet.py" "$WORK/pki" "$WORK/wallet"
PROTO="${PROTO:-iso15118-2}"
case "$PROTO" in
    iso15118-2) JOSEV=ISO_15118_2; TLS13=False ;;
    iso15118-20) JOSEV=ISO_15118_20_DC; TLS13=True ;;
    *) echo "unknown protocol $PROTO" >&2; exit 2 ;;
esac
export WORK VENV ROOT PROTO JOSEV TLS13
"$ROOT/tools/josev_peer/netns.sh" bash -c '
    cd "$WORK"
    printf "LOG_LEVEL=INFO\nMESSAGE_LOG_JSON=False\n" > .env
    NETWORK_INTERFACE=veth0 PROTOCOLS=$JOSEV AUTH_MODES=PNC ENABLE_TLS_1_3=$TLS13 PKI_PATH="$WORK/pki/" \
        "$VENV/bin/python" -c "from iso15118.secc.main import run; run()" > "$WORK/secc.log" 2>&1 &
    SECC=$!
    trap "kill $SECC 2>/dev/null; wait $SECC 2>/dev/null" EXIT
    sleep "${JOSEV_START_S:-4}"
    cd "$ROOT"
    PYTHONPATH="$ROOT" python "$ROOT/tools/josev_peer/ev_session.py" --protocol "$PROTO" --interface veth1 \
        --precharge-tolerance-v 100000 --tls-root "$WORK/wallet/v2g_root.pem" --pnc "$WORK/wallet" '"$*"'
    rc=$?
    [[ $rc == 0 ]] || grep -iE "error|fail|signature|certif" "$WORK/secc.log" | grep -v "^DEBUG" | tail -15 >&2
    exit $rc
'
