"""Section recordings and electrode potentials as flat arrays of ``results.npz``.

Per trial k (from 1) a run folder's ``results.npz`` holds

* ``vsec_k`` (mV), ``isec_k`` (nA), ``ca_k`` (mM): one row per trace, with
  the row labels in ``vsec_keys`` / ``ca_keys`` (gid, section) and
  ``isec_keys`` (gid, section, synapse); ``recorded_gids`` lists every cell;
* ``extracellular_<a>_k`` (µV, contacts x times) for the a-th array of
  ``extracellular_names``.

:func:`recordings_to_arrays` flattens what the runner gathered and
:func:`recordings_from_arrays` rebuilds hnn-core's nesting
(trial -> gid -> section [-> synapse] -> trace).
"""

import numpy as np

SECTION_KINDS = ("vsec", "isec", "ca")


def _flatten(traces, depth, prefix=()):
    """Nested dict -> [(key tuple, trace)] in insertion order."""
    if depth == 0:
        return [(prefix, traces)]
    rows = []
    for key, value in traces.items():
        rows += _flatten(value, depth - 1, prefix + (str(key),))
    return rows


def recordings_to_arrays(recordings):
    """Flat arrays of every trial's recordings (the runner's per-trial dicts)."""
    arrays = {}
    for k, trial in enumerate(recordings, start=1):
        for kind in SECTION_KINDS:
            if kind not in trial:
                continue
            arrays["recorded_gids"] = np.array(sorted(trial[kind]), dtype=int)
            rows = _flatten(trial[kind], 3 if kind == "isec" else 2)
            arrays[f"{kind}_keys"] = np.array([key for key, _ in rows], dtype=str)
            arrays[f"{kind}_{k}"] = np.array([trace for _, trace in rows], dtype=float)
        names = list(trial["extracellular"])
        arrays["extracellular_names"] = np.array(names, dtype=str)
        for a, name in enumerate(names):
            arrays[f"extracellular_{a}_{k}"] = trial["extracellular"][name]
    return arrays


def _nest(keys, traces, gids):
    nested = {int(gid): {} for gid in gids}
    for key, trace in zip(keys, traces):
        node = nested[int(key[0])]
        for part in key[1:-1]:
            node = node.setdefault(str(part), {})
        node[str(key[-1])] = trace
    return nested


def section_traces(results, kind, n_trials):
    """hnn-core's ``cell_response.<kind>``: a list of {gid: {section: ...}} per trial.

    Cells without a trace have an empty dict; with no recording every
    trial is an empty dict.
    """
    if f"{kind}_keys" not in results:
        return [{} for _ in range(n_trials)]
    keys, gids = results[f"{kind}_keys"], results["recorded_gids"]
    return [_nest(keys, results[f"{kind}_{k}"], gids) for k in range(1, n_trials + 1)]


def extracellular_voltages(results, name, n_trials):
    """Potentials (µV) of array ``name``: (trials, contacts, times), or None if absent."""
    names = [str(n) for n in results.get("extracellular_names", [])]
    if name not in names:
        return None
    a = names.index(name)
    return np.array([results[f"extracellular_{a}_{k}"] for k in range(1, n_trials + 1)])
