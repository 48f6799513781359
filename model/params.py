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
from hnn_netpyne.errors import ParameterError

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
# Evoked-input keys exist for any number of inputs (evprox_1, evprox_2, ...).
_EVOKED_KEY = re.compile(
    r"^(t|sigma_t|numspikes|prng_seedcore)_ev(prox|dist)_\d+$"
    rf"|^gbar_ev(prox|dist)_\d+_({_LEGACY_TYPES})(_ampa|_nmda)?$"
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
        or key in _IGNORED_KEYS
        or bool(_IGNORED_KEY.match(key))
        or bool(_EVOKED_KEY.match(key))
        or bool(_TONIC_KEY.match(key))
    )


_BASE_DEFAULTS = _base_defaults()


def _closest_key(key):
    matches = difflib.get_close_matches(key, list(_BASE_DEFAULTS), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _parse_param_text(text, source):
    """Parse a legacy ``.param`` file: one ``key: value`` per line."""
    params = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
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
        params[key] = _parse_param_value(value)
    return params


def _parse_param_value(text):
    """Convert a ``.param`` value the way HNN did: int, float or string."""
    try:
        if "." in text or "e" in text.lower():
            return float(text)
        return int(text)
    except ValueError:
        return text


def read_params(fname):
    """Read an HNN parameter file (``.json`` or legacy ``.param``).

    Parameters
    ----------
    fname : str | pathlib.Path
        Path to the file.

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
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ParameterError(f"cannot read file ({err.strerror})", source=source) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ParameterError("file is not UTF-8 text", source=source) from None
    if path.suffix == ".json":
        try:
            file_params = json.loads(text)
        except json.JSONDecodeError as err:
            raise ParameterError(
                f"invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}",
                source=source,
            ) from None
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
    for key, value in file_params.items():
        if key == "_source":
            continue
        if not isinstance(key, str):
            raise ParameterError("parameter names must be strings", source, key, value)
        if not is_known_key(key):
            closest = _closest_key(key)
            hint = f"; did you mean {closest!r}?" if closest else ""
            warnings.warn(
                f"file {source}: unknown parameter {key!r} ignored{hint}",
                UserWarning,
                stacklevel=2,
            )
            continue
        params[key] = value
    _fill_evoked_defaults(params)
    validate_params(params, source)
    params["_source"] = source
    return params


def legacy_targets(loc):
    """Cell types that the ``'prox'`` or ``'dist'`` inputs of HNN parameter files reach."""
    return tuple(c for c in legacy_cell_types() if loc == "prox" or cell_type(c).distal_input)


def _fill_evoked_defaults(params):
    """Give every evoked input the keys hnn-core fills in for it."""
    for loc in ("prox", "dist"):
        cell_types = legacy_targets(loc)
        for idx in evoked_input_indices(params, loc):
            name = f"ev{loc}_{idx}"
            params.setdefault(f"t_{name}", 0.0)
            params.setdefault(f"sigma_t_{name}", 0.0)
            params.setdefault(f"prng_seedcore_{name}", 0)
            params.setdefault(f"numspikes_{name}", 1)
            for cell_type in cell_types:
                legacy = params.get(f"gbar_{name}_{cell_type}", 0.0)
                for receptor in ("ampa", "nmda"):
                    params.setdefault(f"gbar_{name}_{cell_type}_{receptor}", legacy)


def evoked_input_indices(params, loc):
    """Sorted indices N of the evoked inputs ``t_ev<loc>_N`` in ``params``.

    Parameters
    ----------
    params : dict
        Parameter set.
    loc : {'prox', 'dist'}
        Proximal or distal inputs.
    """
    pattern = re.compile(rf"^t_ev{loc}_(\d+)$")
    return sorted(int(m.group(1)) for key in params if (m := pattern.match(key)))


def validate_params(params, source="<in memory>"):
    """Check the type and range of every value in ``params``.

    Raises
    ------
    ParameterError
        Naming the source, the key, the value and what was expected.
    """
    for key, value in params.items():
        if key == "_source" or key in _IGNORED_KEYS or _IGNORED_KEY.match(key):
            continue
        if key in _STRING_KEYS:
            if not isinstance(value, str):
                raise ParameterError("expected a string", source, key, value)
            continue
        if key in _BOOL_KEYS:
            if not (isinstance(value, bool) or value in (0, 1)):
                raise ParameterError("expected true/false or 0/1", source, key, value)
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParameterError("expected a number", source, key, value)
        if not math.isfinite(value):
            raise ParameterError("expected a finite number", source, key, value)
        if _INT_KEYS.match(key) and float(value) != int(value):
            raise ParameterError("expected a whole number", source, key, value)
        if value < 0 and not _NEGATIVE_ALLOWED.search(key):
            raise ParameterError("expected a value >= 0", source, key, value)
        if key.startswith("prng_seedcore") and abs(value) > _MAX_SEED:
            raise ParameterError(f"expected a seed of magnitude <= {_MAX_SEED}", source, key,
                                 value)
    for key in ("tstop", "dt"):
        if params[key] <= 0:
            raise ParameterError("expected a value > 0", source, key, params[key])
    for key in ("N_pyr_x", "N_pyr_y", "N_trials"):
        if params[key] < 1:
            raise ParameterError("expected an integer >= 1", source, key, params[key])
    if params["dt"] > params["tstop"]:
        raise ParameterError(
            f"dt must not exceed tstop ({params['tstop']} ms)", source, "dt", params["dt"]
        )


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
