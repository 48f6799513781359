"""MNE's ``tfr_array_morlet`` (which hnn-core's ``viz`` exposes) over :mod:`hnn_netpyne.analysis.spectrogram`."""

import numpy as np

from hnn_netpyne.errors import ParameterError

OUTPUTS = ("complex", "power", "phase", "avg_power")


def tfr_array_morlet(epoch_data, sfreq, freqs, n_cycles=7.0, zero_mean=False, use_fft=True,
                     decim=1, output="complex", n_jobs=None, verbose=None):
    """Morlet time-frequency transform of epochs x channels x times data.

    Parameters
    ----------
    epoch_data : array, shape (n_epochs, n_channels, n_times)
        The signals.
    sfreq : float
        Sampling frequency (Hz).
    freqs : array of float
        Frequencies (Hz).
    n_cycles : float | array of float
        Wavelet cycles, one or one per frequency.
    zero_mean : bool
        Remove each wavelet's mean.
    use_fft, n_jobs, verbose
        Accepted for MNE's signature (the transform always uses the FFT, in
        this process).
    decim : int
        Keep every ``decim``-th time sample of the result.
    output : 'complex' | 'power' | 'phase' | 'avg_power'
        The transform, its squared magnitude, its angle (rad), or the power
        averaged over epochs.

    Returns
    -------
    out : array, shape (n_epochs, n_channels, n_freqs, n_times // decim)
        (without the epoch axis for 'avg_power').
    """
    from hnn_netpyne.analysis.spectrogram import morlet_transform

    data = np.asarray(epoch_data, dtype=float)
    if data.ndim != 3:
        raise ParameterError("epoch_data must be 3-D (epochs, channels, times)",
                             key="epoch_data", value=data.shape)
    if output not in OUTPUTS:
        raise ParameterError(f"output must be one of {OUTPUTS}", key="output", value=output)
    transform = np.array([[morlet_transform(channel, sfreq, freqs, n_cycles, zero_mean)
                           [:, ::decim] for channel in epoch] for epoch in data])
    if output == "complex":
        return transform
    if output == "phase":
        return np.angle(transform)
    power = np.abs(transform) ** 2
    return power.mean(axis=0) if output == "avg_power" else power
