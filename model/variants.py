"""HNN model variants as small sets of changes to the default network.

``neymotin_2020`` (alias ``jones_2009``) is the default network. Every other
variant is a dictionary that says which rules change and to what:

* ``synapses``: synMechParams label -> new values;
* ``remove_mechanisms``: cell type -> {mechanism: [sections]};
* ``pathway_weights``: pathway label -> new zero-distance weight (µS);
* ``remove_pathways``: pathway labels to drop;
* ``add_pathways``: new pathways (see :mod:`hnn_netpyne.model.connectivity`).
"""

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

MODEL_VARIANTS = {
    "neymotin_2020": {},
    "jones_2009": {},
    "law_2021": LAW_2021,
}
"""Model name -> its changes to the default network."""


def model_variant(name):
    """The change set of model ``name``."""
    if name not in MODEL_VARIANTS:
        raise ParameterError(
            f"unknown model {name!r}; expected one of {sorted(MODEL_VARIANTS)}",
            key="model", value=name,
        )
    return MODEL_VARIANTS[name]


def variant_pathways(variant):
    """The pathway table of a variant."""
    pathways = []
    for path in LOCAL_PATHWAYS:
        label = pathway_label(path)
        if label in variant.get("remove_pathways", ()):
            continue
        if label in variant.get("pathway_weights", {}):
            path = dict(path, weight=variant["pathway_weights"][label])
        pathways.append(path)
    return pathways + list(variant.get("add_pathways", ()))


def apply_cell_changes(variant, cell_rules, syn_mechs):
    """Apply a variant's mechanism and synapse changes in place."""
    for label, values in variant.get("synapses", {}).items():
        syn_mechs[label].update(values)
    for cell, mechs in variant.get("remove_mechanisms", {}).items():
        for mech, sections in mechs.items():
            for sec in sections:
                del cell_rules[cell]["secs"][sec]["mechs"][mech]
