"""hnn-core's ``BatchSimulate`` on Dask, with networks built once per worker.

::

    from hnn_netpyne.api import jones_2009_model
    from hnn_netpyne.batch import BatchSimulate

    def set_params(param_values, net):
        net.add_evoked_drive('evprox', mu=40., sigma=5., numspikes=1,
                             location='proximal',
                             weights_ampa={'L2_pyramidal': param_values['weight']})

    batch = BatchSimulate(set_params, net=jones_2009_model(), tstop=170.,
                          save_folder='sweep', save_outputs=True)
    res = batch.run({'weight': [1e-3, 2e-3, 4e-3]}, n_jobs=2)

As in hnn-core 0.6.1, ``set_params(param_values, net)`` changes a copy of
``net`` for each point. Unlike hnn-core, each Dask worker process keeps the
network it built and only sets the values that changed when the next point
allows it (:mod:`hnn_netpyne.batch.worker`), every point's results written
to an HDF5 store survive a killed sweep (:mod:`hnn_netpyne.batch.store`),
and a failing point is recorded with its error while the others finish.
"""

import contextlib
import hashlib
import io
import json
import sys

from hnn_netpyne.batch.engine import check_engine, dask_client
from hnn_netpyne.batch.grid import check_set_params, grid_points, table_points
from hnn_netpyne.batch.store import SweepStore
from hnn_netpyne.batch.worker import run_point
from hnn_netpyne.errors import ParameterError

_UNAVAILABLE = ("save_calcium",)
_FLAGS = ("overwrite", "save_outputs", "save_dpl", "save_spiking", "save_lfp", "save_voltages",
          "save_currents", "postproc", "clear_cache", "coreneuron")
# Stored output names each save_* flag keeps (see hnn_netpyne.batch.store).
_KEPT_OUTPUTS = {"save_dpl": ("dpl", "times"),
                 "save_spiking": ("spike_times", "spike_gids", "spike_trials"),
                 "save_lfp": ("extracellular_",),
                 "save_voltages": ("vsec_", "recorded_gids"),
                 "save_currents": ("isec_", "recorded_gids")}


def _check_flag(name, value):
    if not isinstance(value, bool):
        raise ParameterError("expected True or False", key=name, value=value)


def _check_arguments(arguments):
    """Check BatchSimulate's arguments (a dict of them) that the specs do not check."""
    for name in _UNAVAILABLE:
        if arguments[name] is not False:
            raise ParameterError(f"{name} is not available in hnn-netpyne yet; use False",
                                 key=name, value=arguments[name])
    for name in _FLAGS:
        _check_flag(name, arguments[name])
    for name in ("record_vsec", "record_isec"):
        if not (arguments[name] is False or arguments[name] in ("all", "soma")):
            raise ParameterError("expected 'all', 'soma' or False", key=name,
                                 value=arguments[name])
    if arguments["save_lfp"] and not arguments["net"].rec_arrays:
        raise ParameterError("save_lfp=True needs electrode arrays on the network "
                             "(net.add_electrode_array)", key="save_lfp", value=True)
    batch_size = arguments["batch_size"]
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ParameterError("batch_size must be an integer >= 1", key="batch_size",
                             value=batch_size)


def _quiet_point(net, set_params, params, settings):
    """:func:`run_point` with NetPyNE's messages and progress bars kept off the terminal."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return run_point(net, set_params, params, settings)


class BatchSimulate:
    """Simulate a network over many parameter sets (hnn-core 0.6.1's interface).

    Parameters
    ----------
    set_params : callable
        ``set_params(param_values, net)`` sets one point's values on a copy
        of ``net`` (hnn-core calls it with this argument order).
    net : hnn_netpyne.api.Network | None
        Base network; None takes ``jones_2009_model()``.
    tstop, dt : float
        Simulation length and time step (ms).
    n_trials : int
        Trials per point.
    save_folder : str | pathlib.Path
        Folder of the sweep store (``sweep.h5``) and of its journal.
    batch_size : int
        Points per batch of ``summary_func`` and of the returned
        ``simulated_data``.
    overwrite : bool
        Replace another sweep's results found in ``save_folder``; the same
        sweep (same points and settings) always resumes.
    save_outputs : bool
        Write the store; without it nothing is written and nothing resumes.
    save_dpl, save_spiking : bool
        Keep dipoles (n_trials x 3 x n_times, nAm) and spikes of each point.
    save_lfp : bool
        Keep the potentials (µV) of the network's electrode arrays
        (``net.add_electrode_array``; needs at least one).
    save_voltages, save_currents : bool
        Keep the section voltages (mV) and synaptic currents (nA) that
        ``record_vsec`` and ``record_isec`` record.
    save_calcium : False
        Not available in hnn-netpyne yet (hnn-core's BatchSimulate records
        no calcium either): anything but False raises.
    record_vsec, record_isec : False | 'soma' | 'all'
        Record at the middle of the soma or of every section (see
        :func:`hnn_netpyne.api.simulate_dipole`).
    postproc : bool
        Smooth and scale each dipole by the parameter file's
        ``dipole_smooth_win`` and ``dipole_scalefctr``.
    clear_cache : bool
        Return only the summary statistics, not the simulated data.
    summary_func : callable | None
        ``summary_func(batch_results)`` for each batch (as in hnn-core).
    coreneuron : bool
        Solve with CoreNEURON in each worker.
    n_threads : int
        NEURON threads per worker process.
    """

    def __init__(self, set_params, net=None, tstop=170.0, dt=0.025, n_trials=1,
                 save_folder="./sim_results", batch_size=100, overwrite=True,
                 save_outputs=False, save_dpl=True, save_spiking=False, save_lfp=False,
                 save_voltages=False, save_currents=False, save_calcium=False,
                 record_vsec=False, record_isec=False, postproc=False, clear_cache=False,
                 summary_func=None, *, coreneuron=False, n_threads=1):
        from hnn_netpyne.api import Network, jones_2009_model

        if not callable(set_params):
            raise ParameterError("set_params must be a function set_params(param_values, net)",
                                 key="set_params", value=set_params)
        if summary_func is not None and not callable(summary_func):
            raise ParameterError("summary_func must be None or a function",
                                 key="summary_func", value=summary_func)
        net = jones_2009_model() if net is None else net
        if not isinstance(net, Network):
            raise ParameterError("net must be a Network (see jones_2009_model())", key="net",
                                 value=type(net).__name__)
        _check_arguments(locals())
        self.set_params, self.net, self.summary_func = set_params, net, summary_func
        self.save_folder, self.batch_size, self.overwrite = save_folder, batch_size, overwrite
        self.save_outputs, self.save_dpl, self.save_spiking = save_outputs, save_dpl, save_spiking
        self.postproc, self.clear_cache = postproc, clear_cache
        self.save_lfp, self.save_voltages, self.save_currents = (save_lfp, save_voltages,
                                                                 save_currents)
        self.settings = {"tstop": float(tstop), "dt": float(dt), "n_trials": n_trials,
                         "coreneuron": coreneuron, "n_threads": n_threads, "postproc": postproc,
                         "record_vsec": record_vsec, "record_isec": record_isec}
        cfg, _ = net.to_netpyne(tstop=tstop, dt=dt, n_trials=n_trials, coreneuron=coreneuron,
                                n_threads=n_threads)  # checks the settings now
        self._n_trials = int(cfg["nTrials"])
        self.computed_points_ = []

    def _sweep_id(self, points):
        """Digest of the points, the settings, the kept outputs and the base network's specs.

        A sweep resumed with other save_* flags is another sweep: its
        finished points would lack the outputs now asked for.
        """
        cfg, net_params = self.net.to_netpyne(tstop=self.settings["tstop"],
                                              dt=self.settings["dt"])
        kept = [flag for flag in _KEPT_OUTPUTS if getattr(self, flag)]
        text = json.dumps({"points": points, "settings": self.settings, "kept": kept,
                           "cfg": cfg, "net_params": net_params}, sort_keys=True, default=str)
        return hashlib.sha1(text.encode()).hexdigest()

    def _kept_outputs(self, record):
        """The record with only the outputs the save_* flags ask for (names or prefixes)."""
        keep = [name for flag, names in _KEPT_OUTPUTS.items() if getattr(self, flag)
                for name in names]
        return dict(record, outputs={
            key: value for key, value in record["outputs"].items()
            if any(key == name or (name.endswith("_") and key.startswith(name))
                   for name in keep)})

    def run(self, param_grid, return_output=True, combinations=True, n_jobs=1,
            backend="dask", verbose=True, *, client=None):
        """Simulate every point of a grid or table.

        Parameters
        ----------
        param_grid : dict | list of dict | pandas.DataFrame
            Name -> list of values (a grid), or one row per point (a
            table; see also :func:`~hnn_netpyne.batch.grid.sobol_points`).
        return_output : bool
            Return the results (else None).
        combinations : bool
            For a grid: every combination, or the i-th values together.
        n_jobs : int
            Worker processes of the local Dask cluster (ignored with ``client``).
        backend : {'dask', 'loky', 'multiprocessing'}
            All run on Dask worker processes; the names are hnn-core's.
        verbose : bool
            Show a progress bar (points, rate, time left) and NetPyNE's messages.
        client : dask.distributed.Client | str | None
            A running cluster's client or scheduler address; None starts a
            local cluster of ``n_jobs`` processes.

        Returns
        -------
        results : dict | None
            ``summary_statistics`` (one ``summary_func`` result per batch)
            and, unless ``clear_cache``, ``simulated_data``: per batch, per
            point, ``param_values``, ``status``, ``error``, ``summary``,
            ``dpl`` (list of :class:`~hnn_netpyne.analysis.dipole.Dipole`),
            ``spiking``, ``net`` (None for points finished by an earlier run)
            and, as asked, ``lfp`` (array name -> ExtracellularArray, as
            hnn-core's ``net.rec_arrays``), ``voltages`` and ``currents``
            (per trial, gid -> section -> trace, as hnn-core's
            ``cell_response.vsec`` and ``.isec``).
        """
        for name, value in (("return_output", return_output), ("combinations", combinations),
                            ("verbose", verbose)):
            _check_flag(name, value)
        check_engine(n_jobs, backend)
        if isinstance(param_grid, dict):
            points = grid_points(param_grid, combinations)
        else:
            points = table_points(param_grid)
        check_set_params(self.set_params, self.net, points[0])
        store = None
        records = {}
        if self.save_outputs:
            store = SweepStore(self.save_folder, self._sweep_id(points), self.overwrite)
            records = store.finished()
        todo = [i for i in range(len(points)) if i not in records]
        self.computed_points_ = []
        if todo:
            self._simulate(points, todo, records, store, n_jobs, client, verbose)
        if store is not None and (todo or not store.path.exists()):
            store.consolidate(points, dict(self.settings))
        return self._results(points, records, store) if return_output else None

    def simulate_batch(self, param_combinations, n_jobs=1, backend="loky"):
        """Simulate a list of points (hnn-core's signature) and return their data.

        Parameters
        ----------
        param_combinations : list of dict
            One dict of parameter values per point.
        n_jobs : int
            Worker processes.
        backend : {'dask', 'loky', 'multiprocessing'}
            All run on Dask worker processes (see :meth:`run`).

        Returns
        -------
        results : list of dict
            Per point, as in ``run``'s ``simulated_data`` (``param_values``,
            ``dpl``, ``net`` ...); nothing is stored.
        """
        if not isinstance(param_combinations, list) or not param_combinations:
            raise ParameterError("param_combinations must be a non-empty list of dicts",
                                 key="param_combinations", value=type(param_combinations).__name__)
        check_engine(n_jobs, backend)
        check_set_params(self.set_params, self.net, param_combinations[0])
        records = {}
        self._simulate(param_combinations, list(range(len(param_combinations))), records, None,
                       n_jobs, None, False)
        return [self._point_data(i, point, records[i], None)
                for i, point in enumerate(param_combinations)]

    def load_results(self, file_path, return_data=None):
        """The stored results of a sweep (see
        :func:`hnn_netpyne.batch.batch_results.load_store_results`)."""
        from hnn_netpyne.batch.batch_results import load_store_results

        return load_store_results(self, file_path, return_data)

    def load_all_results(self):
        """The stored results in ``save_folder``: a list with one entry (the sweep
        store holds every point), or empty if nothing is stored."""
        from hnn_netpyne.batch.batch_results import store_path

        path = store_path(self.save_folder)
        return [self.load_results(path)] if path.exists() else []

    def _simulate(self, points, todo, records, store, n_jobs, client, verbose):
        """Run the points ``todo`` on Dask, recording each as it finishes."""
        from dask.distributed import as_completed
        from tqdm import tqdm

        task = run_point if verbose else _quiet_point
        with dask_client(n_jobs, client) as dask, tqdm(
                total=len(points), initial=len(points) - len(todo), unit="sim",
                disable=not verbose, file=sys.stderr, desc="sweep") as bar:
            net = dask.scatter(self.net, broadcast=True)
            futures = {dask.submit(task, net, self.set_params, points[i], self.settings,
                                   pure=False): i for i in todo}
            for future in as_completed(futures):
                index = futures[future]
                try:
                    record = future.result()
                except Exception as err:  # noqa: BLE001 -- e.g. a worker killed by the point
                    record = {"status": "failed", "error": f"{type(err).__name__}: {err}",
                              "outputs": {}, "summary": {}, "net": None}
                record = self._kept_outputs(record)
                if store is not None:
                    store.write_point(index, points[index], record)
                    del record["outputs"]  # read back from the store when returned
                records[index] = record
                self.computed_points_.append(index)
                bar.update(1)
                if bar.format_dict.get("rate"):
                    bar.set_postfix_str(f"{3600 * bar.format_dict['rate']:.0f} sim/h",
                                        refresh=False)
                if record["status"] == "failed" and verbose:
                    bar.write(f"point {index} {points[index]} failed: {record['error']}")

    def _point_data(self, index, point, record, store):
        """One point of ``simulated_data``, its outputs read back from the store if any."""
        import copy

        from hnn_netpyne.analysis.dipole import Dipole
        from hnn_netpyne.analysis.recordings import extracellular_voltages, section_traces
        from hnn_netpyne.batch.store import read_point

        outputs = record["outputs"] if store is None else read_point(store.path, index)["outputs"]
        data = {"param_values": point, "status": record["status"], "error": record["error"],
                "summary": record["summary"], "net": record.get("net"),
                "dpl": [Dipole(outputs["times"], dict(zip(Dipole.LAYERS, trial)))
                        for trial in outputs.get("dpl", [])],
                "spiking": {k: outputs[k] for k in ("spike_times", "spike_gids", "spike_trials")
                            if k in outputs}}
        if self.save_lfp:
            data["lfp"] = {}
            for name, array in self.net.rec_arrays.items():
                voltages = extracellular_voltages(outputs, name, self._n_trials)
                data["lfp"][name] = copy.deepcopy(array)
                if voltages is not None:  # a failed point has none
                    data["lfp"][name]._times = outputs["times"]
                    data["lfp"][name]._data = voltages
        for flag, key, kind in (("save_voltages", "voltages", "vsec"),
                                ("save_currents", "currents", "isec")):
            if getattr(self, flag):
                data[key] = section_traces(outputs, kind, self._n_trials)
        return data

    def _results(self, points, records, store):
        """hnn-core's return value: summary statistics and data, per batch."""
        batches = [[self._point_data(index, points[index], records[index], store)
                    for index in range(start, min(start + self.batch_size, len(points)))]
                   for start in range(0, len(points), self.batch_size)]
        summaries = ([self.summary_func(batch) for batch in batches]
                     if self.summary_func is not None else [])
        if self.clear_cache:
            return {"summary_statistics": summaries}
        return {"summary_statistics": summaries, "simulated_data": batches}
