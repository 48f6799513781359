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

import os
import warnings
from pathlib import Path

import numpy as np

from hnn_netpyne.errors import HNNNetpyneError, ParameterError

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


SAVGOL_POLYORDER = 5



def smooth_waveform(data, window_len, sfreq):
    """hnn-core's form of :func:`hamming_smooth`: ``window_len`` (ms), ``sfreq`` (Hz)."""
    return hamming_smooth(data, window_len, 1000.0 / sfreq)

def savgol_smooth(data, h_freq, sfreq):
    """Savitzky-Golay smoothing with an approximate high cut-off (hnn-core's rule).

    A 5th-order polynomial is fitted over an odd window of about
    ``sfreq / h_freq`` samples.

    Parameters
    ----------
    data : np.ndarray
        One trace.
    h_freq : float
        Approximate high cut-off (Hz), in (0, sfreq / 2).
    sfreq : float
        Sampling frequency (Hz).

    Returns
    -------
    smoothed : np.ndarray
    """
    from scipy.signal import savgol_filter

    if (isinstance(h_freq, bool) or not isinstance(h_freq, (int, float))
            or not 0.0 < h_freq < sfreq / 2.0):
        raise ParameterError(f"h_freq must be a number of Hz in (0, {sfreq / 2.0:g}) "
                             "(half the sampling rate)", key="h_freq", value=h_freq)
    window = (int(np.round(sfreq / h_freq)) // 2) * 2 + 1
    if window > len(data):
        raise ParameterError(f"h_freq gives a window of {window} samples, longer than the "
                             f"data ({len(data)} samples)", key="h_freq", value=h_freq)
    return savgol_filter(data, window_length=window, polyorder=SAVGOL_POLYORDER, axis=-1)


class Dipole:
    """Current dipole of one trial (or an average), per layer.

    Parameters
    ----------
    times : array
        Sample times (ms), evenly spaced.
    data : dict | array
        'agg', 'L2' and 'L5' arrays in ``units``, or, as in hnn-core, an
        array of shape (n_times, 3) (agg, L2, L5) or (n_times,) / (n_times, 1)
        (agg only, e.g. recorded data).
    nave : int
        Number of trials averaged (hnn-core's third argument).
    units : str
        'fAm', 'nAm' or 'scaled nAm'. Older code gave it third, before
        ``nave``: a string there is still taken as the units.

    Attributes
    ----------
    sfreq : float
        Sampling frequency (Hz).
    scale_applied : float
        Product of the factors given to :meth:`scale`.
    """

    LAYERS = ("agg", "L2", "L5")

    def __init__(self, times, data, nave=1, units="nAm"):
        if isinstance(nave, str):  # this package's former order (times, data, units, nave)
            nave, units = (1 if units == "nAm" else units), nave
        self.times = np.asarray(times, dtype=float)
        if self.times.ndim != 1 or self.times.size < 2:
            raise ParameterError("times must hold at least two samples", key="times",
                                 value=self.times.shape)
        if not isinstance(data, dict):
            columns = np.asarray(data, dtype=float).reshape(len(self.times), -1)
            if columns.shape[1] not in (1, 3):
                raise ParameterError("data must have 1 (agg) or 3 (agg, L2, L5) columns",
                                     key="data", value=columns.shape)
            data = dict(zip(self.LAYERS, columns.T))
        if "agg" not in data:
            raise ParameterError("data needs an 'agg' trace", key="data", value=sorted(data))
        self.data = {k: np.array(data[k], dtype=float) for k in self.LAYERS if k in data}
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

    @property
    def sfreq(self):
        """Sampling frequency (Hz)."""
        return 1000.0 / self.dt

    def copy(self):
        """Deep copy."""
        new = Dipole(self.times.copy(), self.data, self.nave, units=self.units)
        new.scale_applied = self.scale_applied
        return new

    def smooth(self, window_len=None, *, window_ms=None):
        """Hamming-window smoothing in place (HNN's ``dipole_smooth_win``); returns self.

        Parameters
        ----------
        window_len : float
            Window length (ms), hnn-core's name.
        window_ms : float
            The same, by this package's former name.
        """
        if (window_len is None) == (window_ms is None):
            raise ParameterError("give the window length (ms) once, as window_len",
                                 key="window_len", value=(window_len, window_ms))
        window_ms = window_len if window_ms is None else window_ms
        for key in self.data:
            self.data[key] = hamming_smooth(self.data[key], window_ms, self.dt)
        return self

    def savgol_filter(self, h_freq):
        """Savitzky-Golay smoothing in place (hnn-core's); returns self.

        Parameters
        ----------
        h_freq : float
            Approximate high cut-off (Hz): a 5th-order polynomial is fitted
            over an odd window of about ``sfreq / h_freq`` samples.
        """
        for key in self.data:
            self.data[key] = savgol_smooth(self.data[key], h_freq, self.sfreq)
        return self

    def scale(self, factor):
        """Multiply by ``factor`` in place (HNN's ``dipole_scalefctr``); returns self."""
        for key in self.data:
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

    def write(self, fname, overwrite=True):
        """Write the dipole in one of hnn-core's formats.

        Parameters
        ----------
        fname : str | pathlib.Path
            A ``.txt`` file (tab-separated t (ms), then agg, L2, L5) or an
            ``.hdf5`` file (hnn-core's layout, see
            :mod:`hnn_netpyne.analysis.dipole_hdf5`; needs h5py).
        overwrite : bool
            Replace an existing file; False raises FileExistsError, as hnn-core does.
        """
        from hnn_netpyne.analysis.dipole_hdf5 import write_dipole_hdf5
        from hnn_netpyne.analysis.io import write_dipole_txt

        path = Path(fname)
        if path.suffix not in (".txt", ".hdf5"):
            raise ParameterError("dipoles are written as .txt or .hdf5", key="fname",
                                 value=str(fname))
        if not overwrite and path.exists():
            raise FileExistsError(f"{fname}: file exists; give overwrite=True to replace it")
        if self.nave > 1:
            warnings.warn(f"writing a dipole that is the average of {self.nave} trials",
                          UserWarning, stacklevel=2)
        (write_dipole_txt if path.suffix == ".txt" else write_dipole_hdf5)(path, self)

    def plot(self, tmin=None, tmax=None, layer="agg", decim=None, ax=None, color=None,
             show=True, *, layers=None):
        """Plot the dipole (hnn-core's signature).

        Parameters
        ----------
        tmin, tmax : float | None
            Time window (ms).
        layer : str
            'agg', 'L2' or 'L5'.
        decim : int | list of int | None
            Decimate (low-pass filter, keep every n-th sample) by each factor.
        ax : matplotlib.axes.Axes | None
            Axes to draw in; a new figure if None.
        color : str | None
            Line colour; None uses the layer's.
        show : bool
            Call ``plt.show()``.
        layers : sequence of str | None
            Several layers at once (overrides ``layer``).

        Returns
        -------
        fig : matplotlib.figure.Figure
        """
        from hnn_netpyne.analysis.plots import plot_dipole

        dpl = self if not decim else self._decimated(decim)
        fig = plot_dipole([dpl], ax=ax, layers=layers or (layer,), tmin=tmin, tmax=tmax,
                          show=False)
        if color is not None:
            for line in fig.axes[0].lines if ax is None else ax.lines:
                line.set_color(color)
        if show:
            import matplotlib.pyplot as plt

            plt.show()
        return fig

    def _decimated(self, decim):
        """A copy decimated as hnn-core decimates for plots (``decim``: int or list of int;
        see :func:`hnn_netpyne.analysis.decimation.decimate_for_plot`)."""
        from hnn_netpyne.analysis.decimation import decimate_for_plot

        new = self.copy()
        for key, values in self.data.items():
            new.data[key], new.times = decimate_for_plot(decim, values, self.times)
        return new

    def plot_psd(self, fmin=0, fmax=None, tmin=None, tmax=None, layer="agg", color=None,
                 label=None, ax=None, show=True):
        """Plot the power spectral density (see :func:`hnn_netpyne.analysis.psd.plot_psd`)."""
        from hnn_netpyne.analysis.psd import plot_psd

        return plot_psd(self, fmin=fmin, fmax=fmax, tmin=tmin, tmax=tmax, layer=layer,
                        color=color, label=label, ax=ax, show=show)

    def plot_tfr_morlet(self, freqs, n_cycles=7.0, tmin=None, tmax=None, layer="agg",
                        decim=None, padding="zeros", ax=None, colormap="inferno",
                        colorbar=True, colorbar_inside=False, show=True):
        """Plot the Morlet time-frequency power (hnn-core's signature).

        ``freqs`` (Hz) and ``n_cycles`` as in
        :func:`hnn_netpyne.analysis.spectrogram.morlet_power`; ``decim``
        keeps every n-th sample; ``padding`` ('zeros', 'mirror' or None)
        extends the window on both sides as hnn-core does;
        ``colorbar_inside`` is accepted and draws the usual colour bar.
        """
        from hnn_netpyne.analysis.spectrogram import plot_tfr_morlet

        dpl = self if not decim else self._decimated(decim)
        fig = plot_tfr_morlet(dpl, freqs, n_cycles=n_cycles, layer=layer, tmin=tmin,
                              tmax=tmax, ax=ax, colorbar=colorbar, show=False,
                              colormap=colormap, padding=padding)
        if show:
            import matplotlib.pyplot as plt

            plt.show()
        return fig


def average_dipoles(dpls=None, *, dipoles=None):
    """Trial average of several :class:`Dipole` of equal times and units.

    ``dpls`` is hnn-core's name of the list; ``dipoles`` this package's former one.
    """
    dipoles = dpls if dipoles is None else dipoles
    if not dipoles:
        raise HNNNetpyneError("no dipoles to average")
    first = dipoles[0]
    for dpl in dipoles[1:]:
        if dpl.units != first.units or not np.array_equal(dpl.times, first.times):
            raise HNNNetpyneError("dipoles to average must share times and units")
    data = {k: np.mean([d.data[k] for d in dipoles], axis=0) for k in first.data}
    avg = Dipole(first.times, data, nave=len(dipoles), units=first.units)
    avg.scale_applied = first.scale_applied
    return avg


def read_dipole(fname):
    """Read a dipole text file of hnn-core or HNN (t, then agg, L2, L5 or agg only).

    Parameters
    ----------
    fname : str | pathlib.Path
        A ``.txt`` file (whitespace-separated columns, time in ms) or an
        hnn-core ``.hdf5`` file (needs h5py).

    Returns
    -------
    dpl : Dipole
    """
    from hnn_netpyne.analysis.dipole_hdf5 import read_dipole_hdf5
    from hnn_netpyne.analysis.io import read_dipole_txt

    if not os.path.exists(fname):
        raise ParameterError("no such dipole file", key="fname", value=str(fname))
    if Path(fname).suffix not in (".txt", ".hdf5"):
        raise ParameterError("dipole files are read from .txt or .hdf5", key="fname",
                             value=str(fname))
    return (read_dipole_txt if Path(fname).suffix == ".txt" else read_dipole_hdf5)(fname)
