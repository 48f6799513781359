#!/usr/bin/env bash
# Set everything up, then run the main job: the seed scenario (hnn-core's MPI
# example) on 2 MPI processes, writing output/seed_bursty (dipoles, spikes,
# figures); running it again replaces that earlier run (docs/guide/run_folders.md).
# Extra arguments are run options (see: hnn-netpyne run --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VENV=$(cd "${HNN_NETPYNE_VENV:-.venv}" && pwd)
NP=${NP:-2}
exec "$VENV/bin/mpiexec" -n "$NP" "$VENV/bin/nrniv" -python -mpi sim/init.py \
    --preset seed_bursty "$@"
