"""A trained posterior on disk: one ``.npz`` file of plain arrays, no pickle.

The file holds:

* ``meta``: JSON (format, version, parameter names, constraints,
  log_uniform, tstop, dt, seed, density estimator, whether a user
  ``summary_func`` was used);
* ``times`` (ms), ``box_train`` and ``x_train`` (the training parameters
  in the prior's box and their summary statistics);
* ``summary/<name>``: the fitted default summary statistics;
* ``estimator/<name>``: the estimator's weights.

Loading rebuilds the estimator with sbi from the training batch and sets
its weights; nothing in the file is executed.
"""

import json
import zipfile
from pathlib import Path

import numpy as np

from hnn_netpyne.analysis.io import atomic_write
from hnn_netpyne.errors import OutputError, ParameterError

FORMAT = "hnn-netpyne posterior"
FORMAT_VERSION = 1


def save_posterior(inference, path):
    """Write ``inference``'s trained posterior to ``path`` (.npz); the path."""
    path = Path(path)
    if inference.posterior_ is None:
        raise ParameterError("nothing to save: call train() first", key="save")
    meta = {"format": FORMAT, "format_version": FORMAT_VERSION,
            "names": inference.prior.names, **inference.prior.as_dict(),
            "settings": inference.settings, "seed": inference.seed,
            "density_estimator": inference.density_estimator,
            "user_summary": inference.summary_func is not None}
    arrays = {"meta": np.array(json.dumps(meta)), "times": inference.times_,
              "box_train": inference.posterior_.box_train,
              "x_train": inference.posterior_.x_train}
    if inference.summary_func is None:
        arrays.update({f"summary/{k}": v for k, v in inference.summary_.state().items()})
    arrays.update({f"estimator/{k}": v for k, v in inference.posterior_.weights().items()})
    atomic_write(path, lambda fid: np.savez(fid, **arrays), binary=True)
    return path


def _read(path):
    """The arrays and the metadata of a saved posterior, or one clear error."""
    if not path.is_file():
        raise OutputError(f"{path}: no such posterior file")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        meta = json.loads(str(arrays.pop("meta")))
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as err:
        raise OutputError(f"{path}: not a readable hnn-netpyne posterior file "
                          f"({type(err).__name__}: {err})") from err
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise OutputError(f"{path}: not an hnn-netpyne posterior file")
    missing = sorted({"times", "box_train", "x_train"} - set(arrays))
    if missing:
        raise OutputError(f"{path}: a posterior file without {missing[0]!r}")
    if meta.get("format_version") != FORMAT_VERSION:
        raise OutputError(f"{path}: posterior format version {meta.get('format_version')}, "
                          f"this hnn-netpyne reads {FORMAT_VERSION}")
    return arrays, meta


def load_posterior(cls, path, net, set_params, summary_func, kwargs):
    """A :class:`SimulationBasedInference` with the posterior saved in ``path``."""
    from hnn_netpyne.inference.npe import Posterior
    from hnn_netpyne.inference.summary import WaveformSummary

    path = Path(path)
    arrays, meta = _read(path)
    if meta["user_summary"] and summary_func is None:
        raise ParameterError(f"{path} was trained with a user summary_func: pass the same "
                             "function to load()", key="summary_func")
    settings = meta["settings"]
    inference = cls(net, settings["tstop"], meta["constraints"], set_params, dt=settings["dt"],
                    log_uniform=meta["log_uniform"], summary_func=summary_func,
                    seed=meta["seed"], density_estimator=meta["density_estimator"],
                    coreneuron=settings["coreneuron"], n_threads=settings["n_threads"],
                    **kwargs)
    inference.times_ = arrays["times"]
    if not meta["user_summary"]:
        inference.summary_ = WaveformSummary.from_state(
            {k[len("summary/"):]: v for k, v in arrays.items() if k.startswith("summary/")})
    weights = {k[len("estimator/"):]: v for k, v in arrays.items() if k.startswith("estimator/")}
    try:
        inference.posterior_ = Posterior(inference.prior.low, inference.prior.high,
                                         arrays["box_train"], arrays["x_train"],
                                         meta["density_estimator"]).restore(weights)
    except (RuntimeError, KeyError, ValueError) as err:
        raise OutputError(f"{path}: the saved estimator does not fit its network "
                          f"({type(err).__name__}: {str(err)[:200]})") from err
    return inference
