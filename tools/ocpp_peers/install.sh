#!/usr/bin/env bash
# Install the OCPP charge-point peers the CSMS interop tests run against (idempotent):
#   em-ocpp-chargepoint-simulator (npm, OCPP 1.6J, scripted) -> tools/ocpp_peers/node_modules
#   test-ocpp (PyPI, 1.6 and 2.0.1 connection / security-profile checks) -> tools/ocpp_peers/.venv-test-ocpp
# test-ocpp gets its own venv: it pins websockets>=14 independently of the project's environment.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
if command -v npm >/dev/null 2>&1; then
  if [ ! -f node_modules/em-ocpp-chargepoint-simulator/build/src/main.js ]; then
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  fi
else
  echo "ocpp_peers: npm not found; em-ocpp-chargepoint-simulator not installed" >&2
fi
if [ ! -x .venv-test-ocpp/bin/test-ocpp ]; then
  python3 -m venv .venv-test-ocpp
  .venv-test-ocpp/bin/pip install --quiet --disable-pip-version-check "test-ocpp==1.0.0"
fi
echo "ocpp_peers: installed in $HERE"
