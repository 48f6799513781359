"""A small fit problem: three drive parameters of a subthreshold 4 x 4 column (40 ms)."""

from hnn_netpyne.api import jones_2009_model

TRUE = {"prox_mu": 18.0, "prox_weight": 2e-4, "dist_mu": 27.0}
CONSTRAINTS = {"prox_mu": (14.0, 22.0), "prox_weight": (1e-4, 4e-4), "dist_mu": (23.0, 32.0)}
TSTOP = 40.0


def set_params(net, params):
    """A proximal and a distal evoked drive: times (ms) and a weight (µS)."""
    net.add_evoked_drive("prox", mu=params["prox_mu"], sigma=0.0, numspikes=1,
                         location="proximal",
                         weights_ampa={"L5_pyramidal": params["prox_weight"],
                                       "L2_pyramidal": 2e-4})
    net.add_evoked_drive("dist", mu=params["dist_mu"], sigma=0.0, numspikes=1,
                         location="distal",
                         weights_ampa={"L5_pyramidal": 3e-4, "L2_pyramidal": 3e-4})


def small_network():
    return jones_2009_model(mesh_shape=(4, 4))
