"""Time hnn-netpyne on the ERP scenario, stage by stage.

``python benchmarks/hnn_netpyne_erp.py [CFG_OVERRIDES_JSON] OUT.json`` on
one process, or under ``mpiexec -n N nrniv -python -mpi``; rank 0 writes the
timings (the largest peak RSS of any rank is reported, and the sum over
ranks), the number of cells and of synaptic NetCons.
"""

import json
import resource
import tempfile
import time

started = time.perf_counter()
from hnn_netpyne.runtime.mpienv import init_mpi_if_launched  # noqa: E402

init_mpi_if_launched()
import netpyne  # noqa: E402,F401
from neuron import h  # noqa: E402

from hnn_netpyne.cells import is_drive  # noqa: E402
from hnn_netpyne.model.specs import build_net_params, build_sim_config  # noqa: E402
from hnn_netpyne.runtime.job import write_outputs  # noqa: E402
from hnn_netpyne.runtime.options import script_arguments  # noqa: E402
from hnn_netpyne.runtime.run import network_netcons, run_network  # noqa: E402

timings = {"import": time.perf_counter() - started}
args = script_arguments()
out_file = args[-1]
overrides = json.loads(args[0]) if len(args) > 1 else {}
pc = h.ParallelContext()

t0 = time.perf_counter()
cfg = dict(build_sim_config("erp"), **overrides)
net_params = build_net_params(cfg)
timings["specs"] = time.perf_counter() - t0
result = run_network(cfg, net_params, progress=False)
rank = int(pc.id())
if rank == 0:
    timings["build"] = timings["specs"] + result["timings"]["build"]
    timings["solve"] = result["timings"]["solve"]
    timings["gather"] = result["timings"]["gather"]
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        write_outputs(folder, cfg, net_params, result)
    timings["gather_write"] = timings["gather"] + time.perf_counter() - t0
    timings["total"] = time.perf_counter() - started
    timings["n_spikes"] = int((result["spikes"][0][1] < 270).sum())
from netpyne import sim  # noqa: E402

n_netcons = pc.allreduce(len(network_netcons(sim)), 1)
rss = pc.py_gather(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 0)
if rank == 0:
    timings["n_cells"] = sum(stop - start for pop, (start, stop) in result["gid_ranges"].items()
                             if not is_drive(pop))
    timings["n_netcons"] = int(n_netcons)
    timings["peak_rss_mb"] = max(rss)
    timings["peak_rss_mb_all_ranks"] = sum(rss)
    timings["n_ranks"] = int(pc.nhost())
    with open(out_file, "w") as fid:
        json.dump(timings, fid)
pc.barrier()
h.quit()
