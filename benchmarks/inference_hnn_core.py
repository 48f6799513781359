"""hnn-core 0.6.1's BatchSimulate on the prior draws of ``inference_throughput.py``.

Run with the validation environment's Python:
``../hnnval/bin/python benchmarks/inference_hnn_core.py DRAWS.json OUT.json [N_JOBS]``.
DRAWS.json is a list of {name: value} (the same draws hnn-netpyne
simulates); hnn-core's BatchSimulate calls ``set_params(param_values, net)``
(its code's order), so the problem's ``set_params(net, params)`` is wrapped.
Writes the wall and CPU seconds (this process and its reaped loky workers).
hnn-core's BatchSimulate needs joblib in that environment.
"""

import json
import sys
import time

import inference_problem as problem
from bench_common import cpu_seconds


def set_params(param_values, net):
    problem.set_params(net, param_values)


if __name__ == "__main__":
    from hnn_core import jones_2009_model
    from hnn_core.batch_simulate import BatchSimulate
    from joblib.externals.loky import get_reusable_executor

    draws = json.loads(open(sys.argv[1]).read())
    n_jobs = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    net = problem.network(jones_2009_model)
    cpu, wall = cpu_seconds(), time.time()
    batch = BatchSimulate(set_params, net=net, tstop=problem.TSTOP_MS, dt=problem.DT_MS)
    grid = {name: [draw[name] for draw in draws] for name in draws[0]}  # its run takes a dict
    batch.run(grid, combinations=False, n_jobs=n_jobs, backend="loky", verbose=False,
              return_output=False)
    get_reusable_executor().shutdown(wait=True)
    wall, cpu = time.time() - wall, cpu_seconds() - cpu
    with open(sys.argv[2], "w") as out:
        json.dump({"n": len(draws), "wall_s": wall, "cpu_s": cpu}, out)
    print(f"hnn-core BatchSimulate: {len(draws)} draws in {wall:.1f} s wall, {cpu:.1f} s CPU")
