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

# The network this process holds between tasks (one NetPyNE ``sim`` per process).
_HELD = None


def _cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- adapter onto the runtime (one place to switch to its build/run split) ----


def _build(cfg, net_params):
    """Build the network with its recordings; returns (sim, time vector)."""
    from neuron import h

    from hnn_netpyne.runtime.run import balance_threads, build_network, record_dipoles_in_point_processes

    sim = build_network(cfg, net_params)
    sim.net.addStims()
    sim.setupRecording()
    n_threads = int(cfg.get("nThreads", 1))
    if cfg.get("coreneuron") or n_threads > 1:
        record_dipoles_in_point_processes(sim)
    sim.pc.nthread(n_threads)
    if n_threads > 1:
        balance_threads(sim, n_threads)
    return sim, h.Vector().record(h._ref_t)


def _run_trials(sim, cfg, net_params, time_vector):
    """Simulate every trial of the built network; the result of ``run_network``."""
    from hnn_netpyne.errors import SimulationError
    from hnn_netpyne.runtime import run

    tstop, dt = float(cfg["duration"]), float(cfg["dt"])
    n_samples = int(round(tstop / dt)) + 1
    ranges = run.gid_ranges(net_params)
    result = {"times": None, "dipoles": [], "spikes": [], "gid_ranges": ranges}
    for trial in range(int(cfg.get("nTrials", 1))):
        if trial > 0:
            run._set_drive_times(sim, run.trial_drive_events(dict(cfg, trial=trial), trial),
                                 ranges)
        sim.simData["spkt"].resize(0)
        sim.simData["spkid"].resize(0)
        run._solve(sim, tstop, dt, lambda t_ms: None)
        if time_vector.size() != n_samples:
            raise SimulationError(f"recorded {int(time_vector.size())} time samples, "
                                  f"expected {n_samples}")
        result["times"] = time_vector.as_numpy().copy()
        result["dipoles"].append(run._layer_dipoles(sim, n_samples))
        result["spikes"].append(run._gather_spikes(sim))
    return result


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
        self._time_vector = None
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
        self.sim, self._time_vector = _build(cfg, net_params)
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
        result = _run_trials(self.sim, cfg, net_params, self._time_vector)
        if int(cfg.get("nTrials", 1)) > 1:
            # The drive cells now play the last trial's events, not trial 0's.
            self._values = {k: (None if k[0] == "spikes" else v) for k, v in self._values.items()}
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
