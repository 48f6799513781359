"""hnn-core's ``hnn_core.optimization.objective_functions``: the fits' objectives
(a face on :mod:`hnn_netpyne.batch.optimize`)."""

from hnn_netpyne.batch.optimize import band_power_objective, dipole_rmse

__all__ = ["band_power_objective", "dipole_rmse"]
