"""Parameter sets of a sweep: grids, tables, random and Sobol samples.

A sweep's points are a list of ``{name: value}`` dictionaries. They come
from a grid (every combination, or the i-th value of each list), from a
table (one row per point), or from a random or Sobol sample of ranges.
Every check fails at once, before anything is simulated, with one line
naming the parameter and the value.
"""

import itertools
import math

import numpy as np

from hnn_netpyne.errors import ParameterError

MAX_POINTS = 10_000_000


def _check_value(name, value):
    """A number (finite), a bool or a string; numpy scalars become Python ones."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (bool, str)):
        return value
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ParameterError("values must be finite numbers, booleans or strings",
                             key=name, value=value)
    return value


def _check_values(name, values):
    if not isinstance(name, str) or not name:
        raise ParameterError("parameter names must be non-empty strings", key="param_grid",
                             value=name)
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise ParameterError("each parameter needs a list of values", key=name, value=values)
    values = [_check_value(name, v) for v in values]
    if not values:
        raise ParameterError("the list of values is empty", key=name, value=values)
    kinds = {"str" if isinstance(v, str) else "bool" if isinstance(v, bool) else "number"
             for v in values}
    if len(kinds) > 1:
        raise ParameterError(f"values mix types ({', '.join(sorted(kinds))})", key=name,
                             value=values)
    return values


def grid_points(param_grid, combinations=True):
    """The points of a grid.

    Parameters
    ----------
    param_grid : dict
        Parameter name -> list of values.
    combinations : bool
        Every combination (Cartesian product); False pairs the i-th values
        (all lists must then have the same length).

    Returns
    -------
    points : list of dict
    """
    if not isinstance(param_grid, dict) or not param_grid:
        raise ParameterError("param_grid must be a non-empty dict of name -> list of values",
                             key="param_grid", value=param_grid)
    grid = {name: _check_values(name, values) for name, values in param_grid.items()}
    names = list(grid)
    if combinations:
        n_points = math.prod(len(v) for v in grid.values())
        if n_points > MAX_POINTS:
            raise ParameterError(f"the grid has {n_points} points, more than {MAX_POINTS}",
                                 key="param_grid", value=n_points)
        return [dict(zip(names, combo)) for combo in itertools.product(*grid.values())]
    lengths = {name: len(v) for name, v in grid.items()}
    if len(set(lengths.values())) > 1:
        raise ParameterError("with combinations=False every list needs the same length",
                             key="param_grid", value=lengths)
    return [dict(zip(names, combo)) for combo in zip(*grid.values())]


def table_points(rows):
    """The points of a table: a list of dicts, or a pandas DataFrame."""
    if hasattr(rows, "to_dict"):
        rows = rows.to_dict("records")
    if not isinstance(rows, (list, tuple)) or not rows:
        raise ParameterError("a table needs at least one row", key="table", value=rows)
    names = None
    points = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ParameterError(f"row {index} is not a mapping of name -> value",
                                 key="table", value=row)
        if names is None:
            names = list(row)
        if list(row) != names:
            raise ParameterError(f"row {index} has parameters {list(row)}, row 0 has {names}",
                                 key="table", value=row)
        points.append({name: _check_value(name, value) for name, value in row.items()})
    grid_points({name: [p[name] for p in points] for name in names}, combinations=False)
    return points


def check_ranges(ranges, what="ranges"):
    """Check ``{name: (low, high)}`` with finite numbers, low < high."""
    if not isinstance(ranges, dict) or not ranges:
        raise ParameterError(f"{what} must be a non-empty dict of name -> (low, high)",
                             key=what, value=ranges)
    for name, bounds in ranges.items():
        if (not isinstance(bounds, (list, tuple)) or len(bounds) != 2
                or not all(isinstance(_check_value(name, b), (int, float))
                           and not isinstance(b, bool) for b in bounds)
                or not bounds[0] < bounds[1]):
            raise ParameterError("a range is two numbers (low, high) with low < high",
                                 key=name, value=bounds)


def _check_sample(ranges, n_points):
    check_ranges(ranges)
    if isinstance(n_points, bool) or not isinstance(n_points, int) or not 1 <= n_points <= MAX_POINTS:
        raise ParameterError(f"n_points must be an integer from 1 to {MAX_POINTS}",
                             key="n_points", value=n_points)


def _scaled(unit_points, ranges):
    names = list(ranges)
    low = np.array([ranges[n][0] for n in names], dtype=float)
    high = np.array([ranges[n][1] for n in names], dtype=float)
    values = low + unit_points * (high - low)
    return [dict(zip(names, row.tolist())) for row in values]


def random_points(ranges, n_points, seed=0):
    """``n_points`` points drawn uniformly in ``ranges`` ({name: (low, high)})."""
    _check_sample(ranges, n_points)
    unit = np.random.default_rng(seed).random((n_points, len(ranges)))
    return _scaled(unit, ranges)


def sobol_points(ranges, n_points, seed=0):
    """``n_points`` points of a scrambled Sobol sequence in ``ranges`` (scipy.stats.qmc).

    Sobol sequences fill the box evenly for powers of two; other counts
    work but are less balanced.
    """
    _check_sample(ranges, n_points)
    try:
        from scipy.stats import qmc
    except ImportError as err:  # pragma: no cover - scipy comes with the batch extra
        raise ParameterError("Sobol sampling needs scipy (pip install scipy)",
                             key="method", value="sobol") from err
    sampler = qmc.Sobol(d=len(ranges), scramble=True, seed=seed)
    return _scaled(sampler.random(n_points), ranges)


class TrackedParams(dict):
    """A point's values that remember which names were read."""

    def __init__(self, values):
        super().__init__(values)
        self.read = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def items(self):
        self.read.update(self.keys())
        return super().items()

    def values(self):
        self.read.update(self.keys())
        return super().values()


def check_set_params(set_params, net, point):
    """Apply ``set_params`` to a copy of ``net`` with ``point``; every name must be read.

    Raises
    ------
    ParameterError
        Naming a parameter ``set_params`` never reads, or the error it raised.
    """
    import copy

    tracked = TrackedParams(point)
    trial_net = copy.deepcopy(net)
    try:
        set_params(tracked, trial_net)
    except Exception as err:  # noqa: BLE001 -- any failure of user code is reported
        raise ParameterError(f"set_params failed on the first point: "
                             f"{type(err).__name__}: {err}", key="param_grid",
                             value=dict(point)) from err
    unknown = sorted(set(point) - tracked.read)
    if unknown:
        raise ParameterError(f"unknown parameter: set_params never reads {unknown[0]!r}",
                             key=unknown[0], value=point[unknown[0]])
    return trial_net
