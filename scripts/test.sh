#!/usr/bin/env bash
# Set everything up, then run the test suite (slow tests are skipped unless
# asked for: scripts/test.sh -m slow). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VENV=${HNN_NETPYNE_VENV:-.venv}
if [ "$#" -eq 0 ]; then
    set -- -m "not slow"
fi
exec "$VENV/bin/python" -m pytest "$@"
