"""Drives declared inside an HNN parameter file.

HNN's GUI stored its inputs as flat keys: two rhythmic feeds
(``*_input_prox``/``*_input_dist``), any number of evoked inputs
(``t_evprox_1``, ``gbar_evprox_1_L2Pyr_ampa``, ...), a Gaussian and a
Poisson input, and tonic current clamps (``Itonic_*``). This module turns
them into drive definitions the way hnn-core 0.6.1 does with
``add_drives_from_params=True``, including its seeding: each drive's
``event_seed`` is offset by the drive's first gid.
"""

from hnn_netpyne.cells.registry import cell_type, legacy_cell_types
from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.drives import bursty_drive, evoked_drive, poisson_drive, tonic_bias
from hnn_netpyne.model.gids import first_drive_gid
from hnn_netpyne.model.params import evoked_input_indices, legacy_targets

_LEGACY_SPACE_CONSTANT = 100.0


def _fixed_delays(targets, which):
    """Synaptic delay (ms) of input ``which`` per target (from the cell-type registry)."""
    return {c: cell_type(c).legacy_input_delays_ms[which] for c in targets}


def _rhythmic(params, loc, index):
    suffix = "prox" if loc == "proximal" else "dist"
    t0 = params[f"t0_input_{suffix}"]
    tstop = min(params[f"tstop_input_{suffix}"], params["tstop"])
    if tstop < t0:
        return None
    weights_ampa, weights_nmda, delays = {}, {}, {}
    for cell in legacy_targets(suffix):
        delay_key = f"input_{suffix}_A_delay_{cell_type(cell).layer}"
        if params[delay_key] < 0:
            raise ParameterError(
                "negative rhythmic-input delays are not supported", params["_source"],
                delay_key, params[delay_key],
            )
        weights_ampa[cell] = params[f"input_{suffix}_A_weight_{cell}_ampa"]
        weights_nmda[cell] = params[f"input_{suffix}_A_weight_{cell}_nmda"]
        delays[cell] = params[delay_key]
    return bursty_drive(
        f"bursty{index}", location=loc, tstart=t0,
        tstart_std=params[f"t0_input_stdev_{suffix}"], tstop=tstop,
        burst_rate=params[f"f_input_{suffix}"], burst_std=params[f"f_stdev_{suffix}"],
        numspikes=int(params[f"events_per_cycle_{suffix}"]), spike_isi=10.0,
        n_drive_cells=int(params[f"repeats_{suffix}"]), cell_specific=False,
        weights_ampa=weights_ampa, weights_nmda=weights_nmda, synaptic_delays=delays,
        space_constant=_LEGACY_SPACE_CONSTANT,
        event_seed=int(params[f"prng_seedcore_input_{suffix}"]),
    )


def _evoked(params, loc, idx):
    name = f"ev{loc}_{idx}"
    targets = legacy_targets(loc)
    sync = bool(params["sync_evinput"])
    return evoked_drive(
        f"ev{loc}{idx}", mu=params[f"t_{name}"], sigma=params[f"sigma_t_{name}"],
        numspikes=int(params[f"numspikes_{name}"]),
        location="proximal" if loc == "prox" else "distal",
        n_drive_cells=1 if sync else "n_cells", cell_specific=not sync,
        weights_ampa={c: params[f"gbar_{name}_{c}_ampa"] for c in targets},
        weights_nmda={c: params[f"gbar_{name}_{c}_nmda"] for c in targets},
        synaptic_delays=_fixed_delays(
            targets, "evoked_proximal" if loc == "prox" else "evoked_distal"),
        space_constant=3.0, event_seed=int(params[f"prng_seedcore_{name}"]),
    )


def _gaussian(params):
    if params["L2Basket_Gauss_mu"] > params["tstop"]:
        return None
    return evoked_drive(
        "extgauss", mu=params["L2Basket_Gauss_mu"], sigma=params["L2Basket_Gauss_sigma"],
        numspikes=50, location="proximal",
        weights_ampa={c: params[f"{c}_Gauss_A_weight"] for c in legacy_cell_types()},
        # hnn-core takes each cell type's Gaussian mean as its delay.
        synaptic_delays={c: params[f"{c}_Gauss_mu"] for c in legacy_cell_types()},
        space_constant=_LEGACY_SPACE_CONSTANT,
        event_seed=int(params["prng_seedcore_extgauss"]),
    )


def _poisson(params):
    if params["T_pois"] < params["t0_pois"]:
        return None
    rates = {c: params[f"{c}_Pois_lamtha"] if params[f"{c}_Pois_lamtha"] > 0 else 1.0
             for c in legacy_cell_types()}
    delays = {"L2Basket": 1.0, "L2Pyr": 0.1, "L5Basket": 1.0, "L5Pyr": 1.0}
    return poisson_drive(
        "extpois", rate_constant=rates, location="proximal",
        tstart=max(0.0, params["t0_pois"]), tstop=max(0.0, params["T_pois"]),
        weights_ampa={c: params[f"{c}_Pois_A_weight_ampa"] for c in legacy_cell_types()},
        weights_nmda={c: params[f"{c}_Pois_A_weight_nmda"] for c in legacy_cell_types()},
        synaptic_delays=delays, space_constant=_LEGACY_SPACE_CONSTANT,
        event_seed=int(params["prng_seedcore_extpois"]),
    )


def _tonic(params):
    present = {}
    for cell in legacy_cell_types():
        keys = [f"Itonic_{p}_{cell}_soma" for p in ("A", "t0", "T")]
        found = [k in params for k in keys]
        if any(found) and not all(found):
            missing = [k for k, ok in zip(keys, found) if not ok]
            raise ParameterError(
                f"tonic input of {cell} needs amplitude, start and end; missing {missing}",
                params["_source"],
            )
        if all(found):
            present[cell] = [params[k] for k in keys]
    if not present:
        return None
    # hnn-core applies the start and end of the last cell type to all of them.
    _, t0, tstop = present[list(present)[-1]]
    return tonic_bias({c: v[0] for c, v in present.items()}, t0=t0, tstop=tstop)


def drives_from_params(params, pop_sizes):
    """Drive definitions declared in an HNN parameter set.

    Parameters
    ----------
    params : dict
        Validated HNN parameter set.
    pop_sizes : dict of str -> int
        Cells per population, to number the drive gids.

    Returns
    -------
    drives : list of dict
        Spike-source drives in gid order, then the tonic bias if any.
    """
    found = {}
    for index, loc in enumerate(("proximal", "distal"), start=1):
        drive = _rhythmic(params, loc, index)
        if drive is not None:
            found[drive["name"]] = drive
    for loc in ("prox", "dist"):
        for idx in evoked_input_indices(params, loc):
            drive = _evoked(params, loc, idx)
            found[drive["name"]] = drive
    for drive in (_gaussian(params), _poisson(params)):
        if drive is not None:
            found[drive["name"]] = drive
    drives = [found[name] for name in sorted(found)]
    gid = first_drive_gid(pop_sizes)
    for drive in drives:
        targets = set(drive["weights_ampa"]) | set(drive["weights_nmda"])
        n_cells = (sum(pop_sizes[c] for c in targets) if drive["cell_specific"]
                   else drive["n_drive_cells"])
        # HNN seeded each drive by its absolute first gid.
        drive["event_seed"] += gid
        gid += n_cells
    bias = _tonic(params)
    return drives + ([bias] if bias else [])
