"""Time-frequency power of a dipole by complex Morlet wavelets.

The wavelet at frequency ``f`` (Hz) is a complex sinusoid under a Gaussian
envelope of standard deviation ``sigma_t = n_cycles / (2 pi f)`` (s),
sampled from ``-5 sigma_t`` to ``+5 sigma_t`` and scaled to an energy of 2
(the sum of its squared magnitudes), as MNE and so hnn-core's
``plot_tfr_morlet`` do. Power is the squared magnitude of
the signal convolved with each wavelet, with the output as long as the input
(samples beyond the signal count as zeros).

This scaling makes the power of a sinusoid of amplitude ``a`` at the
wavelet's own frequency ``a**2 * sfreq * sigma_t * sqrt(pi)``, so with a
fixed ``n_cycles`` higher frequencies read lower; pass ``n_cycles``
proportional to the frequencies for an equal gain at every frequency.
"""

import numpy as np

from hnn_netpyne.errors import HNNNetpyneError

ENVELOPE_HALF_WIDTH_SIGMAS = 5.0


def _check_freqs(sfreq_hz, freqs_hz, n_cycles):
    """Validated frequencies (Hz) and cycles, as 1-D float arrays of one length."""
    freqs = np.atleast_1d(np.asarray(freqs_hz, dtype=float))
    if freqs.ndim != 1 or freqs.size == 0:
        raise HNNNetpyneError(f"freqs_hz must be a non-empty 1-D sequence, got {freqs_hz!r}")
    if not np.all(np.isfinite(freqs)) or np.any(freqs <= 0):
        raise HNNNetpyneError(f"every frequency must be a positive number of Hz, got {freqs}")
    nyquist = sfreq_hz / 2.0
    if np.any(freqs >= nyquist):
        raise HNNNetpyneError(
            f"frequencies must lie below the Nyquist frequency ({nyquist:g} Hz), "
            f"got a maximum of {freqs.max():g} Hz"
        )
    cycles = np.asarray(n_cycles, dtype=float)
    if cycles.ndim > 1 or (cycles.ndim == 1 and cycles.size != freqs.size):
        raise HNNNetpyneError(
            f"n_cycles must be one number or one per frequency ({freqs.size}), "
            f"got shape {cycles.shape}"
        )
    if not np.all(np.isfinite(cycles)) or np.any(cycles <= 0):
        raise HNNNetpyneError(f"n_cycles must be positive, got {n_cycles!r}")
    return freqs, np.broadcast_to(cycles, freqs.shape)


def morlet_wavelet(sfreq_hz, freq_hz, n_cycles=7.0):
    """One complex Morlet wavelet of energy 2 (MNE's scaling).

    Parameters
    ----------
    sfreq_hz : float
        Sampling frequency (Hz).
    freq_hz : float
        Centre frequency (Hz).
    n_cycles : float
        Cycles per envelope standard deviation times 2 pi; sets
        ``sigma_t = n_cycles / (2 pi freq_hz)`` (s).

    Returns
    -------
    wavelet : np.ndarray of complex
        Odd number of samples, centred on t = 0.
    """
    sigma_t = n_cycles / (2.0 * np.pi * freq_hz)
    half = np.arange(0.0, ENVELOPE_HALF_WIDTH_SIGMAS * sigma_t, 1.0 / sfreq_hz)
    t = np.concatenate([-half[:0:-1], half])
    wavelet = np.exp(2j * np.pi * freq_hz * t) * np.exp(-(t**2) / (2.0 * sigma_t**2))
    return wavelet * (np.sqrt(2.0) / np.linalg.norm(wavelet))


def _convolve_same(signal_fft, n_times, wavelet, n_fft):
    """``np.convolve(signal, wavelet, 'same')`` through the FFT (wavelet not longer)."""
    full = np.fft.ifft(signal_fft * np.fft.fft(wavelet, n_fft))
    start = (wavelet.size - 1) // 2
    return full[start:start + n_times]


def morlet_transform(signal, sfreq_hz, freqs_hz, n_cycles=7.0, zero_mean=False):
    """Complex Morlet wavelet transform of a signal (``zero_mean`` removes each wavelet's mean).

    Parameters
    ----------
    signal : array of float, shape (n_times,)
        Evenly sampled signal (any unit ``u``).
    sfreq_hz : float
        Sampling frequency (Hz); for a dipole, ``1000 / dt_ms``.
    freqs_hz : array of float, shape (n_freqs,)
        Frequencies (Hz), each positive and below Nyquist.
    n_cycles : float | array of float, shape (n_freqs,)
        Wavelet cycles, one number or one per frequency.

    Returns
    -------
    transform : np.ndarray of complex, shape (n_freqs, n_times)
        The signal convolved with each wavelet (``u``).

    Raises
    ------
    HNNNetpyneError
        If a frequency is not positive or not below Nyquist, ``n_cycles`` is
        not positive, the signal is not 1-D and finite, or a wavelet has more
        samples than the signal.
    """
    x = np.asarray(signal, dtype=float)
    if x.ndim != 1 or x.size == 0 or not np.all(np.isfinite(x)):
        raise HNNNetpyneError("signal must be a non-empty 1-D array of finite numbers")
    if not sfreq_hz > 0:
        raise HNNNetpyneError(f"sfreq_hz must be positive, got {sfreq_hz!r}")
    freqs, cycles = _check_freqs(sfreq_hz, freqs_hz, n_cycles)
    wavelets = [morlet_wavelet(sfreq_hz, f, c) for f, c in zip(freqs, cycles)]
    longest = int(np.argmax([w.size for w in wavelets]))
    if wavelets[longest].size > x.size:
        raise HNNNetpyneError(
            f"the {freqs[longest]:g} Hz wavelet ({wavelets[longest].size} samples) is "
            f"longer than the signal ({x.size} samples); use a longer signal, higher "
            "frequencies or fewer cycles"
        )
    # One power-of-two FFT length fits the linear convolution with every wavelet.
    n_fft = 1 << int(np.ceil(np.log2(x.size + wavelets[longest].size - 1)))
    signal_fft = np.fft.fft(x, n_fft)
    transform = np.empty((freqs.size, x.size), dtype=complex)
    for row, wavelet in enumerate(wavelets):
        if zero_mean:
            wavelet = wavelet - wavelet.mean()
        transform[row] = _convolve_same(signal_fft, x.size, wavelet, n_fft)
    return transform


def morlet_power(signal, sfreq_hz, freqs_hz, n_cycles=7.0):
    """Squared magnitude (``u**2``) of :func:`morlet_transform`, shape (n_freqs, n_times)."""
    return np.abs(morlet_transform(signal, sfreq_hz, freqs_hz, n_cycles)) ** 2


def _squared_unit(units):
    """'nAm' -> 'nAm²'; 'scaled nAm' -> '(scaled nAm)²'."""
    return f"({units})²" if " " in units else f"{units}²"


PADDINGS = (None, "zeros", "mirror")


def _padded_power(trace, sfreq_hz, freqs_hz, n_cycles, padding):
    """Morlet power of ``trace``, computed on it extended by ``padding`` and cut back."""
    if padding not in PADDINGS:
        raise HNNNetpyneError(f"padding must be one of {PADDINGS}, got {padding!r}")
    n = len(trace)
    if padding == "zeros":
        trace = np.concatenate([np.zeros(n - 1), trace, np.zeros(n - 1)])
    elif padding == "mirror":
        trace = np.concatenate([trace[-1:0:-1], trace, trace[-2::-1]])
    power = morlet_power(trace, sfreq_hz, freqs_hz, n_cycles)
    return power if padding is None else power[:, n - 1:2 * n - 1]


def plot_tfr_morlet(dipole, freqs_hz, n_cycles=7.0, layer="agg", tmin=None, tmax=None,
                    ax=None, colorbar=True, show=False, colormap="inferno", padding=None):
    """Plot the Morlet power of a dipole against time and frequency.

    Parameters
    ----------
    dipole : Dipole | list of Dipole
        One trial, or several trials whose powers are averaged (they must
        share times and units).
    freqs_hz : array of float
        Frequencies (Hz).
    n_cycles : float | array of float
        Wavelet cycles, one number or one per frequency.
    layer : str
        'agg', 'L2' or 'L5'.
    tmin, tmax : float | None
        Time window (ms) cut from the dipole before the transform; None for
        its start or end.
    ax : matplotlib.axes.Axes | None
        Axes to draw in; a new figure if None.
    colorbar : bool
        Add a colour bar of the power.
    show : bool
        Call ``plt.show()`` (needs an interactive backend).
    colormap : str
        Matplotlib colour map of the power.
    padding : None | 'zeros' | 'mirror'
        Extend each trace by its length less one sample on both sides (with
        zeros or its mirror image) before the transform, as hnn-core does, so
        that wavelets up to three times the window fit.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure holding ``ax``.
    """
    # Imported here so that computing power does not load pyplot.
    from hnn_netpyne.analysis.plots import (
        LAYER_NAMES, _as_trials, _finish, _new_axes, _time_window)

    trials = _as_trials(dipole)
    times, traces = _time_window(trials, layer, tmin, tmax)
    sfreq_hz = 1000.0 / trials[0].dt
    power = np.mean([_padded_power(trace, sfreq_hz, freqs_hz, n_cycles, padding)
                     for trace in traces], axis=0)
    ax = _new_axes(ax)
    mesh = ax.pcolormesh(times, np.atleast_1d(freqs_hz), power, cmap=colormap,
                         shading="auto")
    ax.set_xlabel("Time (ms)")
    ax.set_ylabel("Frequency (Hz)")
    ax.set_title(f"{LAYER_NAMES[layer]}: Morlet power", fontsize="medium")
    if colorbar:
        bar = ax.figure.colorbar(mesh, ax=ax)
        bar.set_label(f"Power ({_squared_unit(trials[0].units)})")
    return _finish(ax, show)

