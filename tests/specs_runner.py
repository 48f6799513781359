"""Run edited specs (started by the tests): no parameter file is read.

Usage: ``python specs_runner.py SPECS.json OUT.npz`` where SPECS.json holds
``{"cfg": simConfig, "netParams": netParams}``. Writes every trial's spike
times and gids (``spike_times_<k>``, ``spike_gids_<k>``), raw layer dipoles
(fAm) and the gid ranges; NetPyNE's data file (with the network if the cfg
asks ``saveNetwork``) goes beside OUT.npz as ``netpyne_data.json``, with
the figure of NetPyNE's ``plotDipole`` and the ``dipoleSum`` it plotted.
"""

import json
import sys
from pathlib import Path

import numpy as np
from neuron import h

from hnn_netpyne.runtime.run import run_network


def main(specs_file, out_file):
    with open(specs_file) as fid:
        specs = json.load(fid)
    folder = Path(out_file).parent
    include = ["simData", "simConfig", "netParams"] + (["net"] if specs["cfg"].get("saveNetwork")
                                                      else [])
    cfg = dict(specs["cfg"], saveFolder=str(folder), simLabel="netpyne", saveJson=True,
               saveDataInclude=include)
    result = run_network(cfg, specs["netParams"], progress=False, save_netpyne_data=True)
    from netpyne import sim

    sim.analysis.plotDipole(showFig=False, saveFig=str(folder / "plot_dipole.png"))
    arrays = {"gid_ranges": json.dumps(result["gid_ranges"]), "times": result["times"],
              "dipole_sum": np.asarray(sim.allSimData["dipoleSum"])}
    for k, (times, gids) in enumerate(result["spikes"]):
        arrays[f"spike_times_{k}"], arrays[f"spike_gids_{k}"] = times, gids
        arrays[f"dipole_L2_{k}"] = result["dipoles"][k]["L2"]
        arrays[f"dipole_L5_{k}"] = result["dipoles"][k]["L5"]
    np.savez(out_file, **arrays)


main(sys.argv[-2], sys.argv[-1])
h.quit()
