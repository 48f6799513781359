"""Will a run fit in this machine's memory? An estimate, checked before building.

Memory is dominated by the NetCons (all-to-all rules: the square of the
cell count) and by the dipole samples kept for every trial. The constants
come from measured runs (``benchmarks/README.md``): the
10 x 10 column (191,025 NetCons) peaks at about 220 MB in one process, the
40 x 40 column (48.5 million NetCons) at about 32 GB over all ranks.

The estimate also counts the recorded traces (every pyramidal cell's
dipole and every recorded voltage, current and electrode, at every step of
every trial) and the drive events (spike times drawn for every trial).
Besides memory, a run may hold at most :data:`MAX_EVENTS` drive events
(all trials together): drawing and playing them costs time in Python far
beyond any HNN use before memory runs out.
"""

import os

from hnn_netpyne.errors import ParameterError

BASE_BYTES = 100e6
BYTES_PER_NETCON = 660.0
BYTES_PER_SAMPLE = 3 * 8.0  # time, L2 and L5 dipole, float64, per trial
BYTES_PER_TRACE_SAMPLE = 2 * 8.0  # a recorded float64, and its gathered copy
BYTES_PER_EVENT = 100.0  # a drive spike time in the specs, NEURON and the outputs
MAX_EVENTS = 100_000_000
"""Most drive events (spike times, all trials together) a run may draw."""
NETCONS_10X10 = 191_025
"""NetCons of HNN's 10 x 10 column; other grids scale with the square of the cells."""


def machine_memory_bytes():
    """Physical memory of this machine (bytes)."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def estimate_bytes(n_netcons, n_samples, n_trials, n_traces=0, n_events=0):
    """Estimated peak memory (bytes, all ranks together) of a run.

    Parameters
    ----------
    n_netcons, n_samples, n_trials : float
        NetCons, time samples per trial and trials.
    n_traces : float
        Recorded traces (pyramidal dipoles, voltages, currents, electrodes).
    n_events : float
        Drive events of all trials together.
    """
    samples = n_samples * n_trials
    return (BASE_BYTES + BYTES_PER_NETCON * n_netcons + BYTES_PER_SAMPLE * samples
            + BYTES_PER_TRACE_SAMPLE * n_traces * samples + BYTES_PER_EVENT * n_events)


def grid_netcons(n_pyr_x, n_pyr_y):
    """Estimated NetCons of an ``n_pyr_x`` x ``n_pyr_y`` HNN column."""
    return NETCONS_10X10 * (n_pyr_x * n_pyr_y / 100.0) ** 2


def spec_netcons(net_params):
    """Upper bound of the NetCons of ``net_params`` from population sizes alone."""
    sizes = {label: len(pop.get("cellsList") or []) or int(pop.get("numCells", 0))
             for label, pop in net_params["popParams"].items()}
    total = 0
    for rule in net_params.get("connParams", {}).values():
        if "connList" in rule:
            total += len(rule["connList"]) * int(rule.get("synsPerConn") or 1)
            continue
        pre, post = rule["preConds"].get("pop"), rule["postConds"].get("pop")
        cell_type = net_params["popParams"].get(post, {}).get("cellType")
        sec_lists = net_params.get("cellParams", {}).get(cell_type, {}).get("secLists", {})
        sec = rule.get("sec")
        n_secs = len(sec) if isinstance(sec, list) else len(sec_lists.get(sec, [sec]))
        total += sizes.get(pre, 0) * sizes.get(post, 0) * n_secs
    return total


def spec_events(net_params):
    """Drive events of one trial in ``net_params`` (the VecStim cells' spike times)."""
    return sum(len(cell.get("spkTimes") or []) for pop in net_params["popParams"].values()
               if pop.get("cellModel") == "VecStim" for cell in pop.get("cellsList") or [])


def spec_traces(cfg, net_params):
    """Recorded traces of a run: pyramidal dipoles, section recordings, traces, electrodes."""
    from hnn_netpyne.cells.registry import dipole_populations

    sizes, sections = {}, {}
    for label, pop in net_params["popParams"].items():
        if pop.get("cellModel") == "VecStim":
            continue
        sizes[label] = len(pop.get("cellsList") or []) or int(pop.get("numCells", 0))
        rule = net_params.get("cellParams", {}).get(pop.get("cellType"), {})
        sections[label] = sizes[label] * max(1, len(rule.get("secs", {})))
    cells, all_sections = sum(sizes.values()), sum(sections.values())
    traces = sum(sizes.get(pop, 0) for pops in dipole_populations().values() for pop in pops)
    if cfg.get("recordTraces"):
        traces += cells * len(cfg["recordTraces"])
    for key, per_section in (("recordVsec", 1), ("recordCa", 1), ("recordIsec", 4)):
        choice = cfg.get(key)
        traces += per_section * {"soma": cells, "all": all_sections}.get(choice, 0)
    traces += sum(len(array.get("positions") or []) for array in
                  cfg.get("extracellularArrays") or [])
    return traces


def check_events(n_events, key, value, source=None):
    """Refuse a run that would draw more than :data:`MAX_EVENTS` drive events."""
    if n_events > MAX_EVENTS:
        raise ParameterError(f"this run would draw about {n_events:.3g} drive events, more "
                             f"than the limit of {MAX_EVENTS:.3g}; use a shorter run, a lower "
                             "rate or fewer drive cells or trials", source, key, value)
    return n_events


def check_run(cfg, net_params):
    """Refuse, before anything is built, a run that cannot run or will not fit.

    Checks the time step of an explicit thread count against the network's
    shortest synaptic delay (:func:`hnn_netpyne.model.solver.check_time_step`;
    ranks are checked when they run), the drive events
    against :data:`MAX_EVENTS` and the memory estimate against this machine.

    Parameters
    ----------
    cfg : dict
        simConfig (``duration``, ``dt`` in ms, ``nTrials``, ``nThreads``, recordings).
    net_params : dict
        The run's netParams.

    Raises
    ------
    ParameterError
        Naming the key whose value does not fit.
    """
    from hnn_netpyne.model.connectivity import spec_min_delay_ms
    from hnn_netpyne.model.solver import check_time_step

    from hnn_netpyne.model.specs import check_sim_config

    cfg = check_sim_config(cfg)
    if cfg["duration"] is None:
        raise ParameterError("a run needs its duration (ms)", key="duration", value=None)
    check_time_step(cfg["dt"], spec_min_delay_ms(net_params), cfg["nThreads"] or 1)
    n_events = check_events(spec_events(net_params) * cfg["nTrials"], "nTrials", cfg["nTrials"])
    return check_run_memory(cfg, net_params, spec_netcons(net_params), n_events)


def check_run_memory(cfg, net_params, n_netcons, n_events):
    """:func:`check_memory` of a run, naming the simConfig key of its largest cost."""
    duration, dt = float(cfg["duration"]), float(cfg["dt"])
    n_trials = int(cfg.get("nTrials", 1))
    n_samples = duration / dt + 1
    n_traces = spec_traces(cfg, net_params)
    costs = {"meshShape": BYTES_PER_NETCON * n_netcons, "drives": BYTES_PER_EVENT * n_events,
             "duration": (BYTES_PER_SAMPLE + BYTES_PER_TRACE_SAMPLE * n_traces) * n_samples
             * n_trials}
    key = max(costs, key=costs.get)
    return check_memory(n_netcons, n_samples, n_trials, key=key, value=cfg.get(key),
                        n_traces=n_traces, n_events=n_events)


def check_drive_cost(cfg, partial_params, drives, pop_sizes, tstop):
    """Refuse drives whose events or NetCons will not fit, before they are drawn.

    Parameters
    ----------
    cfg : dict
        simConfig (``nTrials``, ``dt``, recordings).
    partial_params : dict
        ``cellParams``, the cells' ``popParams`` and the local ``connParams``.
    drives : list of dict
        Spike-source drive definitions.
    pop_sizes : dict
        Cells per population.
    tstop : float
        Run length (ms).
    """
    from hnn_netpyne.model.drives import MAX_DRIVE_CELLS, drive_netcons, expected_events

    n_trials = int(cfg.get("nTrials", 1))
    n_cells = sum(sum(pop_sizes[ct] for ct in set(d["weights_ampa"]) | set(d["weights_nmda"]))
                  if d["cell_specific"] else d["n_drive_cells"] for d in drives)
    if n_cells > MAX_DRIVE_CELLS:
        raise ParameterError(f"the {len(drives)} drives have {n_cells} drive cells, more than "
                             f"the limit of {MAX_DRIVE_CELLS}; use fewer drives or a smaller "
                             "grid", key="drives", value=[d["name"] for d in drives][:3])
    n_events = n_netcons = 0.0
    for drive in drives:
        events = expected_events(drive, pop_sizes, tstop) * n_trials
        field = {"poisson": "rate_constant", "bursty": "burst_rate", "evoked": "numspikes",
                 "spike_train": "spike_times"}[drive["type"]]
        value = drive["dynamics"].get(field, "...")
        check_events(events, f"{drive['name']}.{field}", value)
        n_events += events
        n_netcons += drive_netcons(drive, partial_params["cellParams"], pop_sizes)
    check_events(n_events, "drives", [d["name"] for d in drives][:5])
    return check_run_memory(cfg, partial_params, spec_netcons(partial_params) + n_netcons,
                            n_events)


def check_memory(n_netcons, n_samples, n_trials, source=None, key=None, value=None,
                 n_traces=0, n_events=0):
    """Raise :class:`ParameterError` if the estimate exceeds this machine's memory.

    Parameters
    ----------
    n_netcons, n_samples, n_trials : float
        NetCons, time samples per trial and trials of the run.
    source, key, value :
        Where the sizes came from, for the message.
    n_traces, n_events : float
        Recorded traces and drive events (see :func:`estimate_bytes`).
    """
    needed = estimate_bytes(n_netcons, n_samples, n_trials, n_traces, n_events)
    available = machine_memory_bytes()
    if needed > available:
        raise ParameterError(
            f"this run needs about {needed / 1e9:.3g} GB of memory ({n_netcons:.3g} NetCons, "
            f"{n_trials:g} trials of {n_samples:.3g} samples of {n_traces:.3g} traces, "
            f"{n_events:.3g} drive events), more than this machine's "
            f"{available / 1e9:.3g} GB; use a smaller grid, fewer trials or recordings, a "
            "shorter run or a larger dt", source, key, value)
    return needed
