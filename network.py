"""hnn-core's ``Network``, recorded as plain data and turned into NetPyNE specs.

A :class:`Network` records what the model is: the parameter file, model
variant and grid, the drives, the connectivity entries (hnn-core's
``net.connectivity``) and changed synapse kinetics.
:meth:`Network.to_netpyne` turns that into the ``simConfig`` and
``netParams`` dictionaries of :mod:`hnn_netpyne.model.specs`; nothing else
builds the network.
"""

import copy
import os

import numpy as np

from hnn_netpyne import network_connectivity as _conn
from hnn_netpyne.cell_types import cell_type_views
from hnn_netpyne.cells import HNN_CORE_NAMES, cell_rules
from hnn_netpyne.checks import _deprecated, _renamed_arguments, _validate_type
from hnn_netpyne.errors import HNNNetpyneError, ParameterError
from hnn_netpyne.model import drives as _drives
from hnn_netpyne.model.legacy_drives import drives_from_params
from hnn_netpyne.model.params import load_params
from hnn_netpyne.model.positions import (
    INPLANE_DISTANCE_UM,
    LAYER_SEPARATION_UM,
    cell_positions,
    column_origin,
)
from hnn_netpyne.model.specs import (
    build_net_params,
    build_sim_config,
    cell_specs,
    population_sizes,
)
from hnn_netpyne.model.variants import model_variant, variant_pathways
from hnn_netpyne.network_io import hnn_core_biases, hnn_core_drive
from hnn_netpyne.params import Params, _parameter_source

__all__ = ["Network", "pick_connection"]

pick_connection = _conn.pick_connection


def _check_mesh_shape(mesh_shape):
    if (not isinstance(mesh_shape, (tuple, list)) or len(mesh_shape) != 2
            or any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1
                   for n in mesh_shape)):
        raise ParameterError("mesh_shape must be two positive integers (n_x, n_y)",
                             key="mesh_shape", value=mesh_shape)
    return [int(n) for n in mesh_shape]


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
            _validate_type(times, (list, np.ndarray), f"spike_data[{source!r}]",
                           "a list of times (ms)")
        return [list(times) for times in spike_data.values()]
    if isinstance(spike_data, list) and all(isinstance(x, tuple) and len(x) == 2
                                            for x in spike_data):
        gids = sorted({gid for _, gid in spike_data})
        return [[t for t, g in spike_data if g == gid] for gid in gids]
    raise ParameterError("spike_data must be a dict of source -> times, a list of "
                         "(time, gid) tuples or a spike file pattern", key="spike_data",
                         value=type(spike_data).__name__)


class Network:
    """An HNN network: parameters, model variant, grid and drives.

    Make one with :func:`jones_2009_model`, :func:`neymotin_2020_model` or
    :func:`law_2021_model` rather than directly.

    Parameters
    ----------
    params : str | pathlib.Path | dict | None
        Parameter file or values; None reads HNN's ``default.json``.
    add_drives_from_params : bool
        Also use the drives declared in the parameter file (HNN GUI style).
    legacy_mode : bool
        Must be False: hnn-core's legacy drive wiring is not reproduced.
    mesh_shape : (int, int)
        Pyramidal cells along x and y in each layer.
    model : str
        Model variant, see :mod:`hnn_netpyne.model.variants`.

    Attributes
    ----------
    cell_response : CellResponse | None
        Spikes of the last :func:`simulate_dipole` run.
    """
    def __init__(self, params=None, add_drives_from_params=False, legacy_mode=False,
                 mesh_shape=(10, 10), *, model="neymotin_2020"):
        if legacy_mode:
            raise ParameterError("legacy_mode=True (hnn-core's HNN-GUI drive wiring) is not "
                                 "supported; use legacy_mode=False", key="legacy_mode",
                                 value=legacy_mode)
        if not isinstance(add_drives_from_params, bool):
            raise ParameterError("add_drives_from_params must be True or False",
                                 key="add_drives_from_params", value=add_drives_from_params)
        self._param_file, self._param_overrides = _parameter_source(params)
        self._params = load_params(self._param_file, self._param_overrides)
        self._mesh_shape = _check_mesh_shape(mesh_shape)
        self._model = model
        model_variant(model)  # fails now, not at simulation time, on a bad model name
        self._drives = []
        if add_drives_from_params:
            self._drives = drives_from_params(self._params, population_sizes(self._mesh_shape))
        self._connectivity = None  # None: the model's own pathways, made on first use
        self._syn_changes = {}
        self._cell_positions = {}  # set_cell_positions' distances (µm), if changed
        self._events = {}
        self.cell_response = None
        self.to_netpyne()

    def __repr__(self):
        names = [d["name"] for d in self._drives]
        return (f"<Network | {self._model}, {self._mesh_shape[0]} x {self._mesh_shape[1]} "
                f"pyramidal grid, drives {names}>")

    @property
    def params(self):
        """Copy of the validated parameter values."""
        values = {k: v for k, v in self._params.items() if k != "_source"}
        return Params(values, self._param_file)


    @property
    def threshold(self):
        """Spike threshold (mV) of every cell's NetCons."""
        return float(self._params["threshold"])

    @property
    def external_drives(self):
        """Spike-source drives by name, in hnn-core's layout (copies), with
        ``events``: after a simulation, spike times (ms) per trial and drive cell."""
        layout = self._drive_layout()["drives"]
        return {d["name"]: hnn_core_drive(d, layout[d["name"]]["n_cells"],
                                          copy.deepcopy(self._events.get(d["name"], [])))
                for d in self._drives if d["type"] != "tonic"}

    @property
    def external_biases(self):
        """Tonic biases in hnn-core's layout: {bias name: {cell type: {'amplitude' (nA),
        't0', 'tstop' (ms), 'section'}}}."""
        return hnn_core_biases([d for d in self._drives if d["type"] == "tonic"])

    def _drive_layout(self):
        spike_drives = [d for d in self._drives if d["type"] != "tonic"]
        return _drives.drive_layout(spike_drives, population_sizes(self._mesh_shape))

    @property
    def gid_ranges(self):
        """Population -> range of gids, in hnn-core's names and order (cells, then drives)."""
        ranges = self._cell_gid_ranges()
        for name, entry in self._drive_layout()["drives"].items():
            ranges[name] = range(entry["gid_start"], entry["gid_start"] + entry["n_cells"])
        return ranges

    def _spacing(self):
        """(in-plane grid spacing, layer separation) in µm."""
        return (self._cell_positions.get("inplane_distance", INPLANE_DISTANCE_UM),
                self._cell_positions.get("layer_separation", LAYER_SEPARATION_UM))

    def set_cell_positions(self, *, inplane_distance=None, layer_separation=None):
        """Change the grid spacing and the layer separation (hnn-core's signature).

        Parameters
        ----------
        inplane_distance : float | None
            Distance (µm) between neighbouring pyramidal somata; space
            constants scale with it, so weights and delays stay the same.
        layer_separation : float | None
            Depth (µm) of the L2/3 pyramidal somata above L5's.
        """
        for key, value in (("inplane_distance", inplane_distance),
                           ("layer_separation", layer_separation)):
            if value is None:
                continue
            _validate_type(value, float, key, "a number of µm")
            if not value > 0:
                raise ParameterError(f"{key} must be positive", key=key, value=value)
            self._cell_positions[key] = float(value)

    @property
    def pos_dict(self):
        """Population -> list of (x, y, z) soma positions (µm); drives sit at the origin."""
        inplane, layer = self._spacing()
        origin = tuple(column_origin(self._mesh_shape, inplane, layer))
        positions = {HNN_CORE_NAMES[label]: [tuple(p) for p in pos]
                     for label, pos in cell_positions(self._mesh_shape, layer, inplane).items()}
        for name, entry in self._drive_layout()["drives"].items():
            positions[name] = [origin] * entry["n_cells"]
        positions["origin"] = origin
        return positions

    @property
    def cell_types(self):
        """hnn-core's cell types: {name: {'cell_object', 'cell_metadata'}}.

        Setting ``cell_object.synapses[receptor][key]`` (``e`` mV, ``tau1``,
        ``tau2`` ms) changes that synapse of the cell type in the specs.
        """
        rules, syn_mechs = cell_specs(self._params, model_variant(self._model),
                                      self._syn_changes)
        return cell_type_views(syn_mechs, self._syn_changes, rules)

    @property
    def connectivity(self):
        """hnn-core's connectivity entries: cell-to-cell ones (editable in place),
        then the drives' (copies)."""
        return self._cell_connectivity() + self._drive_connectivity()

    def gid_to_type(self, gid):
        """The population (hnn-core name) of ``gid``, or None."""
        return _conn.gid_to_type(gid, self.gid_ranges)

    def filter_cell_types(self, **metadata_filters):
        """Names of the cell types whose ``cell_metadata`` match every filter."""
        return [name for name, cell in self.cell_types.items()
                if all(cell["cell_metadata"].get(k, object()) == v
                       for k, v in metadata_filters.items())]

    def copy(self):
        """An independent copy of the network (without its cell response)."""
        new = copy.deepcopy(self)
        new.cell_response = None
        return new

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
        rules = cell_rules(self._params)
        for cell in bias["amplitude"]:
            if section not in rules[cell]["secs"]:
                raise ParameterError(f"{cell} cells have no section {section!r}; expected one "
                                     f"of {sorted(rules[cell]['secs'])}", key="section",
                                     value=section)
        existing = next((d for d in self._drives
                         if d["name"] == bias_name and d["type"] == "tonic"), None)
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


    # --- connectivity -------------------------------------------------------------

    def _cell_gid_ranges(self):
        """Cell type (hnn-core name) -> range of gids."""
        ranges, start = {}, 0
        for label, n in population_sizes(self._mesh_shape).items():
            ranges[HNN_CORE_NAMES[label]] = range(start, start + n)
            start += n
        return ranges

    def _model_connectivity(self):
        """The connectivity entries of the model's own pathways."""
        pathways = variant_pathways(model_variant(self._model))
        return _conn.pathway_connections(pathways, self._params, self._cell_gid_ranges(),
                                         self.threshold)

    def _cell_connectivity(self):
        if self._connectivity is None:
            self._connectivity = self._model_connectivity()
        return self._connectivity

    def _drive_connectivity(self):
        """Connectivity entries of the drives (read-only copies)."""
        sizes = population_sizes(self._mesh_shape)
        spike_drives = [d for d in self._drives if d["type"] != "tonic"]
        layout = _drives.drive_layout(spike_drives, sizes)
        cell_ranges = self._cell_gid_ranges()
        conns = []
        for drive in spike_drives:
            entry = layout["drives"][drive["name"]]
            for target in entry["targets"]:
                first = cell_ranges[HNN_CORE_NAMES[target]][0]
                pairs = {}
                for src, tgt in entry["pairs"][target]:
                    pairs.setdefault(entry["gid_start"] + src, []).append(first + tgt)
                for receptor in ("ampa", "nmda"):
                    weight = drive[f"weights_{receptor}"].get(target)
                    if weight is not None:
                        conns.append(_conn.new_connection(
                            drive["name"], HNN_CORE_NAMES[target], pairs, drive["location"],
                            receptor, weight, drive["synaptic_delays"][target],
                            drive["space_constant"], self.threshold,
                            probability=drive["probability"][target]))
        return conns

    def _definitions(self):
        """The cell-to-cell connection definitions for the specs, or None when they
        are the model's own pathways unchanged."""
        if self._connectivity is None:
            return None
        ranges, threshold = self._cell_gid_ranges(), self.threshold
        ours = [_conn.connection_definition(c, ranges, threshold) for c in self._connectivity]
        model = [_conn.connection_definition(c, ranges, threshold)
                 for c in self._model_connectivity()]
        return None if ours == model else ours

    def add_connection(self, src_gids, target_gids, loc, receptor, weight, delay, lamtha,
                       threshold=None, gain=1.0, allow_autapses=True, probability=1.0,
                       conn_seed=None):
        """Add a cell-to-cell connection (hnn-core's signature).

        Parameters
        ----------
        src_gids, target_gids : str | int | range | list of int
            A cell type ('L2_pyramidal' ...) or gids of one cell type; every
            source connects to every target.
        loc : str
            'proximal', 'distal', 'soma' or a section name of the target.
        receptor : str
            'ampa', 'nmda', 'gabaa' or 'gabab'.
        weight, delay : float
            Weight (µS) and delay (ms) at zero distance.
        lamtha : float
            Space constant (grid spacings) of the distance fall-off.
        threshold : float | None
            Must be None or the network's spike threshold (mV).
        gain : float
            Factor on the weight (>= 0).
        allow_autapses : bool
            Allow a cell to connect to itself.
        probability : float
            Fraction of the pairs kept, drawn as hnn-core draws them.
        conn_seed : int | None
            Seed of that draw.
        """
        ranges = self._cell_gid_ranges()
        cell_names = list(ranges)
        srcs = _conn.check_gids(src_gids, ranges, cell_names, "src_gids")
        tgts = _conn.check_gids(target_gids, ranges, cell_names, "target_gids")
        _validate_type(allow_autapses, bool, "allow_autapses")
        for name, value in (("weight", weight), ("delay", delay), ("lamtha", lamtha),
                            ("gain", gain)):
            _validate_type(value, float, name, "a number")
        if gain < 0:
            raise ParameterError("gain must be >= 0", key="gain", value=gain)
        threshold = self.threshold if threshold is None else threshold
        pairs = _conn.all_pairs(srcs, tgts, allow_autapses)
        if probability != 1.0:
            pairs = _conn.prune_pairs(pairs, probability, conn_seed)
        conn = _conn.new_connection(
            self.gid_to_type(srcs[0]), self.gid_to_type(tgts[0]), pairs, loc, receptor,
            float(weight), float(delay), float(lamtha), threshold, gain=float(gain),
            allow_autapses=allow_autapses, probability=probability)
        rules = cell_specs(self._params, model_variant(self._model))[0]
        connections = self._cell_connectivity()
        connections.append(conn)
        try:
            definition = _conn.connection_definition(conn, ranges, self.threshold)
            from hnn_netpyne.model.connectivity import connectivity_rules

            connectivity_rules([definition], rules, population_sizes(self._mesh_shape))
        except HNNNetpyneError:
            connections.pop()
            raise

    def clear_connectivity(self):
        """Remove every cell-to-cell connection (drives keep theirs)."""
        self._connectivity = []

    def _gain_picks(self):
        """Connection type ('e_e', 'e_i', 'i_e', 'i_i') -> indices into the cell connectivity."""
        types = {name: cell["cell_metadata"]["electro_type"][0]
                 for name, cell in self.cell_types.items()}
        picks = {}
        for idx, conn in enumerate(self._cell_connectivity()):
            key = f"{types[conn['src_type']]}_{types[conn['target_type']]}"
            picks.setdefault(key, []).append(idx)
        return picks

    def set_global_synaptic_gains(self, e_e=None, e_i=None, i_e=None, i_i=None, copy=False):
        """Set the gain of every excitatory/inhibitory -> excitatory/inhibitory
        cell-to-cell connection (drives unchanged); None leaves a type as it is.

        Returns
        -------
        net : Network | None
            A changed copy if ``copy``; otherwise this network is changed.
        """
        _validate_type(copy, bool, "copy")
        net = self.copy() if copy else self
        picks = net._gain_picks()
        for key, gain in (("e_e", e_e), ("e_i", e_i), ("i_e", i_e), ("i_i", i_i)):
            if gain is None:
                continue
            _validate_type(gain, float, key, "a number")
            if gain < 0:
                raise ParameterError("synaptic gains must be >= 0", key=key, value=gain)
            for idx in picks.get(key, []):
                net._connectivity[idx]["nc_dict"]["gain"] = float(gain)
        return net if copy else None

    def get_global_synaptic_gains(self):
        """Gain of the first connection of each type ('e_e', 'e_i', 'i_e', 'i_i')."""
        connections, picks = self._cell_connectivity(), self._gain_picks()
        return {key: connections[picks[key][0]]["nc_dict"]["gain"]
                for key in ("e_e", "e_i", "i_e", "i_i") if key in picks}

    def plot_cells(self, ax=None, show=True):
        """Plot the soma positions of every cell type and the drives' origin in 3-D."""
        from hnn_netpyne.analysis.network_plots import plot_cell_positions

        return plot_cell_positions(self.pos_dict, ax=ax, show=show)

    def _record_events(self, cfg):
        """Keep each drive's spike times of every trial of the run ``cfg`` describes
        (hnn-core's ``external_drives[name]['events']``)."""
        from hnn_netpyne.runtime.run import trial_drive_events

        trials = [trial_drive_events(dict(cfg, trial=k), k) for k in range(cfg["nTrials"])]
        self._events = {name: [trial[name] for trial in trials] for name in trials[0]}

    def to_dict(self, write_output=False):
        """The network as the dictionary of hnn-core's configuration file.

        ``write_output`` must be False: simulation outputs are not included.
        """
        from hnn_netpyne.network_io import network_to_dict

        if write_output:
            raise ParameterError("write_output=True is not available", key="write_output",
                                 value=write_output)
        return network_to_dict(self)

    def write_configuration(self, fname, overwrite=True):
        """Write the network as an hnn-core network configuration file (JSON); see
        :func:`hnn_netpyne.network_io.write_configuration`."""
        from hnn_netpyne.network_io import write_configuration

        write_configuration(self, fname, overwrite=overwrite)

    def clear_drives(self):
        """Remove every drive and bias added to the network."""
        self._drives = []
        self._events = {}

    def to_netpyne(self, tstop=None, dt=None, n_trials=None, *, coreneuron=False, n_threads=1,
                   output_dir="output", record_soma_voltage=False):
        """The NetPyNE specifications of this network.

        Parameters
        ----------
        tstop, dt : float | None
            Simulation length and time step (ms); None takes the parameter file's.
        n_trials : int | None
            Trials; None takes the parameter file's ``N_trials``.
        coreneuron : bool
            Solve with CoreNEURON (the same results in about half the time).
        n_threads : int
            Threads per process (the same results).
        output_dir : str
            Run folder of a run started from these specs.
        record_soma_voltage : bool
            Record every cell's somatic potential.

        Returns
        -------
        cfg : dict
            simConfig fields plus the HNN fields (``paramFile``,
            ``paramOverrides``, ``model``, ``meshShape``, ``drives``,
            ``connectivity``, ``synMechChanges`` ...).
        net_params : dict
            netParams: cells, populations, synapses, connections, drives.
        """
        cfg = build_sim_config(
            "params", param_file=self._param_file, tstop=tstop, dt=dt, n_trials=n_trials,
            model=self._model, mesh_shape=self._mesh_shape, drives=copy.deepcopy(self._drives),
            param_overrides=self._param_overrides, coreneuron=coreneuron, n_threads=n_threads,
            output_dir=output_dir, record_soma_voltage=record_soma_voltage,
        )
        cfg.update(preset=None, drivesFromParams=False, connectivity=self._definitions(),
                   synMechChanges=copy.deepcopy(self._syn_changes),
                   cellPositions=dict(self._cell_positions))
        return cfg, build_net_params(cfg)
