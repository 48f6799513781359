"""hnn-core's ``hnn_core.drives``: the external drives' definitions (a face on
:mod:`hnn_netpyne.model.drives`; a network gets them with ``Network.add_*_drive``)."""

from hnn_netpyne.model.drives import (
    bursty_drive,
    evoked_drive,
    poisson_drive,
    spike_train_drive,
    tonic_bias,
)

__all__ = ["bursty_drive", "evoked_drive", "poisson_drive", "spike_train_drive", "tonic_bias"]
