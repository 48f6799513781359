#!/usr/bin/env bash
# Build the documentation into docs/_build/html, warnings as errors.
# Sets everything up (scripts/setup.sh), installs the docs extra, runs the
# examples short for the gallery (HNN_NETPYNE_DOCS_FULL=1: at their own
# lengths) and builds with Sphinx. Extra arguments go to sphinx-build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VENV=${HNN_NETPYNE_VENV:-.venv}
PY="$VENV/bin/python"
stamp="$VENV/.hnn-netpyne-docs-installed"
if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ]; then
    echo "== installing the documentation tools"
    "$PY" -m pip install --quiet -e '.[docs]'
    touch "$stamp"
fi
echo "== building the documentation into docs/_build/html"
rm -rf docs/auto_examples docs/generated docs/sg_execution_times.rst
exec nice -n 10 "$PY" -m sphinx -b html -W --keep-going -q docs docs/_build/html "$@"
