"""Run the HNN column: ``mpiexec -n 4 nrniv -python -mpi init.py [options]``.

Also works as ``python init.py`` and ``mpiexec -n 4 python init.py``.
Options are those of ``hnn-netpyne run --help``. Every rank exits by itself;
an error on any rank ends all of them with a non-zero status.
"""

from pathlib import Path

from hnn_netpyne.runtime.mpienv import init_mpi_if_launched

init_mpi_if_launched()

from hnn_netpyne.cli import options_from_argv  # noqa: E402
from hnn_netpyne.runtime.job import guarded, run_job  # noqa: E402
from hnn_netpyne.runtime.spec_files import load_entry_specs  # noqa: E402

HERE = Path(__file__).resolve().parent
options = options_from_argv()


def main():
    # Not sim.readCmdLineArgs: it would import any "netParams=x.py" on the command line.
    cfg, netParams = load_entry_specs(HERE)
    run_job(cfg.todict(), netParams.todict(), overwrite=options.overwrite,
            plots=options.plots, progress=options.progress)


guarded(main)
