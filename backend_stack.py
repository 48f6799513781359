"""The backends entered with ``with``: the innermost one says where a simulation runs.

Kept apart from :mod:`hnn_netpyne.parallel_backends` so that the API that
reads the stack (:mod:`hnn_netpyne.api`) and the backends, whose
``simulate`` calls that API, do not import each other.
"""

_BACKENDS = []
"""Backends entered with ``with``, innermost last."""


class _Backend:
    """A ``with`` block inside which simulations use this backend's processes.

    ``n_procs`` None runs in this process; ``distribute`` None lets the run
    choose how ranks share trials, 'trials' gives each rank whole trials.
    """

    n_procs = None
    mpi_cmd = "mpiexec"
    distribute = None

    def __enter__(self):
        _BACKENDS.append(self)
        return self

    def __exit__(self, *exc):
        _BACKENDS.remove(self)


def current_backend():
    """The innermost entered backend, or the default one (this process)."""
    return _BACKENDS[-1] if _BACKENDS else _Backend()
