#!/usr/bin/env bash
# Set everything up, then run the test suite (slow tests are skipped unless
# asked for: scripts/test.sh -m slow). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VENV=${HNN_NETPYNE_VENV:-.venv}
if [ "$#" -eq 0 ]; then
    set -- -m "not slow and not gui"
fi
wants_gui=false
for arg in "$@"; do
    case "$arg" in gui|*test_gui_*) wants_gui=true ;; esac
done
if $wants_gui; then  # the GUI tests: its extra, Playwright and Debian's Chromium
        bash scripts/setup.sh --gui
        if [ ! -x /usr/bin/chromium ]; then
            if [ "$(id -u)" -eq 0 ]; then
                apt-get update && apt-get install -y chromium
            else
                echo "scripts/test.sh: the gui tests need /usr/bin/chromium (apt-get install chromium)" >&2
            fi
        fi
fi
exec "$VENV/bin/python" -m pytest "$@"
