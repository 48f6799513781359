"""hnn-core's ``hnn_core.optimization``: fitting a network to data (a face on
:mod:`hnn_netpyne.batch.optimize` and :mod:`hnn_netpyne.batch.opt_report`)."""

from hnn_netpyne.optimization.general_optimization import Optimizer, generate_opt_history_table

__all__ = ["Optimizer", "generate_opt_history_table"]
