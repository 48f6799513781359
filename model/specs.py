"""Build NetPyNE specifications (netParams and simConfig) for HNN.

This is the one place where parameters become specs:

    parameter file + model variant + drives  ->  netParams dict
    preset + overrides                         ->  simConfig dict

Both results are plain JSON-serialisable dictionaries; ``sim/cfg.py`` and
``sim/netParams.py`` wrap them in NetPyNE's ``SimConfig``/``NetParams``.
"""

from pathlib import Path

from hnn_netpyne.cells.registry import (
    cell_rules,
    cell_type_names,
    check_populations,
    dipole_populations,
    synaptic_mechanisms,
)
from hnn_netpyne.checks import check_range, validate_type
from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.connectivity import (
    DEFAULT_DELAY_MS,
    connectivity_rules,
    local_connectivity,
)
from hnn_netpyne.model.drives import drive_specs, is_bias, redefine, tonic_specs
from hnn_netpyne.model.legacy_drives import drives_from_params
from hnn_netpyne.model.params import PARAM_DIR, check_run_lengths, load_params
from hnn_netpyne.model.positions import (
    INPLANE_DISTANCE_UM,
    LAYER_SEPARATION_UM,
    cell_positions,
    check_mesh_shape,
    column_origin,
)
from hnn_netpyne.model.presets import preset
from hnn_netpyne.model.recordings import electrode_arrays as checked_arrays
from hnn_netpyne.model.recordings import recording_choice
from hnn_netpyne.model.resources import check_drive_cost, check_run
from hnn_netpyne.model.solver import check_distribution, choose_solver
from hnn_netpyne.model.variants import apply_cell_changes, model_variant, variant_pathways

PACKAGE_CONNECT_CFG = {"allowSelfConns": True, "oneSynPerNetcon": False,
                       "connRandomSecFromList": False, "distributeSynsUniformly": False}
"""simConfig connection fields of every HNN run (see :func:`build_sim_config`)."""

DEFAULT_V_INIT_MV = -65.0


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
        "connectivity": get("connectivity"),
        "synMechChanges": get("synMechChanges") or {},
        "cellPositions": get("cellPositions") or {},
        "trial": int(get("trial", 0) or 0),
        "duration": get("duration"),
    }


def population_sizes(mesh_shape):
    """Cells per population for a pyramidal grid of ``mesh_shape``."""
    return {ct: len(pos) for ct, pos in cell_positions(mesh_shape).items()}


def mesh_of(params, settings):
    """Grid shape: the simConfig's ``meshShape`` or the parameter file's N_pyr_x/y."""
    return check_mesh_shape(settings["meshShape"] or [params["N_pyr_x"], params["N_pyr_y"]],
                            "meshShape")


def all_drives(params, settings, pop_sizes):
    """Drives of a run: those of the parameter file (if asked), then the simConfig's."""
    drives = drives_from_params(params, pop_sizes) if settings["drivesFromParams"] else []
    names = [d["name"] for d in drives]
    for drive in settings["drives"]:
        if drive["name"] in names or drive["name"] in cell_type_names():
            raise ParameterError(f"drive name {drive['name']!r} is used twice", key="drives",
                                 value=drive["name"])
        names.append(drive["name"])
        drives.append(drive)
    return drives


def cell_specs(params, variant, syn_mech_changes=None):
    """cellParams and synMechParams of a model variant.

    Parameters
    ----------
    params : dict
        Validated HNN parameter set.
    variant : dict
        Model variant (see :mod:`hnn_netpyne.model.variants`).
    syn_mech_changes : dict | None
        synMech label -> changed kinetics (``e``, ``tau1``, ``tau2``).

    Returns
    -------
    cell_params, syn_mech_params : dict, dict
    """
    rules = cell_rules(params)
    syn_mechs = synaptic_mechanisms(params)
    apply_cell_changes(variant, rules, syn_mechs)
    for label, changes in (syn_mech_changes or {}).items():
        syn_mechs[label].update(changes)
    return rules, syn_mechs


def _cell_connections(params, settings, rules, positions, variant, inplane_um):
    """connParams of the cell-to-cell connections: the model's pathways, or the
    simConfig's explicit ``connectivity``; ``positions``: cell type -> somata (µm)."""
    pop_sizes = {ct: len(pos) for ct, pos in positions.items()}
    if settings["connectivity"] is None:
        return local_connectivity(params, rules, pop_sizes, variant_pathways(variant),
                                  inplane_um=inplane_um)
    return connectivity_rules(settings["connectivity"], rules, pop_sizes, inplane_um=inplane_um,
                              positions=positions)


def build_net_params(cfg):
    """The netParams dictionary of an HNN network.

    Parameters
    ----------
    cfg : netpyne.specs.SimConfig | dict
        Run configuration; its HNN fields are ``paramFile``,
        ``paramOverrides``, ``model``, ``meshShape``, ``drives``,
        ``drivesFromParams``, ``trial``, ``duration`` (ms), and optionally
        ``connectivity`` (definitions replacing the model's pathways, see
        :func:`~hnn_netpyne.model.connectivity.connectivity_rules`),
        ``synMechChanges`` (synMech label -> kinetics) and ``cellPositions``.

    Returns
    -------
    net_params : dict
        cellParams, popParams, synMechParams, connParams, stimSourceParams,
        stimTargetParams and defaults: plain data.
    """
    run = check_sim_config(cfg)  # before anything reads a field of it
    settings = dict(model_settings(cfg), drives=run["drives"])
    params = load_params(resolve_param_file(settings["paramFile"]), settings["paramOverrides"])
    if run["duration"] is None:
        run = check_sim_config(cfg, params["tstop"])
    variant = model_variant(settings["model"])
    mesh = mesh_of(params, settings)
    inplane = settings["cellPositions"].get("inplane_distance", INPLANE_DISTANCE_UM)
    layer = settings["cellPositions"].get("layer_separation", LAYER_SEPARATION_UM)
    positions = cell_positions(mesh, layer, inplane)
    pop_sizes = {ct: len(pos) for ct, pos in positions.items()}
    rules, syn_mechs = cell_specs(params, variant, settings["synMechChanges"])
    pop_params = {
        ct: {"cellType": ct, "cellsList": [{"x": x, "y": y, "z": z} for x, y, z in positions[ct]]}
        for ct in cell_type_names()
    }
    conn_params = _cell_connections(params, settings, rules, positions, variant, inplane)
    drives = all_drives(params, settings, pop_sizes)
    tstop = run["duration"]
    spike_drives = [d for d in drives if not is_bias(d)]
    check_drive_cost(run, {"cellParams": rules, "popParams": pop_params,
                           "connParams": conn_params}, spike_drives, pop_sizes, tstop)
    drive_pops, drive_conns = drive_specs(
        spike_drives, rules, pop_sizes, column_origin(mesh, inplane, layer), tstop,
        trial=settings["trial"], inplane_um=inplane
    )
    pop_params.update(drive_pops)
    conn_params.update(drive_conns)
    stim_sources, stim_targets = tonic_specs([d for d in drives if is_bias(d)], tstop)

    net_params = {
        "cellParams": rules,
        "popParams": pop_params,
        "synMechParams": syn_mechs,
        "connParams": conn_params,
        "stimSourceParams": stim_sources,
        "stimTargetParams": stim_targets,
        "defaultThreshold": float(params["threshold"]),
        "defaultDelay": DEFAULT_DELAY_MS,
        "sizeX": float(max(mesh[0], 1) * inplane),
        "sizeY": float(max(mesh[1], 1) * inplane),
        "sizeZ": float(layer),
    }
    check_populations(net_params)
    check_run(run, net_params)
    return net_params


_RUN_FIELDS = ("dt", "nTrials", "nThreads", "recordTraces", "recordVsec", "recordIsec",
               "recordCa", "extracellularArrays")
_FIELD_TYPES = {"paramOverrides": dict, "synMechChanges": dict, "cellPositions": dict,
                "drives": list, "connectivity": list, "recordTraces": dict, "model": str,
                "paramFile": str}
_CONNECTION_KEYS = {"source", "target", "loc", "receptor", "weight", "delay", "lamtha",
                    "autapses", "pairs"}


def check_sim_config(cfg, default_tstop=None):
    """Check the fields of a simConfig that this package reads (a file's, too).

    Parameters
    ----------
    cfg : dict | netpyne.specs.SimConfig
        The simConfig (as :func:`build_sim_config` writes it, or read from a
        run configuration file).
    default_tstop : float | None
        The run's length (ms) if the simConfig has no ``duration`` (the
        parameter file's tstop); with neither, the run's lengths are left
        unchecked (``duration`` None in the result).

    Returns
    -------
    fields : dict
        The run fields (``duration``, ``dt``, ``nTrials``, ``nThreads``,
        recordings) as checked values, and ``drives``: its drive definitions
        made again by their factories (:func:`~hnn_netpyne.model.drives.redefine`).

    Raises
    ------
    ParameterError
        Naming the field and its value.
    """
    get = cfg.get if isinstance(cfg, dict) else (lambda k, d=None: getattr(cfg, k, d))
    fields = {key: get(key) for key in _RUN_FIELDS}
    fields["duration"] = get("duration") if get("duration") is not None else default_tstop
    if fields["duration"] is not None:
        fields["duration"], fields["dt"], fields["nTrials"] = check_run_lengths(
            fields["duration"], 0.025 if fields["dt"] is None else fields["dt"],
            1 if fields["nTrials"] is None else fields["nTrials"],
            keys=("duration", "dt", "nTrials"))
    if fields["nThreads"] is not None:
        fields["nThreads"] = check_range("nThreads", fields["nThreads"], 1, integer=True)
    for key in ("recordVsec", "recordIsec", "recordCa"):
        fields[key] = recording_choice(fields, key)
    fields["extracellularArrays"] = checked_arrays(fields["extracellularArrays"] or [])
    for key, kind in _FIELD_TYPES.items():
        if get(key) is not None:
            validate_type(get(key), kind, key)
    if get("meshShape") is not None:
        check_mesh_shape(get("meshShape"), "meshShape")
    check_range("trial", get("trial", 0) or 0, 0, integer=True)
    check_distribution(get("distribute", "auto"))
    for k, definition in enumerate(get("connectivity") or []):
        if not isinstance(definition, dict) or set(definition) != _CONNECTION_KEYS:
            raise ParameterError(f"connectivity[{k}] must have the keys "
                                 f"{sorted(_CONNECTION_KEYS)}", key="connectivity",
                                 value=definition)
        for pair in definition["pairs"] or []:
            validate_type(pair, list, f"connectivity[{k}].pairs")
            [check_range(f"connectivity[{k}].pairs", n, 0, integer=True) for n in pair]
    fields["drives"] = [redefine(d, f"drives[{k}]") for k, d in enumerate(get("drives") or [])]
    return fields


def _run_lengths(chosen, params, tstop, dt, n_trials, n_threads):
    """tstop, dt (ms) and trials: given, else the preset's, else the parameter file's.

    Raises ParameterError for a length, step, trial or thread count that cannot run.
    """
    if tstop is None:
        tstop = chosen["tstop"] if chosen["tstop"] is not None else params["tstop"]
    dt = params["dt"] if dt is None else dt
    n_trials = params["N_trials"] if n_trials is None else n_trials
    tstop, dt, n_trials = check_run_lengths(tstop, dt, n_trials, keys=("tstop", "dt",
                                                                       "n_trials"))
    if n_threads is not None and (isinstance(n_threads, bool) or not isinstance(n_threads, int)
                                  or n_threads < 1):
        raise ParameterError("n_threads must be an integer >= 1 or None (the free cores)",
                             key="n_threads", value=n_threads)
    return tstop, dt, n_trials


def _netpyne_fields(tstop, dt, celsius):
    """NetPyNE's own simConfig fields of an HNN run."""
    return {
        "duration": float(tstop),
        "dt": float(dt),
        "recordStep": float(dt),
        "hParams": {"celsius": float(celsius), "v_init": DEFAULT_V_INIT_MV},
        "recordDipolesHNN": dipole_populations(),
        "recordCells": [],
        "recordTraces": {},
        "recordStim": False,
        # hnn-core's connectivity: L2 basket autapses, one synapse per section
        # and receptor shared by every connection onto it.
        **PACKAGE_CONNECT_CFG,
        # 3-D points in cell-local µm by default; ``absolute_3d_points`` puts
        # them at each soma for NetPyNE's 3-D views. Both give hnn-core's
        # results: the sections get their exact lengths either way
        # (runtime/geometry.py).
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
                     coreneuron=None, n_threads=None, save_network=False,
                     absolute_3d_points=False, record_vsec=False, record_isec=False,
                     record_ca=False, electrode_arrays=None, solver=None, distribute="auto"):
    """The simConfig dictionary of an HNN run.

    Parameters
    ----------
    preset_name : str
        One of :data:`hnn_netpyne.model.presets.PRESETS`.
    param_file, model, drives : str | None, str | None, list of dict | None
        Parameter file, model variant and drive definitions; None takes the preset's.
    tstop, dt, n_trials, mesh_shape : float, float, int, (int, int) | None
        Length and step (ms), trials and pyramidal grid; None takes the
        preset's or the parameter file's.
    output_dir : str
        Run folder (``outputDir``; a ``saveFolder``/``simLabel`` set later, as
        NetPyNE's batch does, names it instead).
    param_overrides : dict | None
        Parameter values replacing the file's.
    solver, coreneuron, n_threads, distribute
        Solver, threads per rank and the share of trials among ranks, by the
        rules of :mod:`hnn_netpyne.model.solver` (``coreneuron`` True/False is
        the older switch for ``solver``); the same results either way.
    save_network, absolute_3d_points
        NetPyNE's ``net`` in the data file, cell-placed 3-D points (see
        :func:`_solver_fields`).
    record_soma_voltage, record_vsec, record_isec, record_ca, electrode_arrays
        What to record besides the dipole (see :func:`_recording_fields`).

    Returns
    -------
    cfg : dict
        NetPyNE simConfig fields plus the HNN fields read by
        :func:`build_net_params` and the runner (``fastConnect``: connect with
        :mod:`hnn_netpyne.runtime.connect`, or NetPyNE's ``connectCells`` if
        False; the same network either way).
    """
    chosen = preset(preset_name)
    if param_file is None and chosen["param_file"] is not None:
        param_file = chosen["param_file"]
    params = load_params(resolve_param_file(param_file), param_overrides)
    tstop, dt, n_trials = _run_lengths(chosen, params, tstop, dt, n_trials, n_threads)
    if drives is None:
        drives = chosen["drives"]() if chosen["drives"] is not None else []
    cfg = _netpyne_fields(tstop, dt, params["celsius"])
    solver = choose_solver(solver, coreneuron, records_traces=bool(record_soma_voltage))
    cfg.update(_solver_fields(solver, n_threads, distribute, save_network, absolute_3d_points))
    cfg.update({
        "preset": preset_name,
        "paramFile": None if param_file is None else str(param_file),
        "paramOverrides": dict(param_overrides or {}),
        "model": model or chosen["model"],
        "meshShape": None if mesh_shape is None else [int(n) for n in mesh_shape],
        "drives": drives, "drivesFromParams": chosen["drives"] is None,
        "trial": 0, "nTrials": n_trials, "outputDir": output_dir,
        "dipoleSmoothWindowMs": float(params["dipole_smooth_win"]),
        "dipoleScaleFactor": float(params["dipole_scalefctr"]),
    })
    cfg.update(_recording_fields(record_soma_voltage, record_vsec, record_isec, record_ca,
                                 electrode_arrays))
    return cfg


def _solver_fields(solver, n_threads, distribute, save_network, absolute_3d_points):
    """simConfig fields of how a run is solved and saved.

    ``solver``: 'coreneuron' solves with CoreNEURON (its mechanism library,
    dipoles in point processes, NEURON's cache-efficient layout), 'neuron'
    with NEURON's own. ``n_threads``: threads per rank
    (``ParallelContext.nthread``; None: the free cores per rank, see
    :func:`hnn_netpyne.model.solver.threads_per_rank`), results identical to one thread.
    ``distribute``: how several ranks share several trials (cfg ``distribute``).
    ``save_network``: NetPyNE's ``net`` (every cell with its connections) in
    ``netpyne_data.json`` (``saveNetwork``). ``absolute_3d_points``: each
    cell's 3-D points at its soma (``pt3dRelativeToCellLocation``), for
    NetPyNE's 3-D views (the same results, see docs/validation.md).
    """
    return {"pt3dRelativeToCellLocation": bool(absolute_3d_points),
            "coreneuron": solver == "coreneuron",
            "cache_efficient": solver == "coreneuron",
            "nThreads": n_threads, "distribute": check_distribution(distribute),
            "fastConnect": True, "saveNetwork": bool(save_network)}


def _recording_fields(record_soma_voltage, record_vsec, record_isec, record_ca,
                      electrode_arrays):
    """simConfig fields of what a run records besides the dipole.

    ``record_soma_voltage``: every cell's somatic potential (NetPyNE's
    ``recordTraces``). ``record_vsec``, ``record_isec``, ``record_ca`` (False,
    'soma' or 'all'): hnn-core's section recordings of voltages (mV) at
    section middles, synaptic currents (nA) per section and receptor and
    calcium (mM), see :mod:`hnn_netpyne.runtime.recording`.
    ``electrode_arrays``: dicts of ``name``, ``positions`` ([x, y, z] µm),
    ``conductivity`` (S/m), ``method`` ('psa' or 'lsa') and ``minDistance``
    (µm), see :mod:`hnn_netpyne.runtime.extracellular`.
    """
    fields = {
        "recordVsec": recording_choice({"recordVsec": record_vsec}, "recordVsec"),
        "recordIsec": recording_choice({"recordIsec": record_isec}, "recordIsec"),
        "recordCa": recording_choice({"recordCa": record_ca}, "recordCa"),
        "extracellularArrays": checked_arrays(electrode_arrays or []),
    }
    if record_soma_voltage:
        fields["recordCells"] = ["all"]
        fields["recordTraces"] = {"V_soma": {"sec": "soma", "loc": 0.5, "var": "v"}}
    return fields
