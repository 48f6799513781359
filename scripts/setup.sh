#!/usr/bin/env bash
# Create the virtual environment, install hnn-netpyne with NEURON, NetPyNE
# and pip's MPICH, make nrniv find MPICH, and compile the mod files.
# Safe to run again: each step is skipped when already done.
#   --gui        also the browser GUI's extra (Panel) and Playwright for its tests
#   --inference  also the inference extra (sbi, with the CPU-only torch 2.13.0)
# The main job (scripts/run.sh) takes neither.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${HNN_NETPYNE_VENV:-.venv}
PY="$VENV/bin/python"
stamp="$VENV/.hnn-netpyne-installed"
want_gui=false
want_inference=false
for arg in "$@"; do
    case "$arg" in
        --gui) want_gui=true ;;
        --inference) want_inference=true ;;
        *) echo "scripts/setup.sh: unknown option '$arg' (use --gui, --inference)" >&2; exit 2 ;;
    esac
done
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
if $want_inference && ! "$PY" -c "import sbi" 2>/dev/null; then
    echo "== installing the inference extra (sbi, CPU-only torch)"
    # torch first, alone: pip then takes the CPU-only 2.13.0 wheel, and sbi
    # finds its torch already there instead of fetching a CUDA build.
    "$PY" -m pip install --quiet 'torch==2.13.0'
    "$PY" -m pip install --quiet -e '.[inference]'
fi
if $want_gui && ! "$PY" -c "import panel, playwright" 2>/dev/null; then
    echo "== installing the GUI extra (Panel) and Playwright for its browser tests"
    "$PY" -m pip install --quiet -e '.[gui]' playwright
fi
echo "== compiling mechanisms for NEURON and for CoreNEURON (cached)"
"$PY" -c "from hnn_netpyne.runtime.mechanisms import compile_mechanisms as c; print(c()); print(c(coreneuron=True))"
