"""The simConfig of a run: from run options, and from ``sim/cfg.py``'s fields.

``hnn-netpyne run`` builds it from its options alone (:func:`sim_config`).
``sim/cfg.py`` lists a run's settings as NetPyNE fields and ends with
:func:`complete_sim_config`, which adds the HNN fields NetPyNE needs (the
preset's drives, the connection settings) and lets the run options given to
``init.py`` replace the fields they name:

- an option replaces its field (``--tstop 100``: ``cfg.duration = 100``);
- ``--preset``, ``--params`` and ``--network-config`` bring what the preset
  or file gives (run length, model, parameter file, output folder, time
  step, trials, grid, temperature, dipole smoothing and scaling) for every
  such field not given on the command line too.

Neither reads ``sys.argv``: ``init.py`` records its options
(:func:`hnn_netpyne.runtime.options.set_script_options`).
"""

import os
from pathlib import Path

from hnn_netpyne.errors import ParameterError
from hnn_netpyne.runtime.options import config_options, run_parser

CFG_OPTIONS = {
    "preset": "preset", "paramFile": "param_file", "model": "model", "meshShape": "mesh_shape",
    "duration": "tstop", "dt": "dt", "nTrials": "n_trials", "outputDir": "output_dir",
    "recordVsec": "record_vsec", "recordIsec": "record_isec", "recordCa": "record_ca",
    "saveNetwork": "save_network",
}
"""cfg.py field -> the run option (argparse ``dest``) that sets it."""
SOURCE_OPTIONS = ("preset", "param_file", "network_config")
"""Options that bring a preset's or a file's values (see the module's description)."""
FROM_SOURCE = ("tstop", "model", "output_dir", "param_file", "dt", "n_trials", "mesh_shape")
"""Run options whose value a :data:`SOURCE_OPTIONS` option decides unless given too."""
FIELDS_FROM_SOURCE = ("hParams", "dipoleSmoothWindowMs", "dipoleScaleFactor")
"""cfg.py fields (not run options) that a :data:`SOURCE_OPTIONS` option decides."""


def sim_config(args):
    """The simConfig of parsed run options.

    That of the hnn-core network configuration file of ``--network-config``
    if given, else that of :func:`hnn_netpyne.model.specs.build_sim_config`.
    """
    options = config_options(args)
    if getattr(args, "network_config", None):
        from hnn_netpyne.network_config import network_sim_config

        if args.output_dir is None:
            options["output_dir"] = os.path.join("output", Path(args.network_config).stem)
        return network_sim_config(args.network_config, options)
    from hnn_netpyne.model.specs import build_sim_config

    return build_sim_config(**options)


def given_options(args):
    """Run options of ``args`` that differ from their defaults (those given on the command line)."""
    defaults = vars(run_parser().parse_args([]))
    return {dest: value for dest, value in vars(args).items()
            if dest in defaults and value != defaults[dest]}


def _options_of_fields(cfg, given):
    """Run options from cfg.py's fields, then the given ones over them."""
    args = run_parser().parse_args([])
    from_source = any(dest in given for dest in SOURCE_OPTIONS)
    for field, dest in CFG_OPTIONS.items():
        if hasattr(cfg, field) and not (from_source and dest in FROM_SOURCE):
            value = getattr(cfg, field)
            setattr(args, dest, list(value) if dest == "mesh_shape" and value else value)
    args.record_soma_voltage = bool(getattr(cfg, "recordTraces", None))
    for dest, value in given.items():
        setattr(args, dest, value)
    return args


def _own_fields(cfg, from_source):
    """Fields cfg.py set to other than NetPyNE's defaults and None, and no run option names."""
    from netpyne import specs

    defaults = vars(specs.SimConfig())
    skip = set(CFG_OPTIONS) | {"recordStep"} | (set(FIELDS_FROM_SOURCE) if from_source else set())
    return {field: value for field, value in vars(cfg).items()
            if field not in skip and value is not None
            and (field not in defaults or value != defaults[field])}


def complete_sim_config(cfg, args=None):
    """The whole simConfig of ``sim/cfg.py``'s fields, with the run options over them.

    Parameters
    ----------
    cfg : netpyne.specs.SimConfig
        cfg.py's fields (see :data:`CFG_OPTIONS`; any other field, such as
        ``seeds``, ``hParams`` or ``recordTraces``, is kept as set; a field
        set to None takes the preset's or the parameter file's value).
    args : argparse.Namespace | None
        Run options; None takes those ``init.py`` recorded (none when
        imported by anything else: the fields alone).

    Returns
    -------
    cfg : netpyne.specs.SimConfig
        The run's simConfig. Outside ``init.py`` its solver is NEURON's on one
        thread, which NetPyNE's own ``sim.runSim`` can use
        (:func:`hnn_netpyne.model.solver.for_netpyne_runner`).

    Raises
    ------
    ParameterError
        If ``recordStep`` differs from ``dt`` (the HNN dipole records every step).
    """
    from netpyne import specs

    from hnn_netpyne.model.solver import for_netpyne_runner
    from hnn_netpyne.runtime.options import running_script, script_options

    if getattr(cfg, "recordStep", cfg.dt) != cfg.dt:
        raise ParameterError("cfg.recordStep must equal cfg.dt (the HNN dipole is recorded "
                             "every time step)", key="recordStep", value=cfg.recordStep)
    running = args is not None or running_script()
    given = given_options(script_options() if args is None else args)
    fields = sim_config(_options_of_fields(cfg, given))
    fields.update(_own_fields(cfg, any(dest in given for dest in SOURCE_OPTIONS)))
    return specs.SimConfig(fields if running else for_netpyne_runner(fields))


def sibling_cfg(net_params_file):
    """The ``cfg`` of the cfg.py beside ``net_params_file``, registered as module ``cfg``.

    For a netParams.py imported on its own, as the NetPyNE GUI does: the GUI
    imports ``cfg`` by name next and so gets this very cfg, even when another
    model's ``cfg`` is already in ``sys.modules`` or earlier on ``sys.path``.
    That same cfg.py already imported as ``cfg`` is used as it is.
    """
    import importlib.util
    import sys

    path = Path(net_params_file).resolve().parent / "cfg.py"
    loaded = sys.modules.get("cfg")
    if loaded is not None and Path(getattr(loaded, "__file__", "") or "").resolve() == path:
        return loaded.cfg
    spec = importlib.util.spec_from_file_location("cfg", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules["cfg"] = module
    return module.cfg
