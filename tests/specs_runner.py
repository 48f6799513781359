"""Run edited specs (started by the tests): no parameter file is read.

Usage: ``python specs_runner.py SPECS.json OUT.npz`` where SPECS.json holds
``{"cfg": simConfig, "netParams": netParams}``. Writes every trial's spike
times and gids (``spike_times_<k>``, ``spike_gids_<k>``) and the gid ranges.
"""

import json
import sys

import numpy as np
from neuron import h

from hnn_netpyne.runtime.run import run_network


def main(specs_file, out_file):
    with open(specs_file) as fid:
        specs = json.load(fid)
    result = run_network(specs["cfg"], specs["netParams"], progress=False)
    arrays = {"gid_ranges": json.dumps(result["gid_ranges"])}
    for k, (times, gids) in enumerate(result["spikes"]):
        arrays[f"spike_times_{k}"], arrays[f"spike_gids_{k}"] = times, gids
    np.savez(out_file, **arrays)


main(sys.argv[-2], sys.argv[-1])
h.quit()
