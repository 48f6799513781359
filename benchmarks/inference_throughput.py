"""Simulations per hour for inference: hnn-netpyne's sweep workers against hnn-core's BatchSimulate.

Both packages simulate the same prior draws of ``inference_problem.py`` on
the same cores: hnn-netpyne through ``SimulationBasedInference.simulate``
(a local Dask cluster; each worker builds the network once and sets each
draw's values in place), hnn-core 0.6.1 through ``BatchSimulate.run`` with
loky (``inference_hnn_core.py``, in its own environment; it builds the
network for every draw). Reports simulations per hour of wall time and of
CPU time (user + system of the script and its reaped workers), their
ratio (the issue's goal: at least 3x), and, from each package's CPU
seconds per simulation, the hours the paper's 110,000 simulations would
take on 256 workers.

    nice -n 10 .venv/bin/python benchmarks/inference_throughput.py \\
        --hnn-core-python ../hnnval/bin/python [--n 40] [--n-jobs 2]

Run it on a quiet machine: wall times on a loaded one say nothing.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import inference_problem as problem  # noqa: E402
from bench_common import cpu_seconds, write_results  # noqa: E402

PAPER_SIMULATIONS, PAPER_WORKERS = 110_000, 256


def ours(n, n_jobs, folder):
    """Simulate ``n`` prior draws; the draws and the wall and CPU seconds."""
    from hnn_netpyne.api import jones_2009_model
    from hnn_netpyne.inference import SimulationBasedInference

    sbi = SimulationBasedInference(problem.network(jones_2009_model), problem.TSTOP_MS,
                                   problem.CONSTRAINTS, problem.set_params, dt=problem.DT_MS,
                                   log_uniform=problem.LOG_UNIFORM, save_folder=folder)
    cpu, wall = cpu_seconds(), time.time()
    sbi.simulate(n, n_jobs=n_jobs, verbose=False)  # the local cluster is closed: workers reaped
    wall, cpu = time.time() - wall, cpu_seconds() - cpu
    draws = sbi.prior.to_params(sbi.box_)  # those that finished: both packages run the same
    return draws, {"n": n, "wall_s": wall, "cpu_s": cpu, "n_failed": len(sbi.errors_)}


def _rates(entry):
    entry["sims_per_hour_wall"] = entry["n"] * 3600.0 / entry["wall_s"]
    entry["sims_per_cpu_hour"] = entry["n"] * 3600.0 / entry["cpu_s"]
    entry["projection_110k_on_256_workers_h"] = (
        PAPER_SIMULATIONS * entry["cpu_s"] / entry["n"] / PAPER_WORKERS / 3600.0)
    return entry


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hnn-core-python", default=None,
                        help="Python of an environment with hnn-core 0.6.1 and joblib")
    parser.add_argument("--n", type=int, default=40, help="prior draws (default 40)")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--output", default=str(HERE / "inference_throughput.json"))
    args = parser.parse_args()
    report = {"problem": {"mesh_shape": problem.MESH_SHAPE, "tstop_ms": problem.TSTOP_MS,
                          "dt_ms": problem.DT_MS}, "n_jobs": args.n_jobs}
    with tempfile.TemporaryDirectory() as scratch:
        draws, report["hnn_netpyne"] = ours(args.n, args.n_jobs, Path(scratch) / "sims")
        if args.hnn_core_python:
            (Path(scratch) / "draws.json").write_text(json.dumps(draws))
            subprocess.run([args.hnn_core_python, str(HERE / "inference_hnn_core.py"),
                            str(Path(scratch) / "draws.json"), str(Path(scratch) / "theirs.json"),
                            str(args.n_jobs)], check=True, cwd=HERE)
            report["hnn_core"] = json.loads((Path(scratch) / "theirs.json").read_text())
    for who in ("hnn_netpyne", "hnn_core"):
        if who in report:
            _rates(report[who])
            print(f"{who}: {report[who]['sims_per_hour_wall']:.0f} simulations per hour (wall), "
                  f"{report[who]['sims_per_cpu_hour']:.0f} per CPU hour")
    if "hnn_core" in report:
        for kind in ("wall", "cpu"):
            key = "sims_per_hour_wall" if kind == "wall" else "sims_per_cpu_hour"
            report[f"ratio_{kind}"] = report["hnn_netpyne"][key] / report["hnn_core"][key]
        print(f"ratio: {report['ratio_wall']:.2f}x by wall, {report['ratio_cpu']:.2f}x by CPU")
    write_results(args.output, **report)


if __name__ == "__main__":
    main()
