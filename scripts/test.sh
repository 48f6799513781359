#!/usr/bin/env bash
# Set everything up (with the GUI and inference extras the tests need, and
# Debian's Chromium for the browser tests), then run the test suite. Slow
# tests are skipped unless asked for: scripts/test.sh -m slow. Extra
# arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --gui --inference
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "== installing Debian's chromium for the browser tests"
        apt-get update -qq && apt-get install -y -qq chromium > /dev/null
    else
        echo "scripts/test.sh: the browser tests need /usr/bin/chromium (sudo apt-get install chromium)" >&2
    fi
fi
VENV=${HNN_NETPYNE_VENV:-.venv}
if [ "$#" -eq 0 ]; then
    set -- -m "not slow"
fi
exec "$VENV/bin/python" -m pytest "$@"
