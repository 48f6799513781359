"""hnn-core's network configuration files (JSON): the writing half.

hnn-core 0.6.1 saves a Network (``write_configuration``; also its GUI and
``hnn_core/param/neymotin2020_base.json``) as one JSON object with
``object_type`` 'Network', ``legacy_mode``, ``N_pyr_x``/``N_pyr_y``,
``celsius``, ``cell_types`` (every section's geometry, mechanisms and
synapses), ``gid_ranges``, ``pos_dict``, ``cell_response``,
``external_drives``, ``external_biases``, ``connectivity`` (every
connection with its gid pairs), ``rec_arrays``, ``threshold`` and
``delay``.

:func:`write_network_configuration` writes that format from a Network, and the
functions here lay out its parts (cells, drives, biases, connectivity) as
hnn-core does. :mod:`hnn_netpyne.network_config` reads such files back.
"""

import copy
import json
from pathlib import Path

from hnn_netpyne.cells import cell_type as registered_cell_type
from hnn_netpyne.cells import cell_type_names, hnn_core_name
from hnn_netpyne.cell_types import cell_metadata, section_dict
from hnn_netpyne.errors import ParameterError

def _long(per_type):
    """A per-cell-type dict with hnn-core's names."""
    return {hnn_core_name(k): v for k, v in per_type.items()}


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
    targets = [hnn_core_name(ct) for ct in cell_type_names()
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
    return {bias["name"]: {hnn_core_name(ct): {"amplitude": amp, "t0": bias["t0"],
                                                 "tstop": bias["tstop"],
                                                 "section": bias["section"]}
                           for ct, amp in bias["amplitude"].items()}
            for bias in biases}


# --- cells in hnn-core's layout --------------------------------------------------


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
    # hnn-core names its pyramidal cell objects by our labels, its basket cells by type name.
    pyramidal = registered_cell_type(cell_type).grid == "pyramidal"
    return {"name": cell_type if pyramidal else hnn_core_name(cell_type),
            "pos": [0, 0, 0],
            "sections": {name: section_dict(cell_type, name, sec)
                         for name, sec in rule["secs"].items()},
            "synapses": synapses, "cell_tree": _cell_tree(rule),
            "sect_loc": {k: list(v) for k, v in rule["secLists"].items()},
            "gid": None, "dipole_pp": [], "vsec": {}, "isec": {}, "ca": {},
            "tonic_biases": []}


def cell_types_dict(net_params):
    """hnn-core's ``cell_types`` entry of a configuration file."""
    return {hnn_core_name(ct): {"cell_object": cell_dict(ct, net_params["cellParams"][ct],
                                                          net_params["synMechParams"]),
                                 "cell_metadata": cell_metadata(ct)}
            for ct in cell_type_names()}


# --- writing ----------------------------------------------------------------------


def _connection_dict(conn):
    """A connectivity entry as hnn-core writes it (string gid keys, 0/1 autapses)."""
    entry = copy.deepcopy(conn)
    entry["gid_pairs"] = {str(src): targets for src, targets in conn["gid_pairs"].items()}
    entry["allow_autapses"] = int(conn["allow_autapses"])
    return entry


def network_to_dict(net, write_output=False):
    """A Network as the dictionary of hnn-core's configuration file.

    ``write_output`` must be False: simulation outputs are not written (hnn-core
    writes them; here a run folder keeps them, see ``simulate_dipole(output_dir=...)``).
    """
    from hnn_netpyne.model.connectivity import DEFAULT_DELAY_MS

    if write_output:
        raise ParameterError("write_output=True is not available: keep the outputs with "
                             "simulate_dipole(..., output_dir=...)", key="write_output",
                             value=write_output)
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
            "rec_arrays": {name: {"positions": [list(p) for p in arr.positions],
                                  "conductivity": arr.conductivity, "method": arr.method,
                                  "min_distance": arr.min_distance, "times": [],
                                  "voltages": []}
                           for name, arr in net.rec_arrays.items()},
            "threshold": net.threshold, "delay": DEFAULT_DELAY_MS}


def write_network_configuration(net, output, overwrite=True):
    """Write ``net`` as an hnn-core network configuration file (JSON).

    Parameters
    ----------
    net : Network
        The network.
    output : str | pathlib.Path
        The file.
    overwrite : bool
        Replace an existing file; False refuses it.
    """
    from hnn_netpyne.analysis.io import atomic_write

    path = Path(output)
    if not overwrite and path.exists():
        raise ParameterError("file exists; give overwrite=True to replace it", key="output",
                             value=str(output))
    data = network_to_dict(net)
    atomic_write(path, lambda fid: json.dump(data, fid, ensure_ascii=False, indent=4))
