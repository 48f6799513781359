"""Where CoreNEURON's solve of the ERP spends its time, mechanism by mechanism.

Runs the ERP (CoreNEURON, one thread, ``--tstop`` ms) under ``perf record``
with DWARF call graphs and sums, for each NMODL mechanism, the inclusive
samples of its current (``nrn_cur_*``), state (``nrn_state_*``) and
before/after blocks (``nrn_before_after_*``), calls into libm included. The
shares are of CoreNEURON's whole solve (``BBS_netpar_solve``); what is not a
mechanism is the matrix solve (``nrn_solve_minimal``) and the rest (events,
spike exchange, recording). Needs Linux ``perf``.

    .venv/bin/python benchmarks/mechanism_profile.py [--tstop 60]
"""

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_common import write_results
from solve_options import worker_command

HERE = Path(__file__).resolve().parent
SOLVE = "coreneuron::BBS_netpar_solve"
MATRIX = "coreneuron::nrn_solve_minimal"
MECHANISM_BLOCK = re.compile(r"coreneuron::nrn_(?:cur|state|before_after_\d+)_(\w+)$")
LINE = re.compile(r"^\s*([\d.]+)%\s+([\d.]+)%\s+\[\.\]\s+(\S+)")


def inclusive_shares(perf_data):
    """Inclusive sample share (%) of every symbol in ``perf_data``."""
    report = subprocess.run(["perf", "report", "-i", perf_data, "--children", "--sort", "sym",
                             "--stdio", "-g", "none"], capture_output=True, text=True, check=True)
    shares = {}
    for line in report.stdout.splitlines():
        match = LINE.match(line)
        if match:
            shares[match.group(3)] = float(match.group(1))
    return shares


def mechanism_table(shares):
    """Share (% of the solve) of each mechanism, the matrix solve and the rest."""
    solve = shares[SOLVE]
    per_mechanism = collections.Counter()
    for symbol, share in shares.items():
        match = MECHANISM_BLOCK.match(symbol)
        if match:
            per_mechanism[match.group(1)] += share
    rows = {name: 100.0 * share / solve for name, share in per_mechanism.most_common()}
    rows["(matrix solve)"] = 100.0 * shares.get(MATRIX, 0.0) / solve
    rows["(events, spikes, recording, other)"] = 100.0 - sum(rows.values())
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tstop", type=float, default=60.0, help="simulated time (ms)")
    parser.add_argument("--out", default=str(HERE / "mechanism_profile.json"))
    args = parser.parse_args(argv)
    if shutil.which("perf") is None:
        sys.exit("mechanism_profile.py: Linux 'perf' is not installed")
    with tempfile.TemporaryDirectory() as scratch:
        perf_data = str(Path(scratch) / "perf.data")
        worker = worker_command(Path(scratch) / "run.npz", args.tstop)
        subprocess.run(["perf", "record", "-F", "499", "--call-graph", "dwarf,16384", "-o",
                        perf_data, "--"] + worker, check=True, capture_output=True)
        rows = mechanism_table(inclusive_shares(perf_data))
    print(f"ERP {args.tstop:g} ms, CoreNEURON, 1 thread: share of the solve")
    print("| mechanism | % of solve |\n|---|---|")
    for name, share in rows.items():
        print(f"| {name} | {share:.1f} |")
    write_results(args.out, tstop_ms=args.tstop, percent_of_solve=rows)


if __name__ == "__main__":
    main()
