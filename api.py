"""An hnn-core-style Python API over the NetPyNE specifications.

Scripts written for hnn-core 0.6.1 port by changing the import::

    from hnn_netpyne.api import (MPIBackend, jones_2009_model, read_params,
                                 simulate_dipole)

    net = jones_2009_model()
    net.add_bursty_drive('bursty', tstart=50., burst_rate=10, burst_std=20.,
                         numspikes=2, spike_isi=10, n_drive_cells=10,
                         location='distal', event_seed=278,
                         weights_ampa={'L2_pyramidal': 5.4e-5,
                                       'L5_pyramidal': 5.4e-5})
    with MPIBackend(n_procs=2):
        dpls = simulate_dipole(net, tstop=310., n_trials=1)
    dpls[0].plot()

A :class:`Network` only records what the model is (parameter file, model
variant, grid, drives); :meth:`Network.to_netpyne` turns that into the
NetPyNE ``simConfig`` and ``netParams`` dictionaries of
:mod:`hnn_netpyne.model.specs`, and :func:`simulate_dipole` runs them with
:mod:`hnn_netpyne.runtime.launcher`. Argument names of older hnn-core
versions (``repeats``, ``seedcore``, ``default_network`` ...) still work but
warn with a :class:`DeprecationWarning` that names the replacement.
"""

import copy
import fnmatch
import inspect
import os
import warnings
from pathlib import Path

import numpy as np

from hnn_netpyne.analysis.dipole import Dipole, average_dipoles
from hnn_netpyne.analysis.extracellular import ExtracellularArray
from hnn_netpyne.cells import cell_rules
from hnn_netpyne.errors import HNNNetpyneError, ParameterError
from hnn_netpyne.model import drives as _drives
from hnn_netpyne.model.params import PARAM_DIR, load_params
from hnn_netpyne.model.params import read_params as _read_param_file
from hnn_netpyne.model.presets import erp_drives
from hnn_netpyne.model.specs import build_net_params, build_sim_config

__all__ = [
    "PARAM_DIR",
    "CellResponse",
    "Dipole",
    "JoblibBackend",
    "MPIBackend",
    "Network",
    "Params",
    "add_erp_drives_to_jones_model",
    "average_dipoles",
    "calcium_model",
    "default_network",
    "jones_2009_model",
    "law_2021_model",
    "neymotin_2020_model",
    "read_params",
    "simulate_dipole",
    "simulate_netpyne",
]


def _deprecated(where, old, new, note="", stacklevel=3):
    """Warn that ``old`` (in ``where``) is deprecated in favour of ``new``."""
    warnings.warn(f"{where}: {old} is deprecated; use {new} instead{note}", DeprecationWarning,
                  stacklevel=stacklevel)


def _renamed_arguments(func, old_arguments, renames, given):
    """Values of deprecated argument names, under their new names.

    Parameters
    ----------
    func : callable
        The function called; its signature gives the new names' defaults.
    old_arguments : dict
        Keyword arguments the signature does not know.
    renames : dict
        Old name -> new name.
    given : dict
        The values the new-name arguments received.

    Raises
    ------
    TypeError
        For a name that is neither current nor a known old one.
    ParameterError
        If both the old and the new name were given.
    """
    defaults = inspect.signature(func).parameters
    values = {}
    for old, value in old_arguments.items():
        if old not in renames:
            raise TypeError(f"{func.__name__}() got an unexpected keyword argument {old!r}")
        new = renames[old]
        if given[new] != defaults[new].default:
            raise ParameterError(f"{func.__name__}: give {new!r} or its old name {old!r}, "
                                 "not both", key=old, value=value)
        _deprecated(func.__name__, repr(old), repr(new), stacklevel=4)
        values[new] = value
    return values


# --- parameters --------------------------------------------------------------


class Params(dict):
    """HNN parameters, as hnn-core's ``Params``: a dict with wildcard access.

    ``params['gbar_L2*']`` returns the sub-dictionary of matching keys and
    ``params['gbar_L2*'] = 0.`` sets them all. Values are validated when a
    network is made from them.

    Parameters
    ----------
    values : dict | None
        Parameter values.
    fname : str | pathlib.Path | None
        The file they were read from (networks take unchanged values from it).
    """

    def __init__(self, values=None, fname=None):
        super().__init__(values or {})
        self.fname = None if fname is None else Path(fname).resolve()

    def __getitem__(self, key):
        if key in self or "*" not in key:
            return super().__getitem__(key)
        return {k: self[k] for k in self._matches(key)}

    def __setitem__(self, key, value):
        if key in self or "*" not in key:
            super().__setitem__(key, value)
            return
        for match in self._matches(key):
            super().__setitem__(match, value)

    def _matches(self, pattern):
        matches = fnmatch.filter(self.keys(), pattern)
        if not matches:
            raise KeyError(f"no parameter matches {pattern!r}")
        return matches

    def copy(self):
        """An independent copy (same source file)."""
        return Params(copy.deepcopy(dict(self)), self.fname)


def read_params(params_fname):
    """Read an HNN parameter file (``.json`` or legacy ``.param``).

    Parameters
    ----------
    params_fname : str | pathlib.Path
        The file; see :data:`PARAM_DIR` for the packaged ones
        (``default.json``, ``gamma_L5weak_L2weak.json``).

    Returns
    -------
    params : Params
        Every HNN parameter: the file's values over hnn-core's defaults.
    """
    values = _read_param_file(params_fname)
    values.pop("_source")
    return Params(values, params_fname)


def _parameter_source(params):
    """(parameter file or None, overrides) that reproduce ``params``."""
    if params is None:
        return None, {}
    if isinstance(params, (str, os.PathLike)):
        return Path(params).resolve(), {}
    if not isinstance(params, dict):
        raise ParameterError("params must be None, a parameter file name or a dict",
                             key="params", value=type(params).__name__)
    fname = getattr(params, "fname", None)
    base = load_params(fname)
    overrides = {k: v for k, v in params.items() if k != "_source" and base.get(k) != v}
    return fname, overrides


# --- the network ---------------------------------------------------------------


def _check_mesh_shape(mesh_shape):
    if (not isinstance(mesh_shape, (tuple, list)) or len(mesh_shape) != 2
            or any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1
                   for n in mesh_shape)):
        raise ParameterError("mesh_shape must be two positive integers (n_x, n_y)",
                             key="mesh_shape", value=mesh_shape)
    return [int(n) for n in mesh_shape]


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
        Spikes (and section recordings) of the last :func:`simulate_dipole` run.
    rec_arrays : dict of str -> ExtracellularArray
        Electrode arrays (see :meth:`add_electrode_array`), with the
        potentials of the last run.
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
        self._drives_from_params = add_drives_from_params
        self._drives = []
        self.cell_response = None
        self.rec_arrays = {}
        self.to_netpyne()  # fails now, not at simulation time, on a bad model name

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
    def external_drives(self):
        """Spike-source drives by name (copies of their definitions)."""
        return {d["name"]: copy.deepcopy(d) for d in self._drives if d["type"] != "tonic"}

    @property
    def external_biases(self):
        """Tonic biases by name (copies of their definitions)."""
        return {d["name"]: copy.deepcopy(d) for d in self._drives if d["type"] == "tonic"}

    @property
    def gid_ranges(self):
        """Population -> [first gid, last gid + 1), cells then drives."""
        from hnn_netpyne.runtime.run import gid_ranges

        return gid_ranges(self.to_netpyne()[1])

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
        existing = self.external_biases.get(bias_name)
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

    def add_electrode_array(self, name, electrode_pos, *, conductivity=0.3, method="psa",
                            min_distance=0.5):
        """Add extracellular electrodes (hnn-core's signature).

        Parameters
        ----------
        name : str
            Unique name of the array.
        electrode_pos : tuple | list of tuple
            Contact positions (x, y, z) in µm.
        conductivity : float
            Conductivity (S/m) of the infinite homogeneous medium.
        method : 'psa' | 'lsa'
            Each segment as a point source at its centre or as a line source.
        min_distance : float
            Smallest source-to-contact distance used (µm).
        """
        from hnn_netpyne.model.recordings import check_electrode_array

        if name in self.rec_arrays:
            raise ParameterError(f"an electrode array named {name!r} exists already",
                                 key="name", value=name)
        spec = check_electrode_array({"name": name, "positions": electrode_pos,
                                      "conductivity": conductivity, "method": method,
                                      "minDistance": min_distance})
        self.rec_arrays[name] = ExtracellularArray(
            spec["positions"], conductivity=spec["conductivity"], method=method,
            min_distance=spec["minDistance"])

    def _electrode_specs(self):
        """The cfg ``extracellularArrays`` entries of :attr:`rec_arrays`."""
        return [{"name": name, "positions": [list(p) for p in arr.positions],
                 "conductivity": arr.conductivity, "method": arr.method,
                 "minDistance": arr.min_distance} for name, arr in self.rec_arrays.items()]

    def clear_drives(self):
        """Remove every drive and bias added to the network."""
        self._drives = []

    def to_netpyne(self, tstop=None, dt=None, n_trials=None, *, coreneuron=False, n_threads=1,
                   record_vsec=False, record_isec=False, record_ca=False):
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
        record_vsec, record_isec, record_ca : False | 'soma' | 'all'
            Section recordings (see :func:`simulate_dipole`); the electrode
            arrays of :attr:`rec_arrays` are always part of the specs.

        Returns
        -------
        cfg : dict
            simConfig fields plus the HNN fields (``paramFile``,
            ``paramOverrides``, ``model``, ``meshShape``, ``drives`` ...).
        net_params : dict
            netParams: cells, populations, synapses, connections, drives.
        """
        cfg = build_sim_config(
            "params", param_file=self._param_file, tstop=tstop, dt=dt, n_trials=n_trials,
            model=self._model, mesh_shape=self._mesh_shape, drives=copy.deepcopy(self._drives),
            param_overrides=self._param_overrides, coreneuron=coreneuron, n_threads=n_threads,
            record_vsec=record_vsec, record_isec=record_isec, record_ca=record_ca,
            electrode_arrays=self._electrode_specs(),
        )
        cfg.update(preset=None, drivesFromParams=self._drives_from_params)
        return cfg, build_net_params(cfg)


def _model(model, params, add_drives_from_params, legacy_mode, mesh_shape):
    return Network(params, add_drives_from_params, legacy_mode, mesh_shape, model=model)


def neymotin_2020_model(params=None, add_drives_from_params=False, legacy_mode=False,
                        mesh_shape=(10, 10)):
    """The HNN column of Neymotin et al. (2020), as in hnn-core.

    Parameters
    ----------
    params : str | pathlib.Path | dict | None
        Parameter file or values (see :func:`read_params`); None reads
        HNN's ``default.json``.
    add_drives_from_params : bool
        Also add the drives declared in the parameter file.
    legacy_mode : bool
        Must be False (hnn-core's HNN-GUI compatibility wiring is not reproduced).
    mesh_shape : (int, int)
        Pyramidal cells along x and y in each layer.

    Returns
    -------
    net : Network
    """
    return _model("neymotin_2020", params, add_drives_from_params, legacy_mode, mesh_shape)


def jones_2009_model(params=None, add_drives_from_params=False, legacy_mode=False,
                     mesh_shape=(10, 10)):
    """The HNN column of Jones et al. (2009); the same network as
    :func:`neymotin_2020_model` (parameters as there)."""
    return _model("jones_2009", params, add_drives_from_params, legacy_mode, mesh_shape)


def law_2021_model(params=None, add_drives_from_params=False, legacy_mode=False,
                   mesh_shape=(10, 10)):
    """The beta-event network of Law et al. (2021): slower GABA-B, no L5
    dendritic calcium, extra inhibition of the L5 tuft (parameters as in
    :func:`neymotin_2020_model`)."""
    return _model("law_2021", params, add_drives_from_params, legacy_mode, mesh_shape)


def calcium_model(params=None, add_drives_from_params=False, legacy_mode=False,
                  mesh_shape=(10, 10)):
    """The Jones 2009 network with L5 calcium dynamics of Kohl et al. (2022).

    L5 pyramidal dendrites get calcium, sodium and potassium densities that
    vary with the distance from the soma; see :data:`hnn_netpyne.model.variants.CALCIUM`.
    Arguments as in :func:`neymotin_2020_model`.
    """
    return _model("calcium", params, add_drives_from_params, legacy_mode, mesh_shape)


def default_network(params=None, add_drives_from_params=False):
    """Old name of :func:`jones_2009_model` (warns)."""
    _deprecated("default_network", "default_network()", "jones_2009_model()")
    return jones_2009_model(params, add_drives_from_params)


def add_erp_drives_to_jones_model(net, tstart=0.0):
    """Add the three evoked drives of hnn-core's ERP example to ``net``.

    Parameters
    ----------
    net : Network
        Network changed in place.
    tstart : float
        Shift (ms) of every drive's mean time.
    """
    if not isinstance(net, Network):
        raise ParameterError("net must be a Network (see jones_2009_model())", key="net",
                             value=type(net).__name__)
    for drive in erp_drives(tstart):
        net._add(drive)


# --- results -------------------------------------------------------------------


class CellResponse:
    """Spikes and section recordings of a simulation, per trial.

    Attributes
    ----------
    spike_times, spike_gids : list of np.ndarray
        Spike times (ms) and gids of each trial, cells and drives.
    gid_ranges : dict
        Population -> [first gid, last gid + 1).
    tstop : float
        Simulation length (ms).
    vsec, isec, ca : list of dict
        Per trial, hnn-core's ``{gid: {section: trace}}`` of voltages (mV)
        and calcium (mM) at section middles, and ``{gid: {section:
        {'<section>_<receptor>': trace}}}`` of synaptic currents (nA);
        see ``record_vsec`` ... of :func:`simulate_dipole`.
    times : np.ndarray | None
        Sample times (ms) of the section recordings.
    """

    def __init__(self, spike_times, spike_gids, gid_ranges, tstop, *, vsec=None, isec=None,
                 ca=None, times=None):
        self.spike_times = list(spike_times)
        self.spike_gids = list(spike_gids)
        self.gid_ranges = dict(gid_ranges)
        self.tstop = float(tstop)
        empty = [{} for _ in self.spike_times]
        self.vsec, self.isec, self.ca = vsec or empty, isec or empty, ca or empty
        self.times = times

    def _trials(self, trial_idx):
        """Spikes of one trial, or of all trials pooled if ``trial_idx`` is None."""
        n = len(self.spike_times)
        if trial_idx is None:
            return np.concatenate(self.spike_times), np.concatenate(self.spike_gids)
        if isinstance(trial_idx, bool) or not isinstance(trial_idx, int) or not 0 <= trial_idx < n:
            raise ParameterError(f"trial_idx must be None or an integer in [0, {n})",
                                 key="trial_idx", value=trial_idx)
        return self.spike_times[trial_idx], self.spike_gids[trial_idx]

    def plot_spikes_raster(self, trial_idx=0, ax=None, show=False):
        """Raster of the cells' spikes of one trial (see
        :func:`hnn_netpyne.analysis.plots.plot_spike_raster`)."""
        from hnn_netpyne.analysis.plots import plot_spike_raster

        times, gids = self._trials(trial_idx)
        return plot_spike_raster(times, gids, self.gid_ranges, ax=ax, show=show)

    def plot_spikes_hist(self, trial_idx=None, ax=None, bin_ms=5.0, show=False):
        """Spike counts of drives and cell types (see
        :func:`hnn_netpyne.analysis.plots.plot_spike_histogram`); all trials if None."""
        from hnn_netpyne.analysis.plots import plot_spike_histogram

        times, gids = self._trials(trial_idx)
        return plot_spike_histogram(times, gids, self.gid_ranges, self.tstop, ax=ax,
                                    bin_ms=bin_ms, show=show)


# --- simulation ----------------------------------------------------------------

_BACKENDS = []
"""Backends entered with ``with``, innermost last."""


class _Backend:
    """A ``with`` block inside which simulations use this backend's processes."""

    n_procs = None
    mpi_cmd = "mpiexec"

    def __enter__(self):
        _BACKENDS.append(self)
        return self

    def __exit__(self, *exc):
        _BACKENDS.remove(self)


class MPIBackend(_Backend):
    """Simulate on ``n_procs`` MPI ranks: ``mpiexec -n N nrniv -python -mpi``.

    Parameters
    ----------
    n_procs : int | None
        Number of ranks; None uses every core.
    mpi_cmd : str
        MPI launcher, a name or a path ('mpiexec' finds pip mpich's first).
    """

    def __init__(self, n_procs=None, mpi_cmd="mpiexec"):
        if n_procs is None:
            n_procs = os.cpu_count() or 1
        if isinstance(n_procs, bool) or not isinstance(n_procs, int) or n_procs < 1:
            raise ParameterError("n_procs must be an integer >= 1", key="n_procs", value=n_procs)
        self.n_procs = n_procs
        self.mpi_cmd = mpi_cmd


class JoblibBackend(_Backend):
    """Simulate in this Python process, trial after trial.

    Parameters
    ----------
    n_jobs : int
        Kept for hnn-core scripts; trials are not run in parallel here (a
        warning says so for ``n_jobs > 1``): use :class:`MPIBackend` to use
        several cores.
    """

    def __init__(self, n_jobs=1):
        if n_jobs != 1:
            warnings.warn(f"JoblibBackend(n_jobs={n_jobs}): trials run one after another; "
                          "use MPIBackend(n_procs=...) to use several cores", UserWarning,
                          stacklevel=2)


def _trial_dipoles(results, net_params):
    """Renormalised nAm Dipole of each trial of a run's results."""
    from hnn_netpyne.runtime.job import n_pyramidal_per_layer

    n_pyr = n_pyramidal_per_layer(net_params)
    n_trials = sum(1 for key in results if key.startswith("dipole_fAm_L2_"))
    return [Dipole.from_raw(results["times"], results[f"dipole_fAm_L2_{k}"],
                            results[f"dipole_fAm_L5_{k}"], n_pyr)
            for k in range(1, n_trials + 1)]


def simulate_netpyne(cfg, net_params, n_procs=None, output_dir=None, overwrite=False,
                     verbose=True, *, rec_arrays=None):
    """Simulate NetPyNE specifications of an HNN network (e.g. edited ones).

    Parameters
    ----------
    cfg, net_params : dict
        As returned by :meth:`Network.to_netpyne`.
    n_procs : int | None
        1 runs a child Python process, more that many MPI ranks; None uses
        the enclosing ``with MPIBackend(...)``, or else this process.
    output_dir : str | pathlib.Path | None
        Keep the run folder there (``results.npz``, dipole and spike text
        files, configuration, NetPyNE data); None discards it.
    overwrite : bool
        Replace the files of a non-empty ``output_dir``.
    verbose : bool
        Print NetPyNE's messages and the simulation's progress.
    rec_arrays : dict of str -> ExtracellularArray | None
        Arrays to fill with the potentials of the cfg's
        ``extracellularArrays`` of the same names.

    Returns
    -------
    dpls : list of Dipole
        Baseline-renormalised dipole (nAm) of each trial.
    cell_response : CellResponse
        Spikes and section recordings of each trial.
    """
    from hnn_netpyne.analysis.recordings import (
        SECTION_KINDS,
        extracellular_voltages,
        section_traces,
    )
    from hnn_netpyne.runtime.launcher import simulate_config
    from hnn_netpyne.runtime.run import gid_ranges

    backend = _BACKENDS[-1] if _BACKENDS else _Backend()
    if n_procs is None:
        n_procs = backend.n_procs
    results = simulate_config(cfg, net_params, n_procs=n_procs, output_dir=output_dir,
                              overwrite=overwrite, progress=verbose, echo=verbose,
                              mpi_cmd=backend.mpi_cmd)
    dpls = _trial_dipoles(results, net_params)
    trials = range(1, len(dpls) + 1)
    sections = {kind: section_traces(results, kind, len(dpls)) for kind in SECTION_KINDS}
    response = CellResponse([results[f"spike_times_{k}"] for k in trials],
                            [results[f"spike_gids_{k}"] for k in trials],
                            gid_ranges(net_params), cfg["duration"], times=results["times"],
                            **sections)
    for name, array in (rec_arrays or {}).items():
        array._times = results["times"]
        array._data = extracellular_voltages(results, name, len(dpls))
    return dpls, response


def _check_recordings(record_vsec, record_isec, record_ca):
    """hnn-core's check: each recording is 'all', 'soma' or False."""
    for key, value in (("record_vsec", record_vsec), ("record_isec", record_isec),
                       ("record_ca", record_ca)):
        if not (value is False or value in ("all", "soma")):
            raise ParameterError(f"{key} must be 'all', 'soma' or False", key=key, value=value)


def simulate_dipole(net, tstop=None, dt=0.025, n_trials=None, record_vsec=False,
                    record_isec=False, record_ca=False, postproc=False, verbose=True, *,
                    n_procs=None, output_dir=None, overwrite=False, coreneuron=False,
                    n_threads=1, **old_arguments):
    """Simulate a network's current dipole (hnn-core's signature).

    Parameters
    ----------
    net : Network
        The network.
    tstop : float
        Simulation length (ms). Leaving it out takes the parameter file's
        ``tstop``, as old hnn-core versions did, with a warning.
    dt : float
        Time step (ms).
    n_trials : int | None
        Trials; None takes the parameter file's ``N_trials``.
    record_vsec : 'all' | 'soma' | False
        Record the membrane potential (mV) at the middle of every section
        ('all') or of the soma of every cell: ``net.cell_response.vsec``.
    record_isec : 'all' | 'soma' | False
        Record the current (nA) of every synapse of every section or of the
        soma: ``net.cell_response.isec`` (section -> '<section>_<receptor>').
    record_ca : 'all' | 'soma' | False
        Record the calcium concentration (mM) at section middles, where
        there is calcium: ``net.cell_response.ca``.
    postproc : bool
        Deprecated: smooth by ``dipole_smooth_win`` and scale by
        ``dipole_scalefctr`` of the parameter file. Prefer
        ``dpl.smooth(window).scale(factor)``.
    verbose : bool
        Print NetPyNE's messages and the simulation's progress.
    n_procs : int | None
        1 runs a fresh child Python process, more that many MPI ranks; None
        uses the enclosing ``with MPIBackend(...)``, or else this process.
    output_dir : str | pathlib.Path | None
        Keep the run folder there (see :func:`simulate_netpyne`).
    overwrite : bool
        Replace the files of a non-empty ``output_dir``.
    coreneuron : bool
        Solve with CoreNEURON: the same spikes and dipole in about half the
        solve time.
    n_threads : int
        Threads per process (``ParallelContext.nthread``); the same results.
    **old_arguments
        ``record_vsoma``/``record_isoma``: old names of ``record_vsec``/``record_isec``
        (True means 'soma').

    Returns
    -------
    dpls : list of Dipole
        Dipole (nAm, baseline-renormalised) of each trial; ``net.cell_response``
        holds the spikes and section recordings, ``net.rec_arrays`` the
        potentials of the electrode arrays.
    """
    renamed = _renamed_arguments(simulate_dipole, old_arguments,
                                 {"record_vsoma": "record_vsec", "record_isoma": "record_isec"},
                                 {"record_vsec": record_vsec, "record_isec": record_isec})
    recordings = dict({"record_vsec": record_vsec, "record_isec": record_isec,
                       "record_ca": record_ca},
                      **{key: "soma" if value is True else value for key, value in renamed.items()})
    _check_recordings(**recordings)
    if not isinstance(net, Network):
        raise ParameterError("net must be a Network (see jones_2009_model())", key="net",
                             value=type(net).__name__)
    if tstop is None:
        tstop = net.params["tstop"]
        _deprecated("simulate_dipole", "calling without tstop", "simulate_dipole(net, tstop=...)",
                    note=f"; the parameter file's tstop ({tstop} ms) is used")
    cfg, net_params = net.to_netpyne(tstop=tstop, dt=dt, n_trials=n_trials,
                                     coreneuron=coreneuron, n_threads=n_threads, **recordings)
    dpls, net.cell_response = simulate_netpyne(cfg, net_params, n_procs=n_procs,
                                                output_dir=output_dir, overwrite=overwrite,
                                                verbose=verbose, rec_arrays=net.rec_arrays)
    if postproc:
        window, factor = cfg["dipoleSmoothWindowMs"], cfg["dipoleScaleFactor"]
        _deprecated("simulate_dipole", "postproc=True",
                    f"dpl.smooth({window:g}).scale({factor:g}) on each dipole")
        for dpl in dpls:
            dpl.postprocess(window, factor)
    return dpls
