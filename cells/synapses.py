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


def pyramidal_kinetics(cell_type, params):
    """Receptor kinetics of a pyramidal cell type, from the parameter set.

    Parameters
    ----------
    cell_type : str
        The type whose keys (``<cell_type>_<receptor>_e``, ``_tau1``,
        ``_tau2``) hold its kinetics.
    params : dict
        Validated HNN parameter set.

    Returns
    -------
    kinetics : dict
        Receptor -> ``{'e': mV, 'tau1': ms, 'tau2': ms}``.
    """
    return {receptor: {key: params[f"{cell_type}_{receptor}_{key}"]
                       for key in ("e", "tau1", "tau2")}
            for receptor in PYRAMIDAL_RECEPTORS}


def basket_kinetics(params=None):
    """Receptor kinetics of basket cells (fixed by the model; ``params`` unused)."""
    return {receptor: dict(BASKET_KINETICS[receptor]) for receptor in BASKET_RECEPTORS}
