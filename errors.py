"""Exceptions raised by hnn-netpyne.

Every error a user can cause derives from :class:`HNNNetpyneError`, so a
caller can catch the package's own failures without catching NEURON's.
"""


class HNNNetpyneError(Exception):
    """Base class of every error hnn-netpyne raises on purpose."""


class ParameterError(HNNNetpyneError, ValueError):
    """A parameter file, key or value that cannot be used.

    Parameters
    ----------
    message : str
        What is wrong and what was expected.
    source : str | None
        The file the value came from, or a description such as
        ``'<in memory>'``.
    key : str | None
        The parameter name.
    value : object
        The offending value (shown with ``repr``).
    """

    def __init__(self, message, source=None, key=None, value=None):
        self.source = source
        self.key = key
        self.value = value
        where = []
        if source is not None:
            where.append(f"file {source}")
        if key is not None:
            where.append(f"key {key!r}")
            where.append(f"value {value!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class SimulationError(HNNNetpyneError, RuntimeError):
    """A run that could not start or finish (mechanisms, MPI, outputs)."""


class ExportError(HNNNetpyneError):
    """An export folder, or a model that an export format cannot represent."""


class OutputError(HNNNetpyneError):
    """An output folder or file that cannot be used."""
