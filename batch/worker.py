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

from hnn_netpyne.batch.inplace import apply_values, settable_values, structure_key
from hnn_netpyne.cells.registry import cell_type_names
from hnn_netpyne.runtime.run import build_network, run_trials, setup_recording

# The network this process holds between tasks (one NetPyNE ``sim`` per process).
_HELD = None


def _cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _build(cfg, net_params):
    """Build the network of the specs and set up its recordings."""
    sim = build_network(cfg, net_params)
    setup_recording(sim, cfg, net_params)
    return sim


def _clear(sim):
    """Drop NetPyNE's network and every NEURON object it made."""
    import matplotlib.pyplot  # noqa: F401 -- NetPyNE's clearAll closes its figures

    sim.clearAll()
    gc.collect()


class HeldNetwork:
    """A built network and the specs it was built from (and last set to)."""

    def __init__(self):
        self.sim = None
        self._key = None
        self._values = None

    def prepare(self, cfg, net_params):
        """Make the held network equal to ``net_params``; True if it was (re)built."""
        key = structure_key(cfg, net_params)
        values = settable_values(net_params)
        if self.sim is not None and key == self._key:
            apply_values(self.sim, net_params, self._values, values)
            self._values = values
            return False
        if self.sim is not None:
            _clear(self.sim)
            self.sim = None
        self.sim = _build(cfg, net_params)
        self._key, self._values = key, values
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


def point_outputs(result, net_params, postproc=None):
    """Dipoles (nAm), spikes and summary statistics of one point's result.

    Parameters
    ----------
    result : dict
        :meth:`HeldNetwork.simulate`'s result.
    net_params : dict
        The point's netParams.
    postproc : (float, float) | None
        Smoothing window (ms) and scale factor to apply to every dipole.

    Returns
    -------
    outputs : dict
        ``times`` (ms), ``dpl`` (n_trials x 3 x n_times: agg, L2, L5),
        ``spike_times`` (ms), ``spike_gids``, ``spike_trials``, and the
        section recordings and electrode potentials the specs asked for, as
        the flat arrays of a run folder's ``results.npz``
        (:func:`hnn_netpyne.analysis.recordings.recordings_to_arrays`).
    summary : dict
        Trial-averaged aggregate dipole peak (max |agg|), minimum, maximum
        and peak time; spikes per trial of each cell population; whether
        the network was rebuilt; CPU and wall seconds of the point.
    """
    import numpy as np

    from hnn_netpyne.analysis.recordings import recordings_to_arrays
    from hnn_netpyne.runtime.job import trial_dipoles

    dipoles = trial_dipoles(result, net_params)
    if postproc is not None:
        for dpl in dipoles:
            dpl.postprocess(*postproc)
    dpl = np.array([[d.data[layer] for layer in d.LAYERS] for d in dipoles])
    spikes = result["spikes"]
    outputs = {
        "times": np.asarray(result["times"], dtype=float),
        "dpl": dpl,
        "spike_times": np.concatenate([s[0] for s in spikes]),
        "spike_gids": np.concatenate([s[1] for s in spikes]).astype(np.int64),
        "spike_trials": np.concatenate([np.full(len(s[0]), k, dtype=np.int64)
                                        for k, s in enumerate(spikes)]),
        **recordings_to_arrays(result["recordings"]),
    }
    mean_agg = dpl[:, 0].mean(axis=0)
    peak = int(np.argmax(np.abs(mean_agg)))
    summary = {"dpl_peak_nAm": float(abs(mean_agg[peak])),
               "dpl_peak_time_ms": float(outputs["times"][peak]),
               "dpl_min_nAm": float(mean_agg.min()), "dpl_max_nAm": float(mean_agg.max())}
    for pop in cell_type_names():
        first, stop = result["gid_ranges"][pop]
        in_pop = (outputs["spike_gids"] >= first) & (outputs["spike_gids"] < stop)
        summary[f"spikes_{pop}"] = float(np.count_nonzero(in_pop)) / len(spikes)
    summary.update(rebuilt=float(result["rebuilt"]), cpu_s=result["cpu_s"],
                   wall_s=result["wall_s"])
    return outputs, summary


def run_point(net, set_params, params, settings):
    """Task of one sweep point: set the parameters, build the specs, simulate.

    Parameters
    ----------
    net : hnn_netpyne.api.Network
        The sweep's base network (a copy is changed).
    set_params : callable
        ``set_params(params, net)``, as in hnn-core's BatchSimulate.
    params : dict
        The point's parameter values.
    settings : dict
        ``tstop``, ``dt`` (ms), ``n_trials``, ``coreneuron``, ``n_threads``,
        ``record_vsec``, ``record_isec`` (False, 'soma' or 'all') and
        ``postproc`` (bool).

    Returns
    -------
    record : dict
        ``status`` ('done' or 'failed'), ``error`` (one line), ``net`` (the
        changed copy), ``outputs`` and ``summary`` (see :func:`point_outputs`).
    """
    import copy
    import os
    import traceback

    record = {"status": "failed", "error": "", "outputs": {}, "summary": {}, "net": None,
              "pid": os.getpid()}
    try:
        point_net = copy.deepcopy(net)
        set_params(params, point_net)
        cfg, net_params = point_net.to_netpyne(
            tstop=settings["tstop"], dt=settings["dt"], n_trials=settings["n_trials"],
            coreneuron=settings["coreneuron"], n_threads=settings["n_threads"],
            record_vsec=settings["record_vsec"], record_isec=settings["record_isec"])
        result = held_network().simulate(cfg, net_params)
        postproc = ((cfg["dipoleSmoothWindowMs"], cfg["dipoleScaleFactor"])
                    if settings["postproc"] else None)
        record["outputs"], record["summary"] = point_outputs(result, net_params, postproc)
        record.update(status="done", net=point_net)
    except Exception as err:  # noqa: BLE001 -- a failing point is recorded, the sweep goes on
        last = traceback.extract_tb(err.__traceback__)[-1]
        record["error"] = (f"{type(err).__name__}: {err} "
                           f"({os.path.basename(last.filename)}:{last.lineno})")
    return record
