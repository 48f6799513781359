"""Build specs and read the network back through NetPyNE's own tools (started by the tests).

Usage: ``[mpiexec -n N nrniv -python -mpi] python netpyne_view.py SPECS.json OUT.npz``
where SPECS.json holds ``{"cfg": simConfig, "netParams": netParams}`` (its
``fastConnect`` picks the connector). Rank 0 writes what NetPyNE reports
after ``gatherData`` (connection and contact counts), ``plotConn``'s
matrices, and every connection of every cell (pre and post gid, section,
synMech and rule labels, and the weight and delay read back from each NetCon).
"""

import json
import sys

from hnn_netpyne.runtime.mpienv import init_mpi_if_launched

init_mpi_if_launched()
import numpy as np  # noqa: E402
from neuron import h  # noqa: E402

from hnn_netpyne.model.solver import for_netpyne_runner  # noqa: E402
from hnn_netpyne.runtime.run import build_network, setup_recording  # noqa: E402


def connection_rows(sim):
    rows = []
    for cell in sim.net.cells:
        for conn in cell.conns:
            netcon = conn["hObj"]
            rows.append((conn["preGid"], cell.gid, conn["sec"], conn["synMech"],
                         netcon.weight[0], netcon.delay, conn["label"]))
    return rows


def main(specs_file, out_file):
    with open(specs_file) as fid:
        specs = json.load(fid)
    # NetPyNE's own gather reads its own dipole recorders (see model/solver.py).
    cfg = for_netpyne_runner(specs["cfg"])
    sim = build_network(cfg, specs["netParams"])
    setup_recording(sim, cfg, specs["netParams"])
    rows = sim.pc.py_gather(connection_rows(sim), 0)
    sim.gatherData()
    if sim.rank != 0:
        return
    rows = [row for part in rows for row in part]
    out = {"total_connections": sim.totalConnections, "total_synapses": sim.totalSynapses,
           "src": [r[0] for r in rows], "tgt": [r[1] for r in rows],
           "sec": [r[2] for r in rows], "syn_mech": [r[3] for r in rows],
           "weight": [r[4] for r in rows], "delay": [r[5] for r in rows],
           "rule": [r[6] for r in rows]}
    for group, feature in (("pop", "numConns"), ("pop", "weight"), ("cell", "weight")):
        _, data = sim.analysis.plotConn(groupBy=group, feature=feature, showFig=False)
        out[f"conn_{group}_{feature}"] = data["connMatrix"]
    np.savez(out_file, **{k: np.asarray(v) for k, v in out.items()})


main(sys.argv[-2], sys.argv[-1])
sim_pc = h.ParallelContext()
sim_pc.barrier()
h.quit()
