"""Dipole, raster and histogram figures on synthetic data, and atomic PNG saving."""

import os
import stat

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hnn_netpyne.analysis.dipole import Dipole  # noqa: E402
from hnn_netpyne.analysis.plots import (  # noqa: E402
    plot_dipole,
    plot_spike_histogram,
    plot_spike_raster,
    save_figure,
)
from hnn_netpyne.errors import HNNNetpyneError  # noqa: E402

CELLS = ["L2Basket", "L2Pyr", "L5Basket", "L5Pyr"]
# hnn-core's raster colours (Matplotlib's first four).
CELL_COLORS = {"L2Basket": "tab:blue", "L2Pyr": "tab:orange", "L5Basket": "tab:green",
               "L5Pyr": "tab:red"}
GID_RANGES = {
    "L2Basket": [0, 3], "L2Pyr": [3, 12], "L5Basket": [12, 15], "L5Pyr": [15, 24],
    "evprox1": [24, 33], "evdist1": [33, 40], "bursty1": [40, 42],
}
TSTOP_MS = 170.0
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def trials():
    """Three noisy trials of a 10 Hz dipole, 0 to 170 ms at 0.5 ms."""
    rng = np.random.default_rng(0)
    times = np.arange(0.0, TSTOP_MS + 0.25, 0.5)
    out = []
    for _ in range(3):
        l2 = 20.0 * np.sin(2 * np.pi * times / 100.0) + rng.normal(0.0, 3.0, times.size)
        l5 = -40.0 * np.exp(-((times - 60.0) / 15.0) ** 2) + rng.normal(0.0, 3.0, times.size)
        out.append(Dipole(times, {"agg": l2 + l5, "L2": l2, "L5": l5}))
    return out


@pytest.fixture
def spikes():
    """Random spikes of every population, 0 to 200 ms (some beyond TSTOP_MS)."""
    rng = np.random.default_rng(1)
    gids = rng.integers(0, 42, size=600)
    times = rng.uniform(0.0, 200.0, size=600)
    return times, gids


def test_plot_dipole_draws_trials_and_their_mean(trials):
    fig = plot_dipole(trials)
    (ax,) = fig.axes
    lines = ax.get_lines()
    assert len(lines) == 4
    mean = np.mean([d.data["agg"] for d in trials], axis=0)
    np.testing.assert_allclose(lines[-1].get_ydata(), mean)
    np.testing.assert_array_equal(lines[-1].get_xdata(), trials[0].times)
    for line, trial in zip(lines[:3], trials):
        np.testing.assert_array_equal(line.get_ydata(), trial.data["agg"])
        assert line.get_linewidth() < lines[-1].get_linewidth()
    assert ax.get_xlabel() == "Time (ms)"
    assert ax.get_ylabel() == "Dipole (nAm)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Aggregate (L2/3 + L5), single trials", "Aggregate (L2/3 + L5), mean of 3 trials"]


def test_plot_dipole_layers_each_get_trials_mean_and_legend(trials):
    fig = plot_dipole(trials, layers=("agg", "L2", "L5"))
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 12
    assert len(ax.get_legend().get_texts()) == 6
    l5_mean = ax.get_lines()[-1]
    np.testing.assert_allclose(l5_mean.get_ydata(), np.mean([d.data["L5"] for d in trials], 0))
    assert l5_mean.get_color() == CELL_COLORS["L5Pyr"]


def test_plot_dipole_single_trial_and_no_average(trials):
    single = plot_dipole(trials[0]).axes[0].get_lines()
    assert len(single) == 1
    np.testing.assert_array_equal(single[0].get_ydata(), trials[0].data["agg"])
    assert len(plot_dipole(trials, average=False).axes[0].get_lines()) == 3
    # Dipole.plot goes through plot_dipole.
    assert len(trials[1].plot(layers=("L2", "L5")).axes[0].get_lines()) == 2


def test_plot_dipole_time_window_and_given_axes(trials):
    fig, ax = plt.subplots()
    assert plot_dipole(trials, ax=ax, tmin=50.0, tmax=100.0) is fig
    line = ax.get_lines()[-1]
    assert line.get_xdata()[0] == 50.0 and line.get_xdata()[-1] == 100.0
    keep = (trials[0].times >= 50.0) & (trials[0].times <= 100.0)
    np.testing.assert_allclose(line.get_ydata(),
                               np.mean([d.data["agg"][keep] for d in trials], axis=0))
    assert ax.get_xlim() == (50.0, 100.0)


def test_plot_dipole_shows_scaled_units(trials):
    scaled = [d.copy().scale(3000.0) for d in trials]
    assert plot_dipole(scaled).axes[0].get_ylabel() == "Dipole (scaled nAm)"


def test_plot_dipole_rejects_mixed_or_bad_input(trials):
    mixed = [trials[0], trials[1].copy().scale(2.0)]
    with pytest.raises(HNNNetpyneError, match="share times, units and scale"):
        plot_dipole(mixed)
    with pytest.raises(HNNNetpyneError, match="unknown dipole layer"):
        plot_dipole(trials, layers=("L6",))
    with pytest.raises(HNNNetpyneError, match="fewer than two samples"):
        plot_dipole(trials, tmin=500.0)
    with pytest.raises(HNNNetpyneError, match="no dipoles"):
        plot_dipole([])


def test_raster_draws_each_cell_population_once(spikes):
    times, gids = spikes
    fig = plot_spike_raster(times, gids, GID_RANGES)
    ax = fig.axes[0]
    assert len(ax.collections) == 4
    for collection, cell_type in zip(ax.collections, CELLS):
        start, stop = GID_RANGES[cell_type]
        mask = (gids >= start) & (gids < stop)
        offsets = collection.get_offsets()
        np.testing.assert_array_equal(offsets[:, 0], times[mask])
        np.testing.assert_array_equal(offsets[:, 1], gids[mask])
        assert matplotlib.colors.same_color(collection.get_edgecolor()[0],
                                            CELL_COLORS[cell_type])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == CELLS
    # Cells only: drive gids (24 and up) are outside the y range; gid 0 on top.
    assert ax.get_ylim() == (23.5, -0.5)
    assert ax.get_xlabel() == "Time (ms)"


def test_raster_of_chosen_populations_and_silent_ones(spikes):
    times, gids = spikes
    silent = ~((gids >= 3) & (gids < 12))
    ax = plot_spike_raster(times[silent], gids[silent], GID_RANGES,
                           populations=["L2Pyr", "evprox1"]).axes[0]
    assert len(ax.collections) == 2
    assert len(ax.collections[0].get_offsets()) == 0
    assert len(ax.collections[1].get_offsets()) == np.count_nonzero((gids >= 24) & (gids < 33))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["L2Pyr", "evprox1"]


def test_raster_rejects_unknown_gids_and_populations(spikes):
    times, gids = spikes
    with pytest.raises(HNNNetpyneError, match=r"gids in no population: \[99\]"):
        plot_spike_raster([1.0, 2.0], [0, 99], GID_RANGES)
    with pytest.raises(HNNNetpyneError, match="one length"):
        plot_spike_raster(times, gids[:-1], GID_RANGES)
    with pytest.raises(HNNNetpyneError, match="not in gid_ranges"):
        plot_spike_raster(times, gids, GID_RANGES, populations=["L6Pyr"])


def expected_counts(times, gids, population, edges):
    start, stop = GID_RANGES[population]
    return np.histogram(times[(gids >= start) & (gids < stop)], edges)[0]


def test_histogram_counts_drives_and_cells_on_stacked_axes(spikes):
    times, gids = spikes
    fig = plot_spike_histogram(times, gids, GID_RANGES, TSTOP_MS, bin_ms=10.0)
    ax_drives, ax_cells = fig.axes
    edges = np.arange(0.0, TSTOP_MS + 1.0, 10.0)
    drives = ["evprox1", "evdist1", "bursty1"]
    for ax, populations in ((ax_drives, drives), (ax_cells, CELLS)):
        assert len(ax.patches) == len(populations)
        assert [t.get_text() for t in ax.get_legend().get_texts()] == populations
        for patch, population in zip(ax.patches, populations):
            np.testing.assert_array_equal(patch.get_data().edges, edges)
            np.testing.assert_array_equal(patch.get_data().values,
                                          expected_counts(times, gids, population, edges))
    # Spikes after tstop are not counted.
    counted = sum(p.get_data().values.sum() for ax in fig.axes for p in ax.patches)
    assert counted == np.count_nonzero(times <= TSTOP_MS)
    assert ax_cells.get_xlim() == (0.0, TSTOP_MS)
    assert ax_cells.get_ylabel() == "Spikes per 10 ms"


def test_histogram_on_one_given_axes_with_partial_last_bin(spikes):
    times, gids = spikes
    fig, ax = plt.subplots()
    assert plot_spike_histogram(times, gids, GID_RANGES, 102.0, ax=ax, bin_ms=5.0) is fig
    assert len(ax.patches) == 7
    # 102 ms in 5 ms bins: 21 bins, the last reaching 105 ms.
    assert ax.patches[0].get_data().edges[-1] == 105.0
    assert len(ax.get_legend().get_texts()) == 7
    with pytest.raises(HNNNetpyneError, match="positive"):
        plot_spike_histogram(times, gids, GID_RANGES, TSTOP_MS, bin_ms=0.0)


def test_save_figure_writes_a_png_and_no_temporary_file(tmp_path, trials):
    fig = plot_dipole(trials)
    target = tmp_path / "dipole.png"
    target.write_bytes(b"old")
    assert save_figure(fig, target) == target
    assert target.read_bytes()[:8] == PNG_SIGNATURE
    assert target.stat().st_size > 10_000
    assert [p.name for p in tmp_path.iterdir()] == ["dipole.png"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_save_figure_failure_leaves_old_file_and_no_temporary(tmp_path, trials, monkeypatch):
    fig = plot_dipole(trials)
    target = tmp_path / "dipole.png"
    target.write_bytes(b"old")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(fig, "savefig", broken)
    with pytest.raises(OSError, match="disk full"):
        save_figure(fig, target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["dipole.png"]


def _texts(ax):
    return [text.get_text() for text in ax.texts]


def test_figures_without_cell_spikes_keep_the_run_time_axis(spikes):
    """Issue 26: the seed's raster had an axis of -0.04..0.04 ms, its histogram negative counts."""
    times, gids = spikes
    drives_only = gids >= 24
    ax = plot_spike_raster(times[drives_only], gids[drives_only], GID_RANGES,
                           tstop=TSTOP_MS).axes[0]
    assert ax.get_xlim() == (0.0, TSTOP_MS) and _texts(ax) == ["no cell spikes"]
    ax_drives, ax_cells = plot_spike_histogram(times[drives_only], gids[drives_only],
                                               GID_RANGES, TSTOP_MS).axes
    assert ax_cells.get_ylim() == (0.0, 1.0) and _texts(ax_cells) == ["no cell spikes"]
    assert ax_cells.get_xlim() == (0.0, TSTOP_MS)
    most = max(p.get_data().values.max() for p in ax_drives.patches)
    assert ax_drives.get_ylim() == (0.0, 1.05 * most) and _texts(ax_drives) == []
    ax = plot_spike_histogram([], [], GID_RANGES, TSTOP_MS, ax=plt.subplots()[1]).axes[0]
    assert ax.get_ylim() == (0.0, 1.0) and _texts(ax) == ["no spikes"]


def test_run_figures_say_how_the_dipole_was_processed(tmp_path, trials, spikes, monkeypatch):
    """Every run figure spans 0..tstop; the dipole figure names the run's window and scale."""
    import hnn_netpyne.analysis.plots as plots
    from hnn_netpyne.analysis.figures import dipole_processing, draw_figures

    saved = {}
    monkeypatch.setattr(plots, "save_figure", lambda fig, path: saved.setdefault(path.name, fig))
    monkeypatch.setattr(plt, "close", lambda *args: None)
    times, gids = spikes
    drives_only = gids >= 24
    names = draw_figures(tmp_path, trials, times[drives_only], gids[drives_only], GID_RANGES,
                         TSTOP_MS, smooth_window_ms=30.0, scale_factor=3000.0)
    assert sorted(names) == sorted(saved) == ["dipole.png", "raster.png", "spectrogram.png",
                                              "spike_histogram.png"]
    assert saved["dipole.png"].axes[0].get_title() == "smoothed (30 ms window), scaled x3000"
    for name, fig in saved.items():
        timed = [ax for ax in fig.axes if ax.get_xlabel() == "Time (ms)"]
        assert timed and all(ax.get_xlim() == (0.0, TSTOP_MS) for ax in timed), name
    assert _texts(saved["raster.png"].axes[0]) == ["no cell spikes"]
    assert dipole_processing(30.0, 0.0, 3000.0) == ("not smoothed (the run is shorter than the "
                                                     "30 ms window), scaled x3000")
    assert dipole_processing(0.0, 0.0, 0.0) == "not smoothed, not scaled"
