"""HNN's dipole post-processing and the :class:`Dipole` container.

NEURON gives each layer's summed current dipole in fAm. HNN then

1. removes a layer-specific baseline fitted to the unstimulated network
   (``baseline_renormalize``; scaled by the number of pyramidal cells);
2. converts fAm to nAm;
3. optionally smooths with a normalised Hamming window (``smooth``);
4. optionally scales by an empirical factor (``scale``), giving the
   "scaled nAm" that HNN compares with MEG/EEG data.

The aggregate dipole is always L2 + L5 after renormalisation.
"""

import numpy as np

from hnn_netpyne.errors import HNNNetpyneError

# Baseline per pyramidal cell (fAm): L2 is constant; L5 is piecewise in t.
L2_BASELINE_FAM = 0.0443
L5_BASELINE_EARLY_FAM = -49.0502  # t <= 37 ms
L5_BASELINE_SLOPE_FAM_PER_MS = 3.4770508e-3  # 37 < t < 750 ms
L5_BASELINE_INTERCEPT_FAM = -51.231085
L5_BASELINE_LATE_SLOPE_FAM_PER_MS = 1.01e-4  # t >= 750 ms
L5_BASELINE_LATE_INTERCEPT_FAM = -48.412078
FAM_TO_NAM = 1e-6


def baseline_renormalize(times_ms, l2_fAm, l5_fAm, n_pyramidal_per_layer):
    """Remove HNN's fitted baselines from raw layer dipoles (fAm).

    Parameters
    ----------
    times_ms : np.ndarray
        Sample times (ms).
    l2_fAm, l5_fAm : np.ndarray
        Raw summed dipoles of each layer.
    n_pyramidal_per_layer : int
        Pyramidal cells per layer (the grid size).

    Returns
    -------
    l2, l5 : np.ndarray
        Renormalised dipoles (fAm).
    """
    t = np.asarray(times_ms)
    n = n_pyramidal_per_layer
    l2 = np.asarray(l2_fAm, dtype=float) - n * L2_BASELINE_FAM
    l5 = np.array(l5_fAm, dtype=float)
    early = t <= 37.0
    middle = (t > 37.0) & (t < 750.0)
    late = t >= 750.0
    l5[early] -= n * L5_BASELINE_EARLY_FAM
    l5[middle] -= n * (L5_BASELINE_SLOPE_FAM_PER_MS * t[middle] + L5_BASELINE_INTERCEPT_FAM)
    l5[late] -= n * (L5_BASELINE_LATE_SLOPE_FAM_PER_MS * t[late] + L5_BASELINE_LATE_INTERCEPT_FAM)
    return l2, l5


def hamming_smooth(data, window_ms, dt_ms):
    """Convolve with a normalised Hamming window of ``window_ms`` (same length out)."""
    if window_ms < 0:
        raise HNNNetpyneError(f"smoothing window must be >= 0 ms, got {window_ms}")
    width = int(np.round(1e-3 * window_ms * (1000.0 / dt_ms)))
    if width < 1:
        raise HNNNetpyneError(
            f"smoothing window of {window_ms} ms is shorter than one sample ({dt_ms} ms)"
        )
    if width > len(data):
        raise HNNNetpyneError(
            f"smoothing window ({width} samples) is longer than the data ({len(data)} samples)"
        )
    window = np.hamming(width)
    window /= np.sum(window)
    return np.convolve(data, window, "same")


class Dipole:
    """Current dipole of one trial (or an average), per layer.

    Parameters
    ----------
    times : array
        Sample times (ms).
    data : dict
        'agg', 'L2' and 'L5' arrays, in ``units``.
    units : str
        'fAm', 'nAm' or 'scaled nAm'.
    nave : int
        Number of trials averaged.
    """

    LAYERS = ("agg", "L2", "L5")

    def __init__(self, times, data, units="nAm", nave=1):
        self.times = np.asarray(times, dtype=float)
        self.data = {k: np.asarray(data[k], dtype=float) for k in self.LAYERS}
        self.units = units
        self.nave = nave
        self.scale_applied = 1.0

    @classmethod
    def from_raw(cls, times, l2_fAm, l5_fAm, n_pyramidal_per_layer, renormalize=True):
        """Dipole in nAm from raw NEURON sums, as hnn-core always returns it.

        ``renormalize=False`` skips the baseline removal.
        """
        if renormalize:
            l2, l5 = baseline_renormalize(times, l2_fAm, l5_fAm, n_pyramidal_per_layer)
        else:
            l2, l5 = np.asarray(l2_fAm, float), np.asarray(l5_fAm, float)
        data = {"L2": l2 * FAM_TO_NAM, "L5": l5 * FAM_TO_NAM}
        data["agg"] = data["L2"] + data["L5"]
        return cls(times, data, units="nAm")

    @property
    def dt(self):
        """Sampling interval (ms)."""
        return float(self.times[1] - self.times[0])

    def copy(self):
        """Deep copy."""
        new = Dipole(self.times.copy(), {k: v.copy() for k, v in self.data.items()},
                     self.units, self.nave)
        new.scale_applied = self.scale_applied
        return new

    def smooth(self, window_ms):
        """Hamming-window smoothing in place (HNN's ``dipole_smooth_win``); returns self."""
        for key in self.LAYERS:
            self.data[key] = hamming_smooth(self.data[key], window_ms, self.dt)
        return self

    def scale(self, factor):
        """Multiply by ``factor`` in place (HNN's ``dipole_scalefctr``); returns self."""
        for key in self.LAYERS:
            self.data[key] = self.data[key] * factor
        self.scale_applied *= factor
        if self.units == "nAm" and factor != 1:
            self.units = "scaled nAm"
        return self

    def postprocess(self, window_ms, factor):
        """HNN's parameter-file post-processing: smooth (if > 0), then scale (if > 0)."""
        if window_ms > 0:
            self.smooth(window_ms)
        if factor > 0:
            self.scale(factor)
        return self

    def write(self, fname):
        """Write HNN's text format: tab-separated t, agg, L2, L5 (see :mod:`analysis.io`)."""
        from hnn_netpyne.analysis.io import write_dipole_txt

        write_dipole_txt(fname, self)

    def plot(self, ax=None, layers=("agg",), show=False, **kwargs):
        """Plot the dipole (see :func:`hnn_netpyne.analysis.plots.plot_dipole`)."""
        from hnn_netpyne.analysis.plots import plot_dipole

        return plot_dipole([self], ax=ax, layers=layers, show=show, **kwargs)


def average_dipoles(dipoles):
    """Trial average of several :class:`Dipole` of equal times and units."""
    if not dipoles:
        raise HNNNetpyneError("no dipoles to average")
    first = dipoles[0]
    for dpl in dipoles[1:]:
        if dpl.units != first.units or not np.array_equal(dpl.times, first.times):
            raise HNNNetpyneError("dipoles to average must share times and units")
    data = {k: np.mean([d.data[k] for d in dipoles], axis=0) for k in Dipole.LAYERS}
    avg = Dipole(first.times, data, first.units, nave=len(dipoles))
    avg.scale_applied = first.scale_applied
    return avg
