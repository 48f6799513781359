#!/usr/bin/env bash
# Create the virtual environment, install hnn-netpyne with NEURON, NetPyNE
# and pip's MPICH, make nrniv find MPICH, and compile the mod files.
# Safe to run again: each step is skipped when already done.
# With --gui, also the browser GUI's extra (pip install -e '.[gui]') and Playwright.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${HNN_NETPYNE_VENV:-.venv}
PY="$VENV/bin/python"
stamp="$VENV/.hnn-netpyne-installed"
if [ ! -x "$PY" ]; then
    echo "== creating virtual environment $VENV"
    python3 -m venv "$VENV"
fi
if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "== installing hnn-netpyne and its dependencies"
    "$PY" -m pip install --quiet --upgrade pip
    "$PY" -m pip install --quiet -e '.[test,sonata,batch]'
    "$PY" -m hnn_netpyne.runtime.mpienv --install-pth
    touch "$stamp"
fi
if [ "${1:-}" = "--gui" ] && ! "$PY" -c "import panel, playwright" 2>/dev/null; then
    echo "== installing the GUI extra (Panel) and Playwright for its browser tests"
    "$PY" -m pip install --quiet -e '.[gui]' playwright
fi
echo "== compiling mechanisms for NEURON and for CoreNEURON (cached)"
"$PY" -c "from hnn_netpyne.runtime.mechanisms import compile_mechanisms as c; print(c()); print(c(coreneuron=True))"
