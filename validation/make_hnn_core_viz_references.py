"""References for hnn-core's plotting and analysis functions: ``tests/data/hnn_core_viz.npz``.

Run with the environment that has hnn-core 0.6.1::

    /work/hnnval/bin/python validation/make_hnn_core_viz_references.py

Keeps the image of ``plot_connectivity_matrix`` (weights, µS) of two
connections of a 3 x 3 network with the parameter file's drives, the
connection indices, and ``tfr_array_morlet`` of a fixed signal.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from hnn_core import neymotin_2020_model, pick_connection  # noqa: E402
from hnn_core.viz import plot_connectivity_matrix, tfr_array_morlet  # noqa: E402

OUTPUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "hnn_core_viz.npz"
PICKS = {"L5_basket_L5_pyramidal": ("L5_basket", "L5_pyramidal", "soma", "gabaa"),
         "L2_pyramidal_L5_pyramidal": ("L2_pyramidal", "L5_pyramidal", "distal", "ampa")}


def main():
    net = neymotin_2020_model(mesh_shape=(3, 3), add_drives_from_params=True)
    net.set_cell_positions(inplane_distance=2.0)
    out = {}
    for key, (src, target, loc, receptor) in PICKS.items():
        conn_idx = pick_connection(net, src_gids=src, target_gids=target, loc=loc,
                                   receptor=receptor)[0]
        fig = plot_connectivity_matrix(net, conn_idx, show=False)
        out[f"matrix_{key}"] = np.asarray(fig.axes[0].images[0].get_array())
    rng = np.random.default_rng(7)
    signal = rng.standard_normal((2, 1, 800))
    out["tfr_signal"] = signal
    out["tfr_complex"] = tfr_array_morlet(signal, 1000.0, [20.0, 40.0], n_cycles=4.0,
                                          output="complex")
    out["tfr_power_decim"] = tfr_array_morlet(signal, 1000.0, [20.0, 40.0], n_cycles=4.0,
                                              output="power", decim=3)
    np.savez_compressed(OUTPUT, **out)
    print(f"-> {OUTPUT}")


if __name__ == "__main__":
    main()
