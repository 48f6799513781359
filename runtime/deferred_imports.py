"""Defer NetPyNE's plotting and batch sub-packages until they are first used.

``import netpyne`` loads ``netpyne.analysis``, ``netpyne.plotting`` and
``netpyne.batch``, which pull in bokeh's models and io, scipy.signal,
scipy.stats, pandas and matplotlib.pyplot: about 2.7 s and 100 MB per MPI
rank, none of it needed to build or run a network. With
:func:`defer_netpyne_extras` installed first, these three sub-packages are
bound as lazy modules (``importlib.util.LazyLoader``) and are executed in
full on their first attribute access, so ``sim.analysis.plotRaster`` and the
NetPyNE GUI work unchanged.
"""

import importlib.machinery
import importlib.util
import sys

DEFERRED_PACKAGES = frozenset({"netpyne.analysis", "netpyne.plotting", "netpyne.batch"})


class _DeferredFinder:
    """Meta-path finder that wraps the loaders of ``DEFERRED_PACKAGES`` in LazyLoader."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name not in DEFERRED_PACKAGES:
            return None
        if name == "netpyne.batch":
            # Loading netpyne.batch imports netpyne.sim before netpyne.cell,
            # the order in which their circular imports resolve; keep it.
            importlib.import_module("netpyne.sim")
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


def defer_netpyne_extras():
    """Install the deferring finder, unless NetPyNE is already imported.

    Returns
    -------
    installed : bool
        True if NetPyNE's extras will be loaded lazily in this process.
    """
    if "netpyne" in sys.modules:
        return False
    if not any(finder is _DeferredFinder for finder in sys.meta_path):
        sys.meta_path.insert(0, _DeferredFinder)
    return True
