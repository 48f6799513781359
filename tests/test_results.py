"""Dipole and CellResponse against hnn-core 0.6.1 on the same data (no simulation).

References: ``tests/data/api_reference.npz`` and ``tests/data/hnn_core_files``,
made by ``validation/make_api_references.py`` from hnn-core's ERP outputs.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import hnn_netpyne  # noqa: E402
from hnn_netpyne import CellResponse, Dipole, read_dipole, read_spikes  # noqa: E402
from hnn_netpyne.analysis.psd import dipole_psd  # noqa: E402
from hnn_netpyne.errors import ParameterError  # noqa: E402
from reference_data import DATA, load_reference  # noqa: E402

STEP = 10  # the reference keeps every 10th sample of the filtered dipoles
LAYERS = ("agg", "L2", "L5")


@pytest.fixture(scope="module")
def erp():
    return load_reference("erp")


@pytest.fixture(scope="module")
def ref():
    return load_reference("api_reference")


@pytest.fixture()
def dipole(erp):
    return Dipole(erp["times"], np.column_stack([erp[f"dipole_{k}"][0] for k in LAYERS]))


@pytest.fixture()
def response(erp):
    ranges = {str(n): range(int(a), int(b)) for n, a, b in
              zip(erp["gid_range_names"], erp["gid_range_start"], erp["gid_range_stop"])}
    cr = CellResponse(None, [erp["spike_times"].tolist()], [erp["spike_gids"].tolist()])
    cr.update_types(ranges)
    return cr


def _layers(dpl):
    return np.column_stack([dpl.data[k] for k in LAYERS])


def test_sfreq_savgol_and_smooth_equal_hnn_core(dipole, ref):
    assert dipole.sfreq == pytest.approx(40_000.0)
    smoothed = _layers(dipole.copy().smooth(20))[::STEP]
    np.testing.assert_allclose(smoothed, ref["smooth20"], rtol=1e-12, atol=1e-15)
    filtered = dipole.savgol_filter(40)
    assert filtered is dipole
    # Near the zero crossings the filter's rounding depends on SciPy's version.
    np.testing.assert_allclose(_layers(filtered)[::STEP], ref["savgol40"], rtol=1e-12,
                               atol=1e-10 * np.abs(ref["savgol40"]).max())
    with pytest.raises(ParameterError, match="h_freq"):
        dipole.savgol_filter(30_000)


@pytest.mark.parametrize("key, window", [("psd", (None, None)), ("psd_20_150", (20.0, 150.0))])
def test_psd_equals_hnn_core(dipole, ref, key, window):
    freqs, power = dipole_psd(dipole, *window)
    np.testing.assert_allclose(freqs, ref[key][:, 0], rtol=1e-12)
    np.testing.assert_allclose(power, ref[key][:, 1], rtol=1e-10, atol=1e-30)
    fig = dipole.plot_psd(tmin=window[0], tmax=window[1], fmax=100.0, show=False)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_xydata(), ref[key], rtol=1e-10,
                               atol=1e-30)
    plt.close(fig)


def test_mean_rates_equal_hnn_core(response, ref):
    ranges = response.gid_ranges
    for mean_type in ("all", "trial", "cell"):
        rates = response.mean_rates(0.0, 170.0, ranges, mean_type=mean_type)
        assert list(rates) == ["L2_basket", "L2_pyramidal", "L5_basket", "L5_pyramidal"]
        for name, value in rates.items():
            np.testing.assert_allclose(value, ref[f"rates_{mean_type}_{name}"], rtol=1e-14)
    with pytest.raises(ParameterError, match="mean_type"):
        response.mean_rates(0.0, 170.0, ranges, mean_type="gid")


def test_spike_types_by_type_and_cell_types(response, erp):
    assert response.cell_types == sorted(["L2_basket", "L2_pyramidal", "L5_basket",
                                          "L5_pyramidal", "evdist1", "evprox1", "evprox2"])
    by_type = response.spike_times_by_type
    assert sum(len(v[0]) for v in by_type.values()) == len(erp["spike_times"])
    l5 = (erp["spike_gids"] >= 170) & (erp["spike_gids"] < 270)
    assert by_type["L5_pyramidal"][0] == erp["spike_times"][l5].tolist()
    data = response.to_dict()
    assert data["spike_types"] == response.spike_types and data["vsec"] == []


def test_spike_files_are_hnn_cores_byte_for_byte(response, tmp_path):
    response.write(tmp_path / "spk_%d.txt")
    written = (tmp_path / "spk_0.txt").read_text()
    assert written == (DATA / "hnn_core_files" / "spk_0.txt").read_text()
    response.write(str(tmp_path / "other_{0}.txt"))
    assert (tmp_path / "other_0.txt").read_text() == written


def test_read_spikes_of_hnn_core_files(response):
    back = read_spikes(DATA / "hnn_core_files" / "spk_*.txt")
    assert back == response  # times to 3 decimals, gids and types equal
    legacy = read_spikes(DATA / "hnn_core_files" / "spk_*.txt", gid_ranges=response.gid_ranges)
    assert legacy.spike_types == response.spike_types
    with pytest.raises(ParameterError, match="no spike file matches"):
        read_spikes(DATA / "nothing_*.txt")


def test_read_dipole_of_hnn_core_file_and_write_round_trip(dipole, tmp_path):
    theirs = read_dipole(DATA / "hnn_core_files" / "dpl.txt")
    n = len(theirs.times)
    assert n == 400 and theirs.sfreq == pytest.approx(40_000.0)
    for layer in LAYERS:  # hnn-core writes 4 decimals
        np.testing.assert_allclose(theirs.data[layer], dipole.data[layer][:n], atol=5e-5)
    dipole.write(tmp_path / "dpl.txt")
    back = read_dipole(tmp_path / "dpl.txt")
    np.testing.assert_allclose(_layers(back), _layers(dipole), rtol=1e-9, atol=1e-15)
    with pytest.raises(FileExistsError, match="overwrite=True"):  # hnn-core's exception
        dipole.write(tmp_path / "dpl.txt", overwrite=False)
    with pytest.raises(ParameterError, match=".txt or .hdf5"):
        dipole.write(tmp_path / "dpl.csv")
    agg_only = Dipole(dipole.times[:10], dipole.data["agg"][:10])
    agg_only.write(tmp_path / "agg.txt")
    assert list(read_dipole(tmp_path / "agg.txt").data) == ["agg"]


def test_plots_take_hnn_core_arguments(dipole, response):
    fig = dipole.plot(layer="L5", tmin=10.0, tmax=100.0, decim=4, color="b", show=False)
    assert fig.axes[0].lines[0].get_color() == "b"
    fig = dipole.plot_tfr_morlet(np.arange(40.0, 80.0, 10.0), n_cycles=2, decim=8,
                                 colormap="viridis", show=False)
    assert fig.axes[0].collections[0].get_cmap().name == "viridis"
    fig = response.plot_spikes_raster(cell_types=["L5_pyramidal"], show=False)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["L5Pyr"]
    fig = response.plot_spikes_hist(spike_types={"evoked": ["ev"]}, color={"evoked": "r"},
                                    histtype="bar", show=False)
    assert sum(bar.get_height() for bar in fig.axes[0].patches) == 235 + 270 + 270
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["evoked"]
    with pytest.raises(ParameterError, match="cell_types"):
        response.plot_spikes_raster(cell_types=["L4_pyramidal"], show=False)
    plt.close("all")


def test_module_names_of_hnn_core():
    from hnn_netpyne.network_models import add_erp_drives_to_jones_model, jones_2009_model

    import os.path as op

    param_dir = op.join(op.dirname(hnn_netpyne.__file__), "param")
    assert op.exists(op.join(param_dir, "default.json"))
    net = jones_2009_model()
    add_erp_drives_to_jones_model(net)
    assert list(net.external_drives) == ["evdist1", "evprox1", "evprox2"]


def test_zero_padding_only_lets_longer_wavelets_fit(dipole):
    """Zeros beyond the window are what the transform assumes anyway: padding changes no
    value, it only allows wavelets up to three times the window (as hnn-core pads)."""
    from hnn_netpyne.analysis.spectrogram import _padded_power, morlet_power
    from hnn_netpyne.errors import HNNNetpyneError

    trace = dipole.data["agg"][:6000]  # 150 ms at 40 kHz
    freqs = np.array([80.0, 160.0])
    np.testing.assert_allclose(_padded_power(trace, dipole.sfreq, freqs, 4.0, "zeros"),
                               morlet_power(trace, dipole.sfreq, freqs, 4.0), rtol=1e-9,
                               atol=1e-20)
    with pytest.raises(HNNNetpyneError, match="longer than the signal"):
        morlet_power(trace, dipole.sfreq, [30.0], 7.0)
    assert _padded_power(trace, dipole.sfreq, [30.0], 7.0, "zeros").shape == (1, 6000)


def test_viz_functions_take_hnn_core_arguments(dipole, response):
    from hnn_netpyne import viz

    trials = [dipole, dipole.copy().scale(1.0)]
    fig = viz.plot_dipole(trials, layer=["L2", "L5", "agg"], average=True, show=False)
    assert [ax.get_title() for ax in fig.axes] == ["L2", "L5", "agg"]
    assert len(fig.axes[2].lines) == 3  # two trials and their average
    np.testing.assert_allclose(fig.axes[2].lines[2].get_ydata(), dipole.data["agg"])
    fig = viz.plot_psd(dipole, fmax=200.0, show=False)
    assert fig.axes[0].get_xlim() == (0.0, 200.0)
    fig = viz.plot_tfr_morlet(trials, np.array([40.0, 80.0]), n_cycles=2.0, show=False)
    assert fig.axes[0].collections[0].get_array().shape == (2, 6801)
    fig = viz.plot_spikes_hist(response, spike_types=["evprox", "evdist"], show=False)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["evprox",
                                                                            "evdist"]
    plt.close("all")
