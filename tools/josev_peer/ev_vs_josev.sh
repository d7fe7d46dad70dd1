#!/usr/bin/env bash
# Our EV side against Josev's charger side (iso15118 0.31.2 in .venv-josev), inside a private network
# namespace. Usage: tools/josev_peer/ev_vs_josev.sh din70121|iso15118-2 [--deviation kind:at[:send]]
# Prints our session record (JSON); exit 0 when the session completed (or the deviation was answered).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv-josev"
PROTO="${1:-din70121}"; shift || true
case "$PROTO" in
    din70121) JOSEV=DIN_SPEC_70121 ;;
    iso15118-2) JOSEV=ISO_15118_2 ;;
    iso15118-20) JOSEV=ISO_15118_20_DC ;;
    *) echo "unknown protocol $PROTO" >&2; exit 2 ;;
esac
[[ -x "$VENV/bin/python" ]] || { echo "no $VENV: run tools/josev_peer/setup.sh" >&2; exit 3; }
WORK="$(mktemp -d /tmp/josev-peer-XXXXXX)"
export WORK PROTO JOSEV VENV ROOT
exec "$ROOT/tools/josev_peer/netns.sh" bash -c '
    cd "$WORK"
    printf "LOG_LEVEL=INFO\nMESSAGE_LOG_JSON=False\n" > .env
    NETWORK_INTERFACE=veth0 PROTOCOLS=$JOSEV AUTH_MODES=EIM PKI_PATH="$WORK/pki/" \
        "$VENV/bin/python" -c "from iso15118.secc.main import run; run()" > "$WORK/secc.log" 2>&1 &
    SECC=$!
    trap "kill $SECC 2>/dev/null; wait $SECC 2>/dev/null" EXIT
    sleep "${JOSEV_START_S:-4}"
    cd "$ROOT"
    python "$ROOT/tools/josev_peer/ev_session.py" --protocol "$PROTO" --interface veth1 --precharge-tolerance-v 100000 '"$*"'
    rc=$?
    [[ $rc == 0 ]] || tail -20 "$WORK/secc.log" >&2
    exit $rc
'
