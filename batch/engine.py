"""The Dask engine of sweeps and fits: a local cluster, or any scheduler.

By default a local cluster is started for the sweep and closed after it: a
scheduler in this process and ``n_workers`` worker processes with one
thread each (NEURON holds one network per process, so workers are
processes, never threads). The workers are started as ``python -m
distributed.cli.dask_worker``, fresh interpreters that never import the
user's script: a script without an ``if __name__ == "__main__":`` guard
works (Dask's ``LocalCluster`` spawns workers that re-run it).
Pass ``client`` (a ``dask.distributed.Client``, or a scheduler address such
as ``'tcp://10.0.0.1:8786'``) to use a cluster started elsewhere:
``dask_jobqueue.SLURMCluster``, ``dask_mpi`` or ``dask scheduler`` /
``dask worker`` by hand. Each worker process keeps its built network
between tasks (:mod:`hnn_netpyne.batch.worker`).
"""

import contextlib
import logging
import os
import signal
import subprocess
import sys

from hnn_netpyne.errors import ParameterError

BACKENDS = ("dask", "loky", "multiprocessing")
WORKER_START_TIMEOUT_S = 300
"""Seconds the local workers may take to start and join the scheduler."""


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
                n_workers=0, processes=False, protocol="tcp", host="127.0.0.1",
                dashboard_address=None, silence_logs=logging.ERROR))
            # workers entered before the client: the client closes first, then they end
            stack.enter_context(_worker_processes(cluster.scheduler_address, n_workers))
            dask = stack.enter_context(distributed.Client(cluster))
            dask.wait_for_workers(n_workers, timeout=WORKER_START_TIMEOUT_S)
            yield dask
            return
        yield stack.enter_context(distributed.Client(client))


@contextlib.contextmanager
def _worker_processes(scheduler_address, n_workers):
    """``n_workers`` one-thread Dask workers in fresh interpreters (their own session),
    joined to ``scheduler_address`` (TCP on this host); ended with the ``with`` block."""
    command = [sys.executable, "-m", "distributed.cli.dask_worker", scheduler_address,
               "--nworkers", str(n_workers), "--nthreads", "1", "--no-dashboard",
               "--death-timeout", "60"]
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True,
                            # this process's module path: the script's own modules import there
                            env=dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, sys.path))))
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
