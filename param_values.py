"""HNN parameter sets as hnn-core's ``Params``: read_params and wildcard access.

The implementation behind :mod:`hnn_netpyne.params` (hnn-core's module path),
kept below the network so that the network can use it.
"""

import copy
import fnmatch
import json
import os
from pathlib import Path

from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.params import PARAM_DIR, load_params
from hnn_netpyne.model.params import read_params as _read_param_file

__all__ = ["PARAM_DIR", "Params", "read_params"]


class Params(dict):
    """HNN parameters, as hnn-core's ``Params``: a dict with wildcard access.

    ``params['gbar_L2*']`` returns the sub-dictionary of matching keys and
    ``params['gbar_L2*'] = 0.`` sets them all. Values are validated when a
    network is made from them.

    Parameters
    ----------
    params_input : dict | None
        Parameter values.
    fname : str | pathlib.Path | None
        The file they were read from (networks take unchanged values from it).
    """

    def __init__(self, params_input=None, fname=None):
        super().__init__(params_input or {})
        self.fname = None if fname is None else Path(fname).resolve()

    def __getitem__(self, key):
        if key in self or "*" not in key:
            return super().__getitem__(key)
        return {k: self[k] for k in self._matches(key)}

    def __setitem__(self, key, value):
        if key in self or "*" not in key:
            super().__setitem__(key, value)
            return
        for match in self._matches(key):
            super().__setitem__(match, value)

    def _matches(self, pattern):
        matches = fnmatch.filter(self.keys(), pattern)
        if not matches:
            raise KeyError(f"no parameter matches {pattern!r}")
        return matches

    def copy(self):
        """An independent copy (same source file)."""
        return Params(copy.deepcopy(dict(self)), self.fname)

    def write(self, fname):
        """Write the values as a flat JSON parameter file (``read_params`` reads it back)."""
        from hnn_netpyne.analysis.io import atomic_write

        atomic_write(Path(fname), lambda fid: json.dump(dict(self), fid, indent=4))


def read_params(params_fname, file_contents=None):
    """Read an HNN parameter file (``.json`` or legacy ``.param``).

    Parameters
    ----------
    params_fname : str | pathlib.Path
        The file; see :data:`PARAM_DIR` for the packaged ones
        (``default.json``, ``gamma_L5weak_L2weak.json``).
    file_contents : str | None
        The file's text if already read (then ``params_fname`` gives only
        the format and the name in messages).

    Returns
    -------
    params : Params
        Every HNN parameter: the file's values over hnn-core's defaults.
    """
    values = _read_param_file(params_fname, file_contents)
    values.pop("_source")
    return Params(values, None if file_contents is not None else params_fname)


def _parameter_source(params):
    """(parameter file or None, overrides) that reproduce ``params``."""
    if params is None:
        return None, {}
    if isinstance(params, (str, os.PathLike)):
        return Path(params).resolve(), {}
    if not isinstance(params, dict):
        raise ParameterError("params must be None, a parameter file name or a dict",
                             key="params", value=type(params).__name__)
    fname = getattr(params, "fname", None)
    base = load_params(fname)
    overrides = {k: v for k, v in params.items() if k != "_source" and base.get(k) != v}
    return fname, overrides

