"""Parameter sweeps and fits on Dask, each worker reusing one built network.

See :class:`~hnn_netpyne.batch.batch_simulate.BatchSimulate` and
:class:`~hnn_netpyne.batch.optimize.Optimizer`; the network reuse is in
:mod:`hnn_netpyne.batch.worker`.
"""
