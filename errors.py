"""Exceptions raised by hnn-netpyne.

Every error a user can cause derives from :class:`HNNNetpyneError`, so a
caller can catch the package's own failures without catching NEURON's.
"""


MAX_SHOWN_CHARS = 200


def shorten(text, limit=MAX_SHOWN_CHARS):
    """``text`` cut to ``limit`` characters (with "..." when cut), for messages."""
    return text if len(text) <= limit else text[:limit] + "..."


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
            where.append(f"key {shorten(repr(key))}")
            where.append(f"value {shorten(repr(value))}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class SimulationError(HNNNetpyneError, RuntimeError):
    """A run that could not start or finish (mechanisms, MPI, outputs)."""


class ExportError(HNNNetpyneError):
    """An export folder, or a model that an export format cannot represent."""


class OutputError(HNNNetpyneError):
    """An output folder or file that cannot be used."""
