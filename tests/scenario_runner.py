"""Run one configured scenario into a run folder (started by the tests).

Usage: ``[mpiexec -n N] python scenario_runner.py CONFIG.json`` where the
JSON file holds a simConfig dictionary from ``build_sim_config`` (possibly
edited). The run folder is the config's ``outputDir``.
"""

import json
import sys

from hnn_netpyne.runtime.mpienv import init_mpi_if_launched

init_mpi_if_launched()

from hnn_netpyne.model.specs import build_net_params  # noqa: E402
from hnn_netpyne.runtime.job import guarded, run_job  # noqa: E402


def main():
    with open(sys.argv[-1]) as fid:
        cfg = json.load(fid)
    run_job(cfg, build_net_params(cfg), overwrite=True, plots=False, progress=False)


guarded(main)
