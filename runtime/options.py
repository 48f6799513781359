"""Run options: one parser for ``hnn-netpyne run`` and ``sim/init.py``.

``sim/init.py`` (the one script that ``nrniv`` runs) parses its command
line here and records the result with :func:`set_script_options`;
``sim/cfg.py`` builds its simConfig from :func:`script_options`, which
are the defaults when no script recorded any (a GUI or a notebook that
imports ``cfg.py`` never has its own ``sys.argv`` parsed).
"""

import argparse
import os
import sys
from pathlib import Path

from hnn_netpyne.checks import check_range
from hnn_netpyne.model.solver import DISTRIBUTIONS, SOLVERS

SIM_DIR = Path(__file__).resolve().parent.parent / "sim"
"""NetPyNE's entry points (``init.py``, ``cfg.py``, ``netParams.py``)."""
MAX_PROCESSES = 100_000
"""Most MPI processes a run may ask for."""

_script_options = None


def check_n_procs(n_procs):
    """``n_procs`` as an int from 1 to :data:`MAX_PROCESSES`, or a ParameterError."""
    return check_range("n_procs", n_procs, 1, MAX_PROCESSES, integer=True)


def n_procs_argument(text):
    """argparse type of ``--np``: a whole number of processes in range."""
    try:
        return check_n_procs(int(text))
    except ValueError as err:  # ParameterError is a ValueError too
        raise argparse.ArgumentTypeError(str(err)) from None


def add_run_options(parser):
    """Add the run options (shared by ``hnn-netpyne run`` and ``sim/init.py``) to ``parser``."""
    from hnn_netpyne.model.presets import PRESETS

    add = parser.add_argument
    add("--preset", default="seed_bursty", choices=sorted(PRESETS),
        help="drives and defaults of an hnn-core example (default: seed_bursty)")
    add("--params", dest="param_file", default=None,
        help="HNN parameter file (.json or .param); default: the preset's")
    add("--network-config", dest="network_config", default=None, metavar="FILE",
        help="an hnn-core network configuration file (JSON: cells, connectivity, drives); "
             "replaces --preset/--params/--model/--mesh")
    add("--model", default=None,
        help="model variant: neymotin_2020 (= jones_2009), law_2021 or calcium")
    add("--tstop", type=float, default=None, help="simulation length (ms)")
    add("--dt", type=float, default=None, help="time step (ms)")
    add("--trials", dest="n_trials", type=int, default=None, help="number of trials")
    add("--mesh", dest="mesh_shape", type=int, nargs=2, default=None, metavar=("NX", "NY"),
        help="pyramidal grid shape")
    add("--output", dest="output_dir", default=None,
        help="run folder (default: output/<preset>)")
    add("--record-vsoma", dest="record_soma_voltage", action="store_true",
        help="record every cell's somatic potential")
    for what, help_text in (("vsec", "membrane potential at each section's middle (mV)"),
                            ("isec", "synaptic currents per section and receptor (nA)"),
                            ("ca", "calcium concentration at each section's middle (mM)")):
        add(f"--record-{what}", dest=f"record_{what}", default=False, choices=["soma", "all"],
            help=f"record {help_text} of the soma or all sections")
    add("--solver", default=None, choices=SOLVERS,
        help="coreneuron (the default, fastest) or neuron (NEURON's own solver; the default "
             "with --record-vsoma); the same results")
    add("--coreneuron", dest="solver", action="store_const", const="coreneuron",
        help="the same as --solver coreneuron")
    add("--distribute", default="auto", choices=DISTRIBUTIONS,
        help="with several trials and ranks: whole trials per rank, cells over ranks, or "
             "auto (trials when they are a multiple of the ranks and fit in memory)")
    add("--threads", dest="n_threads", type=int, default=None,
        help="threads per MPI process (same results; default: the free cores per process)")
    add("--save-network", dest="save_network", action="store_true",
        help="save the network (cells and connections) in netpyne_data.json")
    add_job_options(parser)
    return parser


def add_job_options(parser):
    """Add the options of what a run writes (folder policy, figures, progress)."""
    parser.add_argument("--overwrite", action="store_true",
                        help="replace an earlier run or export in the output folder (files "
                        "hnn-netpyne did not write are never removed)")
    parser.add_argument("--no-plots", dest="plots", action="store_false",
                        help="skip the PNG figures")
    parser.add_argument("--quiet", dest="progress", action="store_false",
                        help="no progress messages")
    parser.add_argument("--rank-timeout", dest="rank_timeout", type=float, default=None,
                        metavar="S", help="under MPI, end the run when a rank makes no "
                        "progress for S seconds (default 20)")
    return parser


def job_arguments(overwrite, plots, progress, rank_timeout=None):
    """The options of :func:`add_job_options` that give these settings."""
    chosen = (("--overwrite", overwrite), ("--no-plots", not plots), ("--quiet", not progress))
    flags = [flag for flag, wanted in chosen if wanted]
    if rank_timeout is not None:
        flags += ["--rank-timeout", repr(float(rank_timeout))]
    return flags


def run_parser():
    """Parser of the run options of ``sim/init.py`` (no help, unknown ones left alone).

    Besides the run options it takes ``--config FILE``: a run configuration
    written by :func:`hnn_netpyne.runtime.launcher.write_config`, which then
    replaces the options that build the simConfig.
    """
    parser = add_run_options(argparse.ArgumentParser(add_help=False))
    parser.add_argument("--config", default=None,
                        help="run configuration file (simConfig and netParams, JSON)")
    return parser


def config_options(args):
    """Keyword arguments of :func:`build_sim_config` from parsed run options."""
    output = args.output_dir or os.path.join("output", args.preset)
    return {"preset_name": args.preset, "param_file": args.param_file, "model": args.model,
            "tstop": args.tstop, "dt": args.dt, "n_trials": args.n_trials,
            "mesh_shape": args.mesh_shape, "output_dir": output,
            "record_soma_voltage": args.record_soma_voltage, "solver": args.solver,
            "n_threads": args.n_threads, "save_network": args.save_network,
            "distribute": args.distribute,
            "record_vsec": args.record_vsec, "record_isec": args.record_isec,
            "record_ca": args.record_ca}


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


def set_script_options(args):
    """Record the run options of the script being run (``sim/init.py`` calls this)."""
    global _script_options
    _script_options = args
    return args


def running_script():
    """True once a script (``sim/init.py``) recorded its run options."""
    return _script_options is not None


def script_options():
    """The run options recorded by the running script, or the defaults if none."""
    if _script_options is None:
        return run_parser().parse_args([])
    return _script_options
