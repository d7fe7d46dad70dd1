#!/usr/bin/env bash
# Install the OCPP charge-point peers the CSMS interop tests (tests/ocpp/test_interop_peers.py) run against.
# Idempotent; called by .ci/run.
#   em-ocpp-chargepoint-simulator 0.0.4 (npm, OCPP 1.6J, scripted) -> tools/ocpp_peers/node_modules (pinned in
#     package.json / package-lock.json, installed with --ignore-scripts)
#   test-ocpp 1.0.0 (PyPI, OCPP 1.6 / 2.0.1 boot, heartbeat and security profiles 1-3) -> its own venv
#     tools/ocpp_peers/.venv-test-ocpp (its websockets>=14 does not clash with ours, so where no venv can be
#     made it goes into the current environment instead)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"

# A peer that cannot be installed makes its tests skip (with the reason); it does not fail the whole CI run.
install_em() {
  if ! command -v npm >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  command -v npm >/dev/null 2>&1 || { echo "npm not available"; return 1; }
  if [ ! -f node_modules/em-ocpp-chargepoint-simulator/build/src/main.js ]; then
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  fi
  echo "ocpp_peers: em-ocpp-chargepoint-simulator" \
    "$(node -p "require('./node_modules/em-ocpp-chargepoint-simulator/package.json').version")"
}

install_test_ocpp() {
  if [ -x .venv-test-ocpp/bin/test-ocpp ] || command -v test-ocpp >/dev/null 2>&1; then
    echo "ocpp_peers: test-ocpp already installed"
    return 0
  fi
  if python3 -m venv .venv-test-ocpp >/dev/null 2>&1; then
    .venv-test-ocpp/bin/pip install --quiet --disable-pip-version-check "test-ocpp==1.0.0"
  else
    rm -rf .venv-test-ocpp
    python3 -m pip install --quiet --disable-pip-version-check "test-ocpp==1.0.0"
  fi
  echo "ocpp_peers: test-ocpp 1.0.0"
}

install_em || echo "ocpp_peers: em-ocpp-chargepoint-simulator NOT installed (its interop tests will skip)" >&2
install_test_ocpp || echo "ocpp_peers: test-ocpp NOT installed (its interop tests will skip)" >&2
