"""The ``hnn-netpyne`` command line.

    hnn-netpyne run [--np N] [options]   simulate and write a run folder
    hnn-netpyne plot RUN_FOLDER          redraw the figures of a finished run
    hnn-netpyne params FILE              validate (and show) a parameter file
    hnn-netpyne export-json OUTDIR       the model as NetPyNE JSON (for the GUI)
    hnn-netpyne export-sonata OUTDIR     the model as a SONATA circuit
    hnn-netpyne sweep FILE               a parameter sweep on Dask (grid, table, sample)

``sim/init.py`` takes the same run options, so
``mpiexec -n 4 nrniv -python -mpi sim/init.py --preset erp`` and
``hnn-netpyne run --np 4 --preset erp`` are the same run.
"""

import argparse
import json
import os
import sys
from pathlib import Path

from hnn_netpyne.errors import HNNNetpyneError

SIM_DIR = Path(__file__).resolve().parent / "sim"


def add_run_options(parser):
    """Options shared by ``hnn-netpyne run`` and ``sim/init.py``."""
    from hnn_netpyne.model.presets import PRESETS

    parser.add_argument("--preset", default="seed_bursty", choices=sorted(PRESETS),
                        help="drives and defaults of an hnn-core example (default: seed_bursty)")
    parser.add_argument("--params", dest="param_file", default=None,
                        help="HNN parameter file (.json or .param); default: the preset's")
    parser.add_argument("--model", default=None,
                        help="model variant: neymotin_2020 (= jones_2009), law_2021 or calcium")
    parser.add_argument("--tstop", type=float, default=None, help="simulation length (ms)")
    parser.add_argument("--dt", type=float, default=None, help="time step (ms)")
    parser.add_argument("--trials", dest="n_trials", type=int, default=None,
                        help="number of trials")
    parser.add_argument("--mesh", dest="mesh_shape", type=int, nargs=2, default=None,
                        metavar=("NX", "NY"), help="pyramidal grid shape")
    parser.add_argument("--output", dest="output_dir", default=None,
                        help="run folder (default: output/<preset>)")
    parser.add_argument("--record-vsoma", dest="record_soma_voltage", action="store_true",
                        help="record every cell's somatic potential")
    parser.add_argument("--coreneuron", action="store_true",
                        help="solve with CoreNEURON (same results, about half the time)")
    parser.add_argument("--threads", dest="n_threads", type=int, default=1,
                        help="threads per MPI process (same results; default 1)")
    parser.add_argument("--save-network", dest="save_network", action="store_true",
                        help="save the network (cells and connections) in netpyne_data.json")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace the contents of an existing run folder")
    parser.add_argument("--no-plots", dest="plots", action="store_false",
                        help="skip the PNG figures")
    parser.add_argument("--quiet", dest="progress", action="store_false",
                        help="no progress messages")
    return parser


def run_parser():
    """Parser of the run options alone (used by ``sim/cfg.py``)."""
    return add_run_options(argparse.ArgumentParser(add_help=False))


def config_options(args):
    """Keyword arguments of :func:`build_sim_config` from parsed run options."""
    output = args.output_dir or os.path.join("output", args.preset)
    return {"preset_name": args.preset, "param_file": args.param_file, "model": args.model,
            "tstop": args.tstop, "dt": args.dt, "n_trials": args.n_trials,
            "mesh_shape": args.mesh_shape, "output_dir": output,
            "record_soma_voltage": args.record_soma_voltage, "coreneuron": args.coreneuron,
            "n_threads": args.n_threads, "save_network": args.save_network}


def script_arguments(argv=None):
    """The arguments after the script name (skips ``nrniv -python -mpi``)."""
    argv = list(sys.argv if argv is None else argv)
    for i, arg in enumerate(argv):
        if arg.endswith(".py"):
            return argv[i + 1:]
    return argv[1:]


def options_from_argv(argv=None):
    """Run options found on the command line; unknown arguments are left alone."""
    args, _ = run_parser().parse_known_args(script_arguments(argv))
    return args


def _launch_mpi(n_procs, forwarded):
    """Run ``mpiexec -n N nrniv -python -mpi sim/init.py``, streaming its output.

    Only the processes this command started are stopped on Ctrl-C (their
    own session and its descendants); nothing is killed by name.
    """
    from hnn_netpyne.runtime.launcher import find_mpiexec, run_command

    nrniv = Path(sys.executable).parent / "nrniv"
    if not nrniv.exists():
        raise HNNNetpyneError(f"{nrniv} not found: run the README's set-up first")
    cmd = [find_mpiexec(), "-n", str(n_procs), str(nrniv), "-python", "-mpi",
           str(SIM_DIR / "init.py")] + forwarded
    print("Running: " + " ".join(cmd), flush=True)
    run_command(cmd)
    return 0


def _forwarded_run_args(argv):
    """The command-line arguments of ``run`` without ``--np N``."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--np":
            skip = True
        elif not arg.startswith("--np="):
            out.append(arg)
    return out


def cmd_run(args, raw_args):
    if args.np and args.np > 1:
        return _launch_mpi(args.np, _forwarded_run_args(raw_args))
    from hnn_netpyne.model.specs import build_net_params, build_sim_config
    from hnn_netpyne.runtime.job import run_job

    cfg = build_sim_config(**config_options(args))
    net_params = build_net_params(cfg)
    run_job(cfg, net_params, overwrite=args.overwrite, plots=args.plots, progress=args.progress)
    return 0


def cmd_plot(args, _raw):
    from hnn_netpyne.analysis.figures import redraw_run_figures

    for path in redraw_run_figures(args.folder):
        print(path)
    return 0


def cmd_params(args, _raw):
    from hnn_netpyne.model.params import read_params

    params = read_params(args.file)
    print(f"{args.file}: valid HNN parameter file ({len(params) - 1} parameters)")
    if args.show:
        print(json.dumps({k: v for k, v in params.items() if k != "_source"}, indent=1,
                         sort_keys=True))
    return 0


def _export_config(args):
    from hnn_netpyne.model.specs import build_sim_config

    return build_sim_config(**config_options(args))


def cmd_export_json(args, _raw):
    from hnn_netpyne.export.netpyne_json import export_netpyne_json

    for path in export_netpyne_json(_export_config(args), args.outdir, force=args.force):
        print(path)
    return 0


def cmd_export_sonata(args, _raw):
    from hnn_netpyne.export.sonata import export_sonata

    for path in export_sonata(_export_config(args), args.outdir, force=args.force):
        print(path)
    return 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="hnn-netpyne",
        description="The HNN neocortical column (Jones 2009) as a NetPyNE model.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = add_run_options(sub.add_parser("run", help="simulate and write a run folder"))
    run.add_argument("--np", type=int, default=1,
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
        export.add_argument("outdir", help="output folder (must be empty unless --force)")
        export.add_argument("--force", action="store_true",
                            help="write into a non-empty folder, replacing its files")
        export.set_defaults(func=func)
    _add_sweep_command(sub)
    return parser


def _add_sweep_command(sub):
    from hnn_netpyne.batch.sweep_file import add_sweep_arguments, cmd_sweep

    sweep = sub.add_parser("sweep", help="simulate every point of a grid, table or sample file")
    add_sweep_arguments(sweep).set_defaults(func=cmd_sweep)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    try:
        return args.func(args, argv[1:])
    except HNNNetpyneError as err:
        print(f"hnn-netpyne: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
