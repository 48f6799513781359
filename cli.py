"""The ``hnn-netpyne`` command line.

    hnn-netpyne run [--np N] [options]   simulate and write a run folder
    hnn-netpyne plot RUN_FOLDER          redraw the figures of a finished run
    hnn-netpyne params FILE              validate (and show) a parameter file
    hnn-netpyne export-json OUTDIR       the model as NetPyNE JSON (for the GUI)
    hnn-netpyne export-sonata OUTDIR     the model as a SONATA circuit
    hnn-netpyne sweep FILE               a parameter sweep on Dask (grid, table, sample)
    hnn-netpyne gui                      the browser GUI (extra [gui])
    hnn-netpyne infer train SPEC         simulation-based inference: train a posterior
    hnn-netpyne infer sample DIR DATA    sample it for a dipole file

``sim/init.py`` takes the same run options, so
``mpiexec -n 4 nrniv -python -mpi sim/init.py --preset erp`` and
``hnn-netpyne run --np 4 --preset erp`` are the same run.
"""

import argparse
import json
import sys

from hnn_netpyne.errors import HNNNetpyneError
from hnn_netpyne.runtime.entry_config import sim_config
from hnn_netpyne.runtime.options import add_run_options, n_procs_argument


def cmd_run(args):
    """Simulate: here for one process, else through ``sim/init.py`` under mpiexec."""
    from hnn_netpyne.runtime.job import replaces_earlier_run

    cfg = sim_config(args)
    overwrite = replaces_earlier_run(args)
    if args.np > 1:
        from hnn_netpyne.runtime.launcher import run_config

        run_config(cfg, n_procs=args.np, overwrite=overwrite, plots=args.plots,
                   progress=args.progress, rank_timeout=args.rank_timeout)
        return 0
    from hnn_netpyne.model.specs import build_net_params
    from hnn_netpyne.runtime.job import run_from_command_line

    run_from_command_line(cfg, build_net_params(cfg), overwrite, args.plots, args.progress)
    return 0


def cmd_plot(args):
    """Redraw the figures of a finished run folder."""
    from hnn_netpyne.analysis.figures import redraw_run_figures

    for path in redraw_run_figures(args.folder):
        print(path)
    return 0


def cmd_params(args):
    """Validate a parameter file as a run of it does, and say how many parameters it has.

    The file's values, and the network and run it describes (``--preset
    params``: its own drives, grid, tstop, dt and trials), pass the checks
    every run passes before it is built.
    """
    from hnn_netpyne.errors import ParameterError
    from hnn_netpyne.model.params import read_params
    from hnn_netpyne.model.specs import build_net_params, build_sim_config

    params = read_params(args.file)
    try:
        build_net_params(build_sim_config("params", param_file=args.file))
    except ParameterError as err:  # the file's network or run: name the file
        if err.source is not None:
            raise
        raise ParameterError(str(err), source=args.file) from None
    print(f"{args.file}: valid HNN parameter file ({len(params) - 1} parameters)")
    if args.show:
        print(json.dumps({k: v for k, v in params.items() if k != "_source"}, indent=1,
                         sort_keys=True))
    return 0


def cmd_export_json(args):
    """Write the configured model as NetPyNE JSON."""
    from hnn_netpyne.export.netpyne_json import export_netpyne_json

    for path in export_netpyne_json(sim_config(args), args.outdir,
                                    overwrite=args.overwrite):
        print(path)
    return 0


def cmd_export_sonata(args):
    """Write the configured model as a SONATA circuit."""
    from hnn_netpyne.export.sonata import export_sonata

    for path in export_sonata(sim_config(args), args.outdir, overwrite=args.overwrite):
        print(path)
    return 0


def build_parser():
    """The parser of every sub-command."""
    parser = argparse.ArgumentParser(
        prog="hnn-netpyne",
        description="The HNN neocortical column (Jones 2009) as a NetPyNE model.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = add_run_options(sub.add_parser("run", help="simulate and write a run folder"))
    run.add_argument("--np", type=n_procs_argument, default=1,
                     help="number of MPI processes (starts mpiexec itself)")
    run.set_defaults(func=cmd_run)
    plot = sub.add_parser("plot", help="redraw the figures of a finished run folder")
    plot.add_argument("folder")
    plot.set_defaults(func=cmd_plot)
    params = sub.add_parser("params", help="validate a parameter file")
    params.add_argument("file")
    params.add_argument("--show", action="store_true", help="print every parameter")
    params.set_defaults(func=cmd_params)
    for name, func, what in (("export-json", cmd_export_json, "NetPyNE JSON (netParams + simConfig)"),
                             ("export-sonata", cmd_export_sonata, "a SONATA circuit")):
        export = add_run_options(sub.add_parser(name, help=f"write the model as {what}"))
        export.add_argument("outdir", help="output folder (must be empty unless --overwrite)")
        export.set_defaults(func=func)
    _add_sweep_command(sub)
    _add_gui_command(sub)
    _add_infer_command(sub)
    return parser


def _add_gui_command(sub):
    from hnn_netpyne.gui.server import add_gui_arguments, cmd_gui

    gui = sub.add_parser("gui", help="serve the browser GUI on 127.0.0.1 (extra [gui])")
    add_gui_arguments(gui).set_defaults(func=cmd_gui)


def _add_sweep_command(sub):
    from hnn_netpyne.batch.sweep_file import add_sweep_arguments, cmd_sweep

    sweep = sub.add_parser("sweep", help="simulate every point of a grid, table or sample file")
    add_sweep_arguments(sweep).set_defaults(func=cmd_sweep)


def _add_infer_command(sub):
    from hnn_netpyne.inference.infer_file import add_infer_arguments

    add_infer_arguments(sub.add_parser(
        "infer", help="simulation-based inference: train a posterior, sample it for data"))


def main(argv=None):
    """Run the command ``argv`` (default: this process's); its exit status."""
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except HNNNetpyneError as err:
        print(f"hnn-netpyne: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
