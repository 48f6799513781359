"""The figures of a run folder: dipole, raster, spike histogram, spectrogram.

``write_run_figures`` draws them from a finished run in memory;
``redraw_run_figures`` reads a run folder back (with checks) and draws them
again, which is what ``hnn-netpyne plot`` does.
"""

import json
from pathlib import Path

import numpy as np

from hnn_netpyne.analysis.dipole import average_dipoles
from hnn_netpyne.analysis.io import (
    OutputError,
    check_run_folder,
    read_dipole_txt,
    read_spikes_txt,
)

FIGURES = ("dipole.png", "raster.png", "spike_histogram.png", "spectrogram.png")


SPECTROGRAM_FREQS_HZ = np.arange(5.0, 100.0, 1.0)


def spectrogram_cycles(freqs_hz, tstop_ms, most=7.0):
    """Wavelet cycles per frequency: ``most``, fewer where a wavelet (10 sigma_t) would not fit."""
    fit = 2.0 * np.pi * np.asarray(freqs_hz) * 0.95 * (tstop_ms / 1000.0) / 10.0
    return np.minimum(most, fit)


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
    processed = [d.copy().postprocess(smooth_window_ms, scale_factor) for d in dipoles]
    figures = {
        "dipole.png": plot_dipole(processed, layers=("agg", "L2", "L5")),
        "raster.png": plot_spike_raster(spike_times, spike_gids, gid_ranges),
        "spike_histogram.png": plot_spike_histogram(spike_times, spike_gids, gid_ranges,
                                                    tstop_ms),
    }
    avg = processed[0] if len(processed) == 1 else average_dipoles(processed)
    figures["spectrogram.png"] = plot_tfr_morlet(
        avg, SPECTROGRAM_FREQS_HZ, n_cycles=spectrogram_cycles(SPECTROGRAM_FREQS_HZ, tstop_ms))
    for name, fig in figures.items():
        save_figure(fig, folder / name)
        plt.close(fig)
    return list(figures)


def write_run_figures(folder, cfg, dipoles, result):
    """Figures of a run just simulated (see :func:`draw_figures`), and one per
    laminar electrode array (see :func:`hnn_netpyne.analysis.laminar.draw_laminar_figures`)."""
    from hnn_netpyne.analysis.laminar import draw_laminar_figures
    from hnn_netpyne.model.recordings import netpyne_lfp_as_array

    times = np.concatenate([s[0] for s in result["spikes"]])
    gids = np.concatenate([s[1] for s in result["spikes"]])
    names = draw_figures(folder, dipoles, times, gids, result["gid_ranges"],
                         float(cfg["duration"]), float(cfg["dipoleSmoothWindowMs"]),
                         float(cfg["dipoleScaleFactor"]))
    arrays = netpyne_lfp_as_array(cfg).get("extracellularArrays") or []
    return names + draw_laminar_figures(Path(folder), arrays, result["times"],
                                        result["recordings"][0]["extracellular"])


def redraw_run_figures(folder):
    """Read a finished run folder back and draw its figures again.

    Raises
    ------
    OutputError
        If the folder is incomplete or a file is corrupted.
    """
    folder = Path(folder)
    check_run_folder(folder)
    try:
        config = json.loads((folder / "config.json").read_text())
        cfg = config["simConfig"]
        gid_ranges = config["gid_ranges"]
        n_trials = int(cfg["nTrials"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise OutputError(f"{folder / 'config.json'}: unusable run configuration ({err})") from None
    dipoles = [read_dipole_txt(folder / f"dipole_{k + 1}.txt") for k in range(n_trials)]
    times, gids, _, _ = read_spikes_txt(folder / "spikes.txt")
    names = draw_figures(folder, dipoles, times, gids, gid_ranges, float(cfg["duration"]),
                         float(cfg["dipoleSmoothWindowMs"]), float(cfg["dipoleScaleFactor"]))
    names += _redraw_laminar_figures(folder, cfg)
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
