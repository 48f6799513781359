"""hnn-core's drive methods of a Network: add_*_drive, add_tonic_bias, external_drives.

Each method turns its arguments into a plain drive definition
(:mod:`hnn_netpyne.model.drives`) that the Network keeps and the specs
builder reads (``cfg['drives']``).
"""

import copy
import os

import numpy as np

from hnn_netpyne import network_connectivity as _conn
from hnn_netpyne.cells import hnn_core_name
from hnn_netpyne.checks import _deprecated, _renamed_arguments, validate_type
from hnn_netpyne.errors import HNNNetpyneError, ParameterError
from hnn_netpyne.model import drives as _drives
from hnn_netpyne.model.specs import cell_specs, population_sizes
from hnn_netpyne.model.variants import model_variant
from hnn_netpyne.network_io import hnn_core_biases, hnn_core_drive


def _spike_trains(spike_data):
    """One list of spike times (ms) per drive cell, from hnn-core's three spike_data forms."""
    if isinstance(spike_data, (str, os.PathLike)):
        from hnn_netpyne.analysis.cell_response import read_spikes

        response = read_spikes(spike_data)
        spike_data = {}
        for t, gid, kind in zip(response.spike_times[0], response.spike_gids[0],
                                response.spike_types[0]):
            spike_data.setdefault(f"{kind}_GID{gid}", []).append(t)
    if isinstance(spike_data, dict):
        for source, times in spike_data.items():
            validate_type(times, (list, np.ndarray), f"spike_data[{source!r}]",
                           "a list of times (ms)")
        return [list(times) for times in spike_data.values()]
    if isinstance(spike_data, list) and all(isinstance(x, tuple) and len(x) == 2
                                            for x in spike_data):
        gids = sorted({gid for _, gid in spike_data})
        return [[t for t, g in spike_data if g == gid] for gid in gids]
    raise ParameterError("spike_data must be a dict of source -> times, a list of "
                         "(time, gid) tuples or a spike file pattern", key="spike_data",
                         value=type(spike_data).__name__)


class DriveMethods:
    """The drive part of :class:`~hnn_netpyne.network.Network` (a mixin)."""

    @property
    def external_drives(self):
        """Spike-source drives by name, in hnn-core's layout (copies), with
        ``events``: after a simulation, spike times (ms) per trial and drive cell."""
        layout = self._drive_layout()["drives"]
        return {d["name"]: hnn_core_drive(d, layout[d["name"]]["n_cells"],
                                          copy.deepcopy(self._events.get(d["name"], [])))
                for d in self._drives if not _drives.is_bias(d)}

    @property
    def external_biases(self):
        """Tonic biases in hnn-core's layout: {bias name: {cell type: {'amplitude' (nA),
        't0', 'tstop' (ms), 'section'}}}."""
        return hnn_core_biases([d for d in self._drives if _drives.is_bias(d)])

    def _drive_layout(self):
        spike_drives = [d for d in self._drives if not _drives.is_bias(d)]
        return _drives.drive_layout(spike_drives, population_sizes(self._mesh_shape))

    def _add(self, drive):
        """Append a drive definition after checking that the network still builds."""
        if any(d["name"] == drive["name"] for d in self._drives):
            raise ParameterError(f"a drive or bias named {drive['name']!r} exists already",
                                 key="name", value=drive["name"])
        self._drives.append(drive)
        try:
            self.to_netpyne()  # resolves locations and seeds against the cells (~30 ms)
        except HNNNetpyneError:
            self._drives.pop()
            raise

    def add_evoked_drive(self, name, *, mu, sigma, numspikes, location, n_drive_cells="n_cells",
                         cell_specific=True, weights_ampa=None, weights_nmda=None,
                         space_constant=3.0, synaptic_delays=0.1, probability=1.0,
                         event_seed=2, conn_seed=3, **old_arguments):
        """Add a drive of Gaussian-timed spikes (hnn-core's signature).

        Parameters
        ----------
        name : str
            Unique drive name.
        mu, sigma : float
            Mean and standard deviation of the spike times (ms).
        numspikes : int
            Spikes per drive cell.
        location : str
            'proximal', 'distal' or a section name of every target.
        n_drive_cells : int | 'n_cells'
            Drive cells; 'n_cells' (with ``cell_specific``) gives one per target cell.
        cell_specific : bool
            One drive cell per target cell, or every drive cell to every target.
        weights_ampa, weights_nmda : dict | None
            Synaptic weight (µS) per target cell type ('L2_pyramidal' or 'L2Pyr' ...).
        space_constant : float
            Lateral decay of weights and delays (grid spacings).
        synaptic_delays : float | dict
            Delay (ms), one or per target cell type.
        probability : float | dict
            Connection probability, one or per target cell type.
        event_seed, conn_seed : int
            Seeds of the spike times and of connection pruning.
        **old_arguments
            ``seedcore`` (now ``event_seed``) and ``sync_within_trial``
            (now ``n_drive_cells=1, cell_specific=False``), with a warning.
        """
        if "sync_within_trial" in old_arguments:
            sync = old_arguments.pop("sync_within_trial")
            _deprecated("add_evoked_drive", "'sync_within_trial'",
                        "n_drive_cells=1, cell_specific=False")
            if sync:
                n_drive_cells, cell_specific = 1, False
        args = {k: v for k, v in locals().items() if k not in ("self", "old_arguments", "sync")}
        args.update(_renamed_arguments(self.add_evoked_drive, old_arguments,
                                       {"seedcore": "event_seed"}, args))
        self._add(_drives.evoked_drive(**args))

    def add_poisson_drive(self, name, *, tstart=0, tstop=None, rate_constant, location,
                          n_drive_cells="n_cells", cell_specific=True, weights_ampa=None,
                          weights_nmda=None, space_constant=100.0, synaptic_delays=0.1,
                          probability=1.0, event_seed=2, conn_seed=3, **old_arguments):
        """Add a drive of Poisson spike trains (hnn-core's signature).

        ``rate_constant`` (Hz) is one number or one per target cell type;
        ``tstart``/``tstop`` (ms) bound the trains (None: to the end of the
        run). Other parameters as in :meth:`add_evoked_drive`; ``seedcore``
        is accepted as the old name of ``event_seed``.
        """
        args = {k: v for k, v in locals().items() if k not in ("self", "old_arguments")}
        args.update(_renamed_arguments(self.add_poisson_drive, old_arguments,
                                       {"seedcore": "event_seed"}, args))
        self._add(_drives.poisson_drive(**args))

    def add_bursty_drive(self, name, *, tstart=0, tstart_std=0, tstop=None, location,
                         burst_rate, burst_std=0, numspikes=2, spike_isi=10, n_drive_cells=1,
                         cell_specific=False, weights_ampa=None, weights_nmda=None,
                         synaptic_delays=0.1, space_constant=100.0, probability=1.0,
                         event_seed=2, conn_seed=3, **old_arguments):
        """Add a drive of rhythmic bursts (hnn-core's signature).

        Bursts of ``numspikes`` spikes ``spike_isi`` ms apart recur at
        ``burst_rate`` Hz from ``tstart`` (jittered across trials by
        ``tstart_std``) to ``tstop`` (None: end of run); each burst is
        jittered by ``burst_std`` ms. Other parameters as in
        :meth:`add_evoked_drive`; ``repeats`` and ``seedcore`` are accepted as
        the old names of ``n_drive_cells`` and ``event_seed``.
        """
        args = {k: v for k, v in locals().items() if k not in ("self", "old_arguments")}
        args.update(_renamed_arguments(self.add_bursty_drive, old_arguments,
                                       {"repeats": "n_drive_cells", "seedcore": "event_seed"},
                                       args))
        self._add(_drives.bursty_drive(**args))

    def add_spike_train_drive(self, name, *, spike_data, location, weights_ampa=None,
                              weights_nmda=None, synaptic_delays=0.1, space_constant=3.0,
                              probability=1.0, conn_seed=None):
        """Add a drive that replays given spike trains (hnn-core's signature).

        Parameters
        ----------
        name : str
            Unique drive name.
        spike_data : dict | list of (float, int) | str
            {source id: [times (ms)]} (one drive cell per key, in key order),
            [(time, source gid), ...] (one drive cell per gid, in gid order),
            or a spike file pattern for :func:`read_spikes` (its first trial;
            one drive cell per population and gid, in order of first spike).
        location : str
            'proximal', 'distal' or a section name of every target.
        weights_ampa, weights_nmda : dict | None
            Weight (µS) per target cell type.
        synaptic_delays : float | dict
            Delay (ms), one or per target cell type.
        space_constant : float
            Lateral decay of weights and delays (grid spacings).
        probability : float | dict
            Connection probability, one or per target cell type.
        conn_seed : int | None
            Seed of connection pruning (needed when ``probability`` < 1).
        """
        trains = _spike_trains(spike_data)
        if conn_seed is None:
            conn_seed = 0  # unused with probability 1
        self._add(_drives.spike_train_drive(
            name, spike_times=trains, location=location, weights_ampa=weights_ampa,
            weights_nmda=weights_nmda, synaptic_delays=synaptic_delays,
            space_constant=space_constant, probability=probability, conn_seed=conn_seed))

    def add_tonic_bias(self, *, cell_type=None, section="soma", bias_name="tonic", amplitude,
                       t0=0, tstop=None):
        """Add a constant current injection (hnn-core's signature).

        Parameters
        ----------
        cell_type : str | None
            Deprecated: give ``amplitude={cell_type: value}`` instead.
        section : str
            Section receiving the current, at its middle.
        bias_name : str
            Name of the bias. Calls with the same name and timing add cell
            types to it.
        amplitude : dict
            Current (nA) per cell type.
        t0, tstop : float
            Start and end (ms); ``tstop=None`` lasts to the end of the run.
        """
        if cell_type is not None:
            _deprecated("add_tonic_bias", "'cell_type'", "amplitude={cell_type: amplitude}")
            amplitude = {cell_type: amplitude}
        if not isinstance(amplitude, dict) or not amplitude:
            raise ParameterError("amplitude must be a non-empty dict of cell type -> nA",
                                 key="amplitude", value=amplitude)
        bias = _drives.tonic_bias(amplitude, t0=t0, tstop=tstop, section=section,
                                  name=bias_name)
        rules = cell_specs(self._params, model_variant(self._model))[0]
        for cell in bias["amplitude"]:
            if section not in rules[cell]["secs"]:
                raise ParameterError(f"{cell} cells have no section {section!r}; expected one "
                                     f"of {sorted(rules[cell]['secs'])}", key="section",
                                     value=section)
        existing = next((d for d in self._drives
                         if d["name"] == bias_name and _drives.is_bias(d)), None)
        if existing is None:
            self._add(bias)
            return
        same_timing = all(existing[k] == bias[k] for k in ("t0", "tstop", "section"))
        if not same_timing or set(existing["amplitude"]) & set(bias["amplitude"]):
            raise ParameterError(f"bias {bias_name!r} exists already for "
                                 f"{sorted(existing['amplitude'])} with t0={existing['t0']}, "
                                 f"tstop={existing['tstop']}, section={existing['section']!r}; "
                                 "use another bias_name", key="bias_name", value=bias_name)
        next(d for d in self._drives if d["name"] == bias_name)["amplitude"].update(
            bias["amplitude"])

    def _drive_connectivity(self):
        """Connectivity entries of the drives (read-only copies)."""
        sizes = population_sizes(self._mesh_shape)
        spike_drives = [d for d in self._drives if not _drives.is_bias(d)]
        layout = _drives.drive_layout(spike_drives, sizes)
        cell_ranges = self._cell_gid_ranges()
        conns = []
        for drive in spike_drives:
            entry = layout["drives"][drive["name"]]
            for target in entry["targets"]:
                first = cell_ranges[hnn_core_name(target)][0]
                pairs = {}
                for src, tgt in entry["pairs"][target]:
                    pairs.setdefault(entry["gid_start"] + src, []).append(first + tgt)
                for receptor in ("ampa", "nmda"):
                    weight = drive[f"weights_{receptor}"].get(target)
                    if weight is not None:
                        conns.append(_conn.new_connection(
                            drive["name"], hnn_core_name(target), pairs, drive["location"],
                            receptor, weight, drive["synaptic_delays"][target],
                            drive["space_constant"], self.threshold,
                            probability=drive["probability"][target]))
        return conns

    def _record_events(self, net_params, n_trials):
        """Keep each drive's spike times of every trial of a run of ``net_params``
        (hnn-core's ``external_drives[name]['events']``), computed from the specs."""
        trials = [_drives.drive_events(net_params, k) for k in range(n_trials)]
        self._events = {name: [trial[name] for trial in trials] for name in trials[0]}

    def clear_drives(self):
        """Remove every drive and bias added to the network."""
        self._drives = []
        self._events = {}
