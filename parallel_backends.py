"""Where simulations run: hnn-core's ``MPIBackend`` and ``JoblibBackend``.

A backend is entered with ``with``; :func:`hnn_netpyne.simulate_dipole`
uses the innermost one.
"""

import warnings

from hnn_netpyne.model.solver import available_cores
from hnn_netpyne.runtime.options import check_n_procs

__all__ = ["JoblibBackend", "MPIBackend"]

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
        Number of ranks; None: one per core this process may run on (its CPU
        affinity).
    mpi_cmd : str
        MPI launcher, a name or a path ('mpiexec' finds pip mpich's first).
    """

    def __init__(self, n_procs=None, mpi_cmd="mpiexec"):
        if n_procs is None:
            n_procs = available_cores()
        self.n_procs = check_n_procs(n_procs)
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
