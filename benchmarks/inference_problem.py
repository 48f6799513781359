"""The inference problem of ``inference_recovery.py`` and of tests/test_inference.py.

A 3 x 3 column (hnn-core's ``jones_2009_model(mesh_shape=(3, 3))``, 9
pyramidal cells per layer), 80 ms at dt 0.05 ms, driven by the first
proximal and the first distal evoked drive of hnn-core's ERP example (their
weights, delays, jitter and seeds). Two values are free: the proximal
drive's AMPA weight onto the L5 pyramidal cells (µS, log-uniform prior
1e-3 .. 1e-1; the ERP's is 0.00865) and the distal drive's time (ms,
uniform 50 .. 75; the ERP's is 63.53). The target of the recovery study is
``TRUE``.

This module imports neither hnn-netpyne nor hnn-core: ``set_params`` only
calls ``net.add_evoked_drive``, whose signature both share.
"""

MESH_SHAPE = (3, 3)
TSTOP_MS = 80.0
DT_MS = 0.05
CONSTRAINTS = {"prox_weight_L5pyr": (1e-3, 1e-1), "dist_mu": (50.0, 75.0)}
LOG_UNIFORM = ["prox_weight_L5pyr"]
TRUE = {"prox_weight_L5pyr": 0.012, "dist_mu": 62.0}

_PROXIMAL_DELAYS = {"L2_basket": 0.1, "L2_pyramidal": 0.1, "L5_basket": 1.0,
                    "L5_pyramidal": 1.0}


def set_params(net, params):
    """Add the two evoked drives with one draw's weight (µS) and time (ms)."""
    net.add_evoked_drive(
        "evprox1", mu=26.61, sigma=2.47, numspikes=1, location="proximal",
        weights_ampa={"L2_basket": 0.08831, "L2_pyramidal": 0.01525, "L5_basket": 0.19934,
                      "L5_pyramidal": params["prox_weight_L5pyr"]},
        synaptic_delays=_PROXIMAL_DELAYS, event_seed=544)
    net.add_evoked_drive(
        "evdist1", mu=params["dist_mu"], sigma=3.85, numspikes=1, location="distal",
        weights_ampa={"L2_basket": 0.006562, "L2_pyramidal": 7e-6, "L5_pyramidal": 0.142300},
        weights_nmda={"L2_basket": 0.019482, "L2_pyramidal": 0.004317, "L5_pyramidal": 0.080074},
        synaptic_delays={"L2_basket": 0.1, "L2_pyramidal": 0.1, "L5_pyramidal": 0.1},
        event_seed=274)


def network(jones_2009_model):
    """The problem's base network, from either package's ``jones_2009_model``."""
    return jones_2009_model(mesh_shape=MESH_SHAPE)
