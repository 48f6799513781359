"""hnn-core's ``hnn_core.drives``: the external drives (a face on
:mod:`hnn_netpyne.model.drives`; drives are added with ``Network.add_*_drive``)."""

from hnn_netpyne.model.drives import *  # noqa: F401,F403
from hnn_netpyne.model.drives import __all__  # noqa: F401
