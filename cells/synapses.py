"""Synaptic receptors of the HNN cells as NetPyNE synMechParams.

Every receptor is a double-exponential conductance (NEURON's ``Exp2Syn``)
with reversal potential ``e`` (mV) and rise/decay times ``tau1``/``tau2``
(ms). Pyramidal kinetics come from the parameter set; basket kinetics are
fixed by the model. Labels are ``<cell type>_<receptor>``.
"""

PYRAMIDAL_RECEPTORS = ("ampa", "nmda", "gabaa", "gabab")
BASKET_RECEPTORS = ("ampa", "gabaa", "nmda")

BASKET_KINETICS = {
    "ampa": {"e": 0.0, "tau1": 0.5, "tau2": 5.0},
    "gabaa": {"e": -80.0, "tau1": 0.5, "tau2": 5.0},
    "nmda": {"e": 0.0, "tau1": 1.0, "tau2": 20.0},
}

# Receptors each section of a pyramidal cell carries: somata are inhibited
# only, dendrites receive every receptor.
PYRAMIDAL_SOMA_RECEPTORS = ("gabaa", "gabab")


def synapse_label(cell_type, receptor):
    """NetPyNE synMech label of ``receptor`` on ``cell_type`` (e.g. 'L5Pyr_ampa')."""
    return f"{cell_type}_{receptor}"


def synaptic_mechanisms(params):
    """All synMechParams of the four cell types.

    Parameters
    ----------
    params : dict
        Validated HNN parameter set.

    Returns
    -------
    syn_mech_params : dict
        Label -> ``{'mod': 'Exp2Syn', 'e': mV, 'tau1': ms, 'tau2': ms}``.
    """
    mechs = {}
    for cell_type in ("L2Pyr", "L5Pyr"):
        for receptor in PYRAMIDAL_RECEPTORS:
            mechs[synapse_label(cell_type, receptor)] = {
                "mod": "Exp2Syn",
                "e": params[f"{cell_type}_{receptor}_e"],
                "tau1": params[f"{cell_type}_{receptor}_tau1"],
                "tau2": params[f"{cell_type}_{receptor}_tau2"],
            }
    for cell_type in ("L2Basket", "L5Basket"):
        for receptor in BASKET_RECEPTORS:
            mechs[synapse_label(cell_type, receptor)] = dict(
                BASKET_KINETICS[receptor], mod="Exp2Syn"
            )
    return mechs


def receptors_on_section(cell_type, section):
    """Receptors that ``section`` of ``cell_type`` carries."""
    if cell_type.endswith("Basket"):
        return BASKET_RECEPTORS
    if section == "soma":
        return PYRAMIDAL_SOMA_RECEPTORS
    return PYRAMIDAL_RECEPTORS
