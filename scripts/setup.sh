#!/usr/bin/env bash
# Create the virtual environment, install hnn-netpyne with NEURON, NetPyNE
# and pip's MPICH, make nrniv find MPICH, and compile the mod files.
# Safe to run again: each step is skipped when already done.
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
    # torch first, alone: pip then takes the CPU-only 2.13.0 wheel and the
    # inference extra (sbi) finds its torch already there.
    "$PY" -m pip install --quiet 'torch==2.13.0'
    "$PY" -m pip install --quiet -e '.[test,sonata,batch,inference]'
    "$PY" -m hnn_netpyne.runtime.mpienv --install-pth
    touch "$stamp"
fi
echo "== compiling mechanisms for NEURON and for CoreNEURON (cached)"
"$PY" -c "from hnn_netpyne.runtime.mechanisms import compile_mechanisms as c; print(c()); print(c(coreneuron=True))"
