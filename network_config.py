"""Reading hnn-core's network configuration files (JSON) into a Network.

:func:`read_network_configuration` makes a :class:`~hnn_netpyne.network.Network`
of such a file (the format of :mod:`hnn_netpyne.network_io`): the cells must
be those of one of this package's models (synapse kinetics may differ);
connectivity, drives, biases, electrode arrays (``rec_arrays``), grid,
temperature and threshold are taken from the file.
"""

import math
import re

from hnn_netpyne.cells import hnn_core_names, label_of
from hnn_netpyne.checks import check_range
from hnn_netpyne.errors import ParameterError
from hnn_netpyne.network_io import cell_types_dict
from hnn_netpyne.readers import read_json

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


MAX_CONFIG_BYTES = 256 * 2**20
"""Largest network configuration file read (bytes); hnn-core's 10 x 10 column is 2.6 MB."""
MAX_CONFIG_KEYS = 1_000_000
"""Most JSON keys in a network configuration file; hnn-core's 10 x 10 column has 4,043."""
_GID = re.compile(r"[0-9]{1,9}", re.ASCII)


def _number(value, where, fname, low=-math.inf):
    """``value`` as a finite float >= ``low``, or a ParameterError naming the file and entry."""
    try:
        return check_range(where, value, low)
    except ParameterError as err:
        raise ParameterError(str(err), source=str(fname)) from None


def _gid(value, where, fname):
    """A gid of a file (an integer, or its decimal text as in JSON keys) as an int >= 0."""
    if isinstance(value, str) and _GID.fullmatch(value):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ParameterError("a gid must be a whole number >= 0", source=str(fname), key=where,
                         value=value)


def _load(fname):
    """The JSON object of a configuration file, or one clear error naming the file.

    Read with the limits of parameter files (:mod:`hnn_netpyne.readers`:
    regular files only, depth, number length, duplicate keys), with
    :data:`MAX_CONFIG_BYTES` and :data:`MAX_CONFIG_KEYS`.
    """
    data = read_json(fname, max_bytes=MAX_CONFIG_BYTES, max_keys=MAX_CONFIG_KEYS)
    if not isinstance(data, dict) or data.get("object_type") != "Network":
        raise ParameterError("not an hnn-core network configuration (no object_type "
                             "'Network')", source=str(fname), key="object_type",
                             value=data.get("object_type") if isinstance(data, dict) else None)
    if data.get("legacy_mode", False) is not False:
        raise ParameterError("legacy_mode other than False is not available",
                             source=str(fname), key="legacy_mode", value=data["legacy_mode"])
    return data


def _cell_objects(data):
    """Cell type -> the file's cell dict (hnn-core's old and new layouts)."""
    cells = data["cell_types"]
    return {name: cell.get("cell_object", cell) for name, cell in cells.items()}


def _model_of(cells, mesh, fname):
    """(model name, synMech changes) of the package model whose cells the file holds."""
    from hnn_netpyne.network import Network

    expected = sorted(hnn_core_names().values())
    if sorted(cells) != expected:
        raise ParameterError(f"cell types must be {expected}",
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
        short = label_of(name)
        for receptor, kinetics in cell["synapses"].items():
            mine = ours[name]["cell_object"]["synapses"].get(receptor)
            if mine is None:
                raise ParameterError(f"{name} has no {receptor!r} synapse in hnn-netpyne",
                                     source=str(fname), key="synapses", value=receptor)
            for key, value in kinetics.items():
                value = _number(value, f"cell_types/{name}/synapses/{receptor}/{key}", fname)
                if first_difference(mine[key], value):
                    changes.setdefault(f"{short}_{receptor}", {})[key] = value
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
    for name in hnn_core_names().values():
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
        axis = 1 if mesh[1] > 1 else 0
        inplane = (_number(somata[1][axis], "pos_dict/L2_pyramidal", fname)
                   - _number(somata[0][axis], "pos_dict/L2_pyramidal", fname))
    spacing = {"inplane_distance": inplane,
               "layer_separation": _number(somata[0][2], "pos_dict/L2_pyramidal", fname)}
    changed = {k: v for k, v in spacing.items()
               if first_difference(v, {"inplane_distance": INPLANE_DISTANCE_UM,
                                       "layer_separation": LAYER_SEPARATION_UM}[k])}
    if changed:
        _in_file(fname, "pos_dict", lambda: net.set_cell_positions(**changed))


def _gid_pairs(conn, fname):
    """A connection's gid_pairs as {source gid: [target gids]}, every gid checked."""
    return {_gid(src, "gid_pairs", fname): [_gid(t, "gid_pairs", fname) for t in targets]
            for src, targets in conn["gid_pairs"].items()}


def _connection(conn, threshold, fname):
    """A file's connectivity entry as the Network keeps it."""
    from hnn_netpyne.network_connectivity import new_connection

    nc = conn["nc_dict"]
    where = f"connectivity/{conn['src_type']}->{conn['target_type']}/nc_dict"
    numbers = {key: _number(nc.get(key, default), f"{where}/{key}", fname, 0.0)
               for key, default in (("A_weight", None), ("A_delay", None), ("lamtha", None),
                                    ("gain", 1.0))}
    threshold = _number(nc.get("threshold", threshold), f"{where}/threshold", fname)
    return new_connection(conn["src_type"], conn["target_type"], _gid_pairs(conn, fname),
                          conn["loc"], conn["receptor"], numbers["A_weight"],
                          numbers["A_delay"], numbers["lamtha"],
                          threshold, gain=numbers["gain"],
                          allow_autapses=bool(conn["allow_autapses"]),
                          probability=conn["probability"])


def _comparable(conns, fname="<network>"):
    """Drive connections keyed by (source, target, receptor), for comparing two lists."""
    return {(c["src_type"], c["target_type"], c["receptor"]):
            {"loc": c["loc"], "nc_dict": c["nc_dict"],
             "gid_pairs": {s: sorted(t) for s, t in _gid_pairs(c, fname).items()}}
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
    return _checked_network(_load(fname), fname, read_drives, read_external_biases)


def dict_to_network(net_data, read_drives=True, read_external_biases=True):
    """A Network from the dictionary of an hnn-core network configuration
    (as :func:`hnn_netpyne.network_io.network_to_dict` or ``json.load`` give it);
    see :func:`read_network_configuration`."""
    return _checked_network(net_data, "<network dictionary>", read_drives,
                            read_external_biases)


def _checked_network(data, fname, read_drives, read_external_biases):
    """:func:`_network_of`, a malformed configuration reported in one line."""
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
    params.update(celsius=_number(data["celsius"], "celsius", fname),
                  threshold=_number(data["threshold"], "threshold", fname))
    net = _in_file(fname, "network", lambda: Network(params, mesh_shape=mesh, model=model))
    net._syn_changes = syn_changes
    _set_spacing(net, data["pos_dict"], mesh, fname)
    _check_layout(net, data, fname)
    drive_names = set(data["external_drives"])
    if read_drives:
        _add_drives(net, data, fname)
    if read_external_biases:
        _add_biases(net, data["external_biases"], fname)
    for name, array in data.get("rec_arrays", {}).items():
        _in_file(fname, f"rec_arrays[{name!r}]", lambda: net.add_electrode_array(
            name, [tuple(p) for p in array["positions"]], conductivity=array["conductivity"],
            method=array["method"], min_distance=array["min_distance"]))
    conns = [c for c in data["connectivity"] if c["src_type"] not in drive_names]
    net._connectivity = [_connection(c, net.threshold, fname) for c in conns]
    _in_file(fname, "connectivity", net.to_netpyne)
    if read_drives:
        theirs = [c for c in data["connectivity"] if c["src_type"] in drive_names]
        difference = first_difference(_comparable(net._drive_connectivity()),
                                      _comparable(theirs, fname))
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
        ``record_soma_voltage``, ``solver`` and ``n_threads`` apply (the
        file gives the network).
    """
    net = read_network_configuration(fname)
    for key, option in (("param_file", "--params"), ("model", "--model"),
                        ("mesh_shape", "--mesh")):
        if options.get(key) is not None:
            raise ParameterError(f"--network-config gives the network; leave out {option}",
                                 key=key, value=options[key])
    cfg, _ = net.to_netpyne(options["tstop"], options["dt"], options["n_trials"],
                            solver=options["solver"], n_threads=options["n_threads"],
                            output_dir=options["output_dir"],
                            record_soma_voltage=options["record_soma_voltage"])
    return cfg
