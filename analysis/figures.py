"""The figures of a run folder: dipole, raster, spike histogram, spectrogram.

``redraw_run_figures`` reads a finished run folder back (with checks) and
draws them, after its results are written: what ``hnn-netpyne plot`` and a
run with figures do.
"""

from pathlib import Path

import numpy as np

from hnn_netpyne.analysis.dipole import average_dipoles
from hnn_netpyne.analysis.io import (
    MANIFEST,
    OutputError,
    check_run_folder,
    read_dipole_txt,
    read_output_json,
    read_spikes_txt,
    write_json,
)

SPECTROGRAM_FREQS_HZ = np.arange(5.0, 100.0, 1.0)
# A spectrogram row needs this many periods of its frequency within the run.
MIN_PERIODS_PER_RUN = 2.0


def spectrogram_freqs(tstop_ms, freqs_hz=SPECTROGRAM_FREQS_HZ):
    """The frequencies (Hz) of which the run holds ``MIN_PERIODS_PER_RUN`` periods."""
    freqs_hz = np.asarray(freqs_hz, dtype=float)
    return freqs_hz[freqs_hz * tstop_ms / 1000.0 >= MIN_PERIODS_PER_RUN]


def spectrogram_cycles(freqs_hz, tstop_ms, most=7.0):
    """Wavelet cycles per frequency: ``most``, fewer where a wavelet (10 sigma_t) would not fit."""
    fit = 2.0 * np.pi * np.asarray(freqs_hz) * 0.95 * (tstop_ms / 1000.0) / 10.0
    return np.minimum(most, fit)


def plotted_smooth_window(window_ms, dipole):
    """HNN's smoothing window (ms) for a figure, or 0 where it is longer than the run.

    A run shorter than the window (HNN's default is 30 ms) cannot be smoothed
    with it; its figure shows the unsmoothed dipole instead of failing.
    """
    run_ms = dipole.times[-1] - dipole.times[0]
    return window_ms if window_ms <= run_ms else 0.0


def figure_title(name, n_trials):
    """Title of a run figure that says which trials it shows (numbered from 1)."""
    trials = "trial 1" if n_trials == 1 else f"trials 1-{n_trials}"
    return {"dipole.png": f"Dipole, {trials}",
            "raster.png": f"Spikes, {trials}" + (" (together)" if n_trials > 1 else ""),
            "spike_histogram.png": f"Spike histogram, {trials}",
            "spectrogram.png": ("Spectrogram, trial 1" if n_trials == 1
                                else f"Spectrogram of the average of trials 1-{n_trials}")}[name]


def draw_figures(folder, dipoles, spike_times, spike_gids, gid_ranges, tstop_ms,
                 smooth_window_ms, scale_factor):
    """Draw and save the four figures of a run into ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Run folder.
    dipoles : list of Dipole
        Renormalised nAm dipoles, one per trial.
    spike_times, spike_gids : np.ndarray
        Spikes of all trials (ms, gid).
    gid_ranges : dict
        Population -> [first gid, last gid + 1).
    tstop_ms : float
        Simulation length.
    smooth_window_ms, scale_factor : float
        HNN's post-processing of the plotted dipole (0 skips a step).

    Returns
    -------
    names : list of str
        File names written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from hnn_netpyne.analysis.plots import (
        plot_dipole,
        plot_spike_histogram,
        plot_spike_raster,
        save_figure,
    )
    from hnn_netpyne.analysis.spectrogram import plot_tfr_morlet

    folder = Path(folder)
    window_ms = plotted_smooth_window(smooth_window_ms, dipoles[0])
    processed = [d.copy().postprocess(window_ms, scale_factor) for d in dipoles]
    figures = {
        "dipole.png": plot_dipole(processed, layers=("agg", "L2", "L5")),
        "raster.png": plot_spike_raster(spike_times, spike_gids, gid_ranges),
        "spike_histogram.png": plot_spike_histogram(spike_times, spike_gids, gid_ranges,
                                                    tstop_ms),
    }
    if window_ms != smooth_window_ms:
        figures["dipole.png"].axes[0].set_title(
            f"not smoothed: the run is shorter than the {smooth_window_ms:g} ms window",
            fontsize="medium")
    freqs_hz = spectrogram_freqs(tstop_ms)
    if freqs_hz.size:  # a run too short for any 5-100 Hz row gets no spectrogram
        avg = processed[0] if len(processed) == 1 else average_dipoles(processed)
        figures["spectrogram.png"] = plot_tfr_morlet(
            avg, freqs_hz, n_cycles=spectrogram_cycles(freqs_hz, tstop_ms))
    for name, fig in figures.items():
        fig.suptitle(figure_title(name, len(dipoles)), fontsize="medium")
        save_figure(fig, folder / name)
        plt.close(fig)
    return list(figures)


def read_run_folder(folder):
    """The results of a finished run folder, read back with checks.

    Returns
    -------
    run : dict
        ``cfg`` (its simConfig), ``gid_ranges``, ``dipoles`` (one Dipole per
        trial), ``spike_times``, ``spike_gids`` and ``spike_trials`` (all trials),
        and ``manifest``.

    Raises
    ------
    OutputError
        If the folder is incomplete or a file is corrupted.
    """
    folder = Path(folder)
    manifest = check_run_folder(folder)
    try:
        config = read_output_json(folder / "config.json")
        cfg = config["simConfig"]
        gid_ranges = config["gid_ranges"]
        n_trials = int(cfg["nTrials"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise OutputError(f"{folder / 'config.json'}: unusable run configuration ({err})") from None
    dipoles = [read_dipole_txt(folder / f"dipole_{k + 1}.txt") for k in range(n_trials)]
    times, gids, _, trials = read_spikes_txt(folder / "spikes.txt")
    return {"cfg": cfg, "gid_ranges": gid_ranges, "dipoles": dipoles, "spike_times": times,
            "spike_gids": gids, "spike_trials": trials, "manifest": manifest}


def redraw_run_figures(folder):
    """Read a finished run folder back and draw its figures again.

    The figures join the manifest's list of files, so that ``--overwrite``
    still recognises the folder as a run's.

    Raises
    ------
    OutputError
        If the folder is incomplete or a file is corrupted.
    """
    folder = Path(folder)
    run = read_run_folder(folder)
    cfg = run["cfg"]
    names = draw_figures(folder, run["dipoles"], run["spike_times"], run["spike_gids"],
                         run["gid_ranges"], float(cfg["duration"]),
                         float(cfg["dipoleSmoothWindowMs"]), float(cfg["dipoleScaleFactor"]))
    names += _redraw_laminar_figures(folder, cfg)
    manifest = run["manifest"]
    write_json(folder / MANIFEST, dict(manifest, files=sorted(set(manifest["files"]) | set(names))))
    return [folder / name for name in names]


def _redraw_laminar_figures(folder, cfg):
    """The laminar array figures of a run folder, from its ``results.npz``."""
    from hnn_netpyne.analysis.laminar import draw_laminar_figures
    from hnn_netpyne.analysis.recordings import extracellular_voltages
    from hnn_netpyne.model.recordings import netpyne_lfp_as_array

    arrays = netpyne_lfp_as_array(cfg).get("extracellularArrays") or []
    if not arrays:
        return []
    with np.load(folder / "results.npz") as stored:
        results = {key: stored[key] for key in stored.files if not key.startswith(
            ("vsec", "isec", "ca"))}
    potentials = {a["name"]: extracellular_voltages(results, a["name"], 1)[0] for a in arrays}
    return draw_laminar_figures(folder, arrays, results["times"], potentials)
