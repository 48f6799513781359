"""What the solve gains from compiler flags, CoreNEURON's options and threads.

Each variant simulates the ERP (CoreNEURON, ``--tstop`` ms, default 60) in a
fresh process and reports the solve's wall time, the CPU time of every
thread during the solve (so 2 threads' balance shows), and whether its
spikes and dipoles equal those of the default build on one thread
(``max |d - d0| / max |d0|``; 0 means bit-identical).

Compiler flags are tried by building the mechanism libraries with
``nrnivmodl -coreneuron -incflags FLAGS`` into a temporary cache of their
own (``HNN_NETPYNE_CACHE``), which the run then loads as usual. No variant
with fast-math is tried: it changes results by design.

    .venv/bin/python benchmarks/solve_options.py [--tstop 60] [--repeats 2] [--out FILE.json]

Only meaningful on an otherwise quiet machine.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench_common import write_results

HERE = Path(__file__).resolve().parent
FLAG_SETS = {
    # name: extra compiler flags (later flags override nrnivmodl's -O2)
    "default (-O2)": None,
    "-O3": "-O3",
    "-O2 AVX2": "-O2 -mavx2 -mfma -ffp-contract=off",
    "-O3 AVX2": "-O3 -mavx2 -mfma -ffp-contract=off",
    "-O2 -march=native": "-O2 -march=native -ffp-contract=off",
}
# name: (flag set, threads, CoreNEURON cell_permute, extra environment)
VARIANTS = {
    "1 thread": ("default (-O2)", 1, 0, {}),
    "1 thread, -O3": ("-O3", 1, 0, {}),
    "1 thread, -O2 AVX2": ("-O2 AVX2", 1, 0, {}),
    "1 thread, -O3 AVX2": ("-O3 AVX2", 1, 0, {}),
    "1 thread, -O2 -march=native": ("-O2 -march=native", 1, 0, {}),
    "1 thread, cell_permute=1": ("default (-O2)", 1, 1, {}),
    "2 threads": ("default (-O2)", 2, 0, {}),
    "2 threads, OMP_WAIT_POLICY=active": ("default (-O2)", 2, 0, {"OMP_WAIT_POLICY": "active"}),
    "2 threads, OMP_PROC_BIND=close": ("default (-O2)", 2, 0, {"OMP_PROC_BIND": "close"}),
}


def thread_cpu_seconds():
    """CPU seconds (user + system) of each thread of this process, by thread id."""
    tick = os.sysconf("SC_CLK_TCK")
    cpu = {}
    for stat in Path("/proc/self/task").glob("*/stat"):
        fields = stat.read_text().rsplit(")", 1)[1].split()
        cpu[stat.parent.name] = (int(fields[11]) + int(fields[12])) / tick
    return cpu


def worker(out, tstop, n_threads, cell_permute):
    """Build the ERP, then time its solve alone; write dipoles, spikes and timings to ``out``."""
    from neuron import coreneuron

    from hnn_netpyne.model.specs import build_net_params, build_sim_config
    from hnn_netpyne.runtime.run import build_network, run_trials, setup_recording

    cfg = dict(build_sim_config("erp"), duration=tstop, coreneuron=True, nThreads=n_threads)
    net_params = build_net_params(cfg)
    sim = build_network(cfg, net_params)
    setup_recording(sim, cfg, net_params)
    coreneuron.cell_permute = cell_permute
    before, started = thread_cpu_seconds(), time.perf_counter()
    result = run_trials(sim, cfg, net_params, progress=False)
    wall = time.perf_counter() - started
    after = thread_cpu_seconds()
    threads = sorted((after[t] - before.get(t, 0.0) for t in after), reverse=True)
    times, gids = result["spikes"][0]
    np.savez(out, L2=result["dipoles"][0]["L2"], L5=result["dipoles"][0]["L5"],
             spike_times=times, spike_gids=gids, solve_wall_s=wall,
             thread_cpu_s=np.array([t for t in threads if t > 0.05]))


def worker_command(out, tstop_ms, n_threads=1, cell_permute=0):
    """Command line of one fresh :func:`worker` run writing ``out`` (npz)."""
    return [sys.executable, str(Path(__file__).resolve()), "--worker", str(out), str(tstop_ms),
            str(n_threads), str(cell_permute)]


def build_flags(flags, cache):
    """Build the mechanism libraries with ``flags`` into the cache folder ``cache``."""
    from hnn_netpyne.runtime.mechanisms import MOD_DIR, _nrnivmodl, mechanisms_hash

    build = Path(cache) / f"nrnmech-{mechanisms_hash(coreneuron=True)}"
    build.mkdir(parents=True)
    for mod in MOD_DIR.glob("*.mod"):
        (build / mod.name).write_bytes(mod.read_bytes())
    subprocess.run([_nrnivmodl(), "-coreneuron", "-incflags", flags, "."], cwd=build,
                   check=True, capture_output=True)
    (build / ".complete").write_text("ok\n")


def run_variant(name, caches, tstop, scratch):
    """One fresh run of variant ``name``: its npz data as a dict."""
    flag_set, n_threads, cell_permute, extra_env = VARIANTS[name]
    env = dict(os.environ, **extra_env)
    if caches[flag_set] is not None:
        env["HNN_NETPYNE_CACHE"] = caches[flag_set]
    out = Path(scratch) / "run.npz"
    subprocess.run(worker_command(out, tstop, n_threads, cell_permute), env=env, check=True,
                   capture_output=True)
    with np.load(out) as data:
        return {key: data[key] for key in data.files}


def difference(run, reference):
    """Spikes equal (bool) and the largest dipole difference relative to the reference's peak."""
    same_spikes = (np.array_equal(run["spike_times"], reference["spike_times"])
                   and np.array_equal(run["spike_gids"], reference["spike_gids"]))
    dipole = max(np.max(np.abs(run[k] - reference[k])) / np.max(np.abs(reference[k]))
                 for k in ("L2", "L5"))
    return same_spikes, float(dipole)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tstop", type=float, default=60.0, help="simulated time (ms)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--out", default=str(HERE / "solve_options.json"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        caches = {}
        for flag_set in {VARIANTS[v][0] for v in args.variants} | {"default (-O2)"}:
            flags = FLAG_SETS[flag_set]
            caches[flag_set] = None if flags is None else str(Path(scratch) / flag_set)
            if flags is not None:
                print(f"building the mechanisms with {flags}", flush=True)
                build_flags(flags, caches[flag_set])
        reference = run_variant("1 thread", caches, args.tstop, scratch)
        rows = {}
        for _ in range(args.repeats):
            for name in args.variants:  # alternate the variants in each round
                run = run_variant(name, caches, args.tstop, scratch)
                row = rows.setdefault(name, {"solve_wall_s": [], "thread_cpu_s": []})
                row["solve_wall_s"].append(float(run["solve_wall_s"]))
                row["thread_cpu_s"].append(run["thread_cpu_s"].round(2).tolist())
                row["same_spikes"], row["dipole_difference"] = difference(run, reference)
    base = statistics.median(rows["1 thread"]["solve_wall_s"]) if "1 thread" in rows else None
    print(f"\nERP {args.tstop:g} ms, CoreNEURON; median of {args.repeats}")
    print("| variant | solve wall (s) | / 1 thread -O2 | CPU per thread (s) | spikes | dipole |")
    print("|---|---|---|---|---|---|")
    for name, row in rows.items():
        wall = statistics.median(row["solve_wall_s"])
        ratio = f"{wall / base:.2f}" if base else ""
        print(f"| {name} | {wall:.2f} | {ratio} | {row['thread_cpu_s'][-1]} | "
              f"{'same' if row['same_spikes'] else 'DIFFERENT'} | {row['dipole_difference']:.1e} |")
    write_results(args.out, tstop_ms=args.tstop, repeats=args.repeats, flag_sets=FLAG_SETS,
                  variants=rows)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        main()
