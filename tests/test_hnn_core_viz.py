"""hnn-core's plotting functions here draw hnn-core's numbers.

References: ``tests/data/hnn_core_viz.npz`` by
``validation/make_hnn_core_viz_references.py`` (hnn-core 0.6.1).
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hnn_netpyne import neymotin_2020_model, pick_connection  # noqa: E402
from hnn_netpyne.errors import ParameterError  # noqa: E402
from hnn_netpyne.viz import (  # noqa: E402
    NetworkPlotter,
    plot_cell_connectivity,
    plot_connectivity_matrix,
    plot_drive_strength,
    tfr_array_morlet,
)

REF = np.load(Path(__file__).parent / "data" / "hnn_core_viz.npz")
PICKS = {"L5_basket_L5_pyramidal": ("L5_basket", "L5_pyramidal", "soma", "gabaa"),
         "L2_pyramidal_L5_pyramidal": ("L2_pyramidal", "L5_pyramidal", "distal", "ampa")}


@pytest.fixture(scope="module")
def net():
    net = neymotin_2020_model(mesh_shape=(3, 3), add_drives_from_params=True)
    net.set_cell_positions(inplane_distance=2.0)
    return net


@pytest.mark.parametrize("key", sorted(PICKS))
def test_connectivity_matrix_is_hnn_cores(net, key):
    src, target, loc, receptor = PICKS[key]
    conn_idx = pick_connection(net, src_gids=src, target_gids=target, loc=loc,
                               receptor=receptor)[0]
    fig = plot_connectivity_matrix(net, conn_idx, show=False)
    np.testing.assert_allclose(np.asarray(fig.axes[0].images[0].get_array()),
                               REF[f"matrix_{key}"], rtol=1e-12)
    src_gid = sorted(net.connectivity[conn_idx]["gid_pairs"])[0]
    fig = plot_cell_connectivity(net, conn_idx, src_gid, show=False)
    colored = fig.axes[-2].collections[1].get_array() if len(fig.axes) > 2 else None
    row = REF[f"matrix_{key}"][net.gid_ranges[src].index(int(src_gid))]
    if colored is not None:
        np.testing.assert_allclose(sorted(colored), sorted(row[row > 0]), rtol=1e-12)
    with pytest.raises(ParameterError, match="src_gid"):
        plot_cell_connectivity(net, conn_idx, src_gid=10_000, show=False)


def test_drive_strength_sums_each_drives_weights(net):
    fig = plot_drive_strength(net, normalize=False, show=False)
    matrix = np.asarray(fig.axes[0].images[0].get_array())
    drives, cells = list(net.external_drives), list(net.cell_types)
    assert matrix.shape == (len(drives), len(cells))
    conn_idx = pick_connection(net, src_gids="evprox1", target_gids="L5_pyramidal",
                               receptor="ampa")
    # a drive at the origin: weight A exp(-(d / (lamtha spacing))^2) per pair, summed
    expected = 0.0
    for index in conn_idx:
        conn = net.connectivity[index]
        positions = np.asarray(net.pos_dict["L5_pyramidal"])
        origin = np.asarray(net.pos_dict["origin"])
        for targets in conn["gid_pairs"].values():
            for gid in targets:
                d = np.hypot(*(positions[net.gid_ranges["L5_pyramidal"].index(gid)][:2]
                               - origin[:2]))
                expected += conn["nc_dict"]["A_weight"] * np.exp(
                    -(d / (conn["nc_dict"]["lamtha"] * 2.0)) ** 2)
    nmda = pick_connection(net, src_gids="evprox1", target_gids="L5_pyramidal",
                           receptor="nmda")
    assert not nmda or all(net.connectivity[i]["nc_dict"]["A_weight"] == 0 for i in nmda)
    assert matrix[drives.index("evprox1"), cells.index("L5_pyramidal")] == \
        pytest.approx(expected, rel=1e-12)


def test_tfr_array_morlet_is_mnes():
    signal = REF["tfr_signal"]
    out = tfr_array_morlet(signal, 1000.0, [20.0, 40.0], n_cycles=4.0, output="complex")
    scale = np.max(np.abs(REF["tfr_complex"]))
    assert np.max(np.abs(out - REF["tfr_complex"])) < 1e-12 * scale
    power = tfr_array_morlet(signal, 1000.0, [20.0, 40.0], n_cycles=4.0, output="power",
                             decim=3)
    np.testing.assert_allclose(power, REF["tfr_power_decim"], rtol=1e-10,
                               atol=1e-12 * power.max())


def test_network_plotter_without_recordings(net):
    plotter = NetworkPlotter(net)
    n_sections = sum(len(entry["cell_object"].sections) * len(net.gid_ranges[name])
                     for name, entry in net.cell_types.items())
    assert len(plotter.ax.lines) == n_sections
    plotter.azim, plotter.elev, plotter.xlim = 45, 40, (400, 1600)
    assert plotter.ax.get_xlim() == pytest.approx((400, 1600)) and plotter.colorbar
    with pytest.raises(ParameterError, match="record_vsec='all'"):
        plotter.export_movie("never.gif")
    with pytest.raises(ParameterError, match="xlim"):
        plotter.xlim = 400
