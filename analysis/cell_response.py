"""Spikes of a simulation as hnn-core's ``CellResponse``, and its spike files.

Populations are named as in hnn-core: 'L2_basket', 'L2_pyramidal',
'L5_basket', 'L5_pyramidal' and the drive names. hnn-core's spike file is
one file per trial, a spike a line: time (ms, 3 decimals), gid and type,
tab-separated.
"""

import glob
import re
from pathlib import Path

import numpy as np

from hnn_netpyne.cells import hnn_core_names, label_of
from hnn_netpyne.errors import ParameterError

MEAN_TYPES = ("all", "trial", "cell")


def registered_type_names():
    """hnn-core's names of the registered cell types, in gid order."""
    return list(hnn_core_names().values())


def _as_lists(trials, name, convert):
    if not isinstance(trials, (list, tuple)):
        raise ParameterError(f"{name} must be a list with one list per trial", key=name,
                             value=type(trials).__name__)
    return [[convert(v) for v in trial] for trial in trials]


def _types_of(gids, gid_ranges):
    """hnn-core name of each gid's population."""
    names = np.empty(len(gids), dtype=object)
    gids = np.asarray(gids, dtype=int)
    for name, gid_range in gid_ranges.items():
        names[np.isin(gids, list(gid_range))] = name
    return names.tolist()


class CellResponse:
    """Spike times, gids and types of each trial (hnn-core's ``CellResponse``).

    Parameters
    ----------
    cell_type_names : list of str
        The network's cell types (hnn-core names).
    spike_times, spike_gids, spike_types : list of list | None
        Per trial: spike times (ms), gids and population names.
    times : array | None
        Sample times (ms) of the simulation.

    Attributes
    ----------
    gid_ranges : dict
        Population -> range of gids, once known (set by simulations and
        :meth:`update_types`).
    tstop : float | None
        Simulation length (ms), when known.
    """

    def __init__(self, cell_type_names=None, spike_times=None, spike_gids=None,
                 spike_types=None, times=None):
        self._spike_times = _as_lists(spike_times or [], "spike_times", float)
        self._spike_gids = _as_lists(spike_gids or [], "spike_gids", int)
        self._spike_types = _as_lists(spike_types or [], "spike_types", str)
        n_trials = len(self._spike_times)
        if len(self._spike_gids) != n_trials or len(self._spike_types) not in (0, n_trials):
            raise ParameterError("spike_times, spike_gids and spike_types need one list per "
                                 "trial each", key="spike_gids", value=len(self._spike_gids))
        self._cell_type_names = list(registered_type_names() if cell_type_names is None
                                     else cell_type_names)
        self._times = np.array([] if times is None else times, dtype=float)
        self.gid_ranges = None
        self.tstop = None
        self._vsec, self._isec, self._ca = ([{} for _ in range(n_trials)] for _ in range(3))

    @classmethod
    def from_run(cls, spike_times, spike_gids, gid_ranges, tstop, times=None, *, vsec=None,
                 isec=None, ca=None):
        """The response of a run: arrays per trial, ``gid_ranges`` in hnn-core names.

        ``vsec``, ``isec`` and ``ca`` are, per trial, hnn-core's ``{gid: {section:
        trace}}`` of voltages (mV) and calcium (mM) at section middles and
        ``{gid: {section: {'<section>_<receptor>': trace}}}`` of synaptic currents
        (nA) (see ``record_vsec`` ... of :func:`hnn_netpyne.simulate_dipole`).
        """
        response = cls(registered_type_names(), [np.asarray(t, float).tolist() for t in spike_times],
                       [np.asarray(g, int).tolist() for g in spike_gids], times=times)
        response.update_types(gid_ranges)
        response.tstop = float(tstop)
        for name, traces in (("_vsec", vsec), ("_isec", isec), ("_ca", ca)):
            if traces is not None:
                setattr(response, name, traces)
        return response

    def __repr__(self):
        return f"<CellResponse | {len(self._spike_times)} simulation trials>"

    def __eq__(self, other):
        if not isinstance(other, CellResponse):
            return NotImplemented
        rounded = [[[round(t, 3) for t in trial] for trial in r._spike_times]
                   for r in (self, other)]
        return (rounded[0] == rounded[1] and self._spike_gids == other._spike_gids
                and self._spike_types == other._spike_types)

    spike_times = property(lambda self: self._spike_times, doc="Spike times (ms) per trial.")
    spike_gids = property(lambda self: self._spike_gids, doc="Spike gids per trial.")
    spike_types = property(lambda self: self._spike_types, doc="Spike population per trial.")
    times = property(lambda self: self._times, doc="Sample times (ms) of the simulation.")
    vsec = property(lambda self: self._vsec,
                    doc="Per trial, {gid: {section: membrane potential (mV)}}.")
    isec = property(lambda self: self._isec,
                    doc="Per trial, {gid: {section: {'<section>_<receptor>': current (nA)}}}.")
    ca = property(lambda self: self._ca,
                  doc="Per trial, {gid: {section: calcium concentration (mM)}}.")

    @property
    def cell_types(self):
        """Sorted names of the populations that spiked."""
        return sorted({name for trial in self._spike_types for name in trial})

    @property
    def spike_times_by_type(self):
        """Population -> one list of spike times (ms) per trial."""
        return {name: [[t for t, kind in zip(times, types) if kind == name]
                       for times, types in zip(self._spike_times, self._spike_types)]
                for name in self.cell_types}

    def update_types(self, gid_ranges):
        """Name each spike's population from ``gid_ranges`` (population -> gids)."""
        ranges = {name: range(*r) if isinstance(r, (list, tuple)) and len(r) == 2
                  and not isinstance(r, range) else r for name, r in gid_ranges.items()}
        seen = set()
        for name, gids in ranges.items():
            if seen & set(gids):
                raise ParameterError("gid_ranges must not overlap", key="gid_ranges", value=name)
            seen |= set(gids)
        self.gid_ranges = ranges
        self._spike_types = [_types_of(gids, ranges) for gids in self._spike_gids]

    def mean_rates(self, tstart, tstop, gid_ranges, mean_type="all"):
        """Mean firing rates (Hz) of each cell type between ``tstart`` and ``tstop`` (ms).

        Parameters
        ----------
        tstart, tstop : float
            The window (ms) the spike counts are divided by (hnn-core counts
            every spike of a trial, whatever its time).
        gid_ranges : dict
            Population -> gids (e.g. ``net.gid_ranges``).
        mean_type : str
            'all' (over trials and cells), 'trial' (one rate per trial) or
            'cell' (per trial, one rate per cell).

        Returns
        -------
        rates : dict
            Cell type -> float, list per trial, or list per trial of lists per cell.
        """
        if mean_type not in MEAN_TYPES:
            raise ParameterError(f"mean_type must be one of {list(MEAN_TYPES)}",
                                 key="mean_type", value=mean_type)
        for key, value in (("tstart", tstart), ("tstop", tstop)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ParameterError("expected a number of ms", key=key, value=value)
        if tstop <= tstart:
            raise ParameterError(f"tstop must exceed tstart ({tstart} ms)", key="tstop",
                                 value=tstop)
        rates = {}
        for name in self._cell_type_names:
            gids = np.array(list(gid_ranges[name]))
            per_cell = np.zeros((len(self._spike_times), len(gids)))
            for trial, (types, spike_gids) in enumerate(zip(self._spike_types,
                                                            self._spike_gids)):
                mine = np.asarray(spike_gids)[np.asarray(types) == name]
                counts = np.array([np.count_nonzero(mine == gid) for gid in gids])
                per_cell[trial] = counts / (tstop - tstart) * 1000.0
            rates[name] = {"all": lambda: float(per_cell.mean()),
                           "trial": lambda: per_cell.mean(axis=1).tolist(),
                           "cell": lambda: per_cell.tolist()}[mean_type]()
        return rates

    def _pooled(self, trial_idx):
        """Times and gids of the chosen trials: None (all), an index or a list."""
        n = len(self._spike_times)
        if trial_idx is None:
            trial_idx = list(range(n))
        elif not isinstance(trial_idx, list):
            trial_idx = [trial_idx]
        for idx in trial_idx:
            if isinstance(idx, bool) or not isinstance(idx, (int, np.integer)) or not 0 <= idx < n:
                raise ParameterError(f"trial_idx must be None, or indices in [0, {n})",
                                     key="trial_idx", value=idx)
        times = np.concatenate([[]] + [self._spike_times[i] for i in trial_idx])
        gids = np.concatenate([np.zeros(0, int)] + [self._spike_gids[i] for i in trial_idx])
        return times, gids.astype(int)

    def _short_ranges(self):
        """gid_ranges with NetPyNE labels for the cell types, as [start, stop); without
        gid_ranges (spikes read from files), the gids seen with each spike type."""
        from hnn_netpyne.analysis.raster_extras import ranges_from_types

        if self.gid_ranges is None:
            if not any(self._spike_types):
                raise ParameterError("this response has no gid_ranges; call update_types "
                                     "first", key="gid_ranges", value=None)
            seen = ranges_from_types(self._spike_gids, self._spike_types)
            return {label_of(name) if name in registered_type_names() else name: bounds
                    for name, bounds in seen.items()}
        return {label_of(name): [min(r), max(r) + 1]
                for name, r in self.gid_ranges.items() if len(r)}

    def plot_spikes_raster(self, trial_idx=None, ax=None, show=True, cell_types=None,
                           colors=None, show_legend=True, marker_size=5.0, dpl=None,
                           overlay_dipoles=False):
        """Raster of the cells' spikes (hnn-core's signature).

        ``cell_types`` (hnn-core names) selects the populations; ``colors``
        (a list in ``cell_types``' order, or a dict) and ``marker_size``
        (points²) style the spikes; ``overlay_dipoles=True`` draws the
        trial-averaged L2 and L5 dipoles of ``dpl`` over their layers' gids.
        """
        from hnn_netpyne.analysis.plots import plot_spike_raster
        from hnn_netpyne.analysis.raster_extras import (
            empty_raster,
            overlay_layer_dipoles,
            style_raster,
        )

        times, gids = self._pooled(trial_idx)
        known = registered_type_names()
        names = known if cell_types is None else list(cell_types)
        for name in names:
            if name not in known:
                raise ParameterError(f"cell_types must be among {known}",
                                     key="cell_types", value=name)
        ranges = self._short_ranges()
        names = [n for n in names if label_of(n) in ranges]
        if not names:  # spikes read from files in which no cell fired
            return _shown(empty_raster(ax), show)
        fig = plot_spike_raster(times, gids, ranges, ax=ax,
                                populations=[label_of(n) for n in names], show=False)
        style_raster(fig.axes[0] if ax is None else ax, [label_of(n) for n in names],
                     colors if not isinstance(colors, dict) else
                     {label_of(k): v for k, v in colors.items()}, marker_size)
        if overlay_dipoles:
            overlay_layer_dipoles(fig.axes[0] if ax is None else ax, dpl,
                                  {n: ranges[label_of(n)] for n in names})
        if not show_legend and fig.axes[0].get_legend() is not None:
            fig.axes[0].get_legend().remove()
        return _shown(fig, show)

    def plot_spikes_hist(self, trial_idx=None, ax=None, spike_types=None, color=None,
                         invert_spike_types=None, show=True, **kwargs_hist):
        """Histogram of spikes per population (hnn-core's signature).

        ``spike_types``: None (every drive, or else every cell type), a
        name or name prefix ('ev' takes 'evprox1', 'evdist1' ...), a list of
        them, or a dict of group label -> list, each group one histogram.
        ``color`` is one colour, a list cycled through, or a dict per label.
        ``invert_spike_types`` (a label or a list of them) draws those
        histograms downwards, below zero. ``kwargs_hist`` go to ``ax.hist``
        (bins default to 50).
        """
        from hnn_netpyne.analysis.plots import _finish, _new_axes

        from hnn_netpyne.analysis.raster_extras import ranges_from_types

        times, gids = self._pooled(trial_idx)
        ranges = self.gid_ranges or {  # spikes read from files: the gids of each type
            name: range(*bounds)
            for name, bounds in ranges_from_types(self._spike_gids, self._spike_types).items()}
        types = np.array(_types_of(gids, ranges), dtype=object)
        groups = _spike_type_groups(spike_types, sorted(set(types.tolist()) - {None}),
                                    list(ranges))
        inverted = [invert_spike_types] if isinstance(invert_spike_types, str) \
            else list(invert_spike_types or [])
        if not set(inverted) <= set(groups):
            raise ParameterError(f"invert_spike_types must be among the drawn {list(groups)}",
                                 key="invert_spike_types", value=invert_spike_types)
        ax = _new_axes(ax)
        kwargs_hist.setdefault("bins", 50)
        for k, (label, members) in enumerate(groups.items()):
            kwargs = dict(kwargs_hist, label=label, histtype=kwargs_hist.get("histtype", "step"))
            shade = _group_color(color, label, k)
            if shade is not None:
                kwargs["color"] = shade
            selected = times[np.isin(types, members)]
            if label in inverted:
                kwargs["weights"] = -np.ones(len(selected))
            ax.hist(selected, **kwargs)
        ax.set_xlabel("Time (ms)")
        ax.set_ylabel("Counts")
        ax.legend()
        return _finish(ax, show)

    def to_dict(self):
        """The response as plain data (hnn-core's keys)."""
        return {"spike_times": self._spike_times, "spike_gids": self._spike_gids,
                "spike_types": self._spike_types, "vsec": [], "isec": [], "ca": [],
                "times": self._times.tolist()}

    def write(self, fname):
        """Write one hnn-core spike file per trial.

        Parameters
        ----------
        fname : str | pathlib.Path
            A name with the trial index as ``%d`` or ``{0}`` (e.g.
            ``'spk_%d.txt'``); without either, ``_<trial>`` is put before
            the suffix.
        """
        for trial, (times, gids, types) in enumerate(zip(self._spike_times, self._spike_gids,
                                                         self._spike_types)):
            lines = [f"{t:.3f}\t{int(g)}\t{kind}\n" for t, g, kind in zip(times, gids, types)]
            Path(_trial_file(str(fname), trial)).write_text("".join(lines))


def _trial_file(pattern, trial):
    """The file name of ``trial`` for a ``%d`` / ``{0}`` pattern (or ``name_<k>.txt``)."""
    if re.search(r"%(\d*)d", pattern):
        return pattern % trial
    if "{0}" in pattern or "{}" in pattern:
        return pattern.format(trial)
    path = Path(pattern)
    return str(path.with_name(f"{path.stem}_{trial}{path.suffix}"))


def _shown(fig, show):
    if show:
        import matplotlib.pyplot as plt

        plt.show()
    return fig


def _spike_type_groups(spike_types, present, known):
    """Label -> population names, for plot_spikes_hist's ``spike_types``."""
    cells = registered_type_names()
    drives = [name for name in known if name not in cells]
    if spike_types is None:
        names = [d for d in drives if d in present] or [c for c in cells if c in present]
        return {name: [name] for name in names}
    if isinstance(spike_types, str):
        spike_types = [spike_types]
    if isinstance(spike_types, list):
        spike_types = {name: [name] for name in spike_types}
    if not isinstance(spike_types, dict):
        raise ParameterError("spike_types must be None, a str, a list or a dict",
                             key="spike_types", value=spike_types)
    groups = {}
    for label, prefixes in spike_types.items():
        members = [name for name in known for prefix in prefixes if name.startswith(prefix)]
        if not members:
            raise ParameterError(f"matches no spike type of {known}", key="spike_types",
                                 value=prefixes)
        groups[label] = members
    return groups


def _group_color(color, label, index):
    if color is None or isinstance(color, str):
        return color
    if isinstance(color, dict):
        if label not in color:
            raise ParameterError("color needs an entry for every spike type", key="color",
                                 value=label)
        return color[label]
    return list(color)[index % len(color)]


def read_spikes(fname, gid_ranges=None):
    """Read hnn-core spike files (one per trial) into a :class:`CellResponse`.

    Parameters
    ----------
    fname : str | pathlib.Path
        A glob pattern (e.g. ``'out/spk_*.txt'``); files are read in sorted
        order, one trial each.
    gid_ranges : dict | None
        Population -> gids, needed for legacy two-column files (time, gid).

    Returns
    -------
    cell_response : CellResponse
    """
    files = sorted(glob.glob(str(fname)))
    if not files:
        raise ParameterError("no spike file matches", key="fname", value=str(fname))
    times, gids, types = [], [], []
    for path in files:
        rows = [line.split() for line in Path(path).read_text().splitlines() if line.strip()]
        if any(len(row) not in (2, 3) for row in rows):
            raise ParameterError(f"{path}: expected 2 or 3 columns (time, gid[, type])",
                                 key="fname", value=path)
        if rows and len(rows[0]) == 2 and gid_ranges is None:
            raise ParameterError(f"{path} has no spike types; give gid_ranges",
                                 key="gid_ranges", value=None)
        try:
            times.append([float(row[0]) for row in rows])
            gids.append([int(float(row[1])) for row in rows])
        except ValueError as err:
            raise ParameterError(f"{path}: {err}", key="fname", value=path) from None
        types.append([row[2] for row in rows if len(row) == 3])
    response = CellResponse(registered_type_names(), times, gids, types)
    if gid_ranges is not None:
        response.update_types(gid_ranges)
    return response
