"""Extracellular potentials of electrode arrays (hnn-core's ``ExtracellularArray``).

``net.add_electrode_array(name, positions, ...)`` declares an array;
after :func:`hnn_netpyne.api.simulate_dipole`, ``net.rec_arrays[name]``
is an :class:`ExtracellularArray` with the potentials of each trial.
Laminar arrays (equally spaced contacts on a line along z) can be drawn
as LFP traces (:meth:`ExtracellularArray.plot_lfp`) and as a current
source density image (:meth:`ExtracellularArray.plot_csd`).
"""

import copy

import numpy as np

from hnn_netpyne.analysis.dipole import hamming_smooth
from hnn_netpyne.errors import HNNNetpyneError


def laminar_depths(positions):
    """Depth (z, µm) of each contact and their spacing, for a laminar array.

    Raises
    ------
    HNNNetpyneError
        Unless there are two or more contacts, equally spaced on a line that
        moves along z.
    """
    positions = np.asarray(positions, dtype=float)
    if len(positions) < 2:
        raise HNNNetpyneError(f"a laminar array needs 2 or more contacts, got {len(positions)}")
    steps = np.diff(positions, axis=0)
    lengths = np.linalg.norm(steps, axis=1)
    spacing_z = abs(steps[0, 2])
    collinear = np.allclose(np.cross(steps[:-1], steps[1:]), 0)
    if not (np.allclose(lengths, lengths[0]) and spacing_z > 0 and collinear):
        raise HNNNetpyneError("the contacts are not a laminar array (equally spaced, on one "
                              "line, moving along z)")
    return positions[:, 2], spacing_z


def current_source_density(lfp_uV, spacing_um):
    """Second-difference CSD (µV/µm²), contacts x times; end rows extrapolated.

    ``csd[i] = -(lfp[i-1] - 2 lfp[i] + lfp[i+1]) / spacing²``; the first and
    last contact take the linear extrapolation of their two neighbours.
    """
    inner = -np.diff(lfp_uV, n=2, axis=0) / spacing_um ** 2
    top = 2 * inner[0] - inner[1]
    bottom = 2 * inner[-1] - inner[-2]
    return np.vstack([top[None, :], inner, bottom[None, :]])



def calculate_csd2d(lfp_data, delta=1):
    """hnn-core's name of :func:`current_source_density`: ``lfp_data`` is contacts x
    times, ``delta`` the contact spacing (µm)."""
    return current_source_density(lfp_data, delta)

class ExtracellularArray:
    """Potentials (µV) at the contacts of one electrode array.

    Parameters
    ----------
    positions : list of (x, y, z)
        Contact positions (µm).
    conductivity : float
        Conductivity of the medium (S/m).
    method : 'psa' | 'lsa'
        Point- or line-source approximation of each segment.
    min_distance : float
        Smallest contact-to-source distance used (µm).
    times : array | None
        Sample times (ms).
    voltages : array | None
        Potentials (µV), trials x contacts x times.
    """

    def __init__(self, positions, *, conductivity=0.3, method="psa", min_distance=0.5,
                 times=None, voltages=None):
        self.positions = [tuple(float(c) for c in p) for p in positions]
        self.n_contacts = len(self.positions)
        self.conductivity = float(conductivity)
        self.method = method
        self.min_distance = float(min_distance)
        self._times = np.array([] if times is None else times, dtype=float)
        self._data = np.array([] if voltages is None else voltages, dtype=float)

    def __repr__(self):
        data = (f" | {len(self)} trials, {len(self._times)} times" if len(self)
                else " (no data recorded yet)")
        return (f"<ExtracellularArray | {self.n_contacts} electrodes, conductivity="
                f"{self.conductivity}, method={self.method}{data}>")

    def __len__(self):
        return len(self._data)

    def __getitem__(self, trials):
        """A copy holding only the chosen trials (int, slice or list)."""
        picked = self._data[[trials]] if isinstance(trials, int) else self._data[trials]
        return ExtracellularArray(self.positions, conductivity=self.conductivity,
                                  method=self.method, min_distance=self.min_distance,
                                  times=self._times, voltages=picked)

    @property
    def times(self):
        """Sample times (ms)."""
        return np.array(self._times)

    @property
    def voltages(self):
        """Potentials (µV), trials x contacts x times."""
        return np.array(self._data)

    @property
    def sfreq(self):
        """Sampling rate (Hz), or None before a simulation."""
        if len(self._times) < 2:
            return None
        return 1000.0 / float(np.median(np.diff(self._times)))

    def copy(self):
        """An independent copy."""
        return copy.deepcopy(self)

    def smooth(self, window_len):
        """Smooth every trace in place with a Hamming window of ``window_len`` ms."""
        dt_ms = 1000.0 / self.sfreq
        for trial in self._data:
            for k, trace in enumerate(trial):
                trial[k] = hamming_smooth(trace, window_len, dt_ms)
        return self

    def plot_lfp(self, *, trial_no=0, contact_no=None, tmin=None, tmax=None, ax=None,
                 decim=None, color="cividis", voltage_offset=50.0, voltage_scalebar=200.0,
                 show=True):
        """Laminar LFP traces of one trial (see
        :func:`hnn_netpyne.analysis.laminar.plot_laminar_lfp`)."""
        from hnn_netpyne.analysis.laminar import plot_laminar_lfp

        depths, _ = laminar_depths(self.positions)
        data = self.voltages[trial_no]
        if contact_no is not None:
            data, depths = data[contact_no], depths[contact_no]
        return plot_laminar_lfp(self.times, np.atleast_2d(data), np.atleast_1d(depths),
                                tmin=tmin, tmax=tmax, ax=ax, decim=decim, color=color,
                                voltage_offset=voltage_offset,
                                voltage_scalebar=voltage_scalebar, show=show)

    def plot_csd(self, vmin=None, vmax=None, interpolation="spline", sink="b", colorbar=True,
                 ax=None, show=True, trial_no=0):
        """CSD image of one trial (see
        :func:`hnn_netpyne.analysis.laminar.plot_laminar_csd`)."""
        from hnn_netpyne.analysis.laminar import plot_laminar_csd

        depths, spacing = laminar_depths(self.positions)
        csd = current_source_density(self.voltages[trial_no], spacing)
        return plot_laminar_csd(self.times, csd, depths, vmin=vmin, vmax=vmax,
                                interpolation=interpolation, sink=sink, colorbar=colorbar,
                                ax=ax, show=show)

    def to_dict(self):
        """The array's definition and data as a dict (hnn-core's keys)."""
        return {"positions": self.positions, "conductivity": self.conductivity,
                "method": self.method, "min_distance": self.min_distance,
                "times": self.times, "voltages": self.voltages}
