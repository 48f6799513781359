"""Command-level benchmark: the commands a user types, side by side with hnn-core 0.6.1.

Each case runs a whole command in a fresh process tree and measures its
wall time, CPU time and peak RSS per process (the largest process of the
tree, from ``wait4``; figures included where the command draws them):

* ``erp``: ``hnn-netpyne run --preset erp`` (170 ms, one process, the
  default mode, with figures) and hnn-core's ``simulate_dipole`` in one process;
* ``figures``: ``hnn-netpyne plot`` of that run folder (what the figures cost);
* ``main_job``: ``scripts/run.sh`` (the seed scenario, 310 ms, 2 ranks, with
  figures) and hnn-core's one-process run of the same scenario;
* ``erp4``: the ERP's 4 trials, ``hnn-netpyne run --trials 4`` on 2 ranks,
  on 1 (by default with a thread per core) and on 1 with one thread, and
  hnn-core's ``JoblibBackend(n_jobs=2)``.

Cases alternate, ``--repeats`` times; the table gives medians and the ratios
the performance issue sets goals for. hnn-core runs in its own environment
(``--hnn-core-python``) through ``hnn_core_commands.py``; its MPIBackend is
never used (it kills every process named nrniv). Numbers are only meaningful
on an otherwise quiet machine.

    .venv/bin/python benchmarks/commands.py --repeats 3 [--cases erp main_job erp4]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import write_results

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
CASES = ("erp", "main_job", "erp4")
GOALS = (
    # (label, numerator run, denominator run, measure, goal)
    ("ERP, 1 process, default command / hnn-core", "ours_erp", "core_erp", "wall_s", 0.40),
    ("main job (run.sh, 2 ranks) / hnn-core 1 process", "ours_main_job", "core_seed",
     "wall_s", 0.30),
    ("ERP 4 trials: 2 ranks / 1 rank (default: 2 threads)", "ours_erp4_2ranks",
     "ours_erp4_1rank", "wall_s", 0.55),
    ("ERP 4 trials: 2 ranks / 1 rank with --threads 1", "ours_erp4_2ranks",
     "ours_erp4_1rank_1thread", "wall_s", 0.55),
    ("ERP 4 trials: 2 ranks / hnn-core joblib n_jobs=2", "ours_erp4_2ranks",
     "core_erp4_joblib2", "wall_s", 0.35),
    ("ERP peak RSS per process, with figures / hnn-core", "ours_erp", "core_erp",
     "peak_rss_mb", 1.00),
    ("figures (hnn-netpyne plot) / ERP command", "ours_figures", "ours_erp", "wall_s", None),
)


def measure(cmd, env=None):
    """Run ``cmd``; its wall and CPU time (s) and the peak RSS (MB) of its largest process.

    ``wait4`` gives the child's resource use together with that of every
    descendant it waited for (mpiexec's ranks, a figure process).
    """
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n"
                           f"{output[-3000:]}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": usage.ru_maxrss / 1024.0}


def runs(case, hnn_core_python, scratch):
    """Name -> command line of each run of ``case``, in the order they run."""
    ours = [str(BIN / "hnn-netpyne"), "run", "--overwrite", "--quiet"]
    core = [hnn_core_python, str(HERE / "hnn_core_commands.py")]
    erp_folder = str(scratch / "erp")
    if case == "erp":
        return {"core_erp": core + ["erp"],
                "ours_erp": ours + ["--preset", "erp", "--output", erp_folder],
                "ours_figures": [str(BIN / "hnn-netpyne"), "plot", erp_folder]}
    if case == "main_job":
        return {"core_seed": core + ["seed"],
                "ours_main_job": ["bash", str(ROOT / "scripts" / "run.sh"), "--quiet",
                                  "--output", str(scratch / "seed_bursty")]}
    if case == "erp4":
        four = ours + ["--preset", "erp", "--trials", "4", "--output", str(scratch / "erp4")]
        return {"core_erp4_joblib2": core + ["erp4_joblib2"],
                "ours_erp4_1rank": four + ["--np", "1"],
                "ours_erp4_1rank_1thread": four + ["--np", "1", "--threads", "1"],
                "ours_erp4_2ranks": four + ["--np", "2"]}
    raise ValueError(f"unknown case {case!r}")


def table(medians):
    """Lines of the goals table: each ratio of medians with its goal."""
    lines = [f"{'ratio':55s} {'value':>7s} {'goal':>7s}  met"]
    for label, num, den, key, goal in GOALS:
        if num not in medians or den not in medians:
            continue
        ratio = medians[num][key] / medians[den][key]
        met = "" if goal is None else ("yes" if ratio <= goal else "NO")
        goal_text = "" if goal is None else f"<= {goal:.2f}"
        lines.append(f"{label:55s} {ratio:7.2f} {goal_text:>7s}  {met}")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hnn-core-python", default=str(HERE.parent.parent / "hnnval/bin/python"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES)
    parser.add_argument("--out", default=str(HERE / "commands.json"))
    args = parser.parse_args(argv)
    from hnn_netpyne.runtime.mpienv import mpi_environment

    env = mpi_environment()
    samples = {}
    with tempfile.TemporaryDirectory(prefix="hnn_netpyne_bench_") as scratch:
        for repeat in range(args.repeats):
            for case in args.cases:
                for name, cmd in runs(case, args.hnn_core_python, Path(scratch)).items():
                    samples.setdefault(name, []).append(measure(cmd, env))
                    s = samples[name][-1]
                    print(f"repeat {repeat + 1}/{args.repeats} {name}: {s['wall_s']:.1f} s wall, "
                          f"{s['cpu_s']:.1f} s CPU, {s['peak_rss_mb']:.0f} MB", flush=True)
    medians = {name: {key: statistics.median(r[key] for r in rs) for key in rs[0]}
               for name, rs in samples.items()}
    print(f"\nmedians of {args.repeats}\n{'run':24s} {'wall (s)':>9s} {'CPU (s)':>9s} "
          f"{'peak RSS (MB)':>14s}")
    for name, m in medians.items():
        print(f"{name:24s} {m['wall_s']:9.1f} {m['cpu_s']:9.1f} {m['peak_rss_mb']:14.0f}")
    lines = table(medians)
    print("\n" + "\n".join(lines))
    write_results(args.out, repeats=args.repeats, medians=medians, goals=lines,
                  samples=samples)


if __name__ == "__main__":
    main()
