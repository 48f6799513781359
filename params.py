"""hnn-core's ``hnn_core.params``: parameter files (a face on
:mod:`hnn_netpyne.param_values` and :mod:`hnn_netpyne.param_conversion`)."""

from hnn_netpyne.param_conversion import convert_to_json, remove_nulled_drives
from hnn_netpyne.param_values import PARAM_DIR, Params, read_params

__all__ = ["PARAM_DIR", "Params", "convert_to_json", "read_params", "remove_nulled_drives"]
