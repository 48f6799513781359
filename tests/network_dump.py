"""Build a configured network in NetPyNE (no simulation) and dump its NetCons.

Usage: ``python network_dump.py CONFIG.json OUT.npz``. For every synaptic
NetCon: source and target gid, section, receptor, and the weight (µS) and
delay (ms) read back from NEURON; plus the Exp2Syn count.
"""

import json
import sys

import numpy as np
from neuron import h
from netpyne import sim, specs

from hnn_netpyne.model.specs import build_net_params
from hnn_netpyne.simulation.mechanisms import load_mechanisms


def main(config_file, out_file):
    with open(config_file) as fid:
        cfg = json.load(fid)
    load_mechanisms()
    sim.initialize(netParams=specs.NetParams(build_net_params(cfg)),
                   simConfig=specs.SimConfig(cfg))
    sim.net.createPops()
    sim.net.createCells()
    sim.net.connectCells()
    rows = {"src": [], "tgt": [], "sec": [], "receptor": [], "weight": [], "delay": []}
    for cell in sim.net.cells:
        for conn in cell.conns:
            netcon = conn["hObj"]
            rows["src"].append(int(conn["preGid"]))
            rows["tgt"].append(int(cell.gid))
            rows["sec"].append(conn["sec"])
            rows["receptor"].append(conn["synMech"].split("_", 1)[1])
            rows["weight"].append(netcon.weight[0])
            rows["delay"].append(netcon.delay)
    np.savez(out_file, n_exp2syn=int(h.List("Exp2Syn").count()),
             **{k: np.array(v) for k, v in rows.items()})


main(sys.argv[-2], sys.argv[-1])
