"""hnn-core 0.6.1's Optimizer (COBYLA) on the fit problem of ``fit_problem.py``.

Run with the validation environment's Python (``fit_comparison.py`` does):
``../hnnval/bin/python benchmarks/fit_hnn_core.py OUT.json TARGET.npz [MAX_ITER]``.
If TARGET.npz does not exist, it is first made: the dipole (nAm; times,
agg, L2, L5) of the true values; MAX_ITER 0 only makes it. Writes the fit's wall and CPU seconds,
the fitted values, their relative errors, the RMSE (nAm) per candidate
and the best RMSE.
"""

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import fit_problem as problem  # noqa: E402


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def make_target(path):
    from hnn_core import jones_2009_model, simulate_dipole

    net = jones_2009_model()
    problem.set_params(net, problem.TRUE)
    dpl = simulate_dipole(net, tstop=problem.TSTOP_MS, dt=problem.DT_MS, n_trials=1)[0]
    np.savez(path, times=dpl.times, **{layer: dpl.data[layer] for layer in ("agg", "L2", "L5")})


def main(out, target_path, max_iter):
    from hnn_core import jones_2009_model
    from hnn_core.dipole import Dipole
    from hnn_core.optimization import Optimizer

    if not Path(target_path).exists():
        make_target(target_path)
    if max_iter == 0:
        return
    with np.load(target_path) as data:
        target = Dipole(data["times"], {layer: data[layer] for layer in ("agg", "L2", "L5")})
    net = jones_2009_model()
    cpu, wall = cpu_seconds(), time.time()
    optimizer = Optimizer(net, tstop=problem.TSTOP_MS, constraints=problem.CONSTRAINTS,
                          set_params=problem.set_params, solver="cobyla", max_iter=max_iter)
    optimizer.fit(target=target, n_trials=1, dt=problem.DT_MS)
    wall, cpu = time.time() - wall, cpu_seconds() - cpu
    fitted = dict(zip(problem.CONSTRAINTS, [float(v) for v in optimizer.opt_params_]))
    report = {"wall_s": wall, "cpu_s": cpu, "fitted": fitted,
              "relative_errors": problem.relative_errors(fitted),
              "best_rmse_nAm": float(min(optimizer.obj_)),
              "best_rmse_per_candidate_nAm": [float(v) for v in optimizer.obj_]}
    Path(out).write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2],
         int(sys.argv[3]) if len(sys.argv) > 3 else problem.MAX_ITER)
