"""Build a configured network in NetPyNE (no simulation) and dump its NetCons.

Usage: ``python network_dump.py netpyne|fast CONFIG.json OUT.npz``: build
with NetPyNE's ``connectCells`` or with our fast connector. For every
synaptic NetCon: source and target gid, section, receptor, and the weight
(µS) and delay (ms) read back from NEURON; plus the Exp2Syn count. Under
``mpiexec -n N nrniv -python -mpi`` each rank writes its own NetCons to
``OUT_rank<k>.npz``.
"""

import json
import sys
from pathlib import Path

from hnn_netpyne.runtime.mpienv import init_mpi_if_launched

init_mpi_if_launched()
import numpy as np  # noqa: E402
from neuron import h  # noqa: E402
from netpyne import sim  # noqa: E402

from hnn_netpyne.model.specs import build_net_params  # noqa: E402
from hnn_netpyne.runtime.run import build_network  # noqa: E402


def main(mode, config_file, out_file):
    with open(config_file) as fid:
        cfg = json.load(fid)
    net_params = build_net_params(cfg)
    build_network(dict(cfg, fastConnect=mode == "fast"), net_params)
    rows = {"src": [], "tgt": [], "sec": [], "receptor": [], "weight": [], "delay": []}
    # Both connectors list every connection in the cells' conns, as NetPyNE reads them.
    conns = [(conn["preGid"], cell.gid, conn["sec"], conn["synMech"].split("_", 1)[1],
              conn["hObj"]) for cell in sim.net.cells for conn in cell.conns]
    for src, tgt, sec, receptor, netcon in conns:
        rows["src"].append(int(src))
        rows["tgt"].append(int(tgt))
        rows["sec"].append(sec)
        rows["receptor"].append(receptor)
        rows["weight"].append(netcon.weight[0])
        rows["delay"].append(netcon.delay)
    if sim.nhosts > 1:
        out_file = Path(out_file).with_name(f"{Path(out_file).stem}_rank{sim.rank}.npz")
    np.savez(out_file, n_exp2syn=int(h.List("Exp2Syn").count()),
             **{k: np.array(v) for k, v in rows.items()})


main(sys.argv[-3], sys.argv[-2], sys.argv[-1])
sim.pc.barrier()
h.quit()
