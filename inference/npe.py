"""Neural posterior estimation with sbi (and torch): training, sampling, restoring.

The only module of hnn-netpyne that imports torch and sbi, and only inside
its functions: ``import hnn_netpyne`` and every simulation stay free of
torch. The posterior's network is restored from its weights (plain arrays)
and the training batch it was built from, never from a pickle.
"""

import warnings

import numpy as np

from hnn_netpyne.errors import ParameterError

ESTIMATORS = ("maf", "nsf", "mdn")
MAX_DRAWS_PER_SAMPLE = 100  # posterior draws per kept sample before giving up


def _sbi():
    """torch and sbi's pieces, or one clear line on how to install them."""
    try:
        import torch
        from sbi.inference import NPE, DirectPosterior
        from sbi.neural_nets import posterior_nn
        from sbi.utils import BoxUniform
    except ImportError as err:
        raise ParameterError("simulation-based inference needs sbi and torch: pip install "
                             "'hnn-netpyne[inference]'", key="inference") from err
    return torch, NPE, DirectPosterior, posterior_nn, BoxUniform


class _NoTracker:
    """sbi's training tracker that keeps nothing (its default writes ./sbi-logs/)."""

    log_dir = None

    def log_metric(self, name, value, step=None):
        """Keep nothing."""

    def log_metrics(self, metrics, step=None):
        """Keep nothing."""

    def log_params(self, params):
        """Keep nothing."""

    def add_figure(self, name, figure, step=None):
        """Keep nothing."""

    def flush(self):
        """Nothing to flush."""


class Posterior:
    """A trained neural posterior over box points (see :class:`~.prior.BoxPrior`).

    Parameters
    ----------
    low, high : array
        The prior's box (uniform there).
    box_train, x_train : array
        Training parameters (n x n_parameters) and summary statistics
        (n x n_features); the estimator's standardisation is built from them.
    density_estimator : {'maf', 'nsf', 'mdn'}
        sbi's estimator: masked autoregressive flow (the default, as in
        Tolley et al. 2024), neural spline flow or mixture density network.
    """

    def __init__(self, low, high, box_train, x_train, density_estimator="maf"):
        if density_estimator not in ESTIMATORS:
            raise ParameterError(f"density_estimator must be one of {list(ESTIMATORS)}",
                                 key="density_estimator", value=density_estimator)
        torch, _, _, posterior_nn, BoxUniform = _sbi()
        self.low, self.high = np.asarray(low, float), np.asarray(high, float)
        self.box_train = np.asarray(box_train, dtype=np.float32)
        self.x_train = np.asarray(x_train, dtype=np.float32)
        self.density_estimator = density_estimator
        self.prior = BoxUniform(torch.as_tensor(self.low, dtype=torch.float32),
                                torch.as_tensor(self.high, dtype=torch.float32))
        self._build = posterior_nn(model=density_estimator)
        self.estimator = None
        self._posterior = None

    def _tensors(self):
        torch = _sbi()[0]
        return torch.as_tensor(self.box_train), torch.as_tensor(self.x_train)

    def train(self, seed=0, max_epochs=1000, verbose=False):
        """Train the estimator on the training batch (early stopping on 10 % held back)."""
        torch, NPE, *_ = _sbi()
        torch.manual_seed(seed)
        inference = NPE(prior=self.prior, density_estimator=self._build, tracker=_NoTracker(),
                        show_progress_bars=verbose)
        theta, x = self._tensors()
        self.estimator = inference.append_simulations(theta, x).train(
            max_num_epochs=max_epochs, show_train_summary=verbose)
        self._posterior = inference.build_posterior(self.estimator)
        return self

    def sample(self, x_observed, n_samples, seed=0):
        """``n_samples`` box points (n_samples x n_parameters) given summary statistics.

        Samples outside the prior's box are dropped and more are drawn, up to
        :data:`MAX_DRAWS_PER_SAMPLE` per sample (sbi's own rejection loop has
        no end when nearly all of the mass lies outside).

        Raises
        ------
        ParameterError
            When fewer than one draw in :data:`MAX_DRAWS_PER_SAMPLE` falls inside
            the prior: the data lie outside what the simulations cover.
        """
        torch = _sbi()[0]
        torch.manual_seed(seed)
        x = torch.as_tensor(np.asarray(x_observed, dtype=np.float32).reshape(1, -1))
        kept, n_kept, n_drawn = [], 0, 0
        while n_kept < n_samples:
            if n_drawn >= MAX_DRAWS_PER_SAMPLE * n_samples:
                raise ParameterError(
                    f"only {n_kept} of {n_drawn} posterior draws lie inside the prior: the "
                    "data are unlike every simulation (other times, scale or smoothing?)",
                    key="dipole")
            with warnings.catch_warnings():  # the draws outside are dropped just below
                warnings.filterwarnings("ignore", message=".*outside the prior support")
                draws = self._posterior.sample((n_samples,), x=x, show_progress_bars=False,
                                               reject_outside_prior=False)
            draws = draws.detach().numpy().astype(float)
            inside = draws[((draws >= self.low) & (draws <= self.high)).all(axis=1)]
            kept.append(inside)
            n_kept, n_drawn = n_kept + len(inside), n_drawn + n_samples
        return np.concatenate(kept)[:n_samples]

    def weights(self):
        """The estimator's parameters and buffers, name -> numpy array."""
        return {name: value.detach().cpu().numpy()
                for name, value in self.estimator.state_dict().items()}

    def restore(self, weights):
        """Rebuild the estimator from the training batch and set its ``weights``."""
        torch, _, DirectPosterior, _, _ = _sbi()
        self.estimator = self._build(*self._tensors())
        self.estimator.load_state_dict({name: torch.as_tensor(value)
                                        for name, value in weights.items()})
        self.estimator.eval()
        self._posterior = DirectPosterior(posterior_estimator=self.estimator, prior=self.prior)
        return self
