"""Run an HNN network in NetPyNE, on one process or many MPI ranks.

``run_network`` takes the two specification dictionaries and does, in turn:
:func:`build_network` (NetPyNE creates and distributes the cells, the
connections and the stimuli), :func:`setup_recording` and
:func:`run_trials`, which simulates every trial with the drive events the
specs give for it (:func:`hnn_netpyne.model.drives.drive_events`: hnn-core's
seeds, redrawn each trial) and returns on rank 0 the raw layer dipoles
(fAm), the spikes and the drive events of each trial. Other ranks return
None. Nothing here reads a parameter file: the specs are the whole model.
"""

import math
import os
import time

import numpy as np

from hnn_netpyne.analysis.dipole import Dipole, average_dipoles
from hnn_netpyne.cells.registry import dipole_populations
from hnn_netpyne.errors import OutputError, SimulationError
from hnn_netpyne.model.drives import drive_events
from hnn_netpyne.model.gids import gid_ranges
from hnn_netpyne.model.solver import check_time_step, usable_threads
from hnn_netpyne.model.spec_safety import check_specs
from hnn_netpyne.runtime.connect import connect_cells
from hnn_netpyne.runtime.console import netpyne_messages_filtered
from hnn_netpyne.runtime.geometry import set_rule_lengths
from hnn_netpyne.runtime.conns import CellConns, netcons_of
from hnn_netpyne.runtime.mechanisms import load_mechanisms
from hnn_netpyne.runtime.recording import (gather_recordings, record_point_process,
                                            setup_recordings)
from hnn_netpyne.runtime.trials import (
    gather_trials,
    launch_rank_and_size,
    launched_size,
    rank_trials,
    trials_world,
)


# NEURON returns to Python this often (ms of model time), so signals and
# progress are handled promptly even in long runs.
CHECK_INTERVAL_MS = 25.0
# Every psolve call copies the whole model into CoreNEURON and back (about
# 0.3 s and 10 MB of heap for the 10x10 column), so its chunks are longer.
CORENEURON_CHECK_INTERVAL_MS = 250.0
PROGRESS_WALL_S = 10.0


def _progress_reporter(sim, trial, n_trials, tstop, started, enabled):
    """Interval function: print every 10 % of the trial or every 10 s of wall time.

    Only the launch's rank 0 prints (with whole trials per rank, each rank's
    NEURON is a rank 0 of its own): the other ranks' lines would interleave.
    """
    last = {"t": 0.0, "wall": started}
    enabled = enabled and launch_rank_and_size()[0] == 0

    def report(t_ms):
        now = time.time()
        due = (t_ms - last["t"] >= tstop / 10.0 - 1e-9 or now - last["wall"] >= PROGRESS_WALL_S
               or t_ms >= tstop - 1e-9)
        if enabled and due:
            print(f"  trial {trial + 1}/{n_trials}: {t_ms:7.1f} / {tstop:.1f} ms simulated, "
                  f"{now - started:6.1f} s", flush=True)
            last["t"], last["wall"] = t_ms, now
    return report


def _solve(sim, tstop, dt, report):
    """Initialise (NetPyNE's preRun and finitialize) and integrate to ``tstop`` in chunks.

    NetPyNE's own interval loop tests ``round(t) < tstop`` and so stops early
    or fails for run lengths that are not whole milliseconds.
    """
    from neuron import h

    sim.pc.barrier()
    with netpyne_messages_filtered(sim.rank, sim.nhosts):
        sim.preRun()
    h.finitialize(float(sim.cfg.hParams["v_init"]))
    if sim.cfg.coreneuron:
        from neuron import coreneuron

        coreneuron.enable = True
        coreneuron.verbose = 0
        interval = CORENEURON_CHECK_INTERVAL_MS
    else:
        interval = max(min(tstop / 10.0, CHECK_INTERVAL_MS), dt)
    while h.t < tstop - dt / 2:
        before = h.t
        sim.pc.psolve(min(tstop, h.t + interval))
        if h.t <= before:  # a step NEURON cannot take would repeat forever
            raise SimulationError(f"the simulation stopped at {h.t:g} ms of {tstop:g} ms "
                                  f"(dt {dt:g} ms); tstop must be a whole number of steps")
        report(h.t)
    sim.pc.barrier()


def balance_threads(sim, n_threads):
    """Share each population's cells on this rank round-robin among the threads.

    NEURON's default gives each thread a contiguous block of cells: with two
    threads one gets layer 2/3 and the other layer 5, which costs 2.9 times
    as much to integrate.
    """
    from neuron import h

    roots = [h.SectionList() for _ in range(n_threads)]
    next_thread = {}
    for cell in sim.net.cells:
        secs = getattr(cell, "secs", None)
        if not isinstance(secs, dict) or "soma" not in secs:
            continue
        pop = cell.tags["pop"]
        thread = next_thread.get(pop, 0)
        next_thread[pop] = (thread + 1) % n_threads
        roots[thread].append(sec=secs["soma"]["hObj"])
    for thread, sections in enumerate(roots):
        sim.pc.partition(thread, sections)


def _set_drive_times(sim, events, ranges):
    """Give the VecStim drive cells on this rank their spike times (ms) of a trial."""
    for cell in sim.net.cells:
        pop = cell.tags["pop"]
        if pop in events:
            times = events[pop][cell.gid - ranges[pop][0]]
            cell.params["spkTimes"] = times  # what NetPyNE saves for this cell
            cell.hSpkTimes.from_python(times)
            cell.hPointp.play(cell.hSpkTimes)


def _layer_dipoles(sim, n_samples):
    """Sum this rank's cell dipoles per layer and reduce them onto rank 0 (fAm)."""
    from neuron import h

    sums = {}
    for layer, pops in dipole_populations().items():
        total = h.Vector(n_samples)
        for cell in sim.net.cells:
            if cell.tags["pop"] in pops and hasattr(cell, "dipole"):
                rec = cell.dipole["hRec"]
                if rec.size() != n_samples:
                    raise SimulationError(
                        f"cell {cell.gid} recorded {int(rec.size())} dipole samples, "
                        f"expected {n_samples}"
                    )
                total.add(rec)
        sim.pc.allreduce(total, 1)
        sums[layer] = np.array(total)
    return sums


def _gather_spikes(sim):
    local = (np.array(sim.simData["spkt"]), np.array(sim.simData["spkid"]))
    gathered = sim.pc.py_gather(local, 0)
    if sim.rank != 0:
        return None
    times = np.concatenate([g[0] for g in gathered])
    gids = np.concatenate([g[1] for g in gathered]).astype(int)
    # hnn-core's order in one process: by time, then (a tie) by gid
    order = np.lexsort((gids, times))
    return times[order], gids[order]


def prepare_mechanisms(cfg):
    """Compile (cached) and load the model's mechanisms for a run of ``cfg``.

    ``cfg`` is a simConfig dict or object; with ``coreneuron`` set the
    CoreNEURON library is built too and pointed at by ``CORENEURONLIB``.
    """
    coreneuron = bool(cfg.get("coreneuron") if isinstance(cfg, dict)
                      else getattr(cfg, "coreneuron", False))
    build_dir = load_mechanisms(coreneuron=coreneuron)
    if coreneuron and build_dir is not None:
        # CoreNEURON loads the model's mechanisms from this library.
        os.environ["CORENEURONLIB"] = str(build_dir / "x86_64" / "libcorenrnmech.so")


def build_network(cfg, net_params):
    """Load the mechanisms, then create the cells, connections and stimuli in NetPyNE.

    Sections get their rules' exact lengths (:func:`set_rule_lengths`).

    Connections are made by :func:`hnn_netpyne.runtime.connect.connect_cells`
    unless the cfg field ``fastConnect`` is False (then by NetPyNE's
    ``connectCells``); either way every cell's ``conns`` lists them.

    Returns
    -------
    sim : module
        ``netpyne.sim``, holding the network.
    """
    from netpyne import sim, specs

    # The last gate before NetPyNE runs what the specs say; the entry routes
    # checked the paths (this cfg's saveFolder is the run's own staging folder).
    check_specs(cfg, net_params, "specs to build", paths=False)
    prepare_mechanisms(cfg)
    sim.initialize(netParams=specs.NetParams(net_params), simConfig=specs.SimConfig(dict(cfg)))
    sim.net.createPops()
    sim.net.createCells()
    set_rule_lengths(sim)
    if cfg.get("fastConnect", True):
        connect_cells(sim, net_params)
    else:
        sim.net.connectCells()
    sim.net.addStims()
    return sim


def setup_recording(sim, cfg, net_params):
    """Set up NetPyNE's recorders, ours and NEURON's time vector; share the cells among threads.

    Under threads or CoreNEURON the dipoles are recorded from point
    processes (:func:`record_dipoles_in_point_processes`). The section
    recordings and electrode arrays the cfg asks for
    (:func:`hnn_netpyne.runtime.recording.setup_recordings`) go into
    ``sim.net.hnnRecorders``, once the threads are set. NEURON's own ``t``
    is recorded as hnn-core records it, into ``sim.net.hnnTimeVector``.
    Threads per rank: the cfg's ``nThreads``, or if None the free cores per
    rank, and one when ``dt`` is too long for threads
    (:func:`hnn_netpyne.model.solver.usable_threads`).
    """
    from neuron import h

    sim.setupRecording()
    # The ranks of the whole launch share this machine's cores (with trials
    # over ranks each rank is a world of its own).
    dt = float(cfg["dt"])
    if sim.nhosts > 1:  # the shortest delay between ranks (NEURON's, all ranks)
        check_time_step(dt, sim.pc.allreduce(sim.pc.set_maxstep(10), 2), across_ranks=True)
    n_threads = usable_threads(cfg.get("nThreads"), launched_size(), dt, lambda: min(
        (nc.delay for nc in network_netcons(sim)), default=math.inf))
    sim.cfg.nThreads = n_threads
    if cfg.get("coreneuron") or n_threads > 1:
        record_dipoles_in_point_processes(sim)
    sim.pc.nthread(n_threads)
    if n_threads > 1:
        balance_threads(sim, n_threads)
    sim.net.hnnRecorders = setup_recordings(sim, dict(cfg, nThreads=n_threads), net_params)
    sim.net.hnnTimeVector = h.Vector().record(h._ref_t)


def record_dipoles_in_point_processes(sim):
    """Point each pyramidal cell's dipole sum at a DipoleTotal and record that.

    NetPyNE's recordDipolesHNN sums into an element of a hoc Vector, which
    CoreNEURON and NEURON's threads cannot carry; a variable of a point
    process on the cell can, with the same values.
    """
    from neuron import h

    pops = {pop for layer in dipole_populations().values() for pop in layer}
    for cell in sim.net.cells:
        if isinstance(getattr(cell, "dipole", None), dict):
            # NetPyNE records a Vector element on every compartmental cell;
            # CoreNEURON would ignore that recorder with a warning per transfer.
            cell.dipole["hRec"].play_remove()
        if cell.tags["pop"] not in pops:
            continue
        total = h.DipoleTotal(cell.secs["soma"]["hObj"](0.5))
        for sec in cell.secs.values():
            if "hDipole_pp" not in sec:
                continue
            for seg in sec["hObj"]:
                h.setpointer(total._ref_Qtotal, "Qtotal", seg.dipole)
            h.setpointer(total._ref_Qtotal, "Qtotal", sec["hDipole_pp"])
        # "h" keys: NetPyNE leaves them out when it pickles cells to gather them.
        cell.dipole.update(hTotal=total, hRec=record_point_process(total, "Qtotal"))


def network_netcons(sim):
    """Every synaptic NetCon on this rank, read from the cells' conns (either connector)."""
    return netcons_of(sim.net.cells)


def _run_trial(sim, cfg, trial, progress):
    """Integrate one trial; its raw layer dipoles (fAm), spikes and recordings (rank 0: gathered)."""
    tstop, dt = float(cfg["duration"]), float(cfg["dt"])
    n_samples = int(round(tstop / dt)) + 1
    sim.simData["spkt"].resize(0)
    sim.simData["spkid"].resize(0)
    started = time.time()
    report = _progress_reporter(sim, trial, int(cfg.get("nTrials", 1)), tstop, started, progress)
    _solve(sim, tstop, dt, report)
    solved = time.time()
    time_vector = sim.net.hnnTimeVector
    if time_vector.size() != n_samples:
        raise SimulationError(
            f"recorded {int(time_vector.size())} time samples, expected {n_samples}"
        )
    dipoles = _layer_dipoles(sim, n_samples)
    spikes = _gather_spikes(sim)
    recordings = gather_recordings(sim, sim.net.hnnRecorders, n_samples)
    return dipoles, spikes, recordings, solved - started, time.time() - solved


def run_trials(sim, cfg, net_params, progress=True, trials=None):
    """Simulate every trial of a network built and recorded from ``net_params``.

    Each trial's drive events are :func:`hnn_netpyne.model.drives.drive_events`
    of ``net_params``, so an edit of a drive in the specs holds in every trial.

    Parameters
    ----------
    sim : module
        ``netpyne.sim`` after :func:`build_network` and :func:`setup_recording`.
    cfg : dict
        simConfig dictionary (``duration``, ``dt`` in ms; ``nTrials``).
    net_params : dict
        The netParams dictionary the network was built from.
    progress : bool
        Print progress on rank 0 every 10 % of each trial.
    trials : list of int | None
        The trials (from 0) to simulate, in order; None: every trial of the cfg.

    Returns
    -------
    result : dict | None
        On rank 0: ``trials`` (their numbers), ``times`` (ms), ``dipoles`` (one {'L2', 'L5'} dict of raw
        fAm arrays per trial), ``spikes`` (one (times, gids) per trial),
        ``drive_events`` (per trial), ``recordings`` (per trial, see
        :func:`hnn_netpyne.runtime.recording.gather_recordings`),
        ``gid_ranges``, ``timings`` (s: ``solve``, ``gather``). None on other ranks.
    """
    ranges = gid_ranges(net_params)
    trials = list(range(int(cfg.get("nTrials", 1))) if trials is None else trials)
    result = {"trials": trials, "times": None, "dipoles": [], "spikes": [], "drive_events": [],
              "recordings": [], "gid_ranges": ranges, "timings": {"solve": 0.0, "gather": 0.0}}
    for trial in trials:
        events = drive_events(net_params, trial)
        _set_drive_times(sim, events, ranges)
        dipoles, spikes, recordings, solve_s, gather_s = _run_trial(sim, cfg, trial, progress)
        result["timings"]["solve"] += solve_s
        result["timings"]["gather"] += gather_s
        result["times"] = np.array(sim.net.hnnTimeVector)
        result["dipoles"].append(dipoles)
        result["spikes"].append(spikes)
        result["drive_events"].append(events)
        result["recordings"].append(recordings)
    return result if sim.rank == 0 else None


def n_pyramidal_per_layer(net_params):
    """Number of L5 pyramidal cells (= per layer) in the netParams."""
    return len(net_params["popParams"][dipole_populations()["L5"][0]]["cellsList"])


def trial_dipoles(result, net_params):
    """Renormalised nAm :class:`~hnn_netpyne.analysis.dipole.Dipole` of each trial."""
    n_pyr = n_pyramidal_per_layer(net_params)
    return [Dipole.from_raw(result["times"], d["L2"], d["L5"], n_pyr) for d in result["dipoles"]]


def netpyne_dipole_sum(cfg, net_params, result):
    """The HNN dipole as NetPyNE's ``plotDipole`` reads it (``simData['dipoleSum']``).

    That is the trial average, smoothed (unless the run is shorter than the
    window) and scaled as HNN shows it, along z (the cells' axis), in
    NetPyNE's unit nA µm (1 nAm = 1e6 nA µm): an array of (samples, 3).
    NetPyNE sums ``dipoleSum`` over ranks as it gathers: rank 0 gives it,
    others (``result`` None) zeros.
    """
    duration, dt = float(cfg["duration"]), float(cfg["dt"])
    n_samples = int(round(duration / dt)) + 1
    moment = np.zeros((n_samples, 3))
    if result is not None:
        window = float(cfg.get("dipoleSmoothWindowMs", 0.0))
        dipole = average_dipoles(trial_dipoles(result, net_params)).postprocess(
            window if round(window / dt) <= n_samples else 0.0,
            float(cfg.get("dipoleScaleFactor", 0.0)))
        moment[:, 2] = dipole.data["agg"] * 1e6
    return moment


def _save_netpyne_data(sim):
    """Gather every cell and save NetPyNE's data file (``cfg.saveFolder``/``simLabel``).

    With ``'net'`` in ``cfg.saveDataInclude`` the file holds the network too;
    without, it holds the cells' tags (population, position) and no sections
    or connections, which is what ``sim.loadAll`` and NetPyNE's raster and
    network plots need.

    Raises
    ------
    OutputError
        If the file cannot be written (a full disk: one line, not NetPyNE's traceback).
    """
    sim.cfg.gatherOnlySimData = False
    with netpyne_messages_filtered(sim.rank, sim.nhosts):
        sim.gatherData()
    if sim.rank != 0:
        return
    whole = "net" in sim.cfg.saveDataInclude
    for cell in sim.net.allCells:
        if not whole:
            cell["secs"], cell["conns"] = {}, []
        elif isinstance(cell["conns"], CellConns):
            cell["conns"] = cell["conns"].to_list()  # JSON takes plain lists
    sim.cfg.saveDataInclude = list(sim.cfg.saveDataInclude) + ([] if whole else ["net"])
    try:
        with netpyne_messages_filtered(sim.rank, sim.nhosts):
            sim.saveData()
    except OSError as err:
        raise OutputError(f"cannot save NetPyNE's data file: {err.strerror}") from None


def run_network(cfg, net_params, progress=True, save_netpyne_data=False):
    """Create the network in NetPyNE and simulate every trial.

    Parameters
    ----------
    cfg : dict
        simConfig dictionary (see :func:`hnn_netpyne.model.specs.build_sim_config`).
    net_params : dict
        netParams dictionary (see :func:`hnn_netpyne.model.specs.build_net_params`).
    progress : bool
        Print progress on rank 0 every 10 % of each trial (every 250 ms of
        model time under CoreNEURON, which runs each chunk in one call).
    save_netpyne_data : bool
        After the last trial, gather and save NetPyNE's own data file into
        ``cfg['saveFolder']``.

    Returns
    -------
    result : dict | None
        As :func:`run_trials`, with ``timings['build']`` (s) too; None on
        other ranks than 0. Under an MPI launch whose NEURON runs without MPI,
        each rank simulates whole trials (:mod:`hnn_netpyne.runtime.trials`)
        and rank 0 returns them all.
    """
    started = time.time()
    world = trials_world()
    with netpyne_messages_filtered(*launch_rank_and_size()):
        sim = build_network(cfg, net_params)
        setup_recording(sim, cfg, net_params)
    build_s = time.time() - started
    n_trials = int(cfg.get("nTrials", 1))
    trials = None if world is None else rank_trials(n_trials, world.rank, world.size)
    result = run_trials(sim, cfg, net_params, progress, trials)
    if result is not None:
        result["timings"]["build"] = build_s
    if world is not None:
        result = gather_trials(world, result, n_trials)
    # With whole trials per rank, every rank holds the whole network: rank 0 saves.
    if save_netpyne_data and (world is None or world.rank == 0):
        sim.simData["dipoleSum"] = netpyne_dipole_sum(cfg, net_params, result)
        _save_netpyne_data(sim)
    sim.pc.barrier()
    return result
