"""Scaling run: the ERP scenario on larger pyramidal grids, on 1 and 2 ranks.

Runs ``hnn_netpyne_erp.py`` in the fastest mode (CoreNEURON) for mesh 10x10,
15x15 and 20x20 on 1 and 2 MPI ranks, and reports build time, solve time and
peak RSS per rank against the number of cells and of synaptic NetCons (the
all-to-all rules make NetCons grow with the square of the cell count). It
fits

* build (s) and solve (s) = a * cells + b * NetCons,
* peak RSS per rank (MB) = base + (c * cells + d * NetCons) / ranks,

on the 1-rank runs, and uses the fits to say what a 64-rank run of mesh
40x40 would need. Results go to ``scaling.json``.

    python benchmarks/scaling.py [--meshes 10 15 20] [--ranks 1 2] [--plot FILE]
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
FASTEST = {"coreneuron": True, "cache_efficient": True, "nThreads": 1}
ESTIMATE_MESH = 40
ESTIMATE_RANKS = 64


def run_once(mesh, n_ranks):
    """Timings of one run (dict written by hnn_netpyne_erp.py)."""
    from hnn_netpyne.runtime.mpienv import mpi_environment

    overrides = json.dumps(dict(FASTEST, meshShape=[mesh, mesh]))
    script = str(HERE / "hnn_netpyne_erp.py")
    if n_ranks == 1:
        cmd = [sys.executable, script, overrides]
    else:
        cmd = [str(BIN / "mpiexec"), "-n", str(n_ranks), str(BIN / "nrniv"), "-python", "-mpi",
               script, overrides]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "timings.json"
        proc = subprocess.run(cmd + [str(out)], capture_output=True, text=True,
                              env=mpi_environment(), stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise RuntimeError(f"mesh {mesh}, {n_ranks} ranks failed:\n{proc.stderr[-3000:]}")
        return json.loads(out.read_text())


def network_size(mesh):
    """(cells, synaptic NetCons) of the ERP network on a mesh x mesh grid."""
    from hnn_netpyne.cells import is_drive
    from hnn_netpyne.model.specs import build_net_params, build_sim_config
    from hnn_netpyne.runtime.connect import count_netcons

    net_params = build_net_params(dict(build_sim_config("erp"), meshShape=[mesh, mesh]))
    cells = sum(len(pop["cellsList"]) for label, pop in net_params["popParams"].items()
                if not is_drive(label))
    return cells, count_netcons(net_params)


def fit(runs, key):
    """Least-squares (a, b) of ``key`` = a * cells + b * NetCons over ``runs``."""
    design = np.array([[r["n_cells"], r["n_netcons"]] for r in runs], dtype=float)
    values = np.array([r[key] for r in runs], dtype=float)
    coef, *_ = np.linalg.lstsq(design, values, rcond=None)
    return coef


def fit_rss(runs):
    """(base MB, MB per cell, MB per NetCon) of peak RSS over 1-rank runs."""
    design = np.array([[1.0, r["n_cells"], r["n_netcons"]] for r in runs])
    values = np.array([r["peak_rss_mb"] for r in runs])
    coef, *_ = np.linalg.lstsq(design, values, rcond=None)
    return coef


def estimate(runs_1rank, mesh=ESTIMATE_MESH, n_ranks=ESTIMATE_RANKS):
    """Build, solve and memory per rank of ``mesh`` x ``mesh`` on ``n_ranks``, from the fits.

    Assumes perfect division of cells and NetCons over ranks (the 2-rank runs
    measure how close that is) and no extra cost for spike exchange.
    """
    cells, netcons = network_size(mesh)
    build, solve = fit(runs_1rank, "build"), fit(runs_1rank, "solve")
    base, per_cell, per_netcon = fit_rss(runs_1rank)
    return {
        "mesh": mesh, "n_ranks": n_ranks, "n_cells": cells, "n_netcons": netcons,
        "build_s_1rank": float(build @ [cells, netcons]),
        "solve_s_1rank": float(solve @ [cells, netcons]),
        "build_s": float(build @ [cells, netcons]) / n_ranks,
        "solve_s": float(solve @ [cells, netcons]) / n_ranks,
        "peak_rss_mb_per_rank": float(base + (per_cell * cells + per_netcon * netcons) / n_ranks),
        "total_memory_gb": float(n_ranks * base + per_cell * cells + per_netcon * netcons) / 1024,
        "fits": {"build_s_per_cell": build[0], "build_s_per_netcon": build[1],
                 "solve_s_per_cell": solve[0], "solve_s_per_netcon": solve[1],
                 "rss_base_mb": base, "rss_mb_per_cell": per_cell,
                 "rss_mb_per_netcon": per_netcon},
    }


def plot_scaling(result, path):
    """Build time, solve time and peak RSS per rank against the cell count, per rank count."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = (("build", "build (s)"), ("solve", "solve, 170 ms (s)"),
              ("peak_rss_mb", "peak RSS per rank (MB)"))
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), constrained_layout=True)
    for n_ranks in sorted({r["n_ranks"] for r in result["runs"]}):
        runs = sorted((r for r in result["runs"] if r["n_ranks"] == n_ranks),
                      key=lambda r: r["n_cells"])
        cells = [r["n_cells"] for r in runs]
        for ax, (key, label) in zip(axes, panels):
            ax.plot(cells, [r[key] for r in runs], "o-", label=f"{n_ranks} rank{'s' * (n_ranks > 1)}")
            ax.set(xlabel="cells (mesh 10x10, 15x15, 20x20)", ylabel=label)
    axes[0].legend()
    fig.suptitle("hnn-netpyne, ERP in CoreNEURON mode: cost against network size")
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meshes", type=int, nargs="+", default=[10, 15, 20])
    parser.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--out", default=str(HERE / "scaling.json"))
    parser.add_argument("--plot", default=str(HERE.parent / "docs" / "gallery" / "scaling.png"),
                        help="figure of the runs ('' for none)")
    parser.add_argument("--replot", action="store_true",
                        help="only redraw the figure from --out")
    args = parser.parse_args(argv)
    if args.replot:
        plot_scaling(json.loads(Path(args.out).read_text()), args.plot)
        return
    runs = []
    print(f"{'mesh':>5s} {'ranks':>5s} {'cells':>6s} {'NetCons':>10s} {'build s':>8s} "
          f"{'solve s':>8s} {'total s':>8s} {'RSS MB/rank':>11s}", flush=True)
    for mesh in args.meshes:
        for n_ranks in args.ranks:
            r = dict(run_once(mesh, n_ranks), mesh=mesh)
            runs.append(r)
            print(f"{mesh:5d} {n_ranks:5d} {r['n_cells']:6d} {r['n_netcons']:10d} "
                  f"{r['build']:8.2f} {r['solve']:8.2f} {r['total']:8.2f} "
                  f"{r['peak_rss_mb']:11.0f}", flush=True)
    one = [r for r in runs if r["n_ranks"] == 1]
    result = {"machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                          "python": platform.python_version()},
              "mode": FASTEST, "runs": runs}
    if len(one) >= 3:
        result["estimate"] = estimate(one)
        e = result["estimate"]
        print(f"\nmesh {e['mesh']}x{e['mesh']} ({e['n_cells']} cells, {e['n_netcons']:,} NetCons) "
              f"on {e['n_ranks']} ranks, from the 1-rank fits: build {e['build_s']:.1f} s, "
              f"solve {e['solve_s']:.1f} s per 170 ms, {e['peak_rss_mb_per_rank']:.0f} MB per rank "
              f"({e['total_memory_gb']:.1f} GB in all)")
    Path(args.out).write_text(json.dumps(result, indent=1))
    print(f"written {args.out}")
    if args.plot:
        plot_scaling(result, args.plot)
        print(f"written {args.plot}")


if __name__ == "__main__":
    main()
