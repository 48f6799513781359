"""Parameter sweeps and fits on Dask, each worker reusing one built network.

:class:`BatchSimulate` and :class:`Optimizer` keep hnn-core 0.6.1's
interfaces; :mod:`hnn_netpyne.batch.worker` holds the network of each
worker process, :mod:`hnn_netpyne.batch.store` the sweep's HDF5 store and
:mod:`hnn_netpyne.batch.grid` the grids, tables and samples.
"""

from hnn_netpyne.batch.batch_simulate import BatchSimulate
from hnn_netpyne.batch.grid import grid_points, random_points, sobol_points, table_points
from hnn_netpyne.batch.optimize import Optimizer
from hnn_netpyne.batch.store import read_point, read_table

__all__ = ["BatchSimulate", "Optimizer", "grid_points", "random_points", "read_point", "read_table",
           "sobol_points", "table_points"]
