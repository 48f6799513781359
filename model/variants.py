"""HNN model variants as small sets of changes to the default network.

``neymotin_2020`` (alias ``jones_2009``) is the default network. Every other
variant is a dictionary that says which rules change and to what:

* ``synapses``: synMechParams label -> new values;
* ``remove_mechanisms``: cell type -> {mechanism: [sections]};
* ``mechanism_values``: cell type -> {section: {mechanism: {param: value}}};
* ``distance_profiles``: cell type -> {mechanism: {param: profile}}, a
  density on every dendrite that depends on the distance from the soma
  (profiles as in :func:`hnn_netpyne.cells.pyramidal.profile_value`);
* ``pathway_weights``: pathway label -> new zero-distance weight (µS);
* ``remove_pathways``: pathway labels to drop;
* ``add_pathways``: new pathways (see :mod:`hnn_netpyne.model.connectivity`).
"""

from hnn_netpyne.cells.pyramidal import set_distance_profile
from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.connectivity import LOCAL_PATHWAYS, pathway_label

LAW_2021 = {
    "reference": "Law et al. (2021) Cereb Cortex 32:668, beta events",
    "synapses": {
        "L2Pyr_gabab": {"tau1": 45.0, "tau2": 200.0},
        "L5Pyr_gabab": {"tau1": 45.0, "tau2": 200.0},
    },
    "remove_mechanisms": {"L5Pyr": {"ca": ["soma", "basal_1", "basal_2", "basal_3"]}},
    "pathway_weights": {
        "L5Pyr_L5Pyr_proximal_nmda": 0.0004,
        "L5Basket_L5Pyr_soma_gabaa": 0.02,
        "L5Basket_L5Pyr_soma_gabab": 0.005,
    },
    "remove_pathways": ["L2Basket_L5Pyr_distal_gabaa"],
    "add_pathways": [
        {"source": "L2Basket", "target": "L5Pyr", "loc": "distal", "receptor": "gabab",
         "weight": 0.0002, "lamtha": 50.0, "autapses": True},
        # Martinotti-like recurrent inhibition of the L5 tuft.
        {"source": "L5Basket", "target": "L5Pyr", "loc": "distal", "receptor": "gabaa",
         "weight": "gbar_L5Basket_L5Pyr_gabaa", "lamtha": 70.0, "autapses": True},
    ],
}

# Kohl et al. (2022): denser somatic Na and K, and L5 dendritic Ca, Na and K
# densities that follow the distance x (µm) from the soma's 0 end.
CALCIUM_SOMA_GNABAR = 0.32  # S/cm²
CALCIUM_SOMA_GKBAR = 0.06  # S/cm²
CALCIUM = {
    "reference": "Kohl et al. (2022) Brain Topogr 35:19, L5 pyramidal calcium dynamics",
    "mechanism_values": {
        "L5Pyr": {"soma": {"hh2": {"gnabar": CALCIUM_SOMA_GNABAR, "gkbar": CALCIUM_SOMA_GKBAR}}},
    },
    "distance_profiles": {"L5Pyr": {
        # Ca (pS/µm²) rises from 10 at the soma to 40 where the tuft starts (1501 µm).
        "ca": {"gbar": {"shape": "linear", "at_soma": 10.0, "far": 40.0, "plateau_um": 1501.0}},
        "hh2": {
            # Na falls from the somatic density to 28e-4 S/cm² at 962 µm.
            "gnabar": {"shape": "linear", "at_soma": CALCIUM_SOMA_GNABAR, "far": 28e-4,
                       "plateau_um": 962.0},
            # K decays with a length constant of 1/0.006 µm to 1e-4 of the somatic density.
            "gkbar": {"shape": "exponential", "at_soma": CALCIUM_SOMA_GKBAR,
                      "rate_per_um": -0.006, "offset": 1e-4},
        },
    }},
}

MODEL_VARIANTS = {
    "neymotin_2020": {},
    "jones_2009": {},
    "law_2021": LAW_2021,
    "calcium": CALCIUM,
}
"""Model name -> its changes to the default network."""


def model_variant(name):
    """The change set of model ``name``, with its ``name``."""
    if name not in MODEL_VARIANTS:
        raise ParameterError(
            f"unknown model {name!r}; expected one of {sorted(MODEL_VARIANTS)}",
            key="model", value=name,
        )
    return dict(MODEL_VARIANTS[name], name=name)


def _unmatched(variant, what, label, choices):
    """ParameterError for a variant label that names nothing of the default network."""
    return ParameterError(
        f"model variant {variant.get('name', '<unnamed>')!r}: {what} {label!r} matches nothing; "
        f"expected one of {sorted(choices)}", key="model", value=variant.get("name"))


def variant_pathways(variant):
    """The pathway table of a variant.

    Raises
    ------
    ParameterError
        If a removed or reweighted pathway label names no pathway.
    """
    labels = [pathway_label(path) for path in LOCAL_PATHWAYS]
    for what, wanted in (("removed pathway", variant.get("remove_pathways", ())),
                         ("reweighted pathway", variant.get("pathway_weights", {}))):
        for label in wanted:
            if label not in labels:
                raise _unmatched(variant, what, label, labels)
    pathways = []
    for label, path in zip(labels, LOCAL_PATHWAYS):
        if label in variant.get("remove_pathways", ()):
            continue
        if label in variant.get("pathway_weights", {}):
            path = dict(path, weight=variant["pathway_weights"][label])
        pathways.append(path)
    return pathways + list(variant.get("add_pathways", ()))


def _section_mechs(variant, cell_rules, cell, sec, mech):
    """The mechanism dict ``mech`` of section ``sec`` of ``cell``, or a ParameterError."""
    if cell not in cell_rules:
        raise _unmatched(variant, "cell type", cell, cell_rules)
    secs = cell_rules[cell]["secs"]
    if sec not in secs:
        raise _unmatched(variant, f"{cell} section", sec, secs)
    if mech not in secs[sec]["mechs"]:
        raise _unmatched(variant, f"{cell} {sec} mechanism", mech, secs[sec]["mechs"])
    return secs[sec]["mechs"]


def apply_cell_changes(variant, cell_rules, syn_mechs):
    """Apply a variant's cell and synapse changes in place.

    Parameters
    ----------
    variant : dict
        A change set of :data:`MODEL_VARIANTS` (from :func:`model_variant`).
    cell_rules : dict
        cellParams rules by cell type, changed in place.
    syn_mechs : dict
        synMechParams by label, changed in place.

    Raises
    ------
    ParameterError
        If a label of the change set names no synapse, cell type, section
        or mechanism.
    """
    for label, values in variant.get("synapses", {}).items():
        if label not in syn_mechs:
            raise _unmatched(variant, "synapse", label, syn_mechs)
        syn_mechs[label].update(values)
    for cell, mechs in variant.get("remove_mechanisms", {}).items():
        for mech, sections in mechs.items():
            for sec in sections:
                del _section_mechs(variant, cell_rules, cell, sec, mech)[mech]
    for cell, secs in variant.get("mechanism_values", {}).items():
        for sec, mechs in secs.items():
            for mech, values in mechs.items():
                _section_mechs(variant, cell_rules, cell, sec, mech)[mech].update(values)
    for cell, mechs in variant.get("distance_profiles", {}).items():
        if cell not in cell_rules:
            raise _unmatched(variant, "cell type", cell, cell_rules)
        for mech, params in mechs.items():
            for param, profile in params.items():
                set_distance_profile(cell_rules[cell], mech, param, profile)
