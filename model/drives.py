"""External drives of the HNN column: definitions, event times and specs.

A drive is a population of artificial spike sources (NetPyNE ``VecStim``
cells) that all sit at the column origin and connect to the cells through
the same distance rule as local pathways. Five kinds exist, as in hnn-core:

* ``evoked``: Gaussian-distributed spike times (``mu``, ``sigma`` in ms);
* ``poisson``: homogeneous Poisson trains (``rate_constant`` in Hz);
* ``bursty``: rhythmic bursts (``burst_rate`` in Hz, ``numspikes`` spikes
  ``spike_isi`` ms apart, jittered by ``burst_std`` ms);
* ``spike_train``: given spike times (ms), the same in every trial;
* tonic bias: a somatic current clamp (nA), see :func:`tonic_bias`.

A drive definition is a plain dictionary. Spike times and drive-to-cell
pairs follow hnn-core 0.6.1's algorithms and seeds exactly: one
``numpy.random.RandomState(event_seed + trial * n_gids + cell_index)`` per
drive cell and trial, and ``numpy.random.default_rng(conn_seed + k)`` for
pruning connections of the k-th target cell type.
"""

import math

import numpy as np

from hnn_netpyne.cells.registry import cell_type, cell_type_names
from hnn_netpyne.checks import check_range, validate_type
from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.connectivity import connection_rule
from hnn_netpyne.model.gids import first_drive_gid
from hnn_netpyne.model.positions import INPLANE_DISTANCE_UM

# Bounds that keep event generation finite: faster rates or more spikes than
# these are not physiological and would exhaust memory or never end.
MAX_RATE_HZ = 1e4
MAX_SPIKES_PER_CELL = 100_000
MAX_DRIVE_CELLS = 100_000
"""Most drive cells of one drive, and of all drives of a run together: NetPyNE
creates about 1,500 a second (a 3 x 3 grid with 3,000 evoked inputs, 72,024
drive cells, took 48 s), so this is over a minute of building."""
MAX_SEED = 2**31 - 1


def cell_type_name(name):
    """Our cell-type label for ``name`` (accepts hnn-core's 'L2_pyramidal' too)."""
    return cell_type(name).name


def is_bias(definition):
    """True for a tonic bias (a current clamp), False for a drive (spike sources)."""
    return definition["type"] == "tonic"


def _per_type(values, what):
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise ParameterError(f"{what} must be a dict of cell type -> value", key=what, value=values)
    return {cell_type_name(name): check_range(what, value, 0.0) for name, value in values.items()}


def _check_number(value, key, minimum=0.0, strict=False, maximum=np.inf):
    return check_range(key, value, minimum, maximum, low_open=strict)


def _check_count(value, key, maximum):
    return check_range(key, value, 1, maximum, integer=True)


def _per_target(value, what, name, targets):
    """One number for all ``targets`` or a dict with one per target: {target: float}."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {ct: float(_check_number(value, what)) for ct in targets}
    values = _per_type(value, what)
    if set(values) != set(targets):
        raise ParameterError(f"drive {name!r}: {what} needs one value per target cell type "
                             f"{targets}", key=what, value=value)
    return values


def _drive_targets(name, location, weights_ampa, weights_nmda):
    """The target cell types of a drive (those with a weight), checked against ``location``."""
    targets = [ct for ct in cell_type_names() if ct in weights_ampa or ct in weights_nmda]
    if not targets:
        raise ParameterError(
            f"drive {name!r}: no target cell type has a synaptic weight", key="weights_ampa"
        )
    no_distal = [ct for ct in targets if not cell_type(ct).distal_input]
    if location == "distal" and no_distal:
        raise ParameterError(
            f"drive {name!r}: a distal drive cannot target {no_distal[0]} cells (they have "
            "no distal dendrites)", key="weights_ampa"
        )
    return targets


def _check_cells_and_seeds(name, n_drive_cells, cell_specific, event_seed, conn_seed):
    """``n_drive_cells`` as used (an int unless cell-specific); seeds within numpy's range."""
    if cell_specific and n_drive_cells != "n_cells":
        raise ParameterError(
            f"drive {name!r}: cell_specific drives need n_drive_cells='n_cells'",
            key="n_drive_cells", value=n_drive_cells,
        )
    for key, seed in (("event_seed", event_seed), ("conn_seed", conn_seed)):
        if (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))
                or not -MAX_SEED <= seed <= MAX_SEED):
            raise ParameterError(f"expected an integer seed of magnitude <= {MAX_SEED}",
                                 key=key, value=seed)
    if cell_specific:
        return n_drive_cells
    return _check_count(n_drive_cells, "n_drive_cells", MAX_DRIVE_CELLS)


def _drive(name, drive_type, location, dynamics, weights_ampa, weights_nmda,
           synaptic_delays, space_constant, probability, n_drive_cells,
           cell_specific, event_seed, conn_seed):
    if not isinstance(name, str) or not name.isidentifier():
        raise ParameterError(
            "drive names must be identifiers (letters, digits, '_'; no leading digit)",
            key="name", value=name,
        )
    validate_type(location, str, "location")
    weights_ampa = _per_type(weights_ampa, "weights_ampa")
    weights_nmda = _per_type(weights_nmda, "weights_nmda")
    targets = _drive_targets(name, location, weights_ampa, weights_nmda)
    delays = _per_target(synaptic_delays, "synaptic_delays", name, targets)
    probabilities = _per_target(probability, "probability", name, targets)
    for p in probabilities.values():
        if not 0.0 < p <= 1.0:
            raise ParameterError(f"drive {name!r}: probability must be in (0, 1]",
                                 key="probability", value=p)
    n_drive_cells = _check_cells_and_seeds(name, n_drive_cells, cell_specific, event_seed,
                                           conn_seed)
    _check_number(space_constant, "space_constant", strict=True)
    return {
        "name": name,
        "type": drive_type,
        "location": location,
        "dynamics": dynamics,
        "weights_ampa": weights_ampa,
        "weights_nmda": weights_nmda,
        "synaptic_delays": delays,
        "space_constant": float(space_constant),
        "probability": probabilities,
        "n_drive_cells": n_drive_cells,
        "cell_specific": bool(cell_specific),
        "event_seed": int(event_seed),
        "conn_seed": int(conn_seed),
    }


def evoked_drive(name, *, mu, sigma, numspikes, location, n_drive_cells="n_cells",
                 cell_specific=True, weights_ampa=None, weights_nmda=None,
                 space_constant=3.0, synaptic_delays=0.1, probability=1.0,
                 event_seed=2, conn_seed=3):
    """Definition of an evoked (Gaussian-timed) drive.

    Parameters
    ----------
    name : str
        Drive name, also its population label.
    mu, sigma : float
        Mean and standard deviation of the spike times (ms).
    numspikes : int
        Spikes per drive cell.
    location : str
        'proximal', 'distal' or a section name.
    n_drive_cells : int | 'n_cells'
        Number of drive cells; 'n_cells' gives one per target cell.
    cell_specific : bool
        One drive cell per target cell (True) or all-to-all (False).
    weights_ampa, weights_nmda : dict | None
        Weight (µS) at the column origin per target cell type.
    space_constant : float
        Lateral space constant (grid spacings).
    synaptic_delays : float | dict
        Delay (ms) at the column origin.
    probability : float | dict
        Connection probability per target cell type.
    event_seed, conn_seed : int
        Seeds of the spike times and of connection pruning.

    Returns
    -------
    drive : dict
    """
    _check_number(sigma, "sigma")
    numspikes = _check_count(numspikes, "numspikes", MAX_SPIKES_PER_CELL)
    _check_number(mu, "mu", minimum=-np.inf)
    return _drive(name, "evoked", location, {"mu": float(mu), "sigma": float(sigma),
                  "numspikes": numspikes}, weights_ampa, weights_nmda, synaptic_delays,
                  space_constant, probability, n_drive_cells, cell_specific, event_seed,
                  conn_seed)


def poisson_drive(name, *, rate_constant, location, tstart=0.0, tstop=None,
                  n_drive_cells="n_cells", cell_specific=True, weights_ampa=None,
                  weights_nmda=None, space_constant=100.0, synaptic_delays=0.1,
                  probability=1.0, event_seed=2, conn_seed=3):
    """Definition of a Poisson drive.

    ``rate_constant`` (Hz) is one number or one per target cell type;
    ``tstart``/``tstop`` (ms) bound the trains (None: end of simulation).
    Other parameters as in :func:`evoked_drive`.
    """
    _check_number(tstart, "tstart")
    if tstop is not None:
        _check_number(tstop, "tstop")
        if tstop < tstart:
            raise ParameterError("tstop must not be before tstart", key="tstop", value=tstop)
    if isinstance(rate_constant, dict):
        rates = {cell_type_name(k): _check_number(v, "rate_constant", strict=True,
                                                  maximum=MAX_RATE_HZ)
                 for k, v in rate_constant.items()}
        if not cell_specific:
            raise ParameterError(
                "per-cell-type rates need cell_specific=True", key="rate_constant", value=rate_constant
            )
    else:
        rates = float(_check_number(rate_constant, "rate_constant", strict=True,
                                    maximum=MAX_RATE_HZ))
    drive = _drive(name, "poisson", location, {"tstart": float(tstart), "tstop": tstop,
                   "rate_constant": rates}, weights_ampa, weights_nmda, synaptic_delays,
                   space_constant, probability, n_drive_cells, cell_specific, event_seed,
                   conn_seed)
    targets = set(drive["weights_ampa"]) | set(drive["weights_nmda"])
    if isinstance(rates, dict):
        missing = targets - set(rates)
        if missing:
            raise ParameterError(
                f"drive {name!r}: rate_constant missing for {sorted(missing)}", key="rate_constant",
                value=rate_constant,
            )
    elif cell_specific:
        drive["dynamics"]["rate_constant"] = {ct: rates for ct in cell_type_names() if ct in targets}
    return drive


def bursty_drive(name, *, burst_rate, location, tstart=0.0, tstart_std=0.0, tstop=None,
                 burst_std=0.0, numspikes=2, spike_isi=10.0, n_drive_cells=1,
                 cell_specific=False, weights_ampa=None, weights_nmda=None,
                 synaptic_delays=0.1, space_constant=100.0, probability=1.0,
                 event_seed=2, conn_seed=3):
    """Definition of a bursty (rhythmic) drive.

    Bursts of ``numspikes`` spikes ``spike_isi`` ms apart recur at
    ``burst_rate`` Hz from ``tstart`` to ``tstop`` (ms), each burst jittered
    by a Gaussian of ``burst_std`` ms; ``tstart_std`` jitters the start.
    Other parameters as in :func:`evoked_drive`.
    """
    _check_number(tstart, "tstart")
    _check_number(tstart_std, "tstart_std")
    _check_number(burst_std, "burst_std")
    _check_number(burst_rate, "burst_rate", strict=True, maximum=MAX_RATE_HZ)
    _check_number(spike_isi, "spike_isi")
    if tstop is not None:
        _check_number(tstop, "tstop")
        if tstop < tstart:
            raise ParameterError("tstop must not be before tstart", key="tstop", value=tstop)
    numspikes = _check_count(numspikes, "numspikes", MAX_SPIKES_PER_CELL)
    if (numspikes - 1) * spike_isi > 1000.0 / burst_rate:
        raise ParameterError(
            f"a burst ({(numspikes - 1) * spike_isi} ms) is longer than the burst period "
            f"({1000.0 / burst_rate} ms)", key="spike_isi", value=spike_isi,
        )
    dynamics = {"tstart": float(tstart), "tstart_std": float(tstart_std), "tstop": tstop,
                "burst_rate": float(burst_rate), "burst_std": float(burst_std),
                "numspikes": numspikes, "spike_isi": float(spike_isi)}
    return _drive(name, "bursty", location, dynamics, weights_ampa, weights_nmda,
                  synaptic_delays, space_constant, probability, n_drive_cells,
                  cell_specific, event_seed, conn_seed)


def spike_train_drive(name, *, spike_times, location, weights_ampa=None, weights_nmda=None,
                      synaptic_delays=0.1, space_constant=3.0, probability=1.0, conn_seed=0):
    """Definition of a drive replaying given spike trains, one per drive cell.

    ``spike_times`` is a list with one list of times (ms) per drive cell;
    every drive cell connects to every target cell. Other parameters as in
    :func:`evoked_drive`.
    """
    if not isinstance(spike_times, list) or not spike_times:
        raise ParameterError("spike_times must be a non-empty list of lists of ms",
                             key="spike_times", value=type(spike_times).__name__)
    trains = []
    for train in spike_times:
        trains.append(sorted(float(_check_number(t, "spike_times", minimum=-np.inf))
                             for t in train))
    return _drive(name, "spike_train", location, {"spike_times": trains}, weights_ampa,
                  weights_nmda, synaptic_delays, space_constant, probability,
                  _check_count(len(trains), "n_drive_cells", MAX_DRIVE_CELLS), False, 0,
                  conn_seed)


def tonic_bias(amplitude_nA, *, t0=0.0, tstop=None, section="soma", name="tonic"):
    """Definition of a tonic current injection per cell type.

    Parameters
    ----------
    amplitude_nA : dict
        Current (nA) per cell type.
    t0, tstop : float
        Start and end (ms); ``tstop=None`` lasts to the end of the run.
    section : str
        Section receiving the clamp, at its middle.
    name : str
        Label of the bias.
    """
    amplitudes = {}
    for cell, amp in (amplitude_nA or {}).items():
        if isinstance(amp, bool) or not isinstance(amp, (int, float)) or not np.isfinite(amp):
            raise ParameterError("tonic amplitude must be a finite number", key="amplitude", value=amp)
        amplitudes[cell_type_name(cell)] = float(amp)
    _check_number(t0, "t0")
    if tstop is not None and _check_number(tstop, "tstop") < t0:
        raise ParameterError("tstop must not be before t0", key="tstop", value=tstop)
    return {"name": name, "type": "tonic", "amplitude": amplitudes, "t0": float(t0),
            "tstop": tstop, "section": section}


_COMMON_FIELDS = ("location", "n_drive_cells", "cell_specific", "weights_ampa",
                  "weights_nmda", "space_constant", "synaptic_delays", "probability",
                  "event_seed", "conn_seed")
_DYNAMICS_FIELDS = {"evoked": ("mu", "sigma", "numspikes"),
                    "poisson": ("tstart", "tstop", "rate_constant"),
                    "bursty": ("tstart", "tstart_std", "tstop", "burst_rate", "burst_std",
                               "numspikes", "spike_isi")}


def definition_arguments(drive):
    """The keyword arguments of the factory (``add_*_drive``, ``add_tonic_bias``) that
    makes the evoked, Poisson, bursty or tonic definition ``drive``."""
    if drive["type"] == "tonic":
        return {"amplitude": dict(drive["amplitude"]), "t0": drive["t0"],
                "tstop": drive["tstop"], "section": drive["section"]}
    kwargs = {key: drive[key] for key in _COMMON_FIELDS}
    kwargs.update({key: drive["dynamics"][key] for key in _DYNAMICS_FIELDS[drive["type"]]})
    return kwargs


def redefine(drive, where="drives"):
    """``drive`` made again by its factory, so that a definition read from a file
    (a run configuration's ``drives``) passes every check a new one does.

    Raises
    ------
    ParameterError
        Naming ``where`` for a malformed definition, or the factory's own.
    """
    try:
        kind = drive["type"]
        if kind == "tonic":
            kwargs = definition_arguments(drive)
            return tonic_bias(kwargs.pop("amplitude"), name=drive["name"], **kwargs)
        if kind == "spike_train":
            return spike_train_drive(
                drive["name"], spike_times=drive["dynamics"]["spike_times"],
                **{key: drive[key] for key in ("location", "weights_ampa", "weights_nmda",
                                               "synaptic_delays", "space_constant",
                                               "probability", "conn_seed")})
        factory = {"evoked": evoked_drive, "poisson": poisson_drive, "bursty": bursty_drive}
        return factory[kind](drive["name"], **definition_arguments(drive))
    except (KeyError, TypeError, AttributeError, ValueError) as err:
        if isinstance(err, ParameterError):
            raise
        raise ParameterError(f"not a drive definition ({type(err).__name__}: {err})",
                             key=where, value=drive) from None


# --- realisation: gids, pairs and spike times ------------------------------


def drive_layout(drives, pop_sizes):
    """Drive cells, their gid ranges and their target pairs.

    Parameters
    ----------
    drives : list of dict
        Spike-source drive definitions, in the order they were added.
    pop_sizes : dict of str -> int
        Cells per population.

    Returns
    -------
    layout : dict
        ``{'n_gids': int, 'drives': {name: {'gid_start', 'n_cells',
        'pairs': {target: [[src_idx, tgt_idx], ...]}}}}``, pairs already
        pruned by ``probability``.
    """
    next_gid = first_drive_gid(pop_sizes)
    layout = {}
    for drive in drives:
        targets = [ct for ct in cell_type_names()
                   if ct in drive["weights_ampa"] or ct in drive["weights_nmda"]]
        if drive["cell_specific"]:
            n_cells = sum(pop_sizes[ct] for ct in targets)
        else:
            n_cells = drive["n_drive_cells"]
        pairs = {}
        src_start = 0
        for increment, target in enumerate(targets):
            n_target = pop_sizes[target]
            if drive["cell_specific"]:
                candidates = [[src_start + i, i] for i in range(n_target)]
                src_start += n_target
            else:
                candidates = [[s, t] for s in range(n_cells) for t in range(n_target)]
            probability = drive["probability"][target]
            if probability < 1.0:
                candidates = _prune(candidates, probability, drive["conn_seed"] + increment)
            pairs[target] = candidates
        layout[drive["name"]] = {"gid_start": next_gid, "n_cells": n_cells, "targets": targets,
                                 "pairs": pairs}
        next_gid += n_cells
    return {"n_gids": next_gid, "drives": layout}


def _prune(pairs, probability, seed):
    """Keep round(n * probability) pairs drawn without replacement (hnn-core)."""
    if seed < 0:
        raise ParameterError("conn_seed plus the target index must be >= 0", key="conn_seed",
                             value=seed)
    rng = np.random.default_rng(seed)
    n_keep = int(np.round(len(pairs) * probability))
    keep = set(rng.choice(range(len(pairs)), n_keep, replace=False).tolist())
    return [pair for idx, pair in enumerate(pairs) if idx in keep]


def _gaussian_times(dynamics, prng):
    return prng.normal(dynamics["mu"], dynamics["sigma"], dynamics["numspikes"])


def _poisson_times(t0, t1, rate_hz, prng):
    times = []
    t = t0
    while t < t1:
        t += prng.exponential(1.0 / rate_hz) * 1000.0
        if t < t1:
            times.append(t)
    return np.array(times)


def _bursty_times(dynamics, tstop, prng, prng_start):
    t0 = dynamics["tstart"]
    if dynamics["tstart_std"] > 0.0:
        t0 = prng_start.normal(t0, dynamics["tstart_std"])
    period = 1000.0 / dynamics["burst_rate"]
    burst_centres = prng.normal(np.arange(t0, tstop, period), dynamics["burst_std"])
    n = dynamics["numspikes"]
    if n > 1:
        offsets = np.arange(n) - (n - 1) / 2
        burst_centres = np.ravel([burst_centres + dynamics["spike_isi"] * k for k in offsets])
    return burst_centres


# A burst centre this many burst_std past the run's end never comes back
# into it (a 20-sigma draw); later bursts are not drawn.
_BURST_MARGIN_STD = 20.0


def _drawn_until(dynamics, tstop):
    """End (ms) of a Poisson or bursty drive's draws in a run of ``tstop`` ms.

    hnn-core draws to the drive's own ``tstop`` and then drops the times
    after the run's end; drawing no further than the run's end keeps the
    same times (each time depends only on the draws before it), and a drive
    that ends at 1e12 ms costs no more than one that ends with the run.
    """
    end = tstop if dynamics["tstop"] is None else dynamics["tstop"]
    if "burst_std" not in dynamics:  # Poisson: a time past the run's end is dropped
        return min(end, tstop)
    # Bursty: a burst centred past the end may still put spikes before it.
    reach = (dynamics["spike_isi"] * dynamics["numspikes"]
             + _BURST_MARGIN_STD * dynamics["burst_std"] + 1000.0 / dynamics["burst_rate"])
    return min(end, tstop + reach)


def expected_events(drive, pop_sizes, tstop):
    """Expected spike times one trial of ``drive`` draws in a run of ``tstop`` ms.

    Parameters
    ----------
    drive : dict
        Drive definition (not a tonic bias).
    pop_sizes : dict
        Cells per population.
    tstop : float
        Run length (ms).
    """
    dynamics = drive["dynamics"]
    if drive["type"] == "spike_train":
        return float(sum(len(train) for train in dynamics["spike_times"]))
    targets = [ct for ct in cell_type_names()
               if ct in drive["weights_ampa"] or ct in drive["weights_nmda"]]
    cells = ({ct: pop_sizes[ct] for ct in targets} if drive["cell_specific"]
             else {None: drive["n_drive_cells"]})
    if drive["type"] == "evoked":
        return float(sum(cells.values()) * dynamics["numspikes"])
    seconds = max(0.0, _drawn_until(dynamics, tstop) - dynamics["tstart"]) / 1000.0
    if drive["type"] == "poisson":
        rates = dynamics["rate_constant"]
        return sum(n * seconds * (rates.get(ct, 0.0) if isinstance(rates, dict) else rates)
                   for ct, n in cells.items())
    bursts = math.ceil(seconds * dynamics["burst_rate"]) + 1
    return float(sum(cells.values()) * bursts * dynamics["numspikes"])


def drive_netcons(drive, cell_rules, pop_sizes):
    """Expected NetCons of ``drive``: pairs kept x synapses per pair (sections, receptors)."""
    from hnn_netpyne.model.connectivity import target_sections

    total = 0.0
    for target in cell_type_names():
        receptors = (target in drive["weights_ampa"]) + (target in drive["weights_nmda"])
        if not receptors:
            continue
        sources = 1 if drive["cell_specific"] else drive["n_drive_cells"]
        pairs = sources * pop_sizes[target] * drive["probability"][target]
        total += pairs * receptors * len(target_sections(cell_rules, target, drive["location"]))
    return total


# Building a RandomState costs about 0.3 ms (0.2 s for the ERP's 775 drive
# cells); reseeding an existing one gives the same stream 40 times faster.
_EVENT_STREAM = np.random.RandomState()
_BURST_STREAM = np.random.RandomState()


def _reseeded(stream, seed):
    stream.seed(seed)
    return stream


def drive_cell_times(drive, cell_index, target, trial, n_gids, tstop):
    """Spike times (ms) of one drive cell in one trial.

    Parameters
    ----------
    drive : dict
        Drive definition.
    cell_index : int
        Index of the drive cell within its drive.
    target : str | None
        Target cell type of a cell-specific drive cell (selects its Poisson
        rate); None for drives shared by all targets.
    trial : int
        Trial index; each trial shifts the seed by ``n_gids``.
    n_gids : int
        Total number of gids (cells and drive cells).
    tstop : float
        Simulation end (ms); drives with ``tstop=None`` end here.

    Returns
    -------
    times : list of float
        Sorted times in (0, tstop].
    """
    if drive["type"] == "spike_train":
        return list(drive["dynamics"]["spike_times"][cell_index])
    seed = drive["event_seed"] + trial * n_gids
    if not 0 <= seed + cell_index < 2**32:
        raise ParameterError(
            f"drive {drive['name']!r}: seed {seed + cell_index} of drive cell {cell_index}, "
            f"trial {trial} is outside numpy's range [0, 2**32)", key="event_seed",
            value=drive["event_seed"])
    prng = _reseeded(_EVENT_STREAM, seed + cell_index)
    dynamics = drive["dynamics"]
    if drive["type"] == "evoked":
        times = _gaussian_times(dynamics, prng)
    elif drive["type"] == "poisson":
        rates = dynamics["rate_constant"]
        rate = rates[target] if isinstance(rates, dict) else rates
        times = _poisson_times(dynamics["tstart"], _drawn_until(dynamics, tstop), rate, prng)
    else:
        times = _bursty_times(dynamics, _drawn_until(dynamics, tstop), prng,
                              _reseeded(_BURST_STREAM, seed))
    times = np.asarray(times, dtype=float)
    times = np.sort(times[(times > 0) & (times <= tstop)])
    return times.tolist()


def event_spec(drive, drive_layout_entry, n_gids, tstop):
    """Everything that shapes a drive's spike times in any trial, as plain data.

    This dictionary is stored in the drive's popParams entry (key
    ``'hnnEvents'``), so that every trial's events follow from the specs
    alone (see :func:`drive_events`).

    Parameters
    ----------
    drive : dict
        Drive definition.
    drive_layout_entry : dict
        The drive's entry of :func:`drive_layout`.
    n_gids : int
        Total number of gids; each trial shifts the seeds by this.
    tstop : float
        Simulation end (ms); drives with ``tstop=None`` end here.

    Returns
    -------
    spec : dict
        ``name``, ``type``, ``dynamics``, ``event_seed``, ``cell_specific``,
        ``trial_seed_stride`` (= n_gids), ``tstop`` (ms) and ``targets``:
        per drive cell, the target cell type of a cell-specific drive cell
        that kept a connection, else None.
    """
    entry = drive_layout_entry
    targets = [None] * entry["n_cells"]
    if drive["cell_specific"]:
        for target, pairs in entry["pairs"].items():
            for src, _ in pairs:
                targets[src] = target
    return {"name": drive["name"], "type": drive["type"], "dynamics": drive["dynamics"],
            "event_seed": drive["event_seed"], "cell_specific": drive["cell_specific"],
            "trial_seed_stride": int(n_gids), "tstop": float(tstop), "targets": targets}


def spec_spike_times(spec, trial):
    """Spike times of every cell of one drive in one trial, from its :func:`event_spec`.

    Cell-specific drive cells draw times only if they kept a connection, and
    the k-th such list goes to the k-th drive cell, as in hnn-core.
    """
    n_gids, tstop, targets = spec["trial_seed_stride"], spec["tstop"], spec["targets"]
    if not spec["cell_specific"]:
        return [drive_cell_times(spec, i, None, trial, n_gids, tstop)
                for i in range(len(targets))]
    drawn = [drive_cell_times(spec, i, target, trial, n_gids, tstop)
             for i, target in enumerate(targets) if target is not None]
    return [drawn[i] if i < len(drawn) else [] for i in range(len(targets))]


def drive_events(net_params, trial):
    """Spike times of every drive cell in ``trial``, from the specs alone.

    Parameters
    ----------
    net_params : dict
        A netParams dictionary. A VecStim population with an ``'hnnEvents'``
        entry (see :func:`event_spec`) draws its trains from it, with
        hnn-core's seed of each trial; one without takes its cellsList
        ``spkTimes`` in every trial.
    trial : int
        Trial index (0 for the first).

    Returns
    -------
    events : dict
        Population label -> list of spike-time lists (ms), one per cell.
    """
    events = {}
    for name, pop in net_params["popParams"].items():
        if pop.get("cellModel") != "VecStim" or "cellsList" not in pop:
            continue
        if "hnnEvents" not in pop:
            events[name] = [list(c.get("spkTimes", [])) for c in pop["cellsList"]]
            continue
        times = spec_spike_times(pop["hnnEvents"], trial)
        if len(times) != len(pop["cellsList"]):
            raise ParameterError(
                f"drive {name!r}: hnnEvents gives {len(times)} drive cells but cellsList "
                f"has {len(pop['cellsList'])}", key=f"popParams.{name}.hnnEvents.targets",
                value=len(times))
        events[name] = times
    return events


def drive_specs(drives, cell_rules, pop_sizes, origin, tstop, trial=0,
                inplane_um=INPLANE_DISTANCE_UM):
    """NetPyNE popParams and connParams of all spike-source drives.

    Parameters
    ----------
    drives : list of dict
        Drive definitions (tonic biases excluded).
    cell_rules : dict
        cellParams rules, to resolve target locations.
    pop_sizes : dict
        Cells per population.
    origin : list of float
        Position (µm) of every drive cell.
    tstop : float
        Simulation end (ms).
    trial : int
        Trial whose spike times the populations' cellsList carry; their
        ``'hnnEvents'`` entry gives those of every trial (:func:`drive_events`).
    inplane_um : float
        Grid spacing (µm), the unit of the space constants.

    Returns
    -------
    pop_params, conn_params : dict, dict
    """
    layout = drive_layout(drives, pop_sizes)
    pop_params, conn_params = {}, {}
    for drive in drives:
        entry = layout["drives"][drive["name"]]
        spec = event_spec(drive, entry, layout["n_gids"], tstop)
        pop_params[drive["name"]] = {
            "cellModel": "VecStim",
            "cellsList": [{"x": origin[0], "y": origin[1], "z": origin[2], "spkTimes": t}
                          for t in spec_spike_times(spec, trial)],
            "hnnEvents": spec,
        }
        for target in entry["targets"]:
            pairs = entry["pairs"][target]
            all_to_all = (not drive["cell_specific"]
                          and len(pairs) == entry["n_cells"] * pop_sizes[target])
            for receptor, weights in (("ampa", drive["weights_ampa"]), ("nmda", drive["weights_nmda"])):
                if target not in weights:
                    continue
                rule = connection_rule(
                    cell_rules, drive["name"], target, drive["location"], receptor,
                    weights[target], drive["space_constant"],
                    delay_ms=drive["synaptic_delays"][target],
                    conn_list=None if all_to_all else pairs, inplane_um=inplane_um,
                )
                conn_params[f"{drive['name']}_{target}_{receptor}"] = rule
    return pop_params, conn_params


def tonic_specs(biases, tstop):
    """NetPyNE stimSourceParams and stimTargetParams of tonic biases."""
    sources, targets = {}, {}
    for bias in biases:
        for cell, amp in bias["amplitude"].items():
            label = f"{bias['name']}_{cell}"
            end = tstop if bias["tstop"] is None else bias["tstop"]
            sources[label] = {"type": "IClamp", "del": bias["t0"], "dur": end - bias["t0"],
                              "amp": amp}
            targets[label] = {"source": label, "conds": {"pop": cell},
                              "sec": bias["section"], "loc": 0.5}
    return sources, targets

