"""What two busy cores cost each other: one solve alone against two at once.

Whole trials per rank (``--np 2``) and threads both run two solves side by
side on this machine's two cores. Each round times the ERP's CoreNEURON
solve on one thread (``solve_options.py``'s worker, a fresh process) alone,
then two such processes started together, and the same for a control: a
pure-Python loop whose data fits in the core's own cache. The ratio of the
paired to the lone time is what sharing the machine adds to each solve;
the control separates what the cores share (caches, memory) from the
machine itself (the host's scheduling of the virtual cores).

    .venv/bin/python benchmarks/core_sharing.py --repeats 3 [--tstop 170]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_common import write_results
from solve_options import worker_command

HERE = Path(__file__).resolve().parent
CONTROL_LOOPS = 60_000_000


def control():
    """Seconds of a loop of float arithmetic on a few local variables."""
    started = time.perf_counter()
    x = 1.0
    for _ in range(CONTROL_LOOPS):
        x = x * 1.0000001 + 1e-9
    return time.perf_counter() - started


def _control_command(out):
    return [sys.executable, __file__, "--control", str(out)]


def timed_together(commands, outs):
    """Start ``commands`` at once; the seconds each one reported in its npz ``out``."""
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for cmd in commands]
    for proc, cmd in zip(procs, commands):
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{err.decode()[-2000:]}")
    seconds = []
    for out in outs:
        with np.load(out) as data:
            seconds.append(float(data["solve_wall_s"]))
    return seconds


def one_round(scratch, tstop_ms):
    """Lone and paired seconds of the solve and of the control."""
    outs = [Path(scratch) / f"run{k}.npz" for k in range(2)]
    times = {}
    for name, make in (("solve", lambda out: worker_command(out, tstop_ms)),
                       ("control", _control_command)):
        times[f"{name}_alone_s"] = timed_together([make(outs[0])], outs[:1])
        times[f"{name}_paired_s"] = timed_together([make(out) for out in outs], outs)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tstop", type=float, default=170.0, help="simulated time (ms)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=str(HERE / "core_sharing.json"))
    args = parser.parse_args(argv)
    samples = {}
    with tempfile.TemporaryDirectory(prefix="hnn_netpyne_sharing_") as scratch:
        for repeat in range(args.repeats):
            times = one_round(scratch, args.tstop)
            for key, values in times.items():
                samples.setdefault(key, []).extend(values)
            print(f"round {repeat + 1}/{args.repeats}: " + ", ".join(
                f"{key} {' '.join(f'{v:.2f}' for v in values)}" for key, values in times.items()),
                flush=True)
    medians = {key: statistics.median(values) for key, values in samples.items()}
    ratios = {name: medians[f"{name}_paired_s"] / medians[f"{name}_alone_s"]
              for name in ("solve", "control")}
    for name, ratio in ratios.items():
        print(f"{name}: alone {medians[f'{name}_alone_s']:.2f} s, paired "
              f"{medians[f'{name}_paired_s']:.2f} s, paired / alone {ratio:.3f}")
    write_results(args.out, tstop_ms=args.tstop, repeats=args.repeats, medians=medians,
                  paired_over_alone=ratios, samples=samples)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--control":
        np.savez(sys.argv[2], solve_wall_s=control())
    else:
        main()
