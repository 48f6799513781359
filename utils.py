"""hnn-core's ``hnn_core.utils`` (a face on :mod:`hnn_netpyne.analysis.dipole`)."""

from hnn_netpyne.analysis.dipole import smooth_waveform

__all__ = ["smooth_waveform"]
