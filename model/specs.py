"""Build NetPyNE specifications (netParams and simConfig) for HNN.

This is the one place where parameters become specs:

    parameter file + model variant + drives  ->  netParams dict
    preset + overrides                         ->  simConfig dict

Both results are plain JSON-serialisable dictionaries; ``sim/cfg.py`` and
``sim/netParams.py`` wrap them in NetPyNE's ``SimConfig``/``NetParams``.
"""

from pathlib import Path

from hnn_netpyne.cells import CELL_TYPES, cell_rules, synaptic_mechanisms
from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.connectivity import DEFAULT_DELAY_MS, local_connectivity
from hnn_netpyne.model.drives import drive_specs, tonic_specs
from hnn_netpyne.model.legacy_drives import drives_from_params
from hnn_netpyne.model.params import PARAM_DIR, load_params
from hnn_netpyne.model.positions import (
    LAYER_SEPARATION_UM,
    cell_positions,
    column_origin,
)
from hnn_netpyne.model.presets import preset
from hnn_netpyne.model.variants import apply_cell_changes, model_variant, variant_pathways

DIPOLE_LAYERS = {"L2": ["L2Pyr"], "L5": ["L5Pyr"]}
"""Dipole label -> populations whose cells it sums."""

PACKAGE_CONNECT_CFG = {"allowSelfConns": True, "oneSynPerNetcon": False,
                       "connRandomSecFromList": False, "distributeSynsUniformly": False}
"""simConfig connection fields of every HNN run (see :func:`build_sim_config`)."""

DEFAULT_V_INIT_MV = -65.0
MAX_TSTOP_MS = 1e6  # 1000 s of biological time: far beyond any HNN use
MAX_MESH_SIDE = 1000


def resolve_param_file(param_file):
    """Path of a parameter file, looked up in the package's param folder too.

    None means HNN's ``default.json``.
    """
    if param_file is None:
        return PARAM_DIR / "default.json"
    path = Path(param_file)
    if not path.exists() and (PARAM_DIR / path.name).exists() and path.parent == Path("."):
        return PARAM_DIR / path.name
    return path


def model_settings(cfg):
    """The HNN fields of a simConfig (object or dict) as a dict."""
    get = cfg.get if isinstance(cfg, dict) else (lambda k, d=None: getattr(cfg, k, d))
    return {
        "paramFile": get("paramFile"),
        "paramOverrides": get("paramOverrides") or {},
        "model": get("model", "neymotin_2020"),
        "meshShape": get("meshShape"),
        "drives": get("drives") or [],
        "drivesFromParams": bool(get("drivesFromParams", False)),
        "trial": int(get("trial", 0) or 0),
        "duration": get("duration"),
    }


def population_sizes(mesh_shape):
    """Cells per population for a pyramidal grid of ``mesh_shape``."""
    return {ct: len(pos) for ct, pos in cell_positions(mesh_shape).items()}


def mesh_of(params, settings):
    """Grid shape: the simConfig's ``meshShape`` or the parameter file's N_pyr_x/y."""
    mesh = settings["meshShape"] or [params["N_pyr_x"], params["N_pyr_y"]]
    if (len(mesh) != 2 or any(isinstance(n, bool) or not isinstance(n, int)
                              or not 1 <= n <= MAX_MESH_SIDE for n in mesh)):
        raise ParameterError(f"meshShape must be two integers from 1 to {MAX_MESH_SIDE}",
                             key="meshShape", value=mesh)
    return list(mesh)


def all_drives(params, settings, pop_sizes):
    """Drives of a run: those of the parameter file (if asked), then the simConfig's."""
    drives = drives_from_params(params, pop_sizes) if settings["drivesFromParams"] else []
    names = [d["name"] for d in drives]
    for drive in settings["drives"]:
        if drive["name"] in names or drive["name"] in CELL_TYPES:
            raise ParameterError(f"drive name {drive['name']!r} is used twice", key="drives",
                                 value=drive["name"])
        names.append(drive["name"])
        drives.append(drive)
    return drives


def build_net_params(cfg):
    """The netParams dictionary of an HNN network.

    Parameters
    ----------
    cfg : netpyne.specs.SimConfig | dict
        Run configuration; its HNN fields are ``paramFile``,
        ``paramOverrides``, ``model``, ``meshShape``, ``drives``,
        ``drivesFromParams``, ``trial`` and ``duration`` (ms).

    Returns
    -------
    net_params : dict
        cellParams, popParams, synMechParams, connParams, stimSourceParams,
        stimTargetParams and defaults, all plain data.
    """
    settings = model_settings(cfg)
    params = load_params(resolve_param_file(settings["paramFile"]), settings["paramOverrides"])
    variant = model_variant(settings["model"])
    mesh = mesh_of(params, settings)
    positions = cell_positions(mesh)
    pop_sizes = {ct: len(pos) for ct, pos in positions.items()}

    rules = cell_rules(params)
    syn_mechs = synaptic_mechanisms(params)
    apply_cell_changes(variant, rules, syn_mechs)

    pop_params = {
        ct: {"cellType": ct, "cellsList": [{"x": x, "y": y, "z": z} for x, y, z in positions[ct]]}
        for ct in CELL_TYPES
    }
    conn_params = local_connectivity(params, rules, pop_sizes, variant_pathways(variant))

    drives = all_drives(params, settings, pop_sizes)
    tstop = settings["duration"] if settings["duration"] is not None else params["tstop"]
    spike_drives = [d for d in drives if d["type"] != "tonic"]
    drive_pops, drive_conns = drive_specs(
        spike_drives, rules, pop_sizes, column_origin(mesh), tstop, trial=settings["trial"]
    )
    pop_params.update(drive_pops)
    conn_params.update(drive_conns)
    stim_sources, stim_targets = tonic_specs([d for d in drives if d["type"] == "tonic"], tstop)

    return {
        "cellParams": rules,
        "popParams": pop_params,
        "synMechParams": syn_mechs,
        "connParams": conn_params,
        "stimSourceParams": stim_sources,
        "stimTargetParams": stim_targets,
        "defaultThreshold": float(params["threshold"]),
        "defaultDelay": DEFAULT_DELAY_MS,
        "sizeX": float(max(mesh[0], 1)),
        "sizeY": float(max(mesh[1], 1)),
        "sizeZ": float(LAYER_SEPARATION_UM),
    }


def _run_lengths(chosen, params, tstop, dt, n_trials, n_threads):
    """tstop, dt (ms) and trials: given, else the preset's, else the parameter file's.

    Raises ParameterError for a length, step, trial or thread count that cannot run.
    """
    if tstop is None:
        tstop = chosen["tstop"] if chosen["tstop"] is not None else params["tstop"]
    dt = params["dt"] if dt is None else dt
    n_trials = params["N_trials"] if n_trials is None else n_trials
    for key, value in (("tstop", tstop), ("dt", dt)):
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or not 0.0 < value <= MAX_TSTOP_MS):
            raise ParameterError(f"{key} must be a number of ms in (0, {MAX_TSTOP_MS:g}]",
                                 key=key, value=value)
    if dt > tstop:
        raise ParameterError(f"dt must not exceed tstop ({tstop} ms)", key="dt", value=dt)
    if isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 1:
        raise ParameterError("n_trials must be an integer >= 1", key="n_trials", value=n_trials)
    if isinstance(n_threads, bool) or not isinstance(n_threads, int) or n_threads < 1:
        raise ParameterError("n_threads must be an integer >= 1", key="n_threads", value=n_threads)
    return tstop, dt, n_trials


def _netpyne_fields(tstop, dt, celsius):
    """NetPyNE's own simConfig fields of an HNN run."""
    return {
        "duration": float(tstop),
        "dt": float(dt),
        "recordStep": float(dt),
        "hParams": {"celsius": float(celsius), "v_init": DEFAULT_V_INIT_MV},
        "recordDipolesHNN": {k: list(v) for k, v in DIPOLE_LAYERS.items()},
        "recordCells": [],
        "recordTraces": {},
        "recordStim": False,
        # hnn-core's connectivity: L2 basket autapses, one synapse per section
        # and receptor shared by every connection onto it.
        **PACKAGE_CONNECT_CFG,
        # 3-D points stay in cell-local µm by default: offsetting them by the
        # soma position costs float32 precision (NEURON stores points as
        # float) and moves the L2/3 dipole by 1e-6 of its size away from
        # hnn-core. ``absolute_3d_points`` turns it on for NetPyNE's 3-D views.
        "pt3dRelativeToCellLocation": False,
        "invertedYCoord": False,
        "createPyStruct": True,
        "gatherOnlySimData": False,
        "saveDataInclude": ["simData", "simConfig", "netParams"],
        "saveJson": False,
        "savePickle": False,
        "verbose": False,
        "printRunTime": False,
        "printPopAvgRates": False,
        "progressBar": 0,
        "analysis": {},
        # simLabel and saveFolder stay NetPyNE's empty defaults: set (as by
        # NetPyNE's batch), they name the run folder saveFolder/simLabel.
        "seeds": {"conn": 1, "stim": 1, "loc": 1, "cell": 1},
    }


def build_sim_config(preset_name="seed_bursty", param_file=None, tstop=None, dt=None,
                     n_trials=None, model=None, mesh_shape=None, drives=None,
                     output_dir="output", record_soma_voltage=False, param_overrides=None,
                     coreneuron=False, n_threads=1, save_network=False,
                     absolute_3d_points=False):
    """The simConfig dictionary of an HNN run.

    Parameters
    ----------
    preset_name : str
        One of :data:`hnn_netpyne.model.presets.PRESETS`.
    param_file : str | None
        Parameter file; None takes the preset's.
    tstop, dt : float | None
        Simulation length and time step (ms); None takes the preset's or
        the parameter file's.
    n_trials : int | None
        Number of trials; None takes the parameter file's ``N_trials``.
    model : str | None
        Model variant; None takes the preset's.
    mesh_shape : (int, int) | None
        Pyramidal grid; None takes the parameter file's.
    drives : list of dict | None
        Drive definitions replacing the preset's.
    output_dir : str
        Folder of the run's outputs (cfg ``outputDir``; a ``saveFolder`` and
        ``simLabel`` set later, as NetPyNE's batch sets them for each job,
        name it ``saveFolder/simLabel`` instead).
    record_soma_voltage : bool
        Record every cell's somatic potential.
    param_overrides : dict | None
        Parameter values replacing the file's.
    coreneuron : bool
        Solve with CoreNEURON (mechanisms built for it, dipoles recorded
        from point processes, NEURON's cache-efficient layout).
    n_threads : int
        Threads per rank (``ParallelContext.nthread``); the cells of a rank
        are shared among them, with results identical to one thread.
    save_network : bool
        Save the network (every cell with its connections, NetPyNE's
        ``net``) in the run's ``netpyne_data.json`` (cfg ``saveNetwork``).
    absolute_3d_points : bool
        Place every cell's 3-D points at its soma position
        (``pt3dRelativeToCellLocation``) so that NetPyNE's and its GUI's
        3-D views show the column as it is; costs float32 precision in the
        dipole (see the README).

    Returns
    -------
    cfg : dict
        NetPyNE simConfig fields plus the HNN fields read by
        :func:`build_net_params` and the runner (``fastConnect``: connect
        with :mod:`hnn_netpyne.runtime.connect`, True, or NetPyNE's
        ``connectCells``, False; same network either way).
    """
    chosen = preset(preset_name)
    if param_file is None and chosen["param_file"] is not None:
        param_file = chosen["param_file"]
    params = load_params(resolve_param_file(param_file), param_overrides)
    tstop, dt, n_trials = _run_lengths(chosen, params, tstop, dt, n_trials, n_threads)
    if drives is None:
        drives = chosen["drives"]() if chosen["drives"] is not None else []
    cfg = _netpyne_fields(tstop, dt, params["celsius"])
    cfg.update({
        "pt3dRelativeToCellLocation": bool(absolute_3d_points),
        "coreneuron": bool(coreneuron),
        "cache_efficient": bool(coreneuron),
        "nThreads": n_threads,
        # HNN fields (read by build_net_params and the runner).
        "fastConnect": True,
        "saveNetwork": bool(save_network),
        "preset": preset_name,
        "paramFile": None if param_file is None else str(param_file),
        "paramOverrides": dict(param_overrides or {}),
        "model": model or chosen["model"],
        "meshShape": None if mesh_shape is None else [int(n) for n in mesh_shape],
        "drives": drives,
        "drivesFromParams": chosen["drives"] is None,
        "trial": 0,
        "nTrials": n_trials,
        "outputDir": output_dir,
        "dipoleSmoothWindowMs": float(params["dipole_smooth_win"]),
        "dipoleScaleFactor": float(params["dipole_scalefctr"]),
    })
    if record_soma_voltage:
        cfg["recordCells"] = ["all"]
        cfg["recordTraces"] = {"V_soma": {"sec": "soma", "loc": 0.5, "var": "v"}}
    return cfg
