"""Simulating prior draws through the sweep machinery, and collecting their dipoles.

Every set of parameters runs as one point of a
:class:`~hnn_netpyne.batch.BatchSimulate` sweep: Dask worker processes keep
their built network and set only what ``set_params`` changes, each finished
simulation is journalled on disk (a killed run resumes where it stopped),
and a simulation that fails is recorded in the store and left out.
"""

import functools

import numpy as np

from hnn_netpyne.batch.optimize import _net_first
from hnn_netpyne.errors import SimulationError


def simulate_params(net, set_params, params, settings, folder, *, n_jobs=1, client=None,
                    overwrite=True, verbose=True):
    """Simulate each parameter set once; the raw dipoles of those that finished.

    Parameters
    ----------
    net : hnn_netpyne.api.Network
        The base network (each simulation changes a copy).
    set_params : callable
        ``set_params(net, params)`` (hnn-core's Optimizer argument order).
    params : list of dict
        The parameter sets.
    settings : dict
        ``tstop``, ``dt`` (ms), ``coreneuron`` (bool), ``n_threads``.
    folder : str | pathlib.Path
        The sweep store's folder.
    n_jobs : int
        Worker processes of a local Dask cluster (ignored with ``client``).
    client : dask.distributed.Client | str | None
        A running cluster or scheduler address.
    overwrite : bool
        Replace another sweep's results found in ``folder``.
    verbose : bool
        Progress bar (simulations, simulations per hour, time left).

    Returns
    -------
    times : array
        Sample times (ms).
    dipoles : array
        n_finished x 3 x n_times, raw nAm (agg, L2, L5), unsmoothed and unscaled.
    finished : array of bool
        Which parameter sets gave a dipole (failed ones are in the store's table).
    errors : list of str
        The error of each failed simulation.
    """
    from hnn_netpyne.batch.batch_simulate import BatchSimulate

    batch = BatchSimulate(functools.partial(_net_first, set_params), net=net,
                          tstop=settings["tstop"], dt=settings["dt"], save_folder=folder,
                          batch_size=max(1, len(params)), overwrite=overwrite,
                          save_outputs=True, coreneuron=settings.get("coreneuron", False),
                          n_threads=settings.get("n_threads", 1))
    results = batch.run(params, n_jobs=n_jobs, client=client, verbose=verbose)
    points = [p for points in results["simulated_data"] for p in points]
    finished = np.array([p["status"] == "done" and bool(p["dpl"])
                         and all(np.isfinite(p["dpl"][0].data[k]).all() for k in p["dpl"][0].data)
                         for p in points])
    errors = [p["error"] or "non-finite dipole" for p, ok in zip(points, finished) if not ok]
    done = [p["dpl"][0] for p, ok in zip(points, finished) if ok]
    if not done:
        raise SimulationError(f"all {len(errors)} simulations failed; the first: {errors[0]}")
    dipoles = np.array([[dpl.data[layer] for layer in dpl.LAYERS] for dpl in done])
    return done[0].times, dipoles, finished, errors

