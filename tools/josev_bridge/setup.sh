#!/usr/bin/env bash
# Prepare the Java reference EXI codec (Josev's EXICodec.jar, i.e. EXIficient 0.9.6) for the interop tests
# and the benchmark.
#
# Why a separate venv: Josev 0.31.2 pins pydantic==1.10.21 and cryptography==44.0.0 exactly, which clash with
# the project's pydantic v2, so it lives in .venv-josev at the repository root and is only ever reached as a
# subprocess (tools/josev_bridge/bridge.py). The project's own environment is never touched.
#
# Idempotent and quick when warm: a stamp file records what was installed; nothing is fetched again
# while it matches. Run as root on Debian 12 (CI) to get a JRE installed when `java` is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv-josev"
PY="${PYTHON:-python3}"
# aiofile and py4j: imported by Josev but aiofile is not declared; xmlschema: make_corpus.py reads the XSDs.
PKGS=(iso15118==0.31.2 "aiofile>=3.8,<4" "py4j>=0.10.9,<0.11" "xmlschema>=3,<5")
STAMP="$VENV/.chargebench-stamp"
WANT="${PKGS[*]}"

log() { echo "josev_bridge/setup.sh: $*" >&2; }

if ! command -v java >/dev/null 2>&1; then
    log "java not found: installing default-jre-headless"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null
fi

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" && -x "$VENV/bin/python" ]]; then
    log "up to date ($VENV)"
    exit 0
fi

if [[ ! -x "$VENV/bin/python" ]]; then
    if ! "$PY" -m venv "$VENV" 2>/dev/null; then
        # Debian's system python needs python3-venv for ensurepip.
        log "python -m venv failed: installing python3-venv"
        rm -rf "$VENV"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
        "$PY" -m venv "$VENV"
    fi
fi

"$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PKGS[@]}"
# Fail here, not in the tests, when the jar or its Python side is unusable.
"$VENV/bin/python" -c "import aiofile, py4j, xmlschema; from iso15118.shared.settings import JAR_FILE_PATH; \
import os; assert os.path.isfile(JAR_FILE_PATH), JAR_FILE_PATH"
echo "$WANT" > "$STAMP"
log "ready ($VENV)"
