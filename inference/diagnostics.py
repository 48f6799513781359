"""Checks that a posterior can be trusted, and their figures.

* :func:`coverage`: on held-out simulations with known parameters, how often
  the truth lies in the central interval of each level (expected coverage;
  a calibrated posterior covers 90 % of truths with its 90 % intervals),
  the rank of each truth among its posterior samples (simulation-based
  calibration: uniform ranks for a calibrated posterior) and the recovery
  error, |posterior median - truth| as a fraction of the prior's width.
* :func:`recovery`: the same for one target with known parameters.
* :func:`predictive_check`: simulate draws from the posterior of a dipole,
  to plot them over it (:func:`plot_predictive`).
* :func:`plot_posterior`: pairs plot of samples, the truth marked.
"""

import numpy as np

from hnn_netpyne.errors import ParameterError
from hnn_netpyne.inference.simulation_based import HELD_OUT_DRAWS, PREDICTIVE_SEED_OFFSET

LEVELS = (0.5, 0.8, 0.9, 0.95)


def _interval_stats(samples, truth, width, levels):
    """Coverage per level, SBC rank and median error of one truth (box units)."""
    covered = []
    for level in levels:
        low, high = np.quantile(samples, [(1 - level) / 2, (1 + level) / 2], axis=0)
        covered.append((truth >= low) & (truth <= high))
    rank = (samples < truth).sum(axis=0)
    error = np.abs(np.median(samples, axis=0) - truth) / width
    return np.array(covered), rank, error


def coverage(inference, n_held_out=50, n_samples=1000, n_jobs=1, levels=LEVELS, verbose=True):
    """Expected coverage, SBC ranks and recovery error on held-out simulations.

    Parameters
    ----------
    inference : SimulationBasedInference
        Trained; its network and ``set_params`` simulate ``n_held_out``
        new prior draws (stored in ``<save_folder>/held_out``, resumable).
    n_held_out : int
        Held-out simulations.
    n_samples : int
        Posterior samples per held-out simulation.
    n_jobs : int
        Worker processes of the local Dask cluster.
    levels : sequence of float
        Central interval levels.
    verbose : bool
        Progress bar of the simulations.

    Returns
    -------
    result : dict
        ``n_held_out`` (finished), ``coverage`` (level -> parameter ->
        fraction of truths inside), ``sbc_ranks`` (parameter -> ranks among
        ``n_samples``), ``recovery_error`` (parameter -> each
        |median - truth| / prior width) and ``median_recovery_error``;
        ``unsampled``: held-out simulations whose posterior lies outside the
        prior (counted as not covered, rank -1, error NaN).
    """
    box = inference.prior.draw(n_held_out, [inference.seed, HELD_OUT_DRAWS])
    box, dipoles, _ = inference._simulate_box(box, "held_out", n_jobs, verbose)
    x = inference.summaries(dipoles)
    stats, unsampled = [], []
    for k, (row, truth) in enumerate(zip(x, box)):
        try:
            samples = inference.sample_box(row, n_samples, seed=k)
        except ParameterError:  # its posterior lies outside the prior: counted as missed
            unsampled.append(k)
            n = len(truth)
            stats.append((np.zeros((len(levels), n), bool), np.full(n, -1), np.full(n, np.nan)))
            continue
        stats.append(_interval_stats(samples, truth, inference.prior.width, levels))
    covered = np.array([s[0] for s in stats])  # n x levels x parameters
    names = inference.param_names
    errors = np.array([s[2] for s in stats])
    return {"n_held_out": len(box), "n_samples": n_samples, "unsampled": unsampled,
            "coverage": {f"{level:g}": dict(zip(names, covered[:, k].mean(axis=0).tolist()))
                         for k, level in enumerate(levels)},
            "sbc_ranks": dict(zip(names, np.array([s[1] for s in stats]).T.tolist())),
            "recovery_error": dict(zip(names, errors.T.tolist())),
            "median_recovery_error": dict(zip(names, np.nanmedian(errors, axis=0).tolist()))}


def recovery(inference, dipole, truth, n_samples=1000, level=0.9):
    """Whether a posterior recovers known parameters of one target dipole.

    Parameters
    ----------
    inference : SimulationBasedInference
        Trained.
    dipole : Dipole
        The target (raw, on the simulations' times).
    truth : dict
        Parameter name -> the value that made ``dipole``.
    n_samples : int
        Posterior samples.
    level : float
        Central interval level.

    Returns
    -------
    result : dict
        Per parameter: ``truth``, ``median``, ``low``, ``high`` (the
        central interval, own units), ``inside`` (bool) and ``error``
        (|median - truth| / prior width, in the prior's box: log10 units
        for log-uniform parameters).
    """
    samples = inference.sample(dipole, n_samples)
    prior = inference.prior
    box_samples = prior.to_box(np.column_stack([samples[n] for n in prior.names]))
    box_truth = prior.to_box([[truth[n] for n in prior.names]])[0]
    covered, _, errors = _interval_stats(box_samples, box_truth, prior.width, [level])
    result = {}
    for k, name in enumerate(prior.names):
        low, high = np.quantile(samples[name], [(1 - level) / 2, (1 + level) / 2])
        result[name] = {"truth": float(truth[name]), "median": float(np.median(samples[name])),
                        "low": float(low), "high": float(high), "inside": bool(covered[0, k]),
                        "error": float(errors[k])}
    return result


def predictive_check(inference, dipole, n_draws=20, n_jobs=1, verbose=True):
    """Simulate ``n_draws`` posterior draws of ``dipole``'s posterior.

    Returns
    -------
    times : array
        Sample times (ms).
    dipoles : array
        n_finished x 3 x n_times, raw nAm (stored in ``<save_folder>/predictive``).
    """
    samples = inference.sample(dipole, n_draws, seed=inference.seed + PREDICTIVE_SEED_OFFSET)
    box = inference.prior.to_box(np.column_stack([samples[n] for n in inference.param_names]))
    _, dipoles, _ = inference._simulate_box(box, "predictive", n_jobs, verbose)
    return inference.times_, dipoles


def plot_posterior(samples, prior, truth=None, show=True):
    """Pairs plot of posterior samples over the prior's range, the truth marked.

    Parameters
    ----------
    samples : dict
        Parameter name -> samples (as :meth:`SimulationBasedInference.sample` returns).
    prior : BoxPrior
        The prior (``inference.prior``): axis ranges, log axes.
    truth : dict | None
        Parameter name -> known value, marked in red.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    names = prior.names
    n = len(names)
    fig, axes = plt.subplots(n, n, figsize=(2.6 * n + 0.6, 2.6 * n), squeeze=False,
                             constrained_layout=True)
    for row, y_name in enumerate(names):
        for col, x_name in enumerate(names):
            ax = axes[row, col]
            if col > row:
                ax.axis("off")
                continue
            _pair_panel(ax, samples, prior, x_name, y_name if col < row else None, truth)
            ax.set_xlabel(x_name if row == n - 1 else "", fontsize=8)
            ax.set_ylabel(y_name if col == 0 and row > 0 else "", fontsize=8)
    fig.suptitle(f"Posterior ({len(samples[names[0]])} samples)"
                 + (", truth in red" if truth else ""), fontsize=10)
    if show:
        plt.show()
    return fig


def _pair_panel(ax, samples, prior, x_name, y_name, truth):
    """One panel: a histogram (``y_name`` None) or a 2-D histogram of two parameters."""
    def edges(name):
        low, high = prior.constraints[name]
        if name in prior.log_uniform:
            return np.logspace(np.log10(low), np.log10(high), 41)
        return np.linspace(low, high, 41)

    if y_name is None:
        ax.hist(samples[x_name], bins=edges(x_name), color="0.4")
        if truth:
            ax.axvline(truth[x_name], color="red", lw=1.5)
        ax.set_yticks([])
    else:
        ax.hist2d(samples[x_name], samples[y_name], bins=[edges(x_name), edges(y_name)],
                  cmap="Greys")
        if truth:
            ax.plot(truth[x_name], truth[y_name], "o", color="red", ms=6, mfc="none", mew=1.5)
        if y_name in prior.log_uniform:
            ax.set_yscale("log")
    if x_name in prior.log_uniform:
        ax.set_xscale("log")
    ax.tick_params(labelsize=7)


def plot_predictive(times, dipoles, data, ax=None, show=True):
    """Posterior predictive dipoles (grey) over the data (black), aggregate, nAm.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.2), constrained_layout=True)
    for k, layers in enumerate(dipoles):
        ax.plot(times, layers[0], color="0.6", lw=0.8,
                label="posterior predictive" if k == 0 else None)
    ax.plot(data.times, data.data["agg"], color="black", lw=1.5, label="data")
    ax.set(xlabel="Time (ms)", ylabel="Dipole (nAm)",
           title=f"Posterior predictive check ({len(dipoles)} draws)")
    ax.legend(loc="upper left", fontsize=8)
    if show:
        plt.show()
    return ax.get_figure()
