"""The specs are the single truth of a run: edits of netParams hold everywhere."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hnn_netpyne.model.specs import build_net_params, build_sim_config

HERE = Path(__file__).parent
ERP_N_GIDS = 1045  # 270 cells and 775 drive cells: each trial shifts the seeds by this


def run_specs(cfg, net_params, folder):
    """Run the specs in a fresh process; {trial: (spike times, gids)}, gid ranges."""
    specs = folder / "specs.json"
    specs.write_text(json.dumps({"cfg": cfg, "netParams": net_params}))
    out = folder / "out.npz"
    proc = subprocess.run([sys.executable, str(HERE / "specs_runner.py"), str(specs), str(out)],
                          capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = np.load(out)
    n_trials = int(cfg["nTrials"])
    spikes = [(data[f"spike_times_{k}"], data[f"spike_gids_{k}"]) for k in range(n_trials)]
    return spikes, json.loads(str(data["gid_ranges"]))


def played(spikes, first_gid, n_cells):
    """Spike times of drive cells [first_gid, first_gid + n_cells), one list per cell."""
    times, gids = spikes
    return [sorted(times[gids == first_gid + i].tolist()) for i in range(n_cells)]


def gaussian_trains(event_seed, trial, n_cells, mu, sigma, tstop):
    """hnn-core's evoked trains: one RandomState(seed + trial * n_gids + cell) per cell."""
    trains = []
    for i in range(n_cells):
        t = np.random.RandomState(event_seed + trial * ERP_N_GIDS + i).normal(mu, sigma, 1)
        trains.append(sorted(t[(t > 0) & (t <= tstop)].tolist()))
    return trains


def test_drive_edited_in_specs_holds_in_every_trial(tmp_path):
    tstop = 30.0
    cfg = build_sim_config("erp", tstop=tstop, n_trials=3)
    net_params = build_net_params(cfg)
    # Move evdist1 (mu 63.53 ms, beyond this run) to 15 ms, in the specs only.
    edited = net_params["popParams"]["evdist1"]["hnnEvents"]
    edited["dynamics"].update(mu=15.0, sigma=1.0)
    spikes, ranges = run_specs(cfg, net_params, tmp_path)
    unedited = net_params["popParams"]["evprox1"]["hnnEvents"]
    for trial in range(3):
        start, stop = ranges["evdist1"]
        want = gaussian_trains(edited["event_seed"], trial, stop - start, 15.0, 1.0, tstop)
        got = played(spikes[trial], start, stop - start)
        assert sum(map(len, got)) == stop - start  # every distal drive cell fired once
        np.testing.assert_allclose(np.concatenate(got), np.concatenate(want), rtol=0, atol=1e-9)
        start, stop = ranges["evprox1"]
        want = gaussian_trains(unedited["event_seed"], trial, stop - start,
                               unedited["dynamics"]["mu"], unedited["dynamics"]["sigma"], tstop)
        got = played(spikes[trial], start, stop - start)
        assert [len(t) for t in got] == [len(t) for t in want]
        np.testing.assert_allclose(np.concatenate(got), np.concatenate(want), rtol=0, atol=1e-9)
    first = ranges["evdist1"][0]
    assert played(spikes[0], first, 3) != played(spikes[1], first, 3)  # redrawn each trial
