"""Read and validate HNN parameter sets.

HNN describes a network by a flat dictionary of named numbers, stored either
as JSON (hnn-core's ``param/default.json``) or as a legacy ``.param`` text
file with one ``key: value`` per line. This module turns such a file into a
validated dictionary: unknown keys are reported with the closest known key,
values are checked for type and range, and every error names the file, the
key and the value. Nothing read here is ever evaluated as code.
"""

import difflib
import json
import math
import re
import warnings
from pathlib import Path

from hnn_netpyne.cells.registry import cell_type, legacy_cell_types
from hnn_netpyne.errors import ParameterError, shorten
from hnn_netpyne.readers import parse_json, read_text

PARAM_DIR = Path(__file__).resolve().parent.parent / "param"
DEFAULT_PARAM_FILE = PARAM_DIR / "default.json"

# Keys whose values may legitimately be negative: reversal potentials,
# leak potentials and HNN's -1 sentinels ("not used" / "use tstop").
_NEGATIVE_ALLOWED = re.compile(
    r"(_e$|_el_hh2$|^dt_ev|^T_pois$|^t0_pois$|^t0_input_|^tstop_input_|^prng_seedcore"
    r"|^input_(prox|dist)_A_delay_)"
)
_STRING_KEYS = {"sim_prefix", "spec_cmap", "distribution_prox", "distribution_dist"}
_INT_KEYS = re.compile(
    r"^(N_pyr_x|N_pyr_y|N_trials|numspikes_ev\w+|prng_seedcore\w*"
    r"|events_per_cycle_\w+|repeats_\w+)$"
)
_BOOL_KEYS = {"sync_evinput"}
_MAX_SEED = 2**31 - 1
_LEGACY_TYPES = "|".join(legacy_cell_types())
MAX_KEYS = 10_000
"""Most keys (lines of a .param file) a parameter file may hold."""
# Evoked-input keys exist for any number of inputs (evprox_1, evprox_2, ...); an
# index of at most 9 ASCII digits (Python's int() refuses 4,300 and more).
_INPUT_INDEX = "[0-9]{1,9}"
_EVOKED_KEY = re.compile(
    rf"^(t|sigma_t|numspikes|prng_seedcore)_ev(prox|dist)_{_INPUT_INDEX}$"
    rf"|^gbar_ev(prox|dist)_{_INPUT_INDEX}_({_LEGACY_TYPES})(_ampa|_nmda)?$"
)
# Tonic bias keys (Itonic_A_L2Pyr_soma, ...).
_TONIC_KEY = re.compile(rf"^Itonic_(A|t0|T)_({_LEGACY_TYPES})_soma$")
# Keys that HNN's files carry but that do not change the network (basket
# tonic keys without '_soma' were never read by HNN).
_IGNORED_KEYS = {"save_vsoma", "save_dpl", "save_figs", "save_spec_data", "prng_seedcore_opt"}
_IGNORED_KEY = re.compile(r"^Itonic_(A|t0|T)_(L2Basket|L5Basket)$")


def _base_defaults():
    with open(PARAM_DIR / "base_defaults.json") as fid:
        return json.load(fid)


def is_known_key(key):
    """Return True if ``key`` is an HNN parameter name this package reads."""
    return (
        key in _BASE_DEFAULTS
        or _is_ignored(key)
        or bool(_EVOKED_KEY.match(key))
        or bool(_TONIC_KEY.match(key))
    )


def _is_ignored(key):
    """True for a key HNN's files carry that changes nothing (see _IGNORED_KEYS)."""
    return key in _IGNORED_KEYS or bool(_IGNORED_KEY.match(key))


_BASE_DEFAULTS = _base_defaults()


def _closest_key(key):
    matches = difflib.get_close_matches(key, list(_BASE_DEFAULTS), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _parse_param_text(text, source):
    """Parse a legacy ``.param`` file: one ``key: value`` per line."""
    params = {}
    lines = text.splitlines()
    if len(lines) > MAX_KEYS:
        raise ParameterError(f"more than {MAX_KEYS} lines", source=source)
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if ":" not in line:
            raise ParameterError(
                f"line {lineno} is not of the form 'key: value' ({raw!r})",
                source=source,
            )
        key, value = (part.strip() for part in line.split(":", 1))
        if not key:
            raise ParameterError(f"line {lineno} has no key", source=source)
        if key in params:
            raise ParameterError(f"line {lineno} repeats a key", source, key, value)
        params[key] = _parse_param_value(value)
    return params


_PARAM_INT = re.compile(r"[+-]?[0-9]{1,30}", re.ASCII)
_PARAM_FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?", re.ASCII)


def _parse_param_value(text):
    """Convert a ``.param`` value the way HNN did: int, float or string.

    Only ASCII decimal numbers of bounded length count as numbers (Python's
    ``int`` would also take other scripts' digits and underscores).
    """
    if _PARAM_INT.fullmatch(text):
        return int(text)
    if len(text) <= 60 and _PARAM_FLOAT.fullmatch(text):
        return float(text)
    return text


def read_params(fname, file_contents=None):
    """Read an HNN parameter file (``.json`` or legacy ``.param``).

    Parameters
    ----------
    fname : str | pathlib.Path
        Path to the file (its suffix gives the format).
    file_contents : str | None
        The file's text, if already read (e.g. uploaded); None reads ``fname``.

    Returns
    -------
    params : dict
        Every known HNN parameter: the file's values over hnn-core's
        defaults. The key ``'_source'`` holds the file name for messages.

    Raises
    ------
    ParameterError
        If the file is missing, unreadable, not of a known format, or holds
        a value of the wrong type or range.
    """
    path = Path(fname)
    source = str(path)
    if path.suffix not in (".json", ".param"):
        raise ParameterError(
            f"unknown parameter file extension {path.suffix!r}; "
            "expected .json or .param",
            source=source,
        )
    text = read_text(path) if file_contents is None else str(file_contents)
    if path.suffix == ".json":
        file_params = parse_json(text, source, max_keys=MAX_KEYS)
        if not isinstance(file_params, dict):
            raise ParameterError(
                f"top level must be a JSON object, got {type(file_params).__name__}",
                source=source,
            )
        if file_params.get("object_type") == "Network":
            raise ParameterError(
                "an hnn-core network configuration (cells, connectivity, drives), not a "
                "parameter file: load it with read_network_configuration(fname) or run it "
                "with 'hnn-netpyne run --network-config FILE'", source=source)
    else:
        file_params = _parse_param_text(text, source)
    if not file_params:
        raise ParameterError("file holds no parameters", source=source)
    return complete_params(file_params, source=source)


def complete_params(file_params, source="<in memory>"):
    """Validate a parameter dictionary and fill in hnn-core's defaults.

    Parameters
    ----------
    file_params : dict
        Parameter values, for example as read from a file.
    source : str
        Where the values came from, for error messages.

    Returns
    -------
    params : dict
        A new dictionary with defaults for the missing keys and
        ``'_source'`` set to ``source``.
    """
    params = dict(_BASE_DEFAULTS)
    unknown = []
    for key, value in file_params.items():
        if key == "_source":
            continue
        if not isinstance(key, str):
            raise ParameterError("parameter names must be strings", source, key, value)
        if is_known_key(key):
            params[key] = value
        else:
            unknown.append(key)
    if unknown and not any(is_known_key(key) and not _is_ignored(key) for key in file_params):
        closest = _closest_key(unknown[0][:100])
        hint = f" (did you mean {closest!r}?)" if closest else ""
        raise ParameterError(f"sets no parameter of the model: {len(unknown)} unknown key(s), "
                             f"the first {shorten(repr(unknown[0]))}{hint}", source=source)
    if unknown:
        _warn_unknown(unknown, source)
    _fill_evoked_defaults(params)
    validate_params(params, source)
    params["_source"] = source
    return params


def legacy_targets(loc):
    """Cell types that the ``'prox'`` or ``'dist'`` inputs of HNN parameter files reach."""
    return tuple(c for c in legacy_cell_types() if loc == "prox" or cell_type(c).distal_input)


def _warn_unknown(keys, source):
    """One warning for every unknown key (the first few named, with hints)."""
    shown = []
    for key in keys[:5]:
        closest = _closest_key(key[:100])
        hint = f" (did you mean {closest!r}?)" if closest else ""
        shown.append(f"{shorten(repr(key))}{hint}")
    more = f" and {len(keys) - 5} more" if len(keys) > 5 else ""
    warnings.warn(f"file {source}: unknown parameters ignored: {', '.join(shown)}{more}",
                  UserWarning, stacklevel=3)


def _fill_evoked_defaults(params):
    """Give every evoked input the keys hnn-core fills in for it."""
    for loc in ("prox", "dist"):
        targets = legacy_targets(loc)
        for idx in evoked_input_indices(params, loc):
            name = f"ev{loc}_{idx}"
            params.setdefault(f"t_{name}", 0.0)
            params.setdefault(f"sigma_t_{name}", 0.0)
            params.setdefault(f"prng_seedcore_{name}", 0)
            params.setdefault(f"numspikes_{name}", 1)
            for target in targets:
                legacy = params.get(f"gbar_{name}_{target}", 0.0)
                for receptor in ("ampa", "nmda"):
                    params.setdefault(f"gbar_{name}_{target}_{receptor}", legacy)


def evoked_input_indices(params, loc):
    """Sorted indices N of the evoked inputs ``t_ev<loc>_N`` in ``params``.

    Parameters
    ----------
    params : dict
        Parameter set.
    loc : {'prox', 'dist'}
        Proximal or distal inputs.
    """
    pattern = re.compile(rf"^t_ev{loc}_({_INPUT_INDEX})$")
    return sorted(int(m.group(1)) for key in params if (m := pattern.match(key)))


# Physically plausible ranges (inclusive) of keys by pattern; the first match
# applies. Values outside them make NEURON fail or give NaN (a zero diameter,
# length or axial resistance, 1e6 degrees) or are no cortex.
_RANGES = (
    (re.compile(r"^celsius$"), 0.0, 50.0, "°C"),
    (re.compile(r"_(L|diam)$"), 1e-3, 1e4, "µm, > 0"),
    (re.compile(r"_Ra$"), 1e-3, 1e5, "ohm cm, > 0"),
    (re.compile(r"_cm$"), 1e-3, 100.0, "µF/cm², > 0"),
    (re.compile(r"(_e|_el_hh2)$"), -200.0, 200.0, "mV"),
    (re.compile(r"_tau[12r]?(_cad)?$"), 1e-3, 1e5, "ms, > 0"),
    (re.compile(r"_(gnabar|gkbar)_hh2$"), 0.0, 10.0, "S/cm²"),
    (re.compile(r"_gbar_(ca|km)$"), 0.0, 1e4, "pS/µm²"),
    (re.compile(r"_(gl_hh2|gbar_ar|gbar_cat|gbar_kca)$"), 0.0, 1.0, "S/cm²"),
    (re.compile(r"^(gbar_|input_\w+_A_weight|\w+_A_weight)"), 0.0, 1e3, "µS"),
    (re.compile(r"^dt$"), 1e-3, 1.0, "ms"),
    (re.compile(r"^tstop$"), 1e-3, 1e6, "ms"),
    (re.compile(r"^threshold$"), -100.0, 100.0, "mV"),
    (re.compile(r"^N_pyr_[xy]$"), 1, 1000, "cells"),
    (re.compile(r"^N_trials$"), 1, 10_000, "trials"),
    (re.compile(r"^(numspikes_\w+|events_per_cycle_\w+|repeats_\w+)$"), 0, 10_000, "events"),
    (re.compile(r"^(f_input_\w+|\w+_Pois_lamtha)$"), 0.0, 1e4, "Hz"),
)
_MAX_MAGNITUDE = 1e9
"""Any other number: times (ms), delays, spreads, scale factors."""


def _check_number(key, value, source, range_key=None):
    """Type, finiteness, whole-number and plausible range of one numeric value.

    ``range_key`` names the parameter whose rules apply when ``key`` is the
    name a caller knows it by (``n_trials`` for ``N_trials``). Returns the
    value, a whole number of an integer key as an int (10.0 is 10).
    """
    rule = key if range_key is None else range_key
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParameterError("expected a number", source, key, value)
    if not math.isfinite(value):
        raise ParameterError("expected a finite number", source, key, value)
    if _INT_KEYS.match(rule):
        if float(value) != int(value):
            raise ParameterError("expected a whole number", source, key, value)
        value = int(value)
    if value < 0 and not _NEGATIVE_ALLOWED.search(rule):
        raise ParameterError("expected a value >= 0", source, key, value)
    if rule.startswith("prng_seedcore"):
        if abs(value) > _MAX_SEED:
            raise ParameterError(f"expected a seed of magnitude <= {_MAX_SEED}", source, key,
                                 value)
        return value
    for pattern, low, high, unit in _RANGES:
        if pattern.search(rule):
            if not low <= value <= high:
                raise ParameterError(f"expected a value from {low:g} to {high:g} ({unit})",
                                     source, key, value)
            return value
    if abs(value) > _MAX_MAGNITUDE:
        raise ParameterError(f"expected a magnitude <= {_MAX_MAGNITUDE:g}", source, key, value)
    return value


STEP_TOLERANCE = 1e-9
"""Relative difference from a whole number of steps that still counts as whole."""


def check_run_lengths(tstop, dt, n_trials, source=None, keys=("tstop", "dt", "N_trials")):
    """Check a run's length and step (ms) and its trials: the one check of these values.

    Both ``hnn-netpyne params`` (a file's values) and every run (the values it
    will use, from options or a file) call this.

    Parameters
    ----------
    tstop, dt : float
        Simulation length and time step (ms).
    n_trials : int | float
        Trials (a whole number; 3.0 counts as 3).
    source : str | None
        Where the values came from, for messages.
    keys : tuple of str
        The names the caller knows the three values by, for messages.

    Returns
    -------
    tstop, dt, n_trials : float, float, int

    Raises
    ------
    ParameterError
        For a value out of range, ``dt`` above ``tstop``, or a ``tstop`` that
        is not a whole number of ``dt`` steps (NEURON's fixed step would end
        a fraction of a step early, and the run could never reach tstop).
    """
    tstop = float(_check_number(keys[0], tstop, source, "tstop"))
    dt = float(_check_number(keys[1], dt, source, "dt"))
    n_trials = _check_number(keys[2], n_trials, source, "N_trials")
    if dt > tstop:
        raise ParameterError(f"{keys[1]} must not exceed {keys[0]} ({tstop:g} ms)", source,
                             keys[1], dt)
    steps = tstop / dt
    if abs(steps - round(steps)) > STEP_TOLERANCE * steps:
        below, above = math.floor(steps) * dt, math.ceil(steps) * dt
        raise ParameterError(
            f"{keys[0]} ({tstop:g} ms) must be a whole number of {keys[1]} steps, not "
            f"{steps:.6g}; use a {keys[1]} that divides {tstop:g} ms, or a {keys[0]} of "
            f"{below:.6g} or {above:.6g} ms", source, keys[1], dt)
    return tstop, dt, n_trials


def validate_params(params, source="<in memory>"):
    """Check the type, range and physical sense of every value in ``params``.

    A parameter set that passes runs: the ranges keep NEURON out of
    division by zero and NaN, and the grid, trials and time steps within
    this machine's memory (an estimate, see
    :mod:`hnn_netpyne.model.resources`).

    Raises
    ------
    ParameterError
        Naming the source, the key, the value and what was expected.
    """
    from hnn_netpyne.model.resources import check_memory, grid_netcons

    for key, value in params.items():
        if key == "_source" or _is_ignored(key):
            continue
        if key in _STRING_KEYS:
            if not isinstance(value, str):
                raise ParameterError("expected a string", source, key, value)
            continue
        if key in _BOOL_KEYS:
            if not (isinstance(value, bool) or value in (0, 1)):
                raise ParameterError("expected true/false or 0/1", source, key, value)
            continue
        params[key] = _check_number(key, value, source)
    check_run_lengths(params["tstop"], params["dt"], params["N_trials"], source)
    if params["dipole_smooth_win"] > params["tstop"]:
        raise ParameterError(f"the smoothing window must not exceed tstop ({params['tstop']} "
                             "ms)", source, "dipole_smooth_win", params["dipole_smooth_win"])
    check_memory(grid_netcons(params["N_pyr_x"], params["N_pyr_y"]),
                 params["tstop"] / params["dt"] + 1, params["N_trials"], source,
                 "N_pyr_x, N_pyr_y, N_trials",
                 (params["N_pyr_x"], params["N_pyr_y"], params["N_trials"]))


def load_params(fname=None, overrides=None):
    """Read a parameter file (default: HNN's ``default.json``) and apply overrides.

    Parameters
    ----------
    fname : str | pathlib.Path | None
        Parameter file; None reads the packaged ``default.json``.
    overrides : dict | None
        Values that replace the file's, validated the same way.

    Returns
    -------
    params : dict
        Validated parameters.
    """
    params = read_params(DEFAULT_PARAM_FILE if fname is None else fname)
    if overrides:
        source = f"{params['_source']} (with overrides)"
        merged = {k: v for k, v in params.items() if k != "_source"}
        merged.update(overrides)
        params = complete_params(merged, source=source)
    return params
