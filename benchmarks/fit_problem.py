"""The fit problem of ``fit_comparison.py``, shared by hnn-core's side and ours.

The 10 x 10 column (hnn-core's ``jones_2009_model()``, no other drives)
with a proximal and a distal evoked drive (one spike per drive cell, no
jitter), 40 ms. Three values are free: the proximal drive's time (ms), its
AMPA weight onto the L5 pyramidal cells (in nS, so that every range is a
few units wide: hnn-core's COBYLA takes absolute steps, ``rhobeg=0.1``)
and the distal drive's time (ms). The drives keep every cell below
threshold: with the ERP's spiking drives both COBYLA fits stalled near
their start, as spike times make the RMSE jump between nearby candidates.
The target is the dipole of ``TRUE``; each constraint's middle, where both
fits start, is 6-25 % away from it.

This module imports neither package: ``set_params`` only calls
``net.add_evoked_drive``, whose signature both share.
"""

TRUE = {"prox_mu": 18.0, "prox_L5pyr_ampa_nS": 0.2, "dist_mu": 27.0}
CONSTRAINTS = {"prox_mu": (12.0, 22.0), "prox_L5pyr_ampa_nS": (0.1, 0.4),
               "dist_mu": (20.0, 30.0)}
TSTOP_MS = 40.0
DT_MS = 0.025
MAX_ITER = 25


def set_params(net, params):
    """Add the proximal and the distal drive with the three free values."""
    net.add_evoked_drive("prox", mu=params["prox_mu"], sigma=0.0, numspikes=1,
                         location="proximal",
                         weights_ampa={"L5_pyramidal": params["prox_L5pyr_ampa_nS"] * 1e-3,
                                       "L2_pyramidal": 2e-4})
    net.add_evoked_drive("dist", mu=params["dist_mu"], sigma=0.0, numspikes=1,
                         location="distal",
                         weights_ampa={"L5_pyramidal": 3e-4, "L2_pyramidal": 3e-4})


def relative_errors(values):
    """|fitted - true| / true of each parameter (a dict of fitted values)."""
    return {name: abs(values[name] - TRUE[name]) / abs(TRUE[name]) for name in TRUE}
