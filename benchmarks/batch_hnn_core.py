"""hnn-core 0.6.1's BatchSimulate on the 8-point sweep of ``batch_throughput.py``.

Run with the validation environment's Python:
``../hnnval/bin/python benchmarks/batch_hnn_core.py OUT.npz [TSTOP]``.
Uses ``BatchSimulate.run(n_jobs=2, backend='loky')``; writes each point's
aggregate dipole (nAm) and the wall and CPU seconds (this process and its
loky workers, which are shut down and reaped before measuring).
"""

import sys
import time

import numpy as np
from bench_common import cpu_seconds

WEIGHTS = np.logspace(-4, -1.5, 8).tolist()  # µS; the same list as batch_throughput.py


def set_params(param_values, net):
    net.add_evoked_drive("evprox_sweep", mu=40.0, sigma=5.0, numspikes=1, location="proximal",
                         weights_ampa={"L5_pyramidal": param_values["weight_pyr"]})


if __name__ == "__main__":
    from hnn_core import jones_2009_model
    from hnn_core.batch_simulate import BatchSimulate
    from hnn_core.network_models import add_erp_drives_to_jones_model
    from joblib.externals.loky import get_reusable_executor

    tstop = float(sys.argv[2]) if len(sys.argv) > 2 else 170.0
    net = jones_2009_model()
    add_erp_drives_to_jones_model(net)
    cpu, wall = cpu_seconds(), time.time()
    batch = BatchSimulate(set_params, net=net, tstop=tstop)
    results = batch.run({"weight_pyr": WEIGHTS}, n_jobs=2, backend="loky", verbose=False)
    get_reusable_executor().shutdown(wait=True)
    wall, cpu = time.time() - wall, cpu_seconds() - cpu
    points = [p for batch_points in results["simulated_data"] for p in batch_points]
    np.savez(sys.argv[1], weights=[p["param_values"]["weight_pyr"] for p in points],
             times=points[0]["dpl"][0].times,
             agg=np.array([p["dpl"][0].data["agg"] for p in points]), wall_s=wall, cpu_s=cpu)
    print(f"hnn-core BatchSimulate: 8 points in {wall:.1f} s wall, {cpu:.1f} s CPU")
