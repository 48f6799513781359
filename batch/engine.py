"""The Dask engine of sweeps and fits: a local cluster, or any scheduler.

By default a ``dask.distributed.LocalCluster`` of ``n_workers`` processes
with one thread each is started for the sweep and closed after it (NEURON
holds one network per process, so workers are processes, never threads).
Pass ``client`` (a ``dask.distributed.Client``, or a scheduler address such
as ``'tcp://10.0.0.1:8786'``) to use a cluster started elsewhere:
``dask_jobqueue.SLURMCluster``, ``dask_mpi`` or ``dask scheduler`` /
``dask worker`` by hand. Each worker process keeps its built network
between tasks (:mod:`hnn_netpyne.batch.worker`).
"""

import contextlib
import logging

from hnn_netpyne.errors import ParameterError

BACKENDS = ("dask", "loky", "multiprocessing")


def check_engine(n_jobs, backend):
    """Check hnn-core's ``n_jobs``/``backend`` arguments."""
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
        raise ParameterError("n_jobs must be an integer >= 1 (worker processes)",
                             key="n_jobs", value=n_jobs)
    if backend not in BACKENDS:
        raise ParameterError(f"backend must be one of {list(BACKENDS)}: every one runs on "
                             "Dask worker processes ('threading' cannot: NEURON holds one "
                             "network per process)", key="backend", value=backend)


def _distributed():
    try:
        import dask.distributed as distributed
    except ImportError as err:
        raise ParameterError("sweeps run on Dask: pip install 'hnn-netpyne[batch]'",
                             key="backend", value="dask") from err
    return distributed


@contextlib.contextmanager
def dask_client(n_workers=1, client=None):
    """A ``dask.distributed.Client`` for the duration of a ``with`` block.

    Parameters
    ----------
    n_workers : int
        Processes of the local cluster started when ``client`` is None.
    client : dask.distributed.Client | str | None
        A client to use as it is (it stays open), or a scheduler address
        to connect to (closed afterwards).
    """
    distributed = _distributed()
    if isinstance(client, distributed.Client):
        yield client
        return
    if client is not None and not isinstance(client, str):
        raise ParameterError("client must be a dask.distributed.Client or a scheduler address",
                             key="client", value=type(client).__name__)
    with contextlib.ExitStack() as stack:
        if client is None:
            cluster = stack.enter_context(distributed.LocalCluster(
                n_workers=n_workers, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=logging.ERROR))
            client = cluster
        yield stack.enter_context(distributed.Client(client))
