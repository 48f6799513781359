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
