"""hnn-core's network configuration files (JSON), both ways.

hnn-core 0.6.1 saves a Network (``write_configuration``; also its GUI and
``hnn_core/param/neymotin2020_base.json``) as one JSON object with
``object_type`` 'Network', ``legacy_mode``, ``N_pyr_x``/``N_pyr_y``,
``celsius``, ``cell_types`` (every section's geometry, mechanisms and
synapses), ``gid_ranges``, ``pos_dict``, ``cell_response``,
``external_drives``, ``external_biases``, ``connectivity`` (every
connection with its gid pairs), ``rec_arrays``, ``threshold`` and
``delay``.

:func:`read_network_configuration` makes a :class:`~hnn_netpyne.network.Network`
of such a file: the cells must be those of one of this package's models
(synapse kinetics may differ); connectivity, drives, biases, grid,
temperature and threshold are taken from the file.
:func:`write_configuration` writes the same format from a Network.
"""

import copy
import json
from pathlib import Path

from hnn_netpyne.cells import CELL_TYPES, HNN_CORE_NAMES
from hnn_netpyne.cells.registry import cell_type as registered_cell_type
from hnn_netpyne.errors import ParameterError

SHORT_NAMES = {long: short for short, long in HNN_CORE_NAMES.items()}
OUR_MECHANISMS = ("ecalegacy", "dipole")
"""Mechanisms of our cell rules that hnn-core's cells do not list (legacy
calcium reversal and dipole recording)."""


def _long(per_type):
    """A per-cell-type dict with hnn-core's names."""
    return {HNN_CORE_NAMES.get(k, k): v for k, v in per_type.items()}


def hnn_core_drive(drive, n_cells, events):
    """A drive definition in hnn-core's ``external_drives`` layout.

    Parameters
    ----------
    drive : dict
        Our drive definition (:mod:`hnn_netpyne.model.drives`).
    n_cells : int
        Its number of drive cells.
    events : list
        Spike times per trial and drive cell (empty before a simulation).
    """
    dynamics = copy.deepcopy(drive["dynamics"])
    if isinstance(dynamics.get("rate_constant"), dict):
        dynamics["rate_constant"] = _long(dynamics["rate_constant"])
    if drive["type"] == "spike_train":
        trains = dynamics.pop("spike_times")
        dynamics = {"times": [t for train in trains for t in train],
                    "gids": [k for k, train in enumerate(trains) for _ in train]}
    probabilities = set(drive["probability"].values())
    targets = [HNN_CORE_NAMES[ct] for ct in CELL_TYPES
               if ct in drive["weights_ampa"] or ct in drive["weights_nmda"]]
    return {"type": drive["type"], "location": drive["location"], "n_drive_cells": n_cells,
            "event_seed": drive["event_seed"], "conn_seed": drive["conn_seed"],
            "dynamics": dynamics, "events": events,
            "weights_ampa": _long(drive["weights_ampa"]),
            "weights_nmda": _long(drive["weights_nmda"]),
            "synaptic_delays": _long(drive["synaptic_delays"]),
            "probability": (probabilities.pop() if len(probabilities) == 1
                            else _long(drive["probability"])),
            "name": drive["name"], "target_types": targets,
            "cell_specific": drive["cell_specific"]}


def hnn_core_biases(biases):
    """Tonic biases in hnn-core's layout: {bias name: {cell type: {amplitude, t0, tstop,
    section}}}."""
    return {bias["name"]: {HNN_CORE_NAMES[ct]: {"amplitude": amp, "t0": bias["t0"],
                                                 "tstop": bias["tstop"],
                                                 "section": bias["section"]}
                           for ct, amp in bias["amplitude"].items()}
            for bias in biases}


# --- cells in hnn-core's layout --------------------------------------------------


def section_dict(cell_type, name, sec):
    """One section of a cell rule as hnn-core's Section.to_dict lays it out."""
    geom = sec["geom"]
    nseg = int(geom["nseg"])
    centres = [(2 * k + 1) / (2 * nseg) for k in range(nseg)]
    mechs = {}
    for mech, values in sec["mechs"].items():
        if mech not in OUR_MECHANISMS:
            mechs[mech] = {f"{key}_{mech}": [centres, list(value)] if isinstance(value, list)
                           else value for key, value in values.items()}
    return {"L": geom["L"], "diam": geom["diam"], "cm": geom["cm"], "Ra": geom["Ra"],
            "end_pts": [list(point[:3]) for point in geom["pt3d"]], "nseg": nseg,
            "v0": sec.get("vinit", -65.0), "mechs": mechs,
            "syns": list(registered_cell_type(cell_type).receptors_on(name))}


def _cell_tree(rule):
    """hnn-core's section tree: 'section,end' -> ['section,end', ...] (None for one section)."""
    if len(rule["secs"]) == 1:
        return None
    tree = {f"{name},0": [f"{name},1"] for name in rule["secs"]}
    for name, sec in rule["secs"].items():
        topol = sec.get("topol")
        if topol:
            parent = f"{topol['parentSec']},{int(topol['parentX'])}"
            tree.setdefault(parent, []).append(f"{name},0")
    return tree


def cell_dict(cell_type, rule, syn_mech_params):
    """A cell type as hnn-core's Cell.to_dict lays it out (name, sections, synapses ...)."""
    prefix = f"{cell_type}_"
    synapses = {label[len(prefix):]: {k: mech[k] for k in ("e", "tau1", "tau2")}
                for label, mech in syn_mech_params.items() if label.startswith(prefix)}
    return {"name": cell_type if cell_type.endswith("Pyr") else HNN_CORE_NAMES[cell_type],
            "pos": [0, 0, 0],
            "sections": {name: section_dict(cell_type, name, sec)
                         for name, sec in rule["secs"].items()},
            "synapses": synapses, "cell_tree": _cell_tree(rule),
            "sect_loc": {k: list(v) for k, v in rule["secLists"].items()},
            "gid": None, "dipole_pp": [], "vsec": {}, "isec": {}, "ca": {},
            "tonic_biases": []}


def cell_types_dict(net_params):
    """hnn-core's ``cell_types`` entry of a configuration file."""
    from hnn_netpyne.cell_types import cell_metadata

    return {HNN_CORE_NAMES[ct]: {"cell_object": cell_dict(ct, net_params["cellParams"][ct],
                                                          net_params["synMechParams"]),
                                 "cell_metadata": cell_metadata(ct)}
            for ct in CELL_TYPES}


# --- writing ----------------------------------------------------------------------


def _connection_dict(conn):
    """A connectivity entry as hnn-core writes it (string gid keys, 0/1 autapses)."""
    entry = copy.deepcopy(conn)
    entry["gid_pairs"] = {str(src): targets for src, targets in conn["gid_pairs"].items()}
    entry["allow_autapses"] = int(conn["allow_autapses"])
    return entry


def network_to_dict(net):
    """A Network as the dictionary of hnn-core's configuration file (no outputs)."""
    from hnn_netpyne.model.connectivity import DEFAULT_DELAY_MS

    _, net_params = net.to_netpyne()
    drives = net.external_drives
    for drive in drives.values():
        drive["events"] = []
    return {"object_type": "Network", "legacy_mode": False,
            "N_pyr_x": net._mesh_shape[0], "N_pyr_y": net._mesh_shape[1],
            "celsius": float(net._params["celsius"]),
            "cell_types": cell_types_dict(net_params),
            "gid_ranges": {name: {"start": r.start, "stop": r.stop}
                           for name, r in net.gid_ranges.items()},
            "pos_dict": {name: [list(p) for p in pos] if name != "origin" else list(pos)
                         for name, pos in net.pos_dict.items()},
            "cell_response": {}, "external_drives": drives,
            "external_biases": net.external_biases,
            "connectivity": [_connection_dict(c) for c in net.connectivity],
            "rec_arrays": {}, "threshold": net.threshold, "delay": DEFAULT_DELAY_MS}


def write_configuration(net, fname, overwrite=True):
    """Write ``net`` as an hnn-core network configuration file (JSON).

    Parameters
    ----------
    net : Network
        The network.
    fname : str | pathlib.Path
        The file.
    overwrite : bool
        Replace an existing file; False refuses it.
    """
    from hnn_netpyne.analysis.io import atomic_write

    path = Path(fname)
    if not overwrite and path.exists():
        raise ParameterError("file exists; give overwrite=True to replace it", key="fname",
                             value=str(fname))
    data = network_to_dict(net)
    atomic_write(path, lambda fid: json.dump(data, fid, ensure_ascii=False, indent=4))


# --- reading ----------------------------------------------------------------------

MODELS = ("jones_2009", "law_2021", "calcium")
"""Models whose cells a configuration file may hold."""
RTOL = 1e-9
ATOL = 1e-9  # µm, ms, mV ...: hnn-core's 3-D points carry 1e-14 rounding


def first_difference(ours, theirs, path=""):
    """Path and values of the first place two JSON-like values differ, or None.

    Numbers compare to 1e-9 relative plus 1e-9 absolute; lists element by
    element; dicts key by key (a key missing on one side is a difference).
    """
    if isinstance(ours, bool) or isinstance(theirs, bool):
        same = ours == theirs
    elif isinstance(ours, (int, float)) and isinstance(theirs, (int, float)):
        same = abs(ours - theirs) <= RTOL * max(abs(ours), abs(theirs)) + ATOL
    elif isinstance(ours, dict) and isinstance(theirs, dict):
        for key in list(ours) + [k for k in theirs if k not in ours]:
            if key not in ours or key not in theirs:
                return f"{path}/{key}", ours.get(key, "<missing>"), theirs.get(key, "<missing>")
            found = first_difference(ours[key], theirs[key], f"{path}/{key}")
            if found:
                return found
        return None
    elif isinstance(ours, (list, tuple)) and isinstance(theirs, (list, tuple)):
        if len(ours) != len(theirs):
            return f"{path} (length)", len(ours), len(theirs)
        for k, (a, b) in enumerate(zip(ours, theirs)):
            found = first_difference(a, b, f"{path}[{k}]")
            if found:
                return found
        return None
    else:
        same = ours == theirs
    return None if same else (path, ours, theirs)


def _load(fname):
    """The JSON object of a configuration file, or one clear error naming the file."""
    try:
        data = json.loads(Path(fname).read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ParameterError(f"cannot read a network configuration ({err})",
                             source=str(fname)) from None
    if not isinstance(data, dict) or data.get("object_type") != "Network":
        raise ParameterError("not an hnn-core network configuration (no object_type "
                             "'Network')", source=str(fname), key="object_type",
                             value=data.get("object_type") if isinstance(data, dict) else None)
    for key, allowed in (("legacy_mode", (False,)), ("rec_arrays", ({},))):
        if data.get(key, allowed[0]) not in allowed:
            raise ParameterError(f"{key} other than {allowed[0]!r} is not available",
                                 source=str(fname), key=key, value=data[key])
    return data


def _cell_objects(data):
    """Cell type -> the file's cell dict (hnn-core's old and new layouts)."""
    cells = data["cell_types"]
    return {name: cell.get("cell_object", cell) for name, cell in cells.items()}


def _model_of(cells, mesh, fname):
    """(model name, synMech changes) of the package model whose cells the file holds."""
    from hnn_netpyne.network import Network

    if sorted(cells) != sorted(HNN_CORE_NAMES.values()):
        raise ParameterError(f"cell types must be {sorted(HNN_CORE_NAMES.values())}",
                             source=str(fname), key="cell_types", value=sorted(cells))
    differences = []
    for model in MODELS:
        ours = cell_types_dict(Network(model=model, mesh_shape=mesh).to_netpyne()[1])
        keys = ("sections", "cell_tree", "sect_loc")
        difference = next(filter(None, (
            first_difference({k: ours[name]["cell_object"][k] for k in keys},
                             {k: cell.get(k) for k in keys}, f"/{name}")
            for name, cell in cells.items())), None)
        if not difference:
            return model, _synapse_changes(cells, ours, fname)
        differences.append(difference)
    path, mine, theirs = differences[0]
    raise ParameterError(f"cell_types{path}: {theirs!r} differs from the {MODELS[0]} cells "
                         f"({mine!r}), and the cells differ from those of {list(MODELS[1:])}; "
                         "custom cells are not available", source=str(fname), key="cell_types",
                         value=path)


def _synapse_changes(cells, ours, fname):
    """synMech label -> changed kinetics, where the file's synapses differ from ours."""
    changes = {}
    for name, cell in cells.items():
        short = SHORT_NAMES[name]
        for receptor, kinetics in cell["synapses"].items():
            mine = ours[name]["cell_object"]["synapses"].get(receptor)
            if mine is None:
                raise ParameterError(f"{name} has no {receptor!r} synapse in hnn-netpyne",
                                     source=str(fname), key="synapses", value=receptor)
            for key, value in kinetics.items():
                if first_difference(mine[key], value):
                    changes.setdefault(f"{short}_{receptor}", {})[key] = float(value)
    return changes


def _drive_arguments(drive, space_constant):
    """Keyword arguments of the Network method that re-creates a file's drive."""
    dyn = drive["dynamics"]
    common = {"location": drive["location"], "weights_ampa": drive["weights_ampa"] or None,
              "weights_nmda": drive["weights_nmda"] or None,
              "synaptic_delays": drive["synaptic_delays"], "probability": drive["probability"],
              "space_constant": space_constant}
    if drive["type"] == "spike_train":
        trains = {k: [t for t, g in zip(dyn["times"], dyn["gids"]) if g == k]
                  for k in range(drive["n_drive_cells"])}
        return "add_spike_train_drive", dict(common, spike_data=trains,
                                             conn_seed=drive["conn_seed"])
    seeds = {"event_seed": drive["event_seed"], "conn_seed": drive["conn_seed"],
             "cell_specific": drive["cell_specific"],
             "n_drive_cells": "n_cells" if drive["cell_specific"] else drive["n_drive_cells"]}
    keys = {"evoked": ("mu", "sigma", "numspikes"), "gaussian": ("mu", "sigma", "numspikes"),
            "poisson": ("tstart", "tstop", "rate_constant"),
            "bursty": ("tstart", "tstart_std", "tstop", "burst_rate", "burst_std",
                       "numspikes", "spike_isi")}
    if drive["type"] not in keys:
        raise ParameterError("unknown drive type", key="type", value=drive["type"])
    method = "add_evoked_drive" if drive["type"] == "gaussian" else f"add_{drive['type']}_drive"
    return method, dict(common, **seeds, **{k: dyn[k] for k in keys[drive["type"]]})


def _in_file(fname, where, call):
    """Run ``call``; a ParameterError it raises names the file and the entry."""
    try:
        return call()
    except ParameterError as err:
        raise ParameterError(f"{where}: {err}", source=str(fname)) from None


def _add_drives(net, data, fname):
    """Add the file's drives in gid order, their space constant from their connections."""
    drives = data["external_drives"]
    order = sorted(drives, key=lambda name: data["gid_ranges"][name]["start"])
    for name in order:
        lamthas = {c["nc_dict"]["lamtha"] for c in data["connectivity"] if c["src_type"] == name}
        if len(lamthas) > 1:
            raise ParameterError(f"drive {name!r} has connections of several space "
                                 "constants", source=str(fname), key="lamtha",
                                 value=sorted(lamthas))
        space_constant = lamthas.pop() if lamthas else 3.0
        method, kwargs = _in_file(fname, f"external_drives[{name!r}]",
                                  lambda: _drive_arguments(drives[name], space_constant))
        _in_file(fname, f"external_drives[{name!r}]",
                 lambda: getattr(net, method)(name, **kwargs))


def _add_biases(net, biases, fname):
    """Add the file's tonic biases (one add_tonic_bias per bias and timing)."""
    for bias_name, per_type in biases.items():
        groups = {}
        for cell_type, bias in per_type.items():
            timing = (bias["t0"], bias["tstop"], bias.get("section", "soma"))
            groups.setdefault(timing, {})[cell_type] = bias["amplitude"]
        if len(groups) > 1:
            raise ParameterError(f"bias {bias_name!r} has several timings; hnn-netpyne needs "
                                 "one per bias name", source=str(fname),
                                 key="external_biases", value=bias_name)
        for (t0, tstop, section), amplitude in groups.items():
            _in_file(fname, f"external_biases[{bias_name!r}]",
                     lambda: net.add_tonic_bias(amplitude=amplitude, t0=t0, tstop=tstop,
                                                section=section, bias_name=bias_name))


def _check_layout(net, data, fname):
    """The file's cell gids, positions and delay must be this package's."""
    from hnn_netpyne.model.connectivity import DEFAULT_DELAY_MS

    ours_ranges, ours_pos = net.gid_ranges, net.pos_dict
    for name in HNN_CORE_NAMES.values():
        gids = data["gid_ranges"].get(name, {})
        if [gids.get("start"), gids.get("stop")] != [ours_ranges[name].start,
                                                     ours_ranges[name].stop]:
            raise ParameterError(f"gids of {name} differ from the grid's "
                                 f"{ours_ranges[name]}", source=str(fname),
                                 key="gid_ranges", value=gids)
        difference = first_difference([list(p) for p in ours_pos[name]],
                                      data["pos_dict"].get(name), f"/{name}")
        if difference:
            raise ParameterError(f"pos_dict{difference[0]}: {difference[2]!r} differs from "
                                 f"the grid's {difference[1]!r}; positions other than a grid "
                                 "(set_cell_positions) are not available", source=str(fname),
                                 key="pos_dict", value=name)
    if data.get("delay", DEFAULT_DELAY_MS) != DEFAULT_DELAY_MS:
        raise ParameterError(f"a default delay other than {DEFAULT_DELAY_MS} ms is not "
                             "available", source=str(fname), key="delay", value=data["delay"])


def _set_spacing(net, pos_dict, mesh, fname):
    """Give ``net`` the grid spacing and layer separation of the file's L2/3 pyramidal somata."""
    from hnn_netpyne.model.positions import INPLANE_DISTANCE_UM, LAYER_SEPARATION_UM

    somata = pos_dict.get("L2_pyramidal") or [[0.0, 0.0, LAYER_SEPARATION_UM]]
    inplane = INPLANE_DISTANCE_UM
    if len(somata) > 1:  # x-major: the second soma is one step along y (or x if n_y == 1)
        inplane = float(somata[1][1] - somata[0][1] if mesh[1] > 1 else somata[1][0]
                        - somata[0][0])
    spacing = {"inplane_distance": inplane, "layer_separation": float(somata[0][2])}
    changed = {k: v for k, v in spacing.items()
               if first_difference(v, {"inplane_distance": INPLANE_DISTANCE_UM,
                                       "layer_separation": LAYER_SEPARATION_UM}[k])}
    if changed:
        _in_file(fname, "pos_dict", lambda: net.set_cell_positions(**changed))


def _connection(conn, threshold):
    """A file's connectivity entry as the Network keeps it."""
    from hnn_netpyne.network_connectivity import new_connection

    nc = conn["nc_dict"]
    pairs = {int(src): [int(t) for t in targets] for src, targets in conn["gid_pairs"].items()}
    return new_connection(conn["src_type"], conn["target_type"], pairs, conn["loc"],
                          conn["receptor"], float(nc["A_weight"]), float(nc["A_delay"]),
                          float(nc["lamtha"]), nc.get("threshold", threshold),
                          gain=float(nc.get("gain", 1.0)),
                          allow_autapses=bool(conn["allow_autapses"]),
                          probability=conn["probability"])


def _comparable(conns):
    """Drive connections keyed by (source, target, receptor), for comparing two lists."""
    return {(c["src_type"], c["target_type"], c["receptor"]):
            {"loc": c["loc"], "nc_dict": c["nc_dict"],
             "gid_pairs": {int(s): sorted(t) for s, t in c["gid_pairs"].items()}}
            for c in conns}


def read_network_configuration(fname, read_drives=True, read_external_biases=True):
    """Read an hnn-core network configuration file (JSON) into a Network.

    Parameters
    ----------
    fname : str | pathlib.Path
        A file of hnn-core's ``write_configuration`` or its GUI, such as
        ``hnn_core/param/neymotin2020_base.json``.
    read_drives, read_external_biases : bool
        Also add the file's drives and tonic biases.

    Returns
    -------
    net : Network
        The file's grid, temperature, threshold, cells (one of this package's
        models, with the file's synapse kinetics), connectivity, drives and biases.
    """
    data = _load(fname)
    try:
        return _network_of(data, fname, read_drives, read_external_biases)
    except (KeyError, TypeError, AttributeError, IndexError) as err:
        raise ParameterError(f"malformed network configuration ({type(err).__name__}: {err})",
                             source=str(fname)) from None


def _network_of(data, fname, read_drives, read_external_biases):
    """The Network of a configuration file's data (see read_network_configuration)."""
    from hnn_netpyne.model.params import load_params
    from hnn_netpyne.network import Network

    mesh = (data["N_pyr_x"], data["N_pyr_y"])
    model, syn_changes = _model_of(_cell_objects(data), mesh, fname)
    # the default parameters, with the file's temperature and threshold as overrides
    params = {k: v for k, v in load_params(None).items() if k != "_source"}
    params.update(celsius=float(data["celsius"]), threshold=float(data["threshold"]))
    net = _in_file(fname, "network", lambda: Network(params, mesh_shape=mesh, model=model))
    net._syn_changes = syn_changes
    _set_spacing(net, data["pos_dict"], mesh, fname)
    _check_layout(net, data, fname)
    drive_names = set(data["external_drives"])
    if read_drives:
        _add_drives(net, data, fname)
    if read_external_biases:
        _add_biases(net, data["external_biases"], fname)
    conns = [c for c in data["connectivity"] if c["src_type"] not in drive_names]
    net._connectivity = [_connection(c, net.threshold) for c in conns]
    _in_file(fname, "connectivity", net.to_netpyne)
    if read_drives:
        theirs = [c for c in data["connectivity"] if c["src_type"] in drive_names]
        difference = first_difference(_comparable(net._drive_connectivity()),
                                      _comparable(theirs))
        if difference:
            raise ParameterError(f"drive connection {difference[0]}: the file's "
                                 f"{difference[2]!r} is not what its drive makes "
                                 f"({difference[1]!r})", source=str(fname), key="connectivity",
                                 value=difference[0])
    return net


def network_sim_config(fname, options):
    """The simConfig of a run of a network configuration file.

    Parameters
    ----------
    fname : str | pathlib.Path
        The file.
    options : dict
        :func:`~hnn_netpyne.model.specs.build_sim_config` keyword arguments
        of the run options; ``tstop``, ``dt``, ``n_trials``, ``output_dir``,
        ``record_soma_voltage``, ``coreneuron`` and ``n_threads`` apply (the
        file gives the network).
    """
    net = read_network_configuration(fname)
    for key, option in (("param_file", "--params"), ("model", "--model"),
                        ("mesh_shape", "--mesh")):
        if options.get(key) is not None:
            raise ParameterError(f"--network-config gives the network; leave out {option}",
                                 key=key, value=options[key])
    cfg, _ = net.to_netpyne(options["tstop"], options["dt"], options["n_trials"],
                            coreneuron=options["coreneuron"], n_threads=options["n_threads"],
                            output_dir=options["output_dir"],
                            record_soma_voltage=options["record_soma_voltage"])
    return cfg
