"""Cost of recording: ERP (170 ms) with a 17-contact laminar array and
``record_vsec='soma'`` against the plain run, on 1 and on 2 ranks.

Runs the modes alternately ``--repeats`` times (default NEURON solver, or
``--coreneuron``) with ``benchmarks/hnn_netpyne_erp.py`` and prints, per
mode, the medians of the CPU time of all processes (user + sys, s), of the
wall time (s) and of the solve time (s), with the ratio recording / plain.
CPU time is the fair measure on a shared machine; the 1-minute load
average is printed before and after.

    python benchmarks/recording_overhead.py --repeats 2
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
LAMINAR = {"name": "laminar", "positions": [[4.5, 4.5, float(z)] for z in range(-325, 2150, 150)],
           "conductivity": 0.3, "method": "psa", "minDistance": 0.5}
RECORDING = {"recordVsec": "soma", "extracellularArrays": [LAMINAR]}


def _children_cpu_s():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_mode(n_ranks, overrides):
    """One ERP run; returns its timings with ``cpu`` (s, all processes) and ``wall`` (s)."""
    from hnn_netpyne.runtime.mpienv import mpi_environment

    script = str(HERE / "hnn_netpyne_erp.py")
    cmd = [sys.executable, script]
    if n_ranks > 1:
        cmd = [str(BIN / "mpiexec"), "-n", str(n_ranks), str(BIN / "nrniv"), "-python", "-mpi",
               script]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "timings.json"
        cpu, wall = _children_cpu_s(), time.perf_counter()
        proc = subprocess.run(cmd + [json.dumps(overrides), str(out)], capture_output=True,
                              text=True, env=mpi_environment(), stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
        timings = json.loads(out.read_text())
    return dict(timings, cpu=_children_cpu_s() - cpu, wall=time.perf_counter() - wall)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--coreneuron", action="store_true")
    parser.add_argument("--out", default=str(HERE / "recording_overhead.json"))
    args = parser.parse_args(argv)
    solver = {"coreneuron": args.coreneuron, "cache_efficient": args.coreneuron, "nThreads": 1}
    modes = {f"{n}rank_{what}": (n, dict(solver, **extra))
             for n in (1, 2) for what, extra in (("plain", {}), ("recording", RECORDING))}
    load_before = os.getloadavg()[0]
    samples = {name: [] for name in modes}
    for repeat in range(args.repeats):
        for name, (n_ranks, overrides) in modes.items():
            samples[name].append(run_mode(n_ranks, overrides))
            last = samples[name][-1]
            print(f"repeat {repeat + 1} {name}: cpu {last['cpu']:.1f} s, wall {last['wall']:.1f} s,"
                  f" solve {last['solve']:.1f} s, spikes {last['n_spikes']}", flush=True)
    medians = {name: {key: statistics.median(s[key] for s in runs)
                      for key in ("cpu", "wall", "solve", "build")}
               for name, runs in samples.items()}
    ratios = {f"{n}rank": {key: (medians[f"{n}rank_recording"][key]
                                 / medians[f"{n}rank_plain"][key])
                           for key in ("cpu", "wall", "solve")} for n in (1, 2)}
    load_after = os.getloadavg()[0]
    print(f"\nload average (1 min): {load_before:.2f} before, {load_after:.2f} after")
    for name, m in medians.items():
        print(f"{name:20s} cpu {m['cpu']:7.1f} s  wall {m['wall']:7.1f} s  "
              f"solve {m['solve']:7.1f} s")
    for key, r in ratios.items():
        print(f"{key}: recording / plain = cpu {r['cpu']:.3f}x, wall {r['wall']:.3f}x, "
              f"solve {r['solve']:.3f}x")
    Path(args.out).write_text(json.dumps({"solver": "coreneuron" if args.coreneuron else "neuron",
                                          "load_average": [load_before, load_after],
                                          "medians": medians, "ratios": ratios,
                                          "samples": samples}, indent=1))


if __name__ == "__main__":
    main()
