"""hnn-core's ``hnn_core.optimization.general_optimization`` (a face on
:mod:`hnn_netpyne.batch.optimize` and :mod:`hnn_netpyne.batch.opt_report`)."""

from hnn_netpyne.batch.opt_report import generate_opt_history_table
from hnn_netpyne.batch.optimize import Optimizer

__all__ = ["Optimizer", "generate_opt_history_table"]
