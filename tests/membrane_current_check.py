"""Electrode potentials two ways in one NEURON run (started by the tests).

Usage: ``python membrane_current_check.py CONFIG.json OUT.npz``. Runs the
simConfig with its ``extracellularArrays`` and, beside the LfpCell sums,
records NEURON's own ``i_membrane_`` (``CVode.use_fast_imem``) of every
segment of every cell. Writes ``axial_uV`` (the runner's
potentials, contacts x times) and ``imem_uV`` (transfer resistances times
i_membrane_, hnn-core's formula, first sample 0 as there).
"""

import json
import sys

import numpy as np

from hnn_netpyne.model.recordings import electrode_arrays
from hnn_netpyne.model.specs import build_net_params
from hnn_netpyne.runtime import run
from hnn_netpyne.runtime.extracellular import transfer_resistances

RECORDED = []


def setup_with_membrane_currents(sim, cfg, net_params):
    """The runner's recordings plus i_membrane_ of every segment with its resistances."""
    from neuron import h

    h.CVode().use_fast_imem(1)  # NetPyNE's preRun sets it again from cfg['use_fast_imem']
    arrays = electrode_arrays(cfg["extracellularArrays"])
    for cell in sim.net.cells:
        rule = net_params["cellParams"].get(cell.tags.get("cellType"))
        if rule is None:
            continue  # a drive
        soma = np.array([cell.tags["x"], cell.tags["y"], cell.tags["z"]])
        for name, sec in rule["secs"].items():
            weights = np.concatenate([transfer_resistances(a, sec["geom"], soma) for a in arrays])
            for k, seg in enumerate(cell.secs[name]["hObj"]):
                RECORDED.append((weights[:, k], h.Vector().record(seg._ref_i_membrane_)))
    return ORIGINAL(sim, cfg, net_params)


ORIGINAL = run.setup_recordings
run.setup_recordings = setup_with_membrane_currents


def main():
    with open(sys.argv[1]) as fid:
        cfg = json.load(fid)
    cfg["use_fast_imem"] = True
    result = run.run_network(cfg, build_net_params(cfg), progress=False)
    axial = np.vstack(list(result["recordings"][0]["extracellular"].values()))
    imem = sum(np.outer(w, np.array(v)) for w, v in RECORDED)
    imem[:, 0] = 0.0
    np.savez(sys.argv[2], axial_uV=axial, imem_uV=imem)


main()
