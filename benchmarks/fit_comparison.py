"""Fits side by side: hnn-netpyne's Optimizer against hnn-core 0.6.1's, both COBYLA.

The problem (``fit_problem.py``): three values of the ERP's first evoked
drives (the proximal mean time and L5 pyramidal AMPA weight, the distal
mean time) on the 10 x 10 column, 90 ms; the target is hnn-core's dipole
of the true values, made once. Both fits start at the middle of the same
constraints and simulate at most the same ``max_iter`` candidates, one at
a time (COBYLA is sequential): hnn-core builds the network for each,
hnn-netpyne's one Dask worker builds it once and sets each candidate's
drive in place. Reports, for each, the wall and CPU seconds of the fit,
the fitted values and their relative errors, the best RMSE (nAm) against
the target, and the goals: ours within 5 % of each true value, an RMSE no
worse than hnn-core's, in at most a third of its wall time.

    .venv/bin/python benchmarks/fit_comparison.py --hnn-core-python ../hnnval/bin/python \\
        [--coreneuron] [--threads 2] [--hnn-core-json OLD.json]

hnn-core's fit (``fit_hnn_core.py``) runs first, in a subprocess, then
ours; ``--hnn-core-json`` reuses an earlier run of hnn-core's instead.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
import fit_problem as problem  # noqa: E402
from bench_common import cpu_seconds  # noqa: E402


def hnn_core_fit(python, target, out, max_iter, log):
    """hnn-core's fit in its environment; makes the target first if it is missing."""
    with open(log, "w") as stream:
        subprocess.run([python, str(HERE / "fit_hnn_core.py"), str(out), str(target),
                        str(max_iter)], check=True, stdout=stream, stderr=subprocess.STDOUT)
    return json.loads(Path(out).read_text()) if max_iter else None


def our_fit(target_path, max_iter, coreneuron, n_threads):
    from hnn_netpyne.analysis.dipole import Dipole
    from hnn_netpyne.api import jones_2009_model
    from hnn_netpyne.batch import Optimizer

    with np.load(target_path) as data:
        target = Dipole(data["times"], {layer: data[layer] for layer in ("agg", "L2", "L5")})
    net = jones_2009_model()
    cpu, wall = cpu_seconds(), time.time()
    optimizer = Optimizer(net, problem.TSTOP_MS, problem.CONSTRAINTS, problem.set_params,
                          solver="cobyla", max_iter=max_iter, n_jobs=1, dt=problem.DT_MS,
                          coreneuron=coreneuron, n_threads=n_threads)
    optimizer.fit(target=target, verbose=False)
    wall, cpu = time.time() - wall, cpu_seconds() - cpu  # the cluster is closed: workers reaped
    fitted = dict(zip(problem.CONSTRAINTS, [float(v) for v in optimizer.opt_params_]))
    return {"wall_s": wall, "cpu_s": cpu, "fitted": fitted,
            "relative_errors": problem.relative_errors(fitted),
            "best_rmse_nAm": float(min(optimizer.obj_)),
            "best_rmse_per_candidate_nAm": [float(v) for v in optimizer.obj_],
            "n_candidates": len(optimizer.values_),
            "rebuilt": int(sum(s["rebuilt"] for s in optimizer.summaries_)),
            "candidate_wall_s": [s["wall_s"] for s in optimizer.summaries_]}


def goals(report):
    ours, theirs = report["hnn_netpyne"], report["hnn_core"]
    return {"ours_within_5_percent": max(ours["relative_errors"].values()) <= 0.05,
            "ours_rmse_not_worse": ours["best_rmse_nAm"] <= theirs["best_rmse_nAm"],
            "wall_ratio_ours_over_hnn_core": ours["wall_s"] / theirs["wall_s"],
            "ours_at_most_a_third_of_the_wall_time": ours["wall_s"] <= theirs["wall_s"] / 3.0}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hnn-core-python", required=True,
                        help="Python of an environment with hnn-core 0.6.1")
    parser.add_argument("--hnn-core-json", default=None,
                        help="an earlier fit_hnn_core.py result to reuse")
    parser.add_argument("--max-iter", type=int, default=problem.MAX_ITER)
    parser.add_argument("--coreneuron", action="store_true")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--work", default="output/fit_comparison",
                        help="folder of the target, hnn-core's result and its log")
    parser.add_argument("--output", default=str(HERE / "fit_results.json"))
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    target = work / "target.npz"
    report = {"problem": {"true": problem.TRUE, "constraints": problem.CONSTRAINTS,
                          "tstop_ms": problem.TSTOP_MS, "dt_ms": problem.DT_MS,
                          "max_iter": args.max_iter, "solver": "cobyla"},
              "coreneuron": args.coreneuron, "threads": args.threads,
              "load_average_before": os.getloadavg()}
    if args.hnn_core_json:
        hnn_core_fit(args.hnn_core_python, target, work / "unused.json", 0, work / "target.log")
        report["hnn_core"] = json.loads(Path(args.hnn_core_json).read_text())
    else:
        report["hnn_core"] = hnn_core_fit(args.hnn_core_python, target, work / "hnn_core.json",
                                          args.max_iter, work / "hnn_core.log")
    report["load_average_between"] = os.getloadavg()
    report["hnn_netpyne"] = our_fit(target, args.max_iter, args.coreneuron, args.threads)
    report["load_average_after"] = os.getloadavg()
    report["goals"] = goals(report)
    Path(args.output).write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
