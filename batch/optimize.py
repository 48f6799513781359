"""hnn-core's ``Optimizer``: fit drive parameters to a dipole, on the sweep engine.

Candidates are simulated by the same Dask worker processes as
:class:`~hnn_netpyne.batch.BatchSimulate`, each keeping its built network
and setting only the values that change between candidates.

Solvers:

* ``'bayesian'``: Optuna's ask-and-tell interface with its TPE sampler
  (a sequential model-based, i.e. Bayesian, optimiser). Optuna was chosen
  over scikit-optimize because it is maintained, needs no scikit-learn, and
  its ask-and-tell loop hands out a *batch* of candidates at a time (the
  "constant liar" keeps them apart) that the workers simulate in parallel.
  ``initial_params`` is the first candidate.
* ``'cobyla'``: SciPy's COBYLA, as in hnn-core, from ``initial_params``
  (each parameter scaled to [0, 1] within its constraints, start step 0.1).
  COBYLA asks for one candidate at a time, so it uses one worker.
"""

import copy
import functools

import numpy as np

from hnn_netpyne.batch.engine import dask_client
from hnn_netpyne.batch.grid import check_ranges
from hnn_netpyne.batch.worker import run_point
from hnn_netpyne.errors import ParameterError

SOLVERS = ("bayesian", "cobyla")
OBJECTIVES = ("dipole_rmse", "maximize_psd")


def _net_first(set_params, params, net):
    """hnn-core's Optimizer calls ``set_params(net, params)``; the workers pass (params, net)."""
    set_params(net, params)


def dipole_rmse(dpl, target, tstop):
    """RMSE (nAm) of the aggregate dipoles of ``dpl`` and ``target`` over their common times.

    Samples are compared over [later start, min(earlier end, tstop)]; if the
    two have different numbers of samples there, the longer one is
    Fourier-resampled to the shorter one's count (as hnn-core does).
    """
    from scipy.signal import resample

    start = max(dpl.times[0], target.times[0])
    stop = min(dpl.times[-1], target.times[-1], tstop)
    ours = dpl.data["agg"][(dpl.times >= start) & (dpl.times <= stop)]
    theirs = target.data["agg"][(target.times >= start) & (target.times <= stop)]
    if len(ours) > len(theirs):
        ours = resample(ours, len(theirs))
    elif len(theirs) > len(ours):
        theirs = resample(theirs, len(ours))
    return float(np.sqrt(np.mean((ours - theirs) ** 2)))


def band_power_objective(dpl, f_bands, relative_bandpower):
    """Minus the weighted share of the aggregate dipole's power in ``f_bands`` (Hz)."""
    from scipy.signal import periodogram

    weights = ([relative_bandpower] * len(f_bands) if np.isscalar(relative_bandpower)
               else list(relative_bandpower))
    if len(weights) != len(f_bands):
        raise ParameterError("relative_bandpower needs one weight per band",
                             key="relative_bandpower", value=relative_bandpower)
    freqs, psd = periodogram(dpl.data["agg"], 1000.0 / dpl.dt, window="hamming")
    band_power = sum(w * psd[(freqs >= low) & (freqs <= high)].sum()
                     for w, (low, high) in zip(weights, f_bands))
    return float(-band_power / psd.sum())


def _check_constraints(constraints, initial_params):
    check_ranges(constraints, "constraints")
    if initial_params is None:
        return {name: (low + high) / 2.0 for name, (low, high) in constraints.items()}
    if not isinstance(initial_params, dict) or set(initial_params) != set(constraints):
        raise ParameterError("initial_params needs exactly the names of constraints",
                             key="initial_params", value=initial_params)
    for name, value in initial_params.items():
        low, high = constraints[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise ParameterError(f"initial value out of its constraint ({low}, {high})",
                                 key=name, value=value)
    return {name: float(initial_params[name]) for name in constraints}


class Optimizer:
    """Fit parameters of a network to a dipole (hnn-core 0.6.1's interface).

    Parameters
    ----------
    initial_net : hnn_netpyne.api.Network
        The network; each candidate changes a copy.
    tstop : float
        Simulation length (ms).
    constraints : dict
        Parameter name -> (low, high).
    set_params : callable
        ``set_params(net, params)`` (hnn-core's Optimizer argument order).
    initial_params : dict | None
        First candidate; None takes the middle of each constraint.
    solver : {'bayesian', 'cobyla'}
        See the module's description.
    obj_fun : {'dipole_rmse', 'maximize_psd'} | callable
        Objective to minimise, or ``obj_fun(dpl, **fit_kwargs) -> float``
        of the trial-averaged, scaled and smoothed :class:`Dipole`.
    max_iter : int
        Candidates simulated in all.
    n_jobs : int
        Worker processes of the local Dask cluster (ignored with ``client``).
    batch_size : int | None
        Candidates asked for and simulated together ('bayesian'); None
        takes ``n_jobs``.
    client : dask.distributed.Client | str | None
        A running cluster to use (see :mod:`hnn_netpyne.batch.engine`).
    dt : float
        Time step (ms).
    seed : int
        Seed of the Bayesian sampler.
    coreneuron : bool
        Solve each candidate with CoreNEURON in its worker.
    n_threads : int
        NEURON threads per worker process.

    Attributes
    ----------
    net_ : Network
        The network with the best parameters (after :meth:`fit`).
    obj_ : list of float
        Best objective value after each candidate.
    opt_params_ : list of float
        Best parameter values, in the order of ``constraints``.
    """

    def __init__(self, initial_net, tstop, constraints, set_params, initial_params=None,
                 solver="bayesian", obj_fun="dipole_rmse", max_iter=200, *, n_jobs=1,
                 batch_size=None, client=None, dt=0.025, seed=0, coreneuron=False,
                 n_threads=1):
        if solver not in SOLVERS:
            raise ParameterError(f"solver must be one of {list(SOLVERS)}", key="solver",
                                 value=solver)
        if not callable(obj_fun) and obj_fun not in OBJECTIVES:
            raise ParameterError(f"obj_fun must be one of {list(OBJECTIVES)} or a function",
                                 key="obj_fun", value=obj_fun)
        if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 1:
            raise ParameterError("max_iter must be an integer >= 1", key="max_iter",
                                 value=max_iter)
        if not callable(set_params):
            raise ParameterError("set_params must be a function set_params(net, params)",
                                 key="set_params", value=set_params)
        self.initial_params = _check_constraints(constraints, initial_params)
        self._initial_net, self.tstop, self.constraints = initial_net, float(tstop), constraints
        self._set_params, self.solver, self.obj_fun = set_params, solver, obj_fun
        self.max_iter, self.n_jobs, self.client, self.dt, self.seed = (
            max_iter, n_jobs, client, dt, seed)
        if not isinstance(coreneuron, bool):
            raise ParameterError("expected True or False", key="coreneuron", value=coreneuron)
        if isinstance(n_threads, bool) or not isinstance(n_threads, int) or n_threads < 1:
            raise ParameterError("n_threads must be an integer >= 1", key="n_threads",
                                 value=n_threads)
        self.coreneuron, self.n_threads = coreneuron, n_threads
        self.batch_size = n_jobs if batch_size is None else batch_size
        self.net_, self.obj_, self.opt_params_ = None, [], None
        self.candidates_, self.values_, self.summaries_ = [], [], []

    def __repr__(self):
        return f"<Optimizer | solver={self.solver}, fit={self.net_ is not None}>"

    def _objective(self, record, kwargs):
        from hnn_netpyne.analysis.dipole import Dipole, average_dipoles

        if record["status"] != "done":
            raise ParameterError(f"a candidate failed: {record['error']}", key="set_params")
        outputs = record["outputs"]
        dpl = average_dipoles([Dipole(outputs["times"], dict(zip(Dipole.LAYERS, trial)))
                               for trial in outputs["dpl"]])
        if kwargs.get("scale_factor") is not None:
            dpl.scale(kwargs["scale_factor"])
        if kwargs.get("smooth_window_len") is not None:
            dpl.smooth(kwargs["smooth_window_len"])
        if callable(self.obj_fun):
            return float(self.obj_fun(dpl, **kwargs))
        if self.obj_fun == "dipole_rmse":
            return dipole_rmse(dpl, kwargs["target"], self.tstop)
        return band_power_objective(dpl, kwargs["f_bands"], kwargs["relative_bandpower"])

    def _evaluate(self, dask, candidates, kwargs):
        """Simulate candidates on the workers; their objective values, in order."""
        settings = {"tstop": self.tstop, "dt": self.dt, "n_trials": kwargs.get("n_trials", 1),
                    "coreneuron": self.coreneuron, "n_threads": self.n_threads,
                    "postproc": False, "record_vsec": False, "record_isec": False}
        set_params = functools.partial(_net_first, self._set_params)
        futures = [dask.submit(run_point, self._net_future, set_params, params, settings,
                               pure=False) for params in candidates]
        records = [future.result() for future in futures]
        values = [self._objective(record, kwargs) for record in records]
        self.summaries_ += [record["summary"] for record in records]
        self.candidates_ += candidates
        self.values_ += values
        if kwargs.get("verbose", True):
            print(f"  {len(self.values_)}/{self.max_iter} candidates, best objective "
                  f"{min(self.values_):.6g}", flush=True)
        return values

    def fit(self, **fit_kwargs):
        """Run the optimisation.

        Parameters
        ----------
        **fit_kwargs
            ``target`` (:class:`Dipole`, for 'dipole_rmse'), ``n_trials``
            (default 1), ``scale_factor`` and ``smooth_window_len`` (ms),
            applied to each candidate's trial-averaged dipole (scaled, then
            smoothed, as hnn-core does); ``f_bands`` (list of (low, high)
            Hz) and ``relative_bandpower`` for 'maximize_psd'; ``verbose``.

        Returns
        -------
        self : Optimizer
        """
        from hnn_netpyne.batch.grid import check_set_params

        needed = {"dipole_rmse": ("target",), "maximize_psd": ("f_bands", "relative_bandpower")}
        for key in needed.get(self.obj_fun if not callable(self.obj_fun) else "", ()):
            if key not in fit_kwargs:
                raise ParameterError(f"fit() needs {key} for obj_fun={self.obj_fun!r}", key=key)
        check_set_params(functools.partial(_net_first, self._set_params), self._initial_net,
                         self.initial_params)
        self.candidates_, self.values_, self.summaries_ = [], [], []
        with dask_client(self.n_jobs, self.client) as dask:
            self._net_future = dask.scatter(self._initial_net, broadcast=True)
            if self.solver == "bayesian":
                self._fit_bayesian(dask, fit_kwargs)
            else:
                self._fit_cobyla(dask, fit_kwargs)
        best = int(np.argmin(self.values_))
        best_params = self.candidates_[best]
        self.opt_params_ = [best_params[name] for name in self.constraints]
        self.obj_ = np.minimum.accumulate(self.values_).tolist()
        self.net_ = copy.deepcopy(self._initial_net)
        self._set_params(self.net_, best_params)
        return self

    def _fit_bayesian(self, dask, kwargs):
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        sampler = optuna.samplers.TPESampler(seed=self.seed, multivariate=True,
                                             constant_liar=True)
        study = optuna.create_study(direction="minimize", sampler=sampler)
        study.enqueue_trial(self.initial_params)
        space = {name: optuna.distributions.FloatDistribution(float(low), float(high))
                 for name, (low, high) in self.constraints.items()}
        while len(self.values_) < self.max_iter:
            n = min(self.batch_size, self.max_iter - len(self.values_))
            trials = [study.ask(space) for _ in range(n)]
            values = self._evaluate(dask, [dict(t.params) for t in trials], kwargs)
            for trial, value in zip(trials, values):
                study.tell(trial, value)

    def _fit_cobyla(self, dask, kwargs):
        from scipy.optimize import minimize

        names = list(self.constraints)
        low = np.array([self.constraints[n][0] for n in names], dtype=float)
        span = np.array([self.constraints[n][1] for n in names], dtype=float) - low

        def objective(unit):
            params = dict(zip(names, (low + np.clip(unit, 0.0, 1.0) * span).tolist()))
            return self._evaluate(dask, [params], kwargs)[0]

        start = (np.array([self.initial_params[n] for n in names]) - low) / span
        minimize(objective, start, method="COBYLA", bounds=[(0.0, 1.0)] * len(names),
                 options={"rhobeg": 0.1, "maxiter": self.max_iter, "tol": 1e-4})

    def plot_convergence(self, ax=None, show=True):
        """Best objective value against the number of candidates simulated.

        Returns
        -------
        fig : matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        if not self.obj_:
            raise ParameterError("nothing to plot: call fit() first", key="obj_")
        if ax is None:
            _, ax = plt.subplots(constrained_layout=True)
        ax.plot(np.arange(1, len(self.obj_) + 1), self.obj_, color="black")
        ax.set(title="Convergence", xlabel="Number of simulations",
               ylabel="Best objective value")
        ax.grid(True)
        if show:
            plt.show()
        return ax.get_figure()
