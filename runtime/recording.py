"""Section recordings and electrode arrays of a run, on any number of ranks.

hnn-core's ``record_vsec``, ``record_isec`` and ``record_ca`` ('soma' or
'all'; simConfig fields ``recordVsec``, ``recordIsec``, ``recordCa``)
record, on every cell:

* ``vsec``: the membrane potential (mV) at the middle of each section,
* ``isec``: the current (nA) of each synapse (one Exp2Syn per section and
  receptor, named ``<section>_<receptor>``) of each section,
* ``ca``: the calcium concentration (mM) at the middle of each section
  that has calcium.

Everything is recorded with ``Vector.record`` of voltage or mechanism data,
which NEURON's threads and CoreNEURON carry (a point process's variables
through :func:`record_point_process`). Electrode arrays (simConfig
``extracellularArrays``) are summed in NEURON: one ``LfpCell`` point
process per multi-compartment cell adds the cell's potentials (see
:mod:`hnn_netpyne.runtime.extracellular`) into one ``LfpSum`` per thread. After each trial
:func:`gather_recordings` brings what was asked to rank 0.
"""

import numpy as np

from hnn_netpyne.cells.registry import cell_type as registered_cell_type
from hnn_netpyne.cells.registry import cell_type_names
from hnn_netpyne.cells.synapses import synapse_label
from hnn_netpyne.errors import SimulationError
from hnn_netpyne.model.recordings import (
    MAX_CONTACTS,
    SECTION_RECORDINGS,
    electrode_arrays,
    recording_choice,
)
from hnn_netpyne.runtime.extracellular import cell_axial_weights, transfer_resistances


def record_point_process(point_process, variable):
    """A Vector recording ``variable`` of ``point_process`` every time step.

    Naming the point process tells NEURON its thread at once; without it,
    every ``finitialize`` searches all nodes of all threads for the
    recorded pointer (1.4 s for the ERP's 200 dipole recorders on 2 threads).
    """
    from neuron import h

    return h.Vector().record(point_process, getattr(point_process, f"_ref_{variable}"))


def _sections(cell, choice):
    return ["soma"] if choice == "soma" else list(cell.secs)


def _synapse_currents(cell, sec_name):
    """{'<section>_<receptor>': Vector of i (nA) or None where no synapse was made}."""
    cell_type = cell.tags["cellType"]
    made = {m["label"]: m["hObj"] for m in cell.secs[sec_name].get("synMechs", [])}
    traces = {}
    for receptor in registered_cell_type(cell_type).receptors_on(sec_name):
        synapse = made.get(synapse_label(cell_type, receptor))
        traces[f"{sec_name}_{receptor}"] = (None if synapse is None
                                            else record_point_process(synapse, "i"))
    return traces


def _record_cell(cell, choices):
    """The Vectors recording one cell: {'vsec': {...}, 'isec': {...}, 'ca': {...}}."""
    from neuron import h

    vectors = {}
    if choices["vsec"]:
        vectors["vsec"] = {name: h.Vector().record(cell.secs[name]["hObj"](0.5)._ref_v)
                           for name in _sections(cell, choices["vsec"])}
    if choices["isec"]:
        vectors["isec"] = {name: _synapse_currents(cell, name)
                           for name in _sections(cell, choices["isec"])}
    if choices["ca"]:
        middles = {name: cell.secs[name]["hObj"](0.5) for name in _sections(cell, choices["ca"])}
        vectors["ca"] = {name: h.Vector().record(seg._ref_cai)
                         for name, seg in middles.items() if hasattr(seg, "_ref_cai")}
    return vectors


def _model_cells(sim):
    return [cell for cell in sim.net.cells if cell.tags.get("cellType") in cell_type_names()]


def _cell_threads(sim, n_threads):
    """gid -> thread of every cell on this rank (from NEURON's partition)."""
    if n_threads == 1:
        return {cell.gid: 0 for cell in sim.net.cells}
    soma_thread = {}
    for thread in range(n_threads):
        for sec in sim.pc.get_partition(thread):
            soma_thread[sec.name()] = thread
    return {cell.gid: soma_thread.get(cell.secs["soma"]["hObj"].name(), 0)
            for cell in _model_cells(sim)}


NODES_MAX = 72
"""Voltage POINTERs of an LfpCell (mod/lfp_cell.mod): nodes of one cell."""
PATHS_MAX = 64
"""Axial paths (segments) of one cell that an LfpCell carries."""


def _axial_paths(cell, weights):
    """Voltage references of a cell's nodes and its axial paths (src, dst, ri MOhm, r µV/nA).

    Each segment's path starts at the node before it: the previous segment,
    or for a section's first segment its 0 end, the parent's node.
    """
    from neuron import h

    nodes, paths = [], []
    for name, sec_weights in weights.items():
        sec = cell.secs[name]["hObj"]
        nodes.append(sec(0)._ref_v)
        for index, seg in enumerate(sec):
            nodes.append(seg._ref_v)
            paths.append((len(nodes) - 2, len(nodes) - 1, h.ri(seg.x, sec=sec),
                          sec_weights[:, index]))
    if len(nodes) > NODES_MAX or len(paths) > PATHS_MAX:
        raise SimulationError(f"cell {cell.gid} has {len(nodes)} nodes and {len(paths)} "
                              f"segments; LfpCell takes at most {NODES_MAX} and {PATHS_MAX}")
    return nodes, paths


def _insert_cell_sum(cell, weights, total):
    """An LfpCell on ``cell`` adding its axial-current potentials into LfpSum ``total``."""
    from neuron import h

    nodes, paths = _axial_paths(cell, weights)
    adder = h.LfpCell(cell.secs["soma"]["hObj"](0.5))
    for i in range(NODES_MAX):
        h.setpointer(nodes[min(i, len(nodes) - 1)], f"v{i}", adder)
    for k in range(MAX_CONTACTS):
        h.setpointer(getattr(total, f"_ref_s{k}"), f"s{k}", adder)
    adder.npath, adder.ncontact = len(paths), len(paths[0][3])
    for p, (src, dst, ri, column) in enumerate(paths):
        adder.src[p], adder.dst[p], adder.ri[p] = src, dst, ri
        for k, value in enumerate(column):
            adder.r[k * PATHS_MAX + p] = float(value)
    return adder


def _electrode_currents(cell, arrays, rule, soma_um):
    """(transfer resistances (µV/nA) per contact, Vector of i (nA)) of each IClamp of a cell.

    An electrode current enters the cell without crossing the membrane: the
    membrane current of its segment is the axial inflow plus this current,
    which the LfpCell sums do not see.
    """
    currents = []
    for stim in getattr(cell, "stims", []):
        if stim.get("type") != "IClamp":
            continue
        geom = rule["secs"][stim["sec"]]["geom"]
        resistance = np.concatenate([transfer_resistances(a, geom, soma_um) for a in arrays])
        index = min(int(float(stim["loc"]) * int(geom["nseg"])), int(geom["nseg"]) - 1)
        currents.append((resistance[:, index], record_point_process(stim["hObj"], "i")))
    return currents


def setup_electrode_arrays(sim, cfg, net_params):
    """Make the LfpCell adders and per-thread LfpSum sums; record electrode currents.

    Returns
    -------
    sums : list of list of h.Vector
        Per thread on this rank, one Vector per contact (µV).
    electrode_currents : list of (array, h.Vector)
        Transfer resistances (µV/nA) and current (nA) of each IClamp.
    """
    from neuron import h

    arrays = electrode_arrays(cfg.get("extracellularArrays") or [])
    n_contacts = sum(len(a["positions"]) for a in arrays)
    if not n_contacts:
        return [], []
    threads = _cell_threads(sim, int(cfg.get("nThreads", 1)))
    sums, keep, electrode_currents = {}, [], []
    for cell in _model_cells(sim):
        rule = net_params["cellParams"][cell.tags["cellType"]]
        soma_um = np.array([cell.tags["x"], cell.tags["y"], cell.tags["z"]], dtype=float)
        electrode_currents += _electrode_currents(cell, arrays, rule, soma_um)
        if sum(int(s["geom"]["nseg"]) for s in rule["secs"].values()) < 2:
            continue  # one compartment: no axial current
        thread = threads[cell.gid]
        if thread not in sums:
            sums[thread] = h.LfpSum(cell.secs["soma"]["hObj"](0.5))
            keep.append(sums[thread])
        keep.append(_insert_cell_sum(cell, cell_axial_weights(arrays, rule, soma_um),
                                     sums[thread]))
    sim.net.lfpSums = keep  # the point processes live as long as the network
    return ([[record_point_process(total, f"s{k}") for k in range(n_contacts)]
             for total in sums.values()], electrode_currents)


def setup_recordings(sim, cfg, net_params):
    """Start every recording the simConfig asks for on this rank's cells.

    Call after the threads are set (the electrode sums go per thread).

    Returns
    -------
    recorders : dict
        ``choices`` (section recordings asked), ``cells`` (gid -> Vectors),
        ``arrays`` (validated arrays), ``sums`` (per thread and contact) and
        ``electrode_currents`` (see :func:`setup_electrode_arrays`).
    """
    choices = {name: recording_choice(cfg, key) for name, key in SECTION_RECORDINGS.items()}
    cells = {}
    if any(choices.values()):
        cells = {cell.gid: _record_cell(cell, choices) for cell in _model_cells(sim)}
    sums, electrode_currents = setup_electrode_arrays(sim, cfg, net_params)
    return {"choices": choices, "cells": cells,
            "arrays": electrode_arrays(cfg.get("extracellularArrays") or []), "sums": sums,
            "electrode_currents": electrode_currents}


def _as_arrays(vectors, n_samples):
    """Nested dict of Vectors -> nested dict of numpy arrays (None -> zeros)."""
    out = {}
    for key, value in vectors.items():
        if isinstance(value, dict):
            out[key] = _as_arrays(value, n_samples)
        elif value is None:
            out[key] = np.zeros(n_samples)
        else:
            if value.size() != n_samples:
                raise SimulationError(f"a {key} recording holds {int(value.size())} samples, "
                                      f"expected {n_samples}")
            out[key] = np.array(value)
    return out


def _gather_sections(sim, recorders, n_samples):
    """{'vsec'|'isec'|'ca': {gid: {...}}} on rank 0 (None elsewhere); only what was asked."""
    local = {gid: _as_arrays(v, n_samples) for gid, v in recorders["cells"].items()}
    gathered = sim.pc.py_gather(local, 0)
    if sim.rank != 0:
        return None
    merged = {}
    for part in gathered:
        merged.update(part)
    return {name: {gid: merged[gid].get(name, {}) for gid in sorted(merged)}
            for name, choice in recorders["choices"].items() if choice}


def _reduce_potentials(sim, recorders, n_samples):
    """{array name: (contacts, samples) µV} summed over threads and ranks (rank 0)."""
    from neuron import h

    arrays = recorders["arrays"]
    n_contacts = sum(len(a["positions"]) for a in arrays)
    if not n_contacts:
        return {}
    total = np.zeros((n_contacts, n_samples))
    for thread_vectors in recorders["sums"]:
        total += np.array([np.array(v) for v in thread_vectors])
    for resistances, current in recorders["electrode_currents"]:
        total += np.outer(resistances, np.array(current))
    # hnn-core defines the potential at t = 0 as zero (no currents summed yet).
    total[:, 0] = 0.0
    vector = h.Vector(total.ravel())
    sim.pc.allreduce(vector, 1)
    total = np.array(vector).reshape(n_contacts, n_samples)
    bounds = np.cumsum([0] + [len(a["positions"]) for a in arrays])
    return {a["name"]: total[bounds[i]:bounds[i + 1]] for i, a in enumerate(arrays)}


def gather_recordings(sim, recorders, n_samples):
    """One trial's recordings on rank 0: section traces and array potentials.

    Every rank must call it. Returns None on other ranks.
    """
    asked = any(recorders["choices"].values())
    sections = _gather_sections(sim, recorders, n_samples) if asked else {}
    potentials = _reduce_potentials(sim, recorders, n_samples)
    if sim.rank != 0:
        return None
    return dict(sections or {}, extracellular=potentials)
