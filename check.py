"""hnn-core's ``hnn_core.check``: argument checks (a face on :mod:`hnn_netpyne.checks`)."""

from hnn_netpyne.checks import check_option, check_range, validate_type

__all__ = ["check_option", "check_range", "validate_type"]
