"""Recovery of known parameters by simulation-based inference, at 200, 600 and 2000 simulations.

The problem is ``inference_problem.py`` (a 3 x 3 column, 80 ms, two ERP
drive parameters). The script simulates the largest budget once (prior
draws are seeded, so the first 200 of them are the 200-simulation budget),
the target (``TRUE``) and the held-out simulations once, then for each
budget trains sbi's NPE (MAF) and reports: whether each true value lies in
the central 90 % interval, |posterior median - truth| as a fraction of the
prior's width, and the coverage of the 90 % interval and the median
recovery error over the held-out simulations. It also reports each
simulation's CPU seconds (user + system of its worker, from the sweep
store) and what the paper's 110,000 simulations would take on 256 workers
at that cost. With ``--figures`` it draws the pairs plot and the
posterior predictive check of the 600-simulation posterior into
docs/gallery/.

    nice -n 10 .venv/bin/python benchmarks/inference_recovery.py [--budgets 200 600 2000]
        [--held-out 100] [--n-jobs 2] [--figures]

Timings taken on a loaded machine are not the simulator's speed: re-run on
a quiet machine before quoting them.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import inference_problem as problem  # noqa: E402
from bench_common import write_results  # noqa: E402

PAPER_SIMULATIONS, PAPER_WORKERS = 110_000, 256


def _simulation_cpu(folder):
    """CPU seconds of every finished simulation whose worker did not rebuild its network."""
    from hnn_netpyne.batch.store import read_table

    table = read_table(Path(folder) / "sweep.h5")
    done = table[(table["status"] == "done") & (table["rebuilt"] == 0)]
    return done["cpu_s"].to_numpy()


def _target(sbi, folder):
    from hnn_netpyne.analysis.dipole import Dipole
    from hnn_netpyne.inference.simulations import simulate_params

    times, dipoles, _, _ = simulate_params(sbi.net, problem.set_params, [problem.TRUE],
                                           sbi.settings, folder, verbose=False)
    return Dipole(times, dict(zip(Dipole.LAYERS, dipoles[0])))


def _figures(sbi, target, n_jobs):
    import matplotlib

    matplotlib.use("Agg")
    from hnn_netpyne.inference import diagnostics

    gallery = HERE.parent / "docs" / "gallery"
    samples = sbi.sample(target, 2000)
    diagnostics.plot_posterior(samples, sbi.prior, truth=problem.TRUE, show=False).savefig(
        gallery / "inference_posterior_pairs.png", dpi=110)
    times, dipoles = diagnostics.predictive_check(sbi, target, 20, n_jobs=n_jobs, verbose=False)
    diagnostics.plot_predictive(times, dipoles, target, show=False).savefig(
        gallery / "inference_predictive.png", dpi=110)


def main():
    from hnn_netpyne.api import jones_2009_model
    from hnn_netpyne.inference import SimulationBasedInference, coverage, recovery

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", type=int, nargs="+", default=[200, 600, 2000])
    parser.add_argument("--held-out", type=int, default=100)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--folder", default="inference_recovery_sims",
                        help="simulation stores (a killed run resumes from them)")
    parser.add_argument("--figures", action="store_true")
    parser.add_argument("--output", default=str(HERE / "inference_recovery.json"))
    args = parser.parse_args()
    sbi = SimulationBasedInference(problem.network(jones_2009_model), problem.TSTOP_MS,
                                   problem.CONSTRAINTS, problem.set_params, dt=problem.DT_MS,
                                   log_uniform=problem.LOG_UNIFORM, save_folder=args.folder)
    report = {"problem": {"mesh_shape": problem.MESH_SHAPE, "tstop_ms": problem.TSTOP_MS,
                          "dt_ms": problem.DT_MS, "constraints": problem.CONSTRAINTS,
                          "log_uniform": problem.LOG_UNIFORM, "truth": problem.TRUE},
              "budgets": {}}
    target = None
    for budget in sorted(args.budgets):  # each budget keeps the smaller one's simulations
        sbi.simulate(budget, n_jobs=args.n_jobs)
        if target is None:
            target = _target(sbi, Path(args.folder) / "target")
        wall = time.time()
        sbi.train()
        entry = {"n_finished": len(sbi.box_), "n_failed": len(sbi.errors_),
                 "train_wall_s": time.time() - wall,
                 "target": recovery(sbi, target, problem.TRUE, n_samples=2000)}
        held = coverage(sbi, args.held_out, n_samples=1000, n_jobs=args.n_jobs, verbose=False)
        entry["held_out"] = {k: held[k] for k in ("n_held_out", "unsampled", "coverage",
                                                   "median_recovery_error")}
        report["budgets"][str(budget)] = entry
        print(budget, {n: (e["inside"], round(e["error"], 4)) for n, e in entry["target"].items()},
              "coverage 90 %:", held["coverage"]["0.9"], flush=True)
        if budget == 600 and args.figures:
            _figures(sbi, target, args.n_jobs)
        _finish(report, args)  # after each budget: a stopped run keeps what it measured


def _finish(report, args):
    """Add the per-simulation CPU time and the projection; write the JSON."""
    stores = sorted((Path(args.folder) / "simulations").glob("*/sweep.h5"))  # finished chunks
    cpu = np.concatenate([_simulation_cpu(store.parent) for store in stores])
    report["simulation_cpu_s"] = {"median": float(np.median(cpu)), "mean": float(cpu.mean()),
                                  "n": len(cpu)}
    report["projection_110k_on_256_workers_h"] = (
        PAPER_SIMULATIONS * float(np.median(cpu)) / PAPER_WORKERS / 3600.0)
    report["note"] = ("CPU times were measured on a shared, loaded machine, and this problem "
                      "is far smaller than the paper's (10 x 10 column, 250 ms): re-measure the "
                      "per-simulation CPU time of the paper's problem on a quiet machine "
                      "before quoting the projection.")
    write_results(args.output, **report)


if __name__ == "__main__":
    main()
