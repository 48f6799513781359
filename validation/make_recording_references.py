"""Make hnn-core's references for section recordings and electrode arrays.

Writes, into ``tests/data``:

``erp_extracellular.npz``
    hnn-core's ERP (``jones_2009_model()`` with
    ``add_erp_drives_to_jones_model``) for ``TSTOP_MS`` with two electrode
    arrays: ``laminar`` (17 contacts, 'psa', every 150 µm along z from
    -325 µm at x = y = 4.5 µm) and ``lsa`` (3 contacts, 'lsa', one on a
    pyramidal axis, one beside the column, one above it). Arrays:
    ``times`` (ms), ``<array>_positions`` (µm) and ``<array>_uV``
    (contacts x times, µV), ``spike_times``, ``spike_gids``.
``calcium_sections.npz``
    ``calcium_model()`` with the ERP drives for ``TSTOP_MS`` and
    ``record_vsec='all', record_isec='soma', record_ca='soma'``; kept for
    the cells ``KEPT_GIDS`` (every kind) in float32: ``times``,
    ``vsec:<gid>:<section>`` (mV), ``isec:<gid>:<section>:<synapse>`` (nA),
    ``ca:<gid>:<section>`` (mM), plus ``spike_times``, ``spike_gids``.

How to run
----------
From the repository root, with the validation environment (hnn-core 0.6.1,
NEURON 8.2.x), one process (never hnn-core's MPIBackend)::

    /work/hnnval/bin/python validation/make_recording_references.py
"""

import argparse
import json
from pathlib import Path

import numpy as np

from provenance import provenance  # validation/provenance.py, beside this script

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "tests" / "data"
TSTOP_MS = 80.0
DT_MS = 0.025
LAMINAR_UM = [[4.5, 4.5, float(z)] for z in range(-325, 2150, 150)]
LSA_UM = [[2.0, 3.0, 400.0], [-50.0, 4.5, 1300.0], [4.5, 4.5, 2200.0]]
KEPT_GIDS = (0, 1, 35, 36, 135, 136, 170, 171, 269)


def erp_network(model):
    from hnn_core import network_models
    from hnn_core.network_models import add_erp_drives_to_jones_model

    net = getattr(network_models, f"{model}_model")()
    add_erp_drives_to_jones_model(net)
    return net


def spikes(net):
    response = net.cell_response
    return {"spike_times": np.array(response.spike_times[0]),
            "spike_gids": np.array(response.spike_gids[0], dtype=int)}


def extracellular_reference():
    """hnn-core's ERP with a laminar 'psa' and a three-contact 'lsa' array."""
    from hnn_core import simulate_dipole

    net = erp_network("jones_2009")
    net.add_electrode_array("laminar", [tuple(p) for p in LAMINAR_UM], conductivity=0.3,
                            method="psa", min_distance=0.5)
    net.add_electrode_array("lsa", [tuple(p) for p in LSA_UM], conductivity=0.3,
                            method="lsa", min_distance=0.5)
    simulate_dipole(net, tstop=TSTOP_MS, dt=DT_MS, n_trials=1)
    arrays = {"times": net.rec_arrays["laminar"].times}
    for name in ("laminar", "lsa"):
        arrays[f"{name}_positions"] = np.array(net.rec_arrays[name].positions)
        arrays[f"{name}_uV"] = net.rec_arrays[name].voltages[0]
    arrays.update(spikes(net))
    return arrays


def section_reference():
    """hnn-core's calcium-model ERP with section recordings (kept cells only)."""
    from hnn_core import simulate_dipole

    net = erp_network("calcium")
    dpls = simulate_dipole(net, tstop=TSTOP_MS, dt=DT_MS, n_trials=1, record_vsec="all",
                           record_isec="soma", record_ca="soma")
    response = net.cell_response
    arrays = {"times": np.array(dpls[0].times)}
    for gid in KEPT_GIDS:
        for sec, trace in response.vsec[0][gid].items():
            arrays[f"vsec:{gid}:{sec}"] = np.array(trace, dtype=np.float32)
        for sec, synapses in response.isec[0][gid].items():
            for syn, trace in synapses.items():
                arrays[f"isec:{gid}:{sec}:{syn}"] = np.array(trace, dtype=np.float32)
        for sec, trace in response.ca[0][gid].items():
            arrays[f"ca:{gid}:{sec}"] = np.array(trace, dtype=np.float32)
    arrays.update(spikes(net))
    return arrays


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--only", choices=("extracellular", "sections"), default=None)
    args = parser.parse_args()
    made = {"extracellular": ("erp_extracellular", extracellular_reference),
            "sections": ("calcium_sections", section_reference)}
    for key, (stem, make) in made.items():
        if args.only not in (None, key):
            continue
        arrays = make()
        np.savez_compressed(args.out / f"{stem}.npz", **arrays)
        info = dict(provenance(), tstop_ms=TSTOP_MS, dt_ms=DT_MS,
                    n_spikes=int(len(arrays["spike_times"])))
        (args.out / f"{stem}.json").write_text(json.dumps(info, indent=1) + "\n")
        print(f"wrote {stem}.npz ({info['n_spikes']} spikes)")


if __name__ == "__main__":
    main()
