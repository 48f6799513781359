"""Where simulations run: hnn-core's ``MPIBackend`` and ``JoblibBackend``.

A backend is entered with ``with``; :func:`hnn_netpyne.simulate_dipole`
uses the innermost one (see :mod:`hnn_netpyne.backend_stack`).
"""

import warnings

from hnn_netpyne.backend_stack import _Backend
from hnn_netpyne.model.solver import available_cores
from hnn_netpyne.runtime.options import check_n_procs

__all__ = ["JoblibBackend", "MPIBackend"]

SENSIBLE_MAX_CORES = 12
"""hnn-core's cap on the default rank count with ``sensible_default_cores``."""


def _physical_cores():
    """Cores of this process's CPU affinity, hardware threads of one core counted once."""
    from pathlib import Path

    cores = set()
    for cpu in sorted(_affinity()):
        topology = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology")
        try:
            cores.add(((topology / "physical_package_id").read_text().strip(),
                       (topology / "core_id").read_text().strip()))
        except OSError:
            cores.add(("cpu", str(cpu)))
    return len(cores) or 1


def _affinity():
    import os

    try:
        return os.sched_getaffinity(0)
    except AttributeError:  # not on Linux
        return range(available_cores())


def _default_ranks(use_hwthreading_if_found, sensible_default_cores):
    """hnn-core's default rank count: hardware threads or cores, perhaps kept sensible."""
    n_cores = available_cores() if use_hwthreading_if_found else _physical_cores()
    if sensible_default_cores:
        n_cores = (SENSIBLE_MAX_CORES if n_cores > SENSIBLE_MAX_CORES
                   else n_cores - 1 if n_cores > 2 else n_cores)
    return n_cores


class _SimulatingBackend(_Backend):
    """A backend with hnn-core's ``simulate`` method."""

    def simulate(self, net, tstop, dt, n_trials, postproc=False):
        """Simulate ``net`` inside this backend (what ``simulate_dipole`` does in it).

        Parameters
        ----------
        net : Network
            The network.
        tstop, dt : float
            Length and time step (ms).
        n_trials : int
            Trials.
        postproc : bool
            Smooth and scale as the parameter file says (deprecated there too).

        Returns
        -------
        dpls : list of Dipole
        """
        from hnn_netpyne.api import simulate_dipole

        with self:
            return simulate_dipole(net, tstop=tstop, dt=dt, n_trials=n_trials,
                                   postproc=postproc)


class MPIBackend(_SimulatingBackend):
    """Simulate on ``n_procs`` MPI ranks: ``mpiexec -n N nrniv -python -mpi``.

    Parameters
    ----------
    n_procs : int | None
        Number of ranks; None: one per core this process may run on (its CPU
        affinity), as ``use_hwthreading_if_found`` and ``sensible_default_cores`` say.
    mpi_cmd : str
        MPI launcher, a name or a path ('mpiexec' finds pip mpich's first).
    use_hwthreading_if_found : bool
        Count hardware threads as cores for the default ``n_procs`` (else
        physical cores). MPICH places ranks on hardware threads without
        Open MPI's ``--use-hwthread-cpus``, so no launcher flag is added.
    sensible_default_cores : bool
        For the default ``n_procs``, leave one core free (more than 2 cores)
        and use at most 12. False by default here: every core is used.
    override_hwthreading_option : bool | None
        hnn-core forces Open MPI's ``--use-hwthread-cpus`` with it; MPICH
        needs no flag, so it is kept only as the attribute of that name.
    override_oversubscribe_option : bool | None
        False warns when ``n_procs`` exceeds the cores (MPICH then
        oversubscribes anyway); True or None accept it silently.
    """

    def __init__(self, n_procs=None, mpi_cmd="mpiexec", use_hwthreading_if_found=True,
                 sensible_default_cores=False, override_hwthreading_option=None,
                 override_oversubscribe_option=None):
        n_cores = _default_ranks(use_hwthreading_if_found, sensible_default_cores)
        self.n_procs = check_n_procs(n_cores if n_procs is None else n_procs)
        self.mpi_cmd = mpi_cmd
        self.override_hwthreading_option = override_hwthreading_option
        self.override_oversubscribe_option = override_oversubscribe_option
        if override_oversubscribe_option is False and self.n_procs > available_cores():
            warnings.warn(f"MPIBackend(n_procs={self.n_procs}) exceeds the {available_cores()} "
                          "cores; MPICH runs the ranks on shared cores", UserWarning,
                          stacklevel=2)

    def terminate(self):
        """End the simulation running in this process's launcher (from another thread)."""
        from hnn_netpyne.runtime.launcher import end_running_children

        if not end_running_children():
            warnings.warn("no simulation is running to terminate", UserWarning, stacklevel=2)


class JoblibBackend(_SimulatingBackend):
    """Simulate trials in parallel on ``n_jobs`` processes (each runs whole trials).

    Parameters
    ----------
    n_jobs : int
        Processes; 1 simulates in this process; -1 one per core. With more,
        the trials are spread over that many ranks (at most one per trial),
        each simulating its trials whole, so the results equal a sequential
        run's (see :mod:`hnn_netpyne.runtime.trials`).
    """

    distribute = "trials"

    def __init__(self, n_jobs=1):
        n_jobs = available_cores() if n_jobs == -1 else check_n_procs(n_jobs)
        self.n_procs = None if n_jobs == 1 else n_jobs
