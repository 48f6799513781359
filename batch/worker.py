"""One built network per process, reused for every parameter set it can take.

A :class:`HeldNetwork` builds the NetPyNE network of the first specs it is
given. For each next pair of specs it compares structures
(:func:`hnn_netpyne.batch.inplace.structure_key`): equal structures get
their new weights, delays, kinetics, densities, clamp amplitudes and drive
events set on the NEURON objects; anything else clears NetPyNE's network and
builds the new one. Either way the trials are then simulated from scratch
(``finitialize``), so each result equals a separate run of the same specs.

:func:`simulate_specs` is the task a Dask worker runs: the process keeps
its :class:`HeldNetwork` between tasks in a module-level variable.
"""

import gc
import resource
import time

from hnn_netpyne.batch.inplace import apply_values, netcon_offsets, settable_values, structure_key
from hnn_netpyne.runtime.run import build_network, run_trials, setup_recording

# The network this process holds between tasks (one NetPyNE ``sim`` per process).
_HELD = None


def _cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _build(cfg, net_params):
    """Build the network of the specs and set up its recordings."""
    sim = build_network(cfg, net_params)
    setup_recording(sim, cfg)
    return sim


def _clear(sim):
    """Drop NetPyNE's network and every NEURON object it made."""
    import matplotlib.pyplot  # noqa: F401 -- NetPyNE's clearAll closes its figures

    sim.net.fastNetCons = []
    sim.clearAll()
    gc.collect()


# -----------------------------------------------------------------------------


class HeldNetwork:
    """A built network and the specs it was built from (and last set to)."""

    def __init__(self):
        self.sim = None
        self._key = None
        self._values = None
        self._offsets = None
        self.n_builds = 0

    def prepare(self, cfg, net_params):
        """Make the held network equal to ``net_params``; True if it was (re)built."""
        key = structure_key(cfg, net_params)
        values = settable_values(net_params)
        if self.sim is not None and key == self._key:
            apply_values(self.sim, net_params, self._values, values, self._offsets)
            self._values = values
            return False
        if self.sim is not None:
            _clear(self.sim)
            self.sim = None
        self.sim = _build(cfg, net_params)
        self._offsets = netcon_offsets(self.sim, net_params)
        self._key, self._values = key, values
        self.n_builds += 1
        return True

    def simulate(self, cfg, net_params):
        """Simulate every trial of these specs.

        Returns
        -------
        result : dict
            ``times`` (ms), ``dipoles`` (raw fAm {'L2', 'L5'} per trial),
            ``spikes`` ((times, gids) per trial), ``gid_ranges``, and
            ``rebuilt`` (bool), ``cpu_s`` and ``wall_s`` of this process.
        """
        cpu, wall = _cpu_seconds(), time.time()
        try:
            rebuilt = self.prepare(cfg, net_params)
        except BaseException:
            self._key = None  # half-set values: never reuse this network
            raise
        result = run_trials(self.sim, cfg, net_params, progress=False)
        result.update(rebuilt=rebuilt, cpu_s=_cpu_seconds() - cpu, wall_s=time.time() - wall)
        return result


def held_network():
    """This process's :class:`HeldNetwork` (made on first use)."""
    global _HELD
    if _HELD is None:
        _HELD = HeldNetwork()
    return _HELD


def simulate_specs(cfg, net_params):
    """Simulate specs on this process's held network (see :meth:`HeldNetwork.simulate`)."""
    return held_network().simulate(cfg, net_params)
