"""Run the HNN column: ``mpiexec -n 4 nrniv -python -mpi init.py [options]``.

Also works as ``python init.py`` and ``mpiexec -n 4 python init.py``.
Options are those of ``hnn-netpyne run --help``. Every rank exits by itself;
an error on any rank ends all of them with a non-zero status.
"""

from pathlib import Path

from hnn_netpyne.runtime.mpienv import init_mpi_if_launched

init_mpi_if_launched()

from netpyne import sim  # noqa: E402 -- after MPI start-up

from hnn_netpyne.cli import options_from_argv  # noqa: E402
from hnn_netpyne.runtime.job import guarded, run_job  # noqa: E402

HERE = Path(__file__).resolve().parent
options = options_from_argv()


def main():
    cfg, netParams = sim.readCmdLineArgs(
        simConfigDefault=str(HERE / "cfg.py"), netParamsDefault=str(HERE / "netParams.py")
    )
    run_job(cfg.todict(), netParams.todict(), overwrite=options.overwrite,
            plots=options.plots, progress=options.progress)


guarded(main)
