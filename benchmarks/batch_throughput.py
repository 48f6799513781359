"""Sweep throughput: hnn-netpyne's BatchSimulate against hnn-core's, side by side.

The sweep: the ERP network (170 ms) with one more proximal evoked drive
whose L5 pyramidal AMPA weight takes 8 values. hnn-netpyne runs it on a
local Dask cluster of 2 worker processes (each builds the network once and
sets the next weight in place); hnn-core 0.6.1 with ``n_jobs=2`` and loky
(``batch_hnn_core.py``, in its own environment). Reports simulations per
hour of wall time and per hour of CPU time (user + system of the script
and all its worker processes, which the shared machine's load does not
inflate), the ratios, and each point's dipole difference from hnn-core's
run of the same point (max |ours - theirs| / max |theirs|).

    .venv/bin/python benchmarks/batch_throughput.py \\
        --hnn-core-python ../hnnval/bin/python [--coreneuron] [--tstop 170]
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from batch_hnn_core import WEIGHTS, set_params  # noqa: E402
from bench_common import cpu_seconds, write_results  # noqa: E402


def ours(tstop, coreneuron, folder):
    from hnn_netpyne.api import add_erp_drives_to_jones_model, jones_2009_model
    from hnn_netpyne.batch import BatchSimulate

    net = jones_2009_model()
    add_erp_drives_to_jones_model(net)
    cpu, wall = cpu_seconds(), time.time()
    batch = BatchSimulate(set_params, net=net, tstop=tstop, coreneuron=coreneuron,
                          save_folder=folder, save_outputs=True)
    results = batch.run({"weight_pyr": WEIGHTS}, n_jobs=2, verbose=False)
    wall, cpu = time.time() - wall, cpu_seconds() - cpu  # the cluster is closed: workers reaped
    points = results["simulated_data"][0]
    return {"wall_s": wall, "cpu_s": cpu,
            "agg": np.array([p["dpl"][0].data["agg"] for p in points]),
            "rebuilt": [p["summary"]["rebuilt"] for p in points],
            "point_cpu_s": [p["summary"]["cpu_s"] for p in points],
            "point_wall_s": [p["summary"]["wall_s"] for p in points]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hnn-core-python", default=None,
                        help="Python of an environment with hnn-core 0.6.1")
    parser.add_argument("--tstop", type=float, default=170.0)
    parser.add_argument("--coreneuron", action="store_true")
    parser.add_argument("--output", default=str(Path(__file__).parent / "batch_results.json"))
    args = parser.parse_args()
    report = {"tstop_ms": args.tstop, "n_points": len(WEIGHTS), "coreneuron": args.coreneuron}
    with tempfile.TemporaryDirectory() as scratch:
        if args.hnn_core_python:
            theirs_file = Path(scratch) / "hnn_core.npz"
            subprocess.run([args.hnn_core_python, str(Path(__file__).parent / "batch_hnn_core.py"),
                            str(theirs_file), str(args.tstop)], check=True)
            with np.load(theirs_file) as data:
                theirs = {key: data[key] for key in data.files}
            report["hnn_core"] = {"wall_s": float(theirs["wall_s"]),
                                  "cpu_s": float(theirs["cpu_s"])}
        mine = ours(args.tstop, args.coreneuron, Path(scratch) / "sweep")
    report["hnn_netpyne"] = {key: mine[key] for key in ("wall_s", "cpu_s", "rebuilt",
                                                         "point_cpu_s", "point_wall_s")}
    for who in ("hnn_core", "hnn_netpyne"):
        if who in report:
            entry = report[who]
            entry["sims_per_hour_wall"] = len(WEIGHTS) * 3600.0 / entry["wall_s"]
            entry["sims_per_cpu_hour"] = len(WEIGHTS) * 3600.0 / entry["cpu_s"]
    if "hnn_core" in report:
        report["ratio_wall"] = (report["hnn_netpyne"]["sims_per_hour_wall"]
                                / report["hnn_core"]["sims_per_hour_wall"])
        report["ratio_cpu"] = (report["hnn_netpyne"]["sims_per_cpu_hour"]
                               / report["hnn_core"]["sims_per_cpu_hour"])
        peak = np.max(np.abs(theirs["agg"]), axis=1)
        report["dipole_error_per_point"] = (
            np.max(np.abs(mine["agg"] - theirs["agg"]), axis=1) / peak).tolist()
    write_results(args.output, **report)
    print(f"hnn_netpyne per point, inside the worker: CPU {np.median(mine['point_cpu_s']):.1f} s, "
          f"wall {np.median(mine['point_wall_s']):.1f} s (medians); whole sweep "
          f"{mine['cpu_s'] / len(WEIGHTS):.1f} s CPU per point")
    for who in ("hnn_core", "hnn_netpyne"):
        if who in report:
            print(f"{who}: {report[who]['sims_per_hour_wall']:.0f} simulations per hour (wall), "
                  f"{report[who]['sims_per_cpu_hour']:.0f} per CPU hour")
    if "hnn_core" in report:
        print(f"ratio: {report['ratio_wall']:.2f}x by wall, {report['ratio_cpu']:.2f}x by CPU")


if __name__ == "__main__":
    main()
