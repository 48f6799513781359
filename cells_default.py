"""hnn-core's ``hnn_core.cells_default``: the model's cells (a face on
:mod:`hnn_netpyne.cell_models`)."""

from hnn_netpyne.cell_models import basket, pyramidal, pyramidal_ca

__all__ = ["basket", "pyramidal", "pyramidal_ca"]
