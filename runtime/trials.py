"""Trials over ranks: each MPI rank simulates whole trials of its own copy of the network.

With several trials and several ranks a run is spread either by **cells**
(NetPyNE's round-robin over ranks, NEURON exchanging spikes; trials one
after another) or by **trials**: every rank builds the whole network and
simulates its share of the trials, and rank 0 gathers them. Trial k runs
exactly as in a one-process run (its drive events depend on k alone), so
the results equal the sequential run's.

The choice (:func:`choose_distribution`, cfg ``distribute``: 'auto',
'trials' or 'cells'): 'auto' takes trials when every rank gets the same
number of trials (the trials are a multiple of the ranks) and the ranks'
whole networks fit in this machine's memory together
(:mod:`hnn_netpyne.model.resources`), else cells.

How: NEURON's own ``ParallelContext.subworlds(1)`` would make each rank a
world of one, but NEURON 9.0.2 reports such a subworld's size as the whole
world's, and CoreNEURON aborts on it. So for trials the ranks are started by
``python`` under mpiexec without NEURON's MPI (``init.py --distribute
trials``, which the launcher passes when it chose trials): each rank's NEURON
(and CoreNEURON) runs serially, and mpi4py's ``COMM_WORLD`` gathers the
trials. ``sim/init.py`` run by hand spreads cells unless given
``--distribute trials`` (it starts MPI before it reads the specs).
"""

import math

from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.solver import check_distribution
PER_TRIAL_KEYS = ("dipoles", "spikes", "drive_events", "recordings")
"""Entries of a run result that hold one item per trial (see :func:`hnn_netpyne.runtime.run.run_trials`)."""


def launched_size():
    """Ranks of the MPI launch this process belongs to (1 when not under mpiexec).

    A process that a rank started (NetPyNE's batch jobs) inherits the rank's
    PMI variables but not its connection, and counts as alone.
    """
    from hnn_netpyne.runtime.mpienv import environment_size, pmi_connected

    size = environment_size()
    return size if pmi_connected() else 1


def choose_distribution(cfg, net_params, n_ranks):
    """'trials' or 'cells': how ``n_ranks`` ranks share the run of ``cfg``.

    Parameters
    ----------
    cfg, net_params : dict
        The run's simConfig (``distribute``, ``nTrials``, ``duration``, ``dt``) and netParams.
    n_ranks : int
        Ranks of the launch.

    Raises
    ------
    ParameterError
        For an unknown ``distribute``.
    """
    from hnn_netpyne.model.resources import estimate_bytes, machine_memory_bytes, spec_netcons

    requested = check_distribution(cfg.get("distribute", "auto"))
    n_trials = int(cfg.get("nTrials", 1))
    if requested == "cells" or n_ranks < 2:
        return "cells"
    if requested == "trials":
        return "trials"
    n_samples = float(cfg["duration"]) / float(cfg["dt"]) + 1
    needed = n_ranks * estimate_bytes(spec_netcons(net_params), n_samples,
                                      math.ceil(n_trials / n_ranks))
    balanced = n_trials >= n_ranks and n_trials % n_ranks == 0
    if balanced and needed <= machine_memory_bytes():
        return "trials"
    return "cells"


_world = None


def start_mpi(distribute):
    """Start the MPI of this process's launch (``sim/init.py`` calls this first).

    ``distribute`` 'trials' under an MPI launch leaves NEURON serial and
    takes mpi4py's ``COMM_WORLD`` as the ranks' world (:func:`trials_world`);
    anything else starts NEURON's MPI if launched under mpiexec.

    Raises
    ------
    ParameterError
        For 'trials' when NEURON's MPI is on already (``nrniv -mpi``).
    """
    global _world
    from neuron import h  # before mpi4py: NEURON then keeps to itself

    from hnn_netpyne.runtime.mpienv import init_mpi_if_launched

    if distribute != "trials" or launched_size() < 2:
        init_mpi_if_launched()
        return
    if int(h.ParallelContext().nhost()) > 1:
        raise ParameterError("whole trials per rank need init.py started by python under "
                             "mpiexec, not by nrniv -mpi", key="distribute", value=distribute)
    from mpi4py import MPI

    _world = MPI.COMM_WORLD


def trials_world():
    """mpi4py's ``COMM_WORLD`` when this process is a rank simulating whole trials, else None."""
    return _world


def launch_rank_and_size():
    """This process's rank and the ranks of the launch: mpi4py's with whole trials per rank
    (:func:`trials_world`), else NEURON's."""
    from neuron import h

    if _world is not None:
        return _world.rank, _world.size
    pc = h.ParallelContext()
    return int(pc.id()), int(pc.nhost())


def rank_trials(n_trials, rank, n_ranks):
    """The trials (from 0) that ``rank`` simulates, in order.

    The last trial falls to rank 0, so that NetPyNE's data file, which rank
    0 saves and which holds the last trial simulated, is the sequential run's.
    """
    return [k for k in range(n_trials) if (n_trials - 1 - k) % n_ranks == rank]


def gather_trials(comm, result, n_trials):
    """The results of every rank's trials, merged in trial order on rank 0 (None elsewhere).

    ``result`` is :func:`hnn_netpyne.runtime.run.run_trials`'s, with
    ``trials`` naming its trials. Timings are the slowest rank's.
    """
    parts = comm.gather(result, root=0)
    if comm.rank != 0:
        return None
    merged = dict(parts[0], trials=list(range(n_trials)))
    for key in PER_TRIAL_KEYS:
        merged[key] = [None] * n_trials
        for part in parts:
            for item, trial in zip(part[key], part["trials"]):
                merged[key][trial] = item
    merged["timings"] = {name: max(part["timings"][name] for part in parts)
                         for name in parts[0]["timings"]}
    return merged
