"""How a run is solved: the one place that decides the default solver and threads.

The rule (stated in docs/guide/getting_started.md too):

- **Solver.** CoreNEURON, the fastest mode that gives NEURON's own results
  (identical spikes, dipoles within 1e-9 of their peak; see
  ``tests/test_coreneuron.py``), unless the run records NetPyNE traces
  (``--record-vsoma``): CoreNEURON hands back only the first sample of
  NetPyNE's interval-recorded Vectors, so such a run uses NEURON's solver.
  ``solver='neuron'`` (``--solver neuron``) always selects NEURON's solver.
- **Ranks.** With several trials and ranks, 'auto' runs whole trials per
  rank when the trials are a multiple of the ranks and the ranks' whole
  networks fit in memory, else cells over ranks
  (:func:`hnn_netpyne.runtime.trials.choose_distribution`).
- **NetPyNE's own runner.** A simConfig that NetPyNE itself simulates
  (``sim/cfg.py`` imported by the NetPyNE GUI or a notebook, the JSON export)
  uses NEURON's solver on one thread (:func:`for_netpyne_runner`): NetPyNE's
  ``recordDipolesHNN`` sums into hoc Vector elements, which CoreNEURON and
  threads cannot carry (hnn-netpyne's runner records the dipoles in point
  processes instead).
- **Threads.** Each MPI rank uses the cores free to it: the cores this
  process may run on divided among the ranks on this machine (at least 1).
  Threads give the same spikes and dipoles as one thread (same tests).
- **Time step and delays.** Threads need ``dt`` at most half the shortest
  synaptic delay, ranks sharing cells ``dt`` at most the shortest delay
  between them (:func:`check_time_step`). A run that asks for no thread
  count uses one thread when its ``dt`` is too long for threads
  (:func:`usable_threads`).
"""

import os

from hnn_netpyne.errors import ParameterError

DISTRIBUTIONS = ("auto", "trials", "cells")
"""How several ranks share several trials (cfg ``distribute``; see
:mod:`hnn_netpyne.runtime.trials`, which decides 'auto')."""
SOLVERS = ("coreneuron", "neuron")
"""Solvers a run may ask for."""
DEFAULT_SOLVER = "coreneuron"
"""The solver of a run that asks for none and records no NetPyNE traces."""


def choose_solver(solver=None, coreneuron=None, records_traces=False):
    """The solver of a run: ``'coreneuron'`` or ``'neuron'``.

    Parameters
    ----------
    solver : str | None
        One of :data:`SOLVERS`; None applies the rule of this module.
    coreneuron : bool | None
        The older switch: True is ``'coreneuron'``, False ``'neuron'``;
        None leaves the choice to ``solver``.
    records_traces : bool
        The run records NetPyNE traces (``recordTraces``), which CoreNEURON
        does not hand back.

    Raises
    ------
    ParameterError
        For an unknown solver, or one that contradicts ``coreneuron``.
    """
    if solver is not None and solver not in SOLVERS:
        raise ParameterError(f"solver must be one of {', '.join(SOLVERS)}", key="solver",
                             value=solver)
    if coreneuron is not None:
        named = "coreneuron" if coreneuron else "neuron"
        if solver is not None and solver != named:
            raise ParameterError(f"solver contradicts coreneuron={bool(coreneuron)}",
                                 key="solver", value=solver)
        solver = named
    if solver is None:
        solver = "neuron" if records_traces else DEFAULT_SOLVER
    if solver == "coreneuron" and records_traces:
        raise ParameterError("CoreNEURON does not record NetPyNE traces (--record-vsoma); "
                             "use the NEURON solver or record_vsec='soma'", key="solver",
                             value=solver)
    return solver


def available_cores():
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def threads_per_rank(n_threads, n_ranks, cores=None):
    """Threads of each MPI rank: ``n_threads`` if given, else the free cores per rank.

    Parameters
    ----------
    n_threads : int | None
        Threads asked for; None shares ``cores`` among the ranks.
    n_ranks : int
        MPI ranks running the model on this machine.
    cores : int | None
        Cores to share; None is :func:`available_cores`.
    """
    if n_threads is not None:
        return int(n_threads)
    cores = available_cores() if cores is None else cores
    return max(1, cores // max(1, n_ranks))


def check_time_step(dt, min_delay_ms, n_threads=1, across_ranks=False):
    """Refuse a time step (ms) that NEURON cannot run with these delays and threads.

    One thread on one rank runs any ``dt`` (an event with a shorter delay is
    delivered at the next step, as in hnn-core). Ranks exchange spikes once
    per shortest delay between them, so ``dt`` must not exceed it; threads
    keep one step of that interval for themselves, so ``dt`` must be at most
    half the shortest delay of all NetCons (NEURON's "usable mindelay is 0").

    Parameters
    ----------
    dt : float
        Time step (ms).
    min_delay_ms : float
        The shortest synaptic delay that applies (ms).
    n_threads : int
        Threads per rank.
    across_ranks : bool
        ``min_delay_ms`` is that between ranks (NEURON's ``set_maxstep``).

    Raises
    ------
    ParameterError
        Naming ``dt`` and the longest step that would run.
    """
    steps = 2 if n_threads > 1 else 1
    if (steps > 1 or across_ranks) and steps * dt > min_delay_ms * (1 + 1e-9):
        who = f"{n_threads} threads" if steps > 1 else "several MPI ranks"
        raise ParameterError(f"with {who} dt must be at most {'half ' * (steps > 1)}the "
                             f"shortest synaptic delay ({min_delay_ms:g} ms); use dt <= "
                             f"{min_delay_ms / steps:g} ms, or one thread and one rank",
                             key="dt", value=dt)
    return dt


def usable_threads(n_threads, n_ranks, dt, min_delay_ms, cores=None):
    """Threads of each rank (:func:`threads_per_rank`) that can run ``dt`` (ms).

    A run that asked for no thread count gets one thread when ``dt`` is
    longer than half the shortest delay ``min_delay_ms`` (a callable, called
    only when threads are possible: threads change no result); an explicit
    count is checked by :func:`check_time_step`.
    """
    threads = threads_per_rank(n_threads, n_ranks, cores)
    if threads == 1:
        return threads
    shortest = min_delay_ms()
    if n_threads is None and 2 * dt > shortest * (1 + 1e-9):
        return 1
    check_time_step(dt, shortest, threads)
    return threads


def check_distribution(distribute):
    """``distribute`` if one of :data:`DISTRIBUTIONS`, else a ParameterError."""
    if distribute not in DISTRIBUTIONS:
        raise ParameterError(f"distribute must be one of {', '.join(DISTRIBUTIONS)}",
                             key="distribute", value=distribute)
    return distribute


NETPYNE_RUNNER_FIELDS = {"coreneuron": False, "cache_efficient": False, "nThreads": 1}
"""The solver fields of a simConfig that NetPyNE's own ``sim.runSim`` simulates."""


def for_netpyne_runner(cfg):
    """``cfg`` (a simConfig dict) with the solver NetPyNE's own runner can use."""
    return dict(cfg, **NETPYNE_RUNNER_FIELDS)
