"""NetPyNE cell rules for HNN's layer 2/3 and layer 5 pyramidal cells.

The cells follow Jones et al. (2009) as implemented in hnn-core 0.6.1: a
soma, an apical trunk with an oblique branch, one (L2/3) or two (L5) apical
segments and a tuft, and three basal sections. Geometry, passive properties
and channel densities come from an HNN parameter set; the rule is a plain
dictionary that ``json.dumps`` accepts.
"""

import numpy as np

from hnn_netpyne.cells.morphology import (
    nseg_for_length,
    path_distance_from_soma_start,
    place_sections,
    segment_centres,
)

# Reference end points (µm) that fix each section's direction (Jones 2009).
L2_DIRECTIONS = {
    "apical_trunk": ((-50, 0, 778), (-50, 0, 813)),
    "apical_1": ((-50, 0, 813), (-50, 0, 993)),
    "apical_tuft": ((-50, 0, 993), (-50, 0, 1133)),
    "apical_oblique": ((-50, 0, 813), (-250, 0, 813)),
    "basal_1": ((-50, 0, 765), (-50, 0, 715)),
    "basal_2": ((-50, 0, 715), (-156, 0, 609)),
    "basal_3": ((-50, 0, 715), (56, 0, 609)),
    "soma": ((-50, 0, 765), (-50, 0, 778)),
}
L5_DIRECTIONS = {
    "apical_trunk": ((0, 0, 23), (0, 0, 83)),
    "apical_1": ((0, 0, 83), (0, 0, 483)),
    "apical_2": ((0, 0, 483), (0, 0, 883)),
    "apical_tuft": ((0, 0, 883), (0, 0, 1133)),
    "apical_oblique": ((0, 0, 83), (-150, 0, 83)),
    "basal_1": ((0, 0, 0), (0, 0, -50)),
    "basal_2": ((0, 0, -50), (-106, 0, -156)),
    "basal_3": ((0, 0, -50), (106, 0, -156)),
    "soma": ((0, 0, 0), (0, 0, 23)),
}

# (parent section, parent end) of each child section; children start at 0.
L2_TOPOLOGY = {
    "apical_trunk": ("soma", 1),
    "apical_1": ("apical_trunk", 1),
    "apical_tuft": ("apical_1", 1),
    "apical_oblique": ("apical_trunk", 1),
    "basal_1": ("soma", 0),
    "basal_2": ("basal_1", 1),
    "basal_3": ("basal_1", 1),
}
L5_TOPOLOGY = dict(L2_TOPOLOGY, apical_2=("apical_1", 1), apical_tuft=("apical_2", 1))

# Which sections HNN calls proximal and distal (synaptic targets).
PYRAMIDAL_SECTION_LISTS = {
    "proximal": ["apical_oblique", "basal_2", "basal_3"],
    "distal": ["apical_tuft"],
}

# Initial membrane potential (mV) of each section.
L2_V_INIT = -71.46
L5_V_INIT = {
    "apical_1": -71.32,
    "apical_2": -69.08,
    "apical_tuft": -67.30,
    "apical_trunk": -72.0,
    "soma": -72.0,
    "basal_1": -72.0,
    "basal_2": -72.0,
    "basal_3": -72.0,
    "apical_oblique": -72.0,
}

# L5 dendritic h-current density (S/cm²) grows with distance x (µm) from the
# soma's 0 end as 1e-6 * exp(3e-3 * x) (Jones 2009).
L5_AR_PROFILE = {"shape": "exponential", "at_soma": 1e-6, "rate_per_um": 3e-3}

# Where cad writes cai, NEURON derives eca from the Nernst equation with its
# own constants; NEURON 9 has only modern ones, so ecalegacy (mod/) writes
# eca with the legacy-unit constants hnn-core's results were made with.
LEGACY_ECA_MECHANISM = "ecalegacy"

# Channels of each cell type and the parameter names of each (hnn-core's
# flat keys are <cell>_<soma|dend>_<param>_<mechanism>).
L2_CHANNELS = {"km": ["gbar"], "hh2": ["gkbar", "gnabar", "gl", "el"]}
L5_CHANNELS = {
    "hh2": ["gkbar", "gnabar", "gl", "el"],
    "ca": ["gbar"],
    "cad": ["taur"],
    "kca": ["gbar"],
    "km": ["gbar"],
    "cat": ["gbar"],
    "ar": ["gbar"],
}


def _param_key(section_name):
    """hnn-core's parameter infix for a section ('apical_trunk' -> 'apicaltrunk')."""
    return section_name.replace("_", "")


def _channel_values(params, cell, region, channels):
    return {
        mech: {name: params[f"{cell}_{region}_{name}_{mech}"] for name in names}
        for mech, names in channels.items()
    }


def _pyramidal_rule(params, cell, directions, topology, channels, v_init):
    names = [name for name in directions if name != "soma"]
    lengths = {name: params[f"{cell}_{_param_key(name)}_L"] for name in names}
    diams = {name: params[f"{cell}_{_param_key(name)}_diam"] for name in names}
    lengths["soma"] = params[f"{cell}_soma_L"]
    diams["soma"] = params[f"{cell}_soma_diam"]
    end_points = place_sections(directions, topology, lengths)

    secs = {}
    for name in directions:
        region = "soma" if name == "soma" else "dend"
        start, end = end_points[name].tolist()
        sec = {
            "geom": {
                "L": lengths[name],
                "diam": diams[name],
                "Ra": params[f"{cell}_{region}_Ra"],
                "cm": params[f"{cell}_{region}_cm"],
                "nseg": nseg_for_length(lengths[name]),
                "pt3d": [start + [diams[name]], end + [diams[name]]],
            },
            "mechs": _channel_values(params, cell, region, channels),
            "vinit": v_init[name] if isinstance(v_init, dict) else v_init,
        }
        if "cad" in sec["mechs"]:
            sec["mechs"][LEGACY_ECA_MECHANISM] = {}
        sec["mechs"]["dipole"] = {}
        if name in topology:
            parent, parent_end = topology[name]
            sec["topol"] = {
                "parentSec": parent,
                "parentX": float(parent_end),
                "childX": 0.0,
            }
        secs[name] = sec
    return {"secs": secs, "secLists": {k: list(v) for k, v in PYRAMIDAL_SECTION_LISTS.items()}}


def l2_pyramidal_rule(params):
    """NetPyNE cellParams rule of the layer 2/3 pyramidal cell.

    Parameters
    ----------
    params : dict
        Validated HNN parameter set (see :func:`hnn_netpyne.model.params.read_params`).

    Returns
    -------
    rule : dict
        ``{'secs': ..., 'secLists': ...}`` with geometry in µm, ``cm`` in
        µF/cm², ``Ra`` in Ω·cm, conductances in S/cm² (``km`` in pS/µm²).
    """
    return _pyramidal_rule(params, "L2Pyr", L2_DIRECTIONS, L2_TOPOLOGY, L2_CHANNELS, L2_V_INIT)


def l5_pyramidal_rule(params):
    """NetPyNE cellParams rule of the layer 5 pyramidal cell.

    The dendritic h-current (``ar``) density is set per segment from the
    path distance to the soma's 0 end (see :func:`set_distance_profile`);
    everything else as in :func:`l2_pyramidal_rule`.
    """
    rule = _pyramidal_rule(params, "L5Pyr", L5_DIRECTIONS, L5_TOPOLOGY, L5_CHANNELS, L5_V_INIT)
    set_distance_profile(rule, "ar", "gbar", L5_AR_PROFILE)
    return rule


def profile_value(profile, distance_um):
    """A channel density that depends on the distance from the soma.

    Parameters
    ----------
    profile : dict
        ``{'shape': 'exponential', 'at_soma': g0, 'rate_per_um': k,
        'offset': c}`` gives ``g0 * (exp(k * x) + c)`` (``offset`` defaults
        to 0); ``{'shape': 'linear', 'at_soma': g0, 'far': g1,
        'plateau_um': xp}`` goes linearly from ``g0`` at the soma to ``g1``
        at ``xp`` and stays at ``g1`` beyond.
    distance_um : float
        Path distance x (µm) from the soma's 0 end.

    Returns
    -------
    value : float
        The density, in the unit of ``at_soma``.
    """
    x = distance_um
    if profile["shape"] == "exponential":
        return float(profile["at_soma"]
                     * (np.exp(profile["rate_per_um"] * x) + profile.get("offset", 0.0)))
    if profile["shape"] == "linear":
        g0, g1, plateau = profile["at_soma"], profile["far"], profile["plateau_um"]
        return float(g0 + min(plateau, x) * (g1 - g0) / plateau)
    raise ValueError(f"unknown distance profile shape {profile['shape']!r}")


def segment_distances(rule):
    """Path distance (µm) from the soma's 0 end to every segment centre.

    This is the distance hnn-core's distance-dependent channel densities
    use, computed from the rule's nominal lengths and topology.

    Returns
    -------
    distances : dict of str -> list of float
        Section name -> one distance per segment.
    """
    secs = rule["secs"]
    topology = {name: (sec["topol"]["parentSec"], sec["topol"]["parentX"])
                for name, sec in secs.items() if "topol" in sec}
    lengths = {name: sec["geom"]["L"] for name, sec in secs.items()}
    distances = {}
    for name, sec in secs.items():
        start = path_distance_from_soma_start(topology, lengths, name)
        distances[name] = [start + x * lengths[name] for x in segment_centres(sec["geom"]["nseg"])]
    return distances


def set_distance_profile(rule, mech, param, profile):
    """Give ``mech``'s ``param`` a per-segment value from ``profile`` on every dendrite.

    The soma keeps its own value (hnn-core's distance rules are dendritic).
    The values are written as explicit per-segment lists rather than as a
    NetPyNE string function of ``dist_path``, because that variable is a
    different distance: NetPyNE 1.1.1 evaluates it as
    ``h.distance(soma(0.5), seg)``, i.e. from the soma's middle, not its 0
    end (half a soma too far on basal dendrites, half a soma too short on
    apical ones); on NEURON's lengths, which come from float32 3-D points
    (255 µm reads 254.9999945 µm); and while the rule's sections are still
    being built in order, so a section evaluated before the soma's geometry
    is set measures from a soma of NEURON's default 100 µm length. Lists
    also survive the JSON and SONATA exports unchanged.
    """
    distances = segment_distances(rule)
    for name, sec in rule["secs"].items():
        if name != "soma" and mech in sec["mechs"]:
            sec["mechs"][mech][param] = [profile_value(profile, x) for x in distances[name]]
