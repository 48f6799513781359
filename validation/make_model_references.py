"""Make hnn-core's references for its three network models.

hnn-core 0.6.1 ships three networks: ``neymotin_2020_model()`` (alias
``jones_2009_model()``), ``law_2021_model()`` (Law et al. 2021, beta
events) and ``calcium_model()`` (Kohl et al. 2022, distance-dependent L5
pyramidal channels). This script writes, into ``tests/data``:

``erp_<model>.npz`` (law_2021 and calcium)
    The model with hnn-core's ERP drives
    (``hnn_core.network_models.add_erp_drives_to_jones_model``), simulated
    for 170 ms. The arrays are those of ``erp.npz`` (see
    ``REFERENCE_README.md``).
``model_facts_<model>.json`` (all three models)
    Structure facts read back from NEURON and from hnn-core's Network:
    every L5 pyramidal section's geometry and, per segment, the value of
    every mechanism parameter hnn-core sets; the synapse kinetics of every
    cell type; and every cell-to-cell connection rule with its weight,
    delay, space constant and target sections.

How to run
----------
From the repository root, with the validation environment that holds
hnn-core 0.6.1 and NEURON 8.2.x (never with the project's own venv)::

    /work/hnnval/bin/python validation/make_model_references.py

``--models law_2021 calcium`` picks models, ``--facts-only`` skips the
simulations (seconds instead of minutes), ``--out DIR`` writes elsewhere.

How it is simulated
-------------------
As ``erp.npz`` was: ``simulate_dipole(net, tstop=170, dt=0.025,
n_trials=1, postproc=False)`` with hnn-core's default backend
(``JoblibBackend(n_jobs=1)``, one process). The post-processed dipole is
the same dipole copied, smoothed with ``dipole_smooth_win`` and scaled by
``dipole_scalefctr``, which is what ``postproc=True`` does. The dipole in
fAm before hnn-core's baseline renormalisation is captured by wrapping
``Dipole._baseline_renormalize`` for the duration of the run, so that the
saved value is exactly what the backend renormalised.
"""

import argparse
import json
from pathlib import Path

import numpy as np

from provenance import provenance  # validation/provenance.py, beside this script

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "tests" / "data"

TSTOP_MS = 170.0
DT_MS = 0.025
LAYERS = ("agg", "L2", "L5")

SIMULATED_MODELS = ("law_2021", "calcium")
FACT_MODELS = ("neymotin_2020", "law_2021", "calcium")


def make_network(model):
    """hnn-core's network ``model`` (default parameters)."""
    from hnn_core import network_models

    return getattr(network_models, f"{model}_model")()


def _run_recording_raw(net):
    """Simulate ``net`` once; its dipoles and the raw fAm dipoles before renormalisation."""
    from hnn_core import dipole as dipole_module
    from hnn_core import simulate_dipole

    raw_fAm = []
    renormalize = dipole_module.Dipole._baseline_renormalize

    def recording_renormalize(self, n_pyr_x, n_pyr_y):
        raw_fAm.append({k: np.array(v, dtype=float) for k, v in self.data.items()})
        return renormalize(self, n_pyr_x, n_pyr_y)

    dipole_module.Dipole._baseline_renormalize = recording_renormalize
    try:
        dpls = simulate_dipole(net, tstop=TSTOP_MS, dt=DT_MS, n_trials=1, postproc=False)
    finally:
        dipole_module.Dipole._baseline_renormalize = renormalize
    return dpls, raw_fAm


def _postprocessed(dpls, window, factor):
    """Copies of ``dpls`` smoothed over ``window`` ms and scaled by ``factor`` (0 skips)."""
    processed = []
    for dpl in dpls:
        dpl_pp = dpl.copy()
        if window > 0:
            dpl_pp.smooth(window_len=window)
        if factor > 0:
            dpl_pp.scale(factor)
        processed.append(dpl_pp)
    return processed


def _spike_and_position_arrays(net):
    """Spikes, gid ranges, cell types, drive names and positions of a simulated ``net``."""
    response = net.cell_response
    arrays = {
        "spike_times": np.concatenate([np.asarray(t, float) for t in response.spike_times]),
        "spike_gids": np.concatenate([np.asarray(g, np.int32) for g in response.spike_gids]),
        "spike_trial": np.concatenate(
            [np.full(len(t), i, np.int16) for i, t in enumerate(response.spike_times)]),
    }
    names = list(net.gid_ranges)
    arrays["gid_range_names"] = np.array(names)
    arrays["gid_range_start"] = np.array([net.gid_ranges[n].start for n in names], np.int32)
    arrays["gid_range_stop"] = np.array([net.gid_ranges[n].stop for n in names], np.int32)
    cell_types = list(net.cell_types)
    arrays["cell_type_names"] = np.array(cell_types)
    arrays["drive_names"] = np.array(list(net.external_drives))
    for cell_type in cell_types:
        arrays[f"pos_{cell_type}"] = np.asarray(net.pos_dict[cell_type], dtype=float)
    arrays["pos_origin"] = np.asarray(net.pos_dict["origin"], dtype=float)
    return arrays


def _drive_event_arrays(net):
    """Times, gids and trials of every drive's events."""
    arrays = {}
    for name, drive in net.external_drives.items():
        start = net.gid_ranges[name].start
        times, gids, trials = [], [], []
        for trial, per_cell in enumerate(drive["events"]):
            for index, events in enumerate(per_cell):
                times.extend(float(t) for t in events)
                gids.extend([start + index] * len(events))
                trials.extend([trial] * len(events))
        arrays[f"drive_{name}_times"] = np.array(times, dtype=float)
        arrays[f"drive_{name}_gids"] = np.array(gids, dtype=np.int32)
        arrays[f"drive_{name}_trial"] = np.array(trials, dtype=np.int16)
    return arrays


def simulate(model):
    """The ERP run of ``model``; returns the npz arrays and a JSON summary."""
    import hnn_core
    from hnn_core.network_models import add_erp_drives_to_jones_model

    net = make_network(model)
    add_erp_drives_to_jones_model(net)
    dpls, raw_fAm = _run_recording_raw(net)
    window = float(net._params["dipole_smooth_win"])
    factor = float(net._params["dipole_scalefctr"])
    processed = _postprocessed(dpls, window, factor)

    arrays = {
        "scenario": np.array(f"erp_{model}"),
        "hnn_core_version": np.array(hnn_core.__version__),
        "n_trials": np.int32(len(dpls)),
        "times": np.asarray(dpls[0].times, dtype=float),
        "dt": np.float64(DT_MS),
        "pp_smooth_win_ms": np.float64(window),
        "pp_scale_factor": np.float64(factor),
    }
    for layer in LAYERS:
        arrays[f"dipole_{layer}"] = np.array([d.data[layer] for d in dpls])
        arrays[f"dipole_pp_{layer}"] = np.array([d.data[layer] for d in processed])
        arrays[f"dipole_fAm_unnormalized_{layer}"] = np.array([r[layer] for r in raw_fAm])
    arrays.update(_spike_and_position_arrays(net))
    arrays.update(_drive_event_arrays(net))

    cell_types = list(net.cell_types)
    cell_gids = arrays["spike_gids"] < net.gid_ranges[cell_types[-1]].stop
    summary = {
        "spikes_per_cell_type": {
            ct: int(np.isin(arrays["spike_gids"], list(net.gid_ranges[ct])).sum())
            for ct in cell_types
        },
        "n_cell_spikes": int(cell_gids.sum()),
        "drive_events": {n: int(arrays[f"drive_{n}_times"].size) for n in net.external_drives},
    }
    return arrays, summary


def _connection_facts(net):
    """Every cell-to-cell connection rule of ``net`` in its order."""
    facts = []
    for index, conn in enumerate(net.connectivity):
        if conn["src_type"] not in net.cell_types:
            continue
        nc = conn["nc_dict"]
        sect_loc = net.cell_types[conn["target_type"]]["cell_object"].sect_loc
        facts.append({
            "conn_index": index,
            "src_type": conn["src_type"],
            "target_type": conn["target_type"],
            "loc": conn["loc"],
            "receptor": conn["receptor"],
            "sections": list(sect_loc.get(conn["loc"], [conn["loc"]])),
            "A_weight": float(nc["A_weight"]),
            "A_delay": float(nc["A_delay"]),
            "lamtha": float(nc["lamtha"]),
            "gain": float(nc.get("gain", 1.0)),
            "allow_autapses": bool(conn["allow_autapses"]),
            "probability": float(conn["probability"]),
            "n_gid_pairs": int(sum(len(t) for t in conn["gid_pairs"].values())),
        })
    return facts


def _l5_pyramidal_facts(net):
    """L5 pyramidal sections as NEURON holds them after hnn-core's build."""
    cell = net.cell_types["L5_pyramidal"]["cell_object"].copy()
    cell.build(sec_name_apical="apical_trunk")
    sections = {}
    for name, section in cell.sections.items():
        sec = cell._nrn_sections[name]
        mechanisms = {}
        for mech, attrs in section.mechs.items():
            values = {}
            for attr in attrs:
                param = attr[: -len(mech) - 1]  # 'gbar_ca' -> 'gbar'
                values[param] = [float(getattr(getattr(seg, mech), param)) for seg in sec]
            mechanisms[mech] = values
        sections[name] = {
            "nseg": int(sec.nseg),
            "L_um": float(sec.L),
            "diam_um": float(sec.diam),
            "cm": float(sec.cm),
            "Ra": float(sec.Ra),
            "segment_x": [float(seg.x) for seg in sec],
            "inserted": sorted(m for m in section.mechs),
            "mechanisms": mechanisms,
        }
    return sections


def model_facts(model):
    """Structure facts of hnn-core's network ``model``."""
    from hnn_core.network_builder import load_custom_mechanisms

    load_custom_mechanisms(net_verbose=False)
    net = make_network(model)
    return {
        "model": f"hnn_core.network_models.{model}_model()",
        "L5_pyramidal_sections": _l5_pyramidal_facts(net),
        "synapse_kinetics": {
            ct: {rec: {k: float(v) for k, v in kin.items()}
                 for rec, kin in spec["cell_object"].synapses.items()}
            for ct, spec in net.cell_types.items()
        },
        "sect_loc": {ct: {k: list(v) for k, v in spec["cell_object"].sect_loc.items()}
                     for ct, spec in net.cell_types.items()},
        "connections": _connection_facts(net),
        "notes": {
            "mechanisms": "per-segment values read back from NEURON after "
                          "Cell.build(sec_name_apical='apical_trunk'); keys are NEURON's "
                          "mechanism and parameter names (gbar of ca is seg.ca.gbar)",
            "connections": "cell-to-cell rules only, in net.connectivity order; weight = "
                           "A_weight*exp(-(d/lamtha)^2), delay = A_delay/exp(-(d/lamtha)^2), "
                           "d the in-plane soma distance in grid units",
        },
    }


def metadata(model, summary):
    """JSON-able description of how ``model``'s reference was made."""
    return {
        "model": f"hnn_core.network_models.{model}_model()",
        "drives": "hnn_core.network_models.add_erp_drives_to_jones_model(net)  # tstart=0",
        "simulate": f"simulate_dipole(net, tstop={TSTOP_MS}, dt={DT_MS}, n_trials=1, "
                    "postproc=False)  # JoblibBackend(n_jobs=1)",
        **provenance(),
        **summary,
    }


def main(argv=None):
    """Write the requested models' references and facts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=list(FACT_MODELS), choices=FACT_MODELS)
    parser.add_argument("--facts-only", action="store_true", help="skip the simulations")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    # Networks first: the single cells built for the facts must not exist
    # in NEURON while a network runs.
    for model in args.models:
        if args.facts_only or model not in SIMULATED_MODELS:
            continue
        arrays, summary = simulate(model)
        arrays["metadata"] = np.array(json.dumps(metadata(model, summary), sort_keys=True))
        out = args.out / f"erp_{model}.npz"
        np.savez_compressed(out, **arrays)
        print(f"wrote {out}: {json.dumps(summary)}")
    for model in args.models:
        facts_file = args.out / f"model_facts_{model}.json"
        facts_file.write_text(json.dumps(model_facts(model), indent=1, sort_keys=True) + "\n")
        print(f"wrote {facts_file}")


if __name__ == "__main__":
    main()
