"""Side-by-side benchmark of hnn-netpyne against hnn-core 0.6.1 (ERP, 170 ms).

Runs, alternately and ``--repeats`` times each, on this machine:

* hnn-core 0.6.1 in its own environment, one process (its default backend);
* hnn-netpyne on 1 rank with NEURON's solver and with CoreNEURON, one thread;
* hnn-netpyne on 2 ranks (CoreNEURON, one thread each);
* hnn-netpyne on 1 rank with 2 threads (CoreNEURON: the default on 2 cores).

Prints the medians of import, build, solve, gather+write, total wall time and
peak RSS, with the ratios hnn-netpyne / hnn-core, and writes them to JSON.
hnn-core's MPIBackend is never used (it kills every process named nrniv).

    python benchmarks/benchmark.py --hnn-core-python ../hnnval/bin/python
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_common import write_results

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
STAGES = ("import", "build", "solve", "gather_write", "total", "peak_rss_mb")
# Each mode names its solver and threads: build_sim_config's defaults follow
# model/solver.py's rule, which this comparison must not depend on.
NEURON_SOLVER = {"coreneuron": False, "cache_efficient": False, "nThreads": 1}
FASTEST = {"coreneuron": True, "cache_efficient": True, "nThreads": 1}


def _run(cmd, env=None):
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "timings.json"
        proc = subprocess.run(cmd + [str(out)], capture_output=True, text=True, env=env,
                              stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
        return json.loads(out.read_text())


def modes(hnn_core_python):
    from hnn_netpyne.runtime.mpienv import mpi_environment

    env = mpi_environment()
    ours = [sys.executable, str(HERE / "hnn_netpyne_erp.py")]
    two = [str(BIN / "mpiexec"), "-n", "2", str(BIN / "nrniv"), "-python", "-mpi",
           str(HERE / "hnn_netpyne_erp.py")]
    return {
        "hnn_core": lambda: _run([hnn_core_python, str(HERE / "hnn_core_erp.py")]),
        "netpyne_1rank_neuron": lambda: _run(ours + [json.dumps(NEURON_SOLVER)], env),
        "netpyne_1rank_fastest": lambda: _run(ours + [json.dumps(FASTEST)], env),
        "netpyne_2ranks_fastest": lambda: _run(two + [json.dumps(FASTEST)], env),
        "netpyne_1rank_2threads_fastest": lambda: _run(ours + [json.dumps(dict(FASTEST, nThreads=2))],
                                                       env),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hnn-core-python", default=str(HERE.parent.parent / "hnnval/bin/python"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=str(HERE / "results.json"))
    args = parser.parse_args(argv)
    runs = modes(args.hnn_core_python)
    samples = {name: [] for name in runs}
    for repeat in range(args.repeats):
        for name, run in runs.items():
            samples[name].append(run())
            print(f"repeat {repeat + 1}/{args.repeats} {name}: "
                  f"total {samples[name][-1]['total']:.1f} s", flush=True)
    medians = {name: {stage: statistics.median(s[stage] for s in runs_)
                      for stage in STAGES if stage in runs_[0]}
               for name, runs_ in samples.items()}
    ref = medians["hnn_core"]
    ratios = {name: {stage: m[stage] / ref[stage] for stage in m if stage in ref}
              for name, m in medians.items() if name != "hnn_core"}
    ratios["2ranks_vs_1rank_total"] = (medians["netpyne_2ranks_fastest"]["total"]
                                       / medians["netpyne_1rank_fastest"]["total"])
    print(f"\nmedians (s; MB), ratio to hnn-core in parentheses\n{'mode':32s}"
          + "".join(f"{stage:>20s}" for stage in STAGES))
    for name, m in medians.items():
        print(f"{name:32s}" + "".join(
            f"{m[stage]:>12.2f} ({ratios.get(name, {}).get(stage, 1.0):4.2f}x)" for stage in STAGES))
    print(f"\n2 ranks / 1 rank total: {ratios['2ranks_vs_1rank_total']:.2f}")
    spikes = {name: sorted({r["n_spikes"] for r in runs_}) for name, runs_ in samples.items()}
    print("cell spikes per mode: " + ", ".join(f"{n} {v}" for n, v in spikes.items()))
    write_results(args.out, repeats=args.repeats, medians=medians, ratios=ratios,
                  samples=samples)


if __name__ == "__main__":
    main()
