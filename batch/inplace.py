"""Which spec changes a built network can take in place, and setting them.

Two pairs of specs (simConfig + netParams) describe the same NEURON
objects when they agree on everything but *settable values*:

* connection rules: ``weight`` and ``delay`` (NetCon weight and delay), as
  long as the same connections have weight zero (those are not created);
* synaptic mechanisms: ``tau1``, ``tau2``, ``e`` (ms, ms, mV);
* cell rules: numeric mechanism parameters (channel densities, S/cm²);
* current clamps (tonic biases): ``amp`` (nA), ``del`` and ``dur`` (ms);
* drive populations: each VecStim's ``spkTimes`` (ms) and the drive's
  ``hnnEvents`` (event times and seeds), which
  :func:`hnn_netpyne.runtime.run.run_trials` plays into the drive cells
  before every trial anyway;
* simConfig fields that only feed the specs (``drives``,
  ``paramOverrides``, ``nTrials`` ...).

:func:`structure_key` is everything else, as a string: equal keys mean the
held network can be changed with :func:`apply_values` instead of rebuilt.
"""

import hashlib
import json

import numpy as np

from hnn_netpyne.errors import SimulationError
from hnn_netpyne.runtime.connect import connect_settings, rule_connections
from hnn_netpyne.runtime.conns import CellConns

SYNAPSE_KINETICS = ("tau1", "tau2", "e")
CLAMP_FIELDS = ("amp", "del", "dur")
# simConfig fields read only while building the specs (or per trial, from
# the new cfg): they never describe the built NEURON objects.
CFG_SPEC_FIELDS = ("drives", "paramOverrides", "paramFile", "model", "meshShape",
                   "drivesFromParams", "preset", "trial", "nTrials", "simLabel", "saveFolder",
                   "outputDir", "dipoleSmoothWindowMs", "dipoleScaleFactor", "saveNetwork")
_SET = "<settable>"


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _settable_mech_value(value):
    return _is_number(value) or (isinstance(value, list) and all(_is_number(v) for v in value))


def settable_values(net_params):
    """Every value of ``net_params`` that :func:`apply_values` can set.

    Returns
    -------
    values : dict
        ``(kind, ...path) -> value``; kinds are 'conn', 'syn', 'mech',
        'stim' and 'events'.
    """
    values = {}
    for label, rule in net_params["connParams"].items():
        values[("conn", label)] = (rule.get("weight"), rule.get("delay"))
    for label, mech in net_params["synMechParams"].items():
        for key in SYNAPSE_KINETICS:
            if _is_number(mech.get(key)):
                values[("syn", label, key)] = mech[key]
    for cell_type, rule in net_params["cellParams"].items():
        for sec_name, sec in rule["secs"].items():
            for mech_name, mech in sec.get("mechs", {}).items():
                for key, value in mech.items():
                    if _settable_mech_value(value):
                        values[("mech", cell_type, sec_name, mech_name, key)] = value
    for label, source in net_params.get("stimSourceParams", {}).items():
        if source.get("type") == "IClamp":
            for key in CLAMP_FIELDS:
                if _is_number(source.get(key)):
                    values[("stim", label, key)] = source[key]
    for label, pop in net_params["popParams"].items():
        if pop.get("cellModel") == "VecStim":
            values[("events", label)] = ([cell.get("spkTimes", []) for cell in pop["cellsList"]],
                                         pop.get("hnnEvents"))
    return values


def _connection_digest(cfg, net_params):
    """Digest of which connections have weight zero (those are not made), per rule.

    A rule that NetPyNE's own connectCells connects enters with its weight
    and delay: changing those rebuilds.
    """
    from netpyne import specs

    settings = connect_settings(specs.SimConfig(dict(cfg, allowConnsWithWeight0=True)),
                                specs.NetParams(net_params))
    digest = hashlib.sha1()
    for label, rule in net_params["connParams"].items():
        digest.update(label.encode())
        pairs, _ = rule_connections(net_params, label, settings)
        if pairs is None:
            digest.update(json.dumps([rule.get("weight"), rule.get("delay")]).encode())
        else:
            digest.update(np.packbits(pairs[2] == 0.0).tobytes())
    digest.update(str(bool(cfg.get("allowConnsWithWeight0", False))).encode())
    return digest.hexdigest()


def structure_key(cfg, net_params):
    """Everything of the specs that in-place setting cannot change, as one string.

    Parameters
    ----------
    cfg, net_params : dict
        simConfig and netParams dictionaries.

    Returns
    -------
    key : str
        Equal for two pairs of specs exactly when one's network can be
        turned into the other's by :func:`apply_values`.
    """
    structure = json.loads(json.dumps(net_params))
    for kind, *path in settable_values(net_params):
        if kind == "conn":
            if cfg.get("fastConnect", True):  # NetPyNE's own connector: rebuild
                structure["connParams"][path[0]].update(weight=_SET, delay=_SET)
        elif kind == "syn":
            structure["synMechParams"][path[0]][path[1]] = _SET
        elif kind == "mech":
            cell_type, sec, mech, key = path
            structure["cellParams"][cell_type]["secs"][sec]["mechs"][mech][key] = _SET
        elif kind == "stim":
            structure["stimSourceParams"][path[0]][path[1]] = _SET
        else:
            structure["popParams"][path[0]].pop("hnnEvents", None)
            for cell in structure["popParams"][path[0]]["cellsList"]:
                cell.pop("spkTimes", None)
    run_fields = {k: v for k, v in cfg.items() if k not in CFG_SPEC_FIELDS}
    return json.dumps({"net": structure, "cfg": run_fields,
                       "connections": _connection_digest(cfg, net_params)}, sort_keys=True)


def _set_connections(sim, net_params, label):
    """Give the NetCons of rule ``label`` on this rank their new weights and delays."""
    local_gids = np.array(sorted(cell.gid for cell in sim.net.cells), dtype=np.int64)
    settings = connect_settings(sim.cfg, sim.net.params)
    (_, posts, weights, delays), n_sections = rule_connections(net_params, label, settings,
                                                               local_gids)
    rule_kinds = None
    for cell in sim.net.cells:
        conns = cell.conns
        if not isinstance(conns, CellConns):
            continue
        if rule_kinds is None:  # every cell shares the fast connector's kind table
            rule_kinds = [k for k, kind in enumerate(conns.kind_table) if kind[3] == label]
        where = np.flatnonzero(np.isin(conns.kinds, rule_kinds))
        mine = posts == cell.gid
        cell_weights = np.repeat(weights[mine], n_sections)
        cell_delays = np.repeat(delays[mine], n_sections)
        if len(where) != len(cell_weights):
            raise SimulationError(f"cell {cell.gid} has {len(where)} NetCons of rule {label!r}, "
                                  f"its specs give {len(cell_weights)}")
        conns.weights[where], conns.delays[where] = cell_weights, cell_delays
        for netcon, weight, delay in zip(conns.netcons[where], cell_weights.tolist(),
                                         cell_delays.tolist()):
            netcon.weight[0] = weight
            netcon.delay = delay


def _set_mechanism(cell, sec_name, mech_name, key, value):
    sec = cell.secs[sec_name]["hObj"]
    for index, seg in enumerate(sec):
        seg_value = value if not isinstance(value, list) else value[0 if len(value) == 1 else index]
        setattr(getattr(seg, mech_name), key, seg_value)


def apply_values(sim, net_params, held, new):
    """Set on the built network every settable value that differs.

    Parameters
    ----------
    sim : module
        ``netpyne.sim`` holding the network built from specs whose
        settable values are ``held``.
    net_params : dict
        The new netParams (same :func:`structure_key` as the held ones).
    held, new : dict
        :func:`settable_values` of the held and of the new netParams.

    Returns
    -------
    n_changed : int
        Number of values set.
    """
    # Drive events need nothing here: run_trials sets them before every trial.
    changed = [key for key, value in new.items()
               if key[0] != "events" and held.get(key) != value]
    for kind, *path in changed:
        if kind == "conn":
            _set_connections(sim, net_params, path[0])
            continue
        for cell in sim.net.cells:
            tags = cell.tags
            if kind == "syn" and isinstance(getattr(cell, "secs", None), dict):
                for sec in cell.secs.values():
                    for syn in sec.get("synMechs", []):
                        if syn["label"] == path[0]:
                            setattr(syn["hObj"], path[1], new[(kind, *path)])
            elif kind == "mech" and tags.get("cellType") == path[0]:
                _set_mechanism(cell, *path[1:], new[(kind, *path)])
            elif kind == "stim":
                for stim in getattr(cell, "stims", []):
                    if stim.get("source") == path[0]:
                        setattr(stim["hObj"], path[1], new[(kind, *path)])
    return len(changed)
