"""The prior of an inference: independent uniform or log-uniform bounds per parameter.

Inference works in a box where every prior is uniform: a log-uniform
parameter enters as its base-10 logarithm. :class:`BoxPrior` draws from the
prior and maps parameter values to and from that box.
"""

import numpy as np

from hnn_netpyne.batch.grid import check_ranges
from hnn_netpyne.errors import ParameterError


class BoxPrior:
    """Independent uniform (or log-uniform) priors on named parameters.

    Parameters
    ----------
    constraints : dict
        Parameter name -> (low, high), in the parameter's own units.
    log_uniform : list of str
        Names whose prior is uniform in log10 (both bounds must be > 0).
    """

    def __init__(self, constraints, log_uniform=()):
        check_ranges(constraints, "constraints")
        if isinstance(log_uniform, str) or not all(isinstance(n, str) for n in log_uniform):
            raise ParameterError("log_uniform must be a list of parameter names",
                                 key="log_uniform", value=log_uniform)
        for name in log_uniform:
            if name not in constraints:
                raise ParameterError(f"not a parameter of constraints {sorted(constraints)}",
                                     key="log_uniform", value=name)
            if constraints[name][0] <= 0:
                raise ParameterError("a log-uniform prior needs bounds > 0", key=name,
                                     value=tuple(constraints[name]))
        self.names = list(constraints)
        self.constraints = {n: (float(constraints[n][0]), float(constraints[n][1]))
                            for n in self.names}
        self.log_uniform = [n for n in self.names if n in log_uniform]
        self._is_log = np.array([n in self.log_uniform for n in self.names])
        bounds = np.array([self.constraints[n] for n in self.names])
        self.low = np.where(self._is_log, np.log10(np.abs(bounds[:, 0])), bounds[:, 0])
        self.high = np.where(self._is_log, np.log10(np.abs(bounds[:, 1])), bounds[:, 1])

    @property
    def width(self):
        """Width of each parameter's prior in the box (log10 units for log-uniform ones)."""
        return self.high - self.low

    def draw(self, n_draws, seed):
        """``n_draws`` box points (n_draws x n_parameters) drawn from the prior.

        ``seed`` is an integer or a sequence of them (numpy's SeedSequence).
        """
        unit = np.random.default_rng(seed).random((n_draws, len(self.names)))
        return self.low + unit * self.width

    def to_params(self, box):
        """Box points (n x n_parameters) as a list of {name: value} in the parameters' units."""
        values = np.where(self._is_log, 10.0 ** np.asarray(box, float), box)
        return [dict(zip(self.names, row.tolist())) for row in np.atleast_2d(values)]

    def to_box(self, values):
        """Parameter values (n x n_parameters, own units) as box points."""
        values = np.atleast_2d(np.asarray(values, dtype=float))
        return np.where(self._is_log, np.log10(np.abs(values)), values)

    def as_dict(self):
        """JSON-ready description (constraints, log_uniform)."""
        return {"constraints": {n: list(b) for n, b in self.constraints.items()},
                "log_uniform": list(self.log_uniform)}
