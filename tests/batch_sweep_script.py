"""A small sweep (4 x 4 grid, 40 ms) for the batch tests; run as a script it sweeps FOLDER."""

import sys

from hnn_netpyne.api import add_erp_drives_to_jones_model, jones_2009_model

WEIGHTS = [0.0, 1e-3, 2e-3, 3e-3, 4e-3, 6e-3, 8e-3, 1e-2]


def set_params(param_values, net):
    """One more proximal drive onto the L5 pyramidal cells, of weight ``weight`` (µS)."""
    net.add_evoked_drive("extra", mu=20.0, sigma=2.0, numspikes=1, location="proximal",
                         weights_ampa={"L5_pyramidal": param_values["weight"]}, event_seed=5)


def small_network():
    net = jones_2009_model(mesh_shape=(4, 4))
    add_erp_drives_to_jones_model(net)
    return net


def batch(folder, **kwargs):
    from hnn_netpyne.batch import BatchSimulate

    return BatchSimulate(set_params, net=small_network(), tstop=40.0, save_folder=folder,
                         save_outputs=True, save_spiking=True, **kwargs)


if __name__ == "__main__":
    batch(sys.argv[1]).run({"weight": WEIGHTS}, n_jobs=1, verbose=False)
