"""Simulation-based inference: a posterior over network parameters from a dipole.

::

    from hnn_netpyne.api import jones_2009_model, add_erp_drives_to_jones_model
    from hnn_netpyne.inference import SimulationBasedInference

    def set_params(net, params):
        net.add_evoked_drive('evprox', mu=params['m'], sigma=2., numspikes=1,
                             location='proximal',
                             weights_ampa={'L5_pyramidal': params['w']})

    sbi = SimulationBasedInference(jones_2009_model(), tstop=120., dt=0.05,
                                   constraints={'w': (1e-3, 1e-1), 'm': (50., 80.)},
                                   set_params=set_params, log_uniform=['w'])
    sbi.simulate(n_simulations=600, n_jobs=2)
    sbi.train()
    samples = sbi.sample(dipole, n_samples=1000)      # {'w': array, 'm': array}

Simulations run through the sweep machinery (:mod:`hnn_netpyne.batch`);
the posterior is sbi's neural posterior estimation (:mod:`.npe`); the
summary statistics are :mod:`.summary`'s.
"""

from pathlib import Path

import numpy as np

from hnn_netpyne.errors import ParameterError
from hnn_netpyne.inference.prior import BoxPrior
from hnn_netpyne.inference.simulations import simulate_params
from hnn_netpyne.inference.summary import WaveformSummary, user_summaries

# Which prior draws a seed sequence (seed, purpose[, chunk]) gives.
TRAINING_DRAWS, HELD_OUT_DRAWS = 0, 1
PREDICTIVE_SEED_OFFSET = 2  # posterior draws of a predictive check: seed + this
CHUNK_SIZE = 200  # simulations per store of simulate()


def check_times(dipole, times, source="dipole"):
    """The data must be sampled at the simulations' times (ms)."""
    from hnn_netpyne.analysis.dipole import Dipole

    if not isinstance(dipole, Dipole):
        raise ParameterError("expected a Dipole (see hnn_netpyne.api.read_dipole)", key=source,
                             value=type(dipole).__name__)
    ours = np.asarray(dipole.times)
    tolerance = 1e-6 * (times[1] - times[0])
    if len(ours) != len(times) or not np.allclose(ours, times, rtol=0, atol=tolerance):
        raise ParameterError(
            f"the data has {len(ours)} samples from {ours[0]:g} to {ours[-1]:g} ms, the "
            f"simulations {len(times)} samples from {times[0]:g} to {times[-1]:g} ms (dt "
            f"{times[1] - times[0]:g}); resample or crop the data to the simulations' times",
            key=source, value=f"dt {ours[1] - ours[0]:g} ms")


class SimulationBasedInference:
    """Posterior over network parameters given a dipole (neural posterior estimation).

    Parameters
    ----------
    net : hnn_netpyne.api.Network
        The network; every simulation changes a copy with ``set_params``.
    tstop : float
        Simulation length (ms).
    constraints : dict
        Parameter name -> (low, high): the prior's bounds.
    set_params : callable
        ``set_params(net, params)`` sets one draw's values (hnn-core's
        Optimizer argument order).
    dt : float
        Time step (ms).
    log_uniform : list of str
        Parameters whose prior is uniform in log10 (bounds > 0); the others
        are uniform.
    summary_func : callable | None
        ``summary_func(dpl) -> 1-D array`` of one raw
        :class:`~hnn_netpyne.analysis.dipole.Dipole`; None takes the default
        (:class:`~hnn_netpyne.inference.summary.WaveformSummary`).
    client : dask.distributed.Client | str | None
        A running Dask cluster (e.g. from dask-jobqueue) or scheduler
        address; None starts a local cluster of ``n_jobs`` processes.
    save_folder : str | pathlib.Path
        Folder of the simulation stores (``simulations/``, ``held_out/``,
        ``predictive/``); a killed :meth:`simulate` resumes from it.
    seed : int
        Seed of the prior draws and of training.
    density_estimator : {'maf', 'nsf', 'mdn'}
        sbi's density estimator (masked autoregressive flow by default).
    n_components : int
        Principal components of the default summary statistics.
    coreneuron : bool
        Solve with CoreNEURON in each worker.
    n_threads : int
        NEURON threads per worker process.
    overwrite : bool
        Replace other simulations found in ``save_folder``.
    """

    def __init__(self, net, tstop, constraints, set_params, *, dt=0.025, log_uniform=(),
                 summary_func=None, client=None, save_folder="sbi_simulations", seed=0,
                 density_estimator="maf", n_components=10, coreneuron=False, n_threads=1,
                 overwrite=True):
        from hnn_netpyne.api import Network
        from hnn_netpyne.inference.npe import ESTIMATORS

        if net is not None and not isinstance(net, Network):
            raise ParameterError("net must be a Network (see jones_2009_model())", key="net",
                                 value=type(net).__name__)
        for name, func in (("set_params", set_params), ("summary_func", summary_func)):
            if func is not None and not callable(func):
                raise ParameterError("expected a function", key=name, value=func)
        if density_estimator not in ESTIMATORS:
            raise ParameterError(f"density_estimator must be one of {list(ESTIMATORS)}",
                                 key="density_estimator", value=density_estimator)
        self.prior = BoxPrior(constraints, log_uniform)
        self.net, self.set_params, self.summary_func = net, set_params, summary_func
        self.settings = {"tstop": float(tstop), "dt": float(dt), "coreneuron": coreneuron,
                         "n_threads": n_threads}
        self.client, self.save_folder, self.seed = client, Path(save_folder), int(seed)
        self.density_estimator, self.overwrite = density_estimator, overwrite
        self.summary_ = None if summary_func is not None else WaveformSummary(n_components)
        self.times_ = None
        self.box_, self.dipoles_, self.errors_ = None, None, []
        self.posterior_ = None

    def __repr__(self):
        n = 0 if self.box_ is None else len(self.box_)
        return (f"<SimulationBasedInference | {self.prior.names}, {n} simulations, "
                f"trained={self.posterior_ is not None}>")

    @property
    def param_names(self):
        """The parameters, in the order of ``constraints``."""
        return list(self.prior.names)

    def _simulate_box(self, box, folder, n_jobs, verbose, client=None):
        if self.net is None or self.set_params is None:
            raise ParameterError("simulating needs the network and set_params: pass them to "
                                 "load()", key="set_params")
        times, dipoles, finished, errors = simulate_params(
            self.net, self.set_params, self.prior.to_params(box), self.settings,
            self.save_folder / folder, n_jobs=n_jobs, client=client or self.client,
            overwrite=self.overwrite, verbose=verbose)
        if self.times_ is not None:
            check_times(_as_dipole(times, dipoles[0]), self.times_, source=folder)
        self.times_ = times
        return box[finished], dipoles, errors

    def simulate(self, n_simulations, n_jobs=1, verbose=True):
        """Simulate ``n_simulations`` draws from the prior (resuming a killed run).

        The draws come in chunks of :data:`CHUNK_SIZE`, each seeded by
        (``seed``, chunk) and stored in ``save_folder/simulations/<chunk>/``:
        a larger ``n_simulations`` later keeps the finished chunks and adds
        new ones (only a last, partial chunk is simulated again).

        Parameters
        ----------
        n_simulations : int
            Draws.
        n_jobs : int
            Worker processes of the local Dask cluster (ignored with ``client``).
        verbose : bool
            Progress bar with simulations per hour.

        Returns
        -------
        self : SimulationBasedInference
            With ``box_`` (draws that finished, in the prior's box: log10 for
            log-uniform parameters), ``dipoles_`` (n x 3 x n_times, raw nAm)
            and ``errors_`` (why the others failed).
        """
        from hnn_netpyne.batch.engine import dask_client

        _check_count(n_simulations, "n_simulations")
        boxes, dipoles, self.errors_ = [], [], []
        with dask_client(n_jobs, self.client) as client:
            for start in range(0, n_simulations, CHUNK_SIZE):
                chunk = start // CHUNK_SIZE
                box = self.prior.draw(CHUNK_SIZE, [self.seed, TRAINING_DRAWS, chunk])
                box, chunk_dipoles, errors = self._simulate_box(
                    box[:n_simulations - start], f"simulations/{chunk:05d}", n_jobs, verbose,
                    client)
                boxes.append(box)
                dipoles.append(chunk_dipoles)
                self.errors_ += errors
        self.box_, self.dipoles_ = np.concatenate(boxes), np.concatenate(dipoles)
        return self

    def summaries(self, dipoles):
        """Summary statistics (n x n_features) of raw dipoles (n x 3 x n_times, nAm)."""
        if self.summary_func is not None:
            return user_summaries(self.summary_func, [_as_dipole(self.times_, layers)
                                                      for layers in dipoles])
        return self.summary_(self.times_, np.asarray(dipoles)[:, 0])

    def data_summary(self, dipole):
        """Summary statistics (n_features) of one dipole of data (only 'agg' may be given)."""
        if self.summary_func is not None:
            return user_summaries(self.summary_func, [dipole])[0]
        return self.summary_(self.times_, dipole.data["agg"][np.newaxis])[0]

    def train(self, n_simulations=None, max_epochs=1000, verbose=False):
        """Fit the summary statistics and train sbi's NPE on the simulations.

        Parameters
        ----------
        n_simulations : int | None
            Train on the first ``n_simulations`` finished simulations (all if None).
        max_epochs : int
            Upper bound of training epochs (training stops early on a
            validation loss).
        verbose : bool
            Show sbi's training progress.

        Returns
        -------
        self : SimulationBasedInference
        """
        from hnn_netpyne.inference.npe import Posterior

        if self.box_ is None:
            raise ParameterError("nothing to train on: call simulate() first", key="train")
        n = len(self.box_) if n_simulations is None else _check_count(n_simulations,
                                                                       "n_simulations")
        box, dipoles = self.box_[:n], self.dipoles_[:n]
        if self.summary_func is None:
            self.summary_.fit(self.times_, dipoles[:, 0])
        x = self.summaries(dipoles)
        finite = np.isfinite(x).all(axis=1)
        self.posterior_ = Posterior(self.prior.low, self.prior.high, box[finite], x[finite],
                                    self.density_estimator).train(self.seed, max_epochs, verbose)
        return self

    def sample_box(self, x_observed, n_samples=1000, seed=0):
        """Posterior samples in the prior's box given summary statistics."""
        if self.posterior_ is None:
            raise ParameterError("no posterior yet: call train() or load()", key="sample")
        return self.posterior_.sample(x_observed, _check_count(n_samples, "n_samples"), seed)

    def sample(self, dipole, n_samples=1000, seed=0):
        """Draw from the posterior given a dipole.

        Parameters
        ----------
        dipole : hnn_netpyne.analysis.dipole.Dipole
            One dipole on the simulations' times and on their raw scale,
            that of ``simulate_dipole(..., postproc=False)`` (nAm, neither
            smoothed nor scaled). Scaled data: ``dipole.scale(1 / factor)``
            first. Smoothed data: smooth inside ``summary_func``, which sees
            the simulations and the data alike.
        n_samples : int
            Samples to draw.
        seed : int
            Seed of the draw.

        Returns
        -------
        samples : dict
            Parameter name -> array of ``n_samples`` values (own units).
        """
        if self.times_ is None:
            raise ParameterError("no simulations yet: call simulate() and train()", key="sample")
        check_times(dipole, self.times_)
        box = self.sample_box(self.data_summary(dipole), n_samples, seed)
        values = np.array([list(p.values()) for p in self.prior.to_params(box)])
        return {name: values[:, k] for k, name in enumerate(self.prior.names)}

    def save(self, path):
        """Write the trained posterior to one ``.npz`` file (see :mod:`.store`)."""
        from hnn_netpyne.inference.store import save_posterior

        return save_posterior(self, path)

    @classmethod
    def load(cls, path, net=None, set_params=None, summary_func=None, **kwargs):
        """A saved posterior, ready to sample; ``net`` and ``set_params`` to simulate more.

        ``summary_func`` must be the function it was trained with, if any.
        """
        from hnn_netpyne.inference.store import load_posterior

        return load_posterior(cls, path, net, set_params, summary_func, kwargs)


def _as_dipole(times, layers):
    from hnn_netpyne.analysis.dipole import Dipole

    return Dipole(times, dict(zip(Dipole.LAYERS, layers)))


def _check_count(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ParameterError("expected an integer >= 1", key=name, value=value)
    return int(value)
