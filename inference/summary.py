"""Summary statistics of dipoles: the default for ERPs and rhythms, or a user's function.

The default (:class:`WaveformSummary`) follows Tolley et al. (2024): for
the aggregate dipole (nAm) of each simulation,

* the first principal components of the waveform at 1 ms resolution (the
  components are fitted to the training simulations);
* the largest and smallest value (nAm) and their times (ms);
* the log10 power in the bands 0-13, 13-30, 30-50 and 50-80 Hz.

A user function ``summary_func(dpl)`` takes one
:class:`~hnn_netpyne.analysis.dipole.Dipole` (raw nAm, layers agg, L2, L5)
and returns a 1-D array of numbers; it is applied to the simulations and to
the data alike.
"""

import numpy as np

from hnn_netpyne.errors import ParameterError

BANDS_HZ = ((0.0, 13.0), (13.0, 30.0), (30.0, 50.0), (50.0, 80.0))
BIN_MS = 1.0  # resolution of the waveform for PCA and band powers
_LOG_FLOOR = 1e-20  # power (nAm² / Hz) of a silent band, so its log stays finite


def binned(times, waveforms, bin_ms=BIN_MS):
    """Waveforms (n x n_times, on ``times`` in ms) averaged in bins of ``bin_ms``."""
    dt = float(times[1] - times[0])
    per_bin = max(1, int(round(bin_ms / dt)))
    n_bins = waveforms.shape[1] // per_bin
    return waveforms[:, :n_bins * per_bin].reshape(len(waveforms), n_bins, per_bin).mean(axis=2)


def band_powers(waveforms_binned, bin_ms=BIN_MS, bands=BANDS_HZ):
    """log10 of the summed periodogram power (Hamming window) of each band (n x n_bands).

    The transform is zero-padded to 1 s so that bands a few Hz wide get bins.
    """
    n_times = waveforms_binned.shape[1]
    sfreq = 1000.0 / bin_ms
    n_fft = max(n_times, int(sfreq))
    window = np.hamming(n_times)
    centred = waveforms_binned - waveforms_binned.mean(axis=1, keepdims=True)
    spectrum = (np.abs(np.fft.rfft(centred * window, n=n_fft, axis=1)) ** 2
                / (sfreq * (window ** 2).sum()))
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sfreq)
    powers = [spectrum[:, (freqs >= low) & (freqs < high)].sum(axis=1) for low, high in bands]
    return np.log10(np.stack(powers, axis=1) + _LOG_FLOOR)


def peaks(times, waveforms):
    """Largest and smallest value (nAm) and their times (ms), per waveform (n x 4)."""
    top, bottom = waveforms.argmax(axis=1), waveforms.argmin(axis=1)
    rows = np.arange(len(waveforms))
    return np.stack([waveforms[rows, top], times[top], waveforms[rows, bottom], times[bottom]],
                    axis=1)


class WaveformSummary:
    """The default summary statistics (PCA of the waveform, peaks, band powers).

    Parameters
    ----------
    n_components : int
        Principal components of the 1 ms waveform.
    """

    def __init__(self, n_components=10):
        if isinstance(n_components, bool) or not isinstance(n_components, int) or n_components < 1:
            raise ParameterError("n_components must be an integer >= 1", key="n_components",
                                 value=n_components)
        self.n_components = n_components
        self.mean_ = None
        self.components_ = None

    def fit(self, times, waveforms):
        """Fit the principal components to training waveforms (n x n_times, nAm)."""
        coarse = binned(times, waveforms)
        self.mean_ = coarse.mean(axis=0)
        _, _, rows = np.linalg.svd(coarse - self.mean_, full_matrices=False)
        self.components_ = rows[:min(self.n_components, len(rows))]
        return self

    def __call__(self, times, waveforms):
        """Summary statistics (n x n_features) of aggregate waveforms (n x n_times, nAm)."""
        if self.components_ is None:
            raise ParameterError("the summary statistics are not fitted yet: call train()",
                                 key="summary_func")
        coarse = binned(times, waveforms)
        projected = (coarse - self.mean_) @ self.components_.T
        return np.hstack([projected, peaks(times, waveforms), band_powers(coarse)])

    def state(self):
        """Arrays that :meth:`from_state` restores the fitted summary from."""
        return {"n_components": np.array(self.n_components), "mean": self.mean_,
                "components": self.components_}

    @classmethod
    def from_state(cls, state):
        """The fitted summary of :meth:`state`'s arrays."""
        summary = cls(int(state["n_components"]))
        summary.mean_, summary.components_ = state["mean"], state["components"]
        return summary


def user_summaries(summary_func, dipoles):
    """``summary_func`` of each :class:`Dipole` as one array (n x n_features)."""
    rows = []
    for index, dpl in enumerate(dipoles):
        try:
            row = np.asarray(summary_func(dpl), dtype=float)
        except Exception as err:  # noqa: BLE001 -- user code: say which dipole and why
            raise ParameterError(f"summary_func failed on dipole {index}: "
                                 f"{type(err).__name__}: {err}", key="summary_func") from err
        if row.ndim != 1 or (rows and len(row) != len(rows[0])):
            raise ParameterError("summary_func must return a 1-D array of the same length "
                                 "for every dipole", key="summary_func", value=row.shape)
        rows.append(row)
    return np.array(rows)
