"""Run the HNN column: ``mpiexec -n 4 nrniv -python -mpi init.py [options]``.

Also works as ``python init.py`` and ``mpiexec -n 4 python init.py``; only
the latter can run whole trials per rank (``--distribute trials``, see
``hnn_netpyne.runtime.trials``), since its NEURON starts without MPI.
Options are those of ``hnn-netpyne run --help``, or ``--config FILE``: a
run configuration written by ``hnn_netpyne.runtime.launcher`` (how
``hnn-netpyne run --np N`` and ``MPIBackend`` start their runs). Every rank
exits by itself (status 0 only when the run folder and its figures are
written); an error on any rank ends all of them with a non-zero status. The
default run folder (``output/<preset>`` under the working directory) holds
the latest run: running again replaces an earlier complete run there
(docs/guide/run_folders.md).
"""

from pathlib import Path

from hnn_netpyne.runtime.options import options_from_argv, set_script_options
from hnn_netpyne.runtime.trials import start_mpi

options = set_script_options(options_from_argv())  # cfg.py builds its simConfig from them
start_mpi(options.distribute)

from hnn_netpyne.runtime.job import (  # noqa: E402
    draw_figures_apart,
    guarded,
    replaces_earlier_run,
    run_job,
)
from hnn_netpyne.runtime.launcher import read_config  # noqa: E402
from hnn_netpyne.runtime.spec_files import load_entry_specs  # noqa: E402

HERE = Path(__file__).resolve().parent


def main():
    if options.config is not None:
        # The launcher's --overwrite already says whether the folder may be replaced.
        cfg, net_params = read_config(options.config)
        overwrite = options.overwrite
    else:
        # Not sim.readCmdLineArgs: it would import any "netParams=x.py" on the command line.
        cfg, netParams = load_entry_specs(HERE)
        cfg, net_params = cfg.todict(), netParams.todict()
        overwrite = replaces_earlier_run(options)
    folder = run_job(cfg, net_params, overwrite=overwrite, plots=False,
                     progress=options.progress)
    # Figures after the results, in a fresh process, once MPI is done: see guarded.
    return (lambda: draw_figures_apart(folder)) if options.plots else None


guarded(main)
