"""hnn-core's ``hnn_core.batch_simulate``: parameter sweeps (a face on
:mod:`hnn_netpyne.batch.batch_simulate`)."""

from hnn_netpyne.batch.batch_simulate import BatchSimulate

__all__ = ["BatchSimulate"]
