"""Power spectral density of a dipole, as hnn-core's ``plot_psd`` computes it.

One Hamming-windowed periodogram (SciPy's ``periodogram``, one FFT as long
as the data) per trial, in units² / Hz; several trials are averaged. As in
hnn-core, the time window is half-open, [tmin, tmax): the last sample of a
run is left out even without ``tmax``.
"""

import numpy as np

from hnn_netpyne.errors import ParameterError


def dipole_psd(dipoles, tmin=None, tmax=None, layer="agg"):
    """Frequencies (Hz) and mean periodogram power of one or several dipoles.

    Parameters
    ----------
    dipoles : Dipole | list of Dipole
        Trials sharing times, units and scale.
    tmin, tmax : float | None
        Time window (ms); None for the dipole's start or end.
    layer : str
        'agg', 'L2' or 'L5'.

    Returns
    -------
    freqs : np.ndarray
        Frequencies from 0 to Nyquist (Hz).
    power : np.ndarray
        Mean power spectral density (units² / Hz).
    """
    from scipy.signal import periodogram

    from hnn_netpyne.analysis.plots import _as_trials, _time_window

    trials = _as_trials(dipoles)
    times, traces = _time_window(trials, layer, tmin, None)
    end = times[-1] if tmax is None else min(tmax, times[-1])
    traces = [trace[times < end] for trace in traces]
    sfreq = trials[0].sfreq
    spectra = [periodogram(trace, sfreq, window="hamming", nfft=len(trace)) for trace in traces]
    return spectra[0][0], np.mean([power for _, power in spectra], axis=0)


def plot_psd(dipoles, fmin=0, fmax=None, tmin=None, tmax=None, layer="agg", color=None,
             label=None, ax=None, show=True):
    """Plot the power spectral density of a dipole (hnn-core's signature).

    Parameters
    ----------
    dipoles : Dipole | list of Dipole
        One trial, or several whose spectra are averaged.
    fmin, fmax : float | None
        Frequency axis limits (Hz); ``fmax=None`` draws up to Nyquist.
    tmin, tmax : float | None
        Time window (ms).
    layer : str
        'agg', 'L2' or 'L5'.
    color, label : str | None
        Line colour and legend label.
    ax : matplotlib.axes.Axes | None
        Axes to draw in; a new figure if None.
    show : bool
        Call ``plt.show()``.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    from hnn_netpyne.analysis.plots import _as_trials, _finish, _new_axes

    trials = _as_trials(dipoles)
    freqs, power = dipole_psd(trials, tmin, tmax, layer)
    if fmax is not None and not fmax > fmin:
        raise ParameterError(f"fmax must exceed fmin ({fmin} Hz)", key="fmax", value=fmax)
    ax = _new_axes(ax)
    ax.plot(freqs, power, color=color, label=label)
    if label:
        ax.legend()
    if fmax is not None:
        ax.set_xlim(fmin, fmax)
    ax.set_xlabel("Frequency (Hz)")
    units = trials[0].units
    ax.set_ylabel(f"Power spectral density\n({units}² / Hz)")
    return _finish(ax, show)
