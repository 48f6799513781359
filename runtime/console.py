"""What a run prints: one summary from rank 0, not NetPyNE's or NEURON's chatter.

NetPyNE prints, on every rank, counts that contradict HNN's (``Cells: 280``
counts the drive cells, ``Connections: 55215`` counts cell pairs, not
NetCons), the hidden staging folder it saves into, and lines of several
ranks that run into each other. :func:`netpyne_messages_filtered` keeps
only its warnings and errors while it works; the run's own summary
(:func:`hnn_netpyne.runtime.job.network_summary`) says the rest.

NEURON, imported without a ``DISPLAY``, prints "Warning: no DISPLAY
environment variable" on every command; :func:`quiet_neuron_without_display`
(called when the package is imported, before NEURON is) asks it for no
graphics then, which it reads from ``NEURON_MODULE_OPTIONS``.
"""

import contextlib
import io
import os
import sys

NEURON_OPTIONS_ENV = "NEURON_MODULE_OPTIONS"
NO_GRAPHICS_OPTION = "-nogui"
KEPT_WORDS = ("warning", "error")
"""A NetPyNE line that holds one of these (any case) is shown."""


def quiet_neuron_without_display(env=None):
    """Add ``-nogui`` to the NEURON options of ``env`` (os.environ) when it has no ``DISPLAY``."""
    env = os.environ if env is None else env
    if env.get("DISPLAY"):
        return
    options = env.get(NEURON_OPTIONS_ENV, "")
    if NO_GRAPHICS_OPTION not in options.split():
        env[NEURON_OPTIONS_ENV] = f"{options} {NO_GRAPHICS_OPTION}".strip()


class _KeptLines(io.TextIOBase):
    """A text stream that passes on only the lines holding ``KEPT_WORDS``, with a rank prefix."""

    def __init__(self, target, prefix):
        super().__init__()
        self._target, self._prefix, self._pending = target, prefix, ""

    def writable(self):
        return True

    def write(self, text):
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        for line in lines:
            self._keep(line)
        return len(text)

    def _keep(self, line):
        if any(word in line.lower() for word in KEPT_WORDS):
            self._target.write(f"{self._prefix}{line.strip()}\n")
            self._target.flush()

    def close_pending(self):
        if self._pending:
            self._keep(self._pending)
        self._pending = ""


@contextlib.contextmanager
def netpyne_messages_filtered(rank, n_ranks):
    """Within the block, drop what NetPyNE prints but its warnings and errors.

    Those are shown on ``sys.stdout`` as they come, marked ``[rank N]`` when
    the run has several ranks.
    """
    target = sys.stdout
    kept = _KeptLines(target, f"[rank {rank}] " if n_ranks > 1 else "")
    try:
        with contextlib.redirect_stdout(kept):
            yield
    finally:
        kept.close_pending()
