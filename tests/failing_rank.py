"""Run the main job with one rank made to fail mid-run (started by the tests).

Usage: ``mpiexec -n 2 nrniv -python -mpi failing_rank.py raise|kill OUTDIR``.
When it reduces the dipoles, rank 1 either raises, as a crash inside a real
run would, or is killed outright (SIGKILL), as when a node dies.
"""

import os
import signal
import sys

from hnn_netpyne.runtime import run
from hnn_netpyne.runtime.job import guarded, run_job
from hnn_netpyne.model.specs import build_net_params, build_sim_config

_reduce = run._layer_dipoles


def _failing_on_rank_1(sim, n_samples):
    if sim.rank == 1:
        if sys.argv[-2] == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        raise RuntimeError("injected failure on rank 1")
    return _reduce(sim, n_samples)


run._layer_dipoles = _failing_on_rank_1


def main():
    cfg = build_sim_config("seed_bursty", tstop=20.0, mesh_shape=(3, 3), output_dir=sys.argv[-1])
    run_job(cfg, build_net_params(cfg), plots=False, progress=False)


guarded(main)
