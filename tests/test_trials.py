"""Trials over ranks: whole trials per rank give the sequential run's results exactly."""

import sys

import numpy as np
import pytest

from hnn_netpyne.cells.registry import cell_type_names
from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.specs import build_net_params, build_sim_config
from hnn_netpyne.runtime import launcher, trials
from hnn_netpyne.runtime.launcher import simulate_config

MESH = (3, 3)


def _specs(n_trials, distribute="auto", **options):
    cfg = build_sim_config("erp", tstop=40.0, n_trials=n_trials, mesh_shape=MESH,
                           distribute=distribute, **options)
    return cfg, build_net_params(cfg)


def test_the_last_trial_falls_to_rank_0_and_every_trial_to_one_rank():
    assert trials.rank_trials(4, 0, 2) == [1, 3] and trials.rank_trials(4, 1, 2) == [0, 2]
    assert trials.rank_trials(3, 0, 2) == [0, 2] and trials.rank_trials(3, 1, 2) == [1]
    shares = [trials.rank_trials(7, rank, 3) for rank in range(3)]
    assert sorted(sum(shares, [])) == list(range(7))


@pytest.mark.parametrize("n_trials, n_ranks, distribute, expected", [
    (4, 2, "auto", "trials"), (2, 2, "auto", "trials"), (3, 2, "auto", "cells"),
    (1, 2, "auto", "cells"), (4, 1, "auto", "cells"), (3, 2, "trials", "trials"),
    (4, 2, "cells", "cells")])
def test_auto_takes_trials_when_they_share_evenly(n_trials, n_ranks, distribute, expected):
    cfg, net_params = _specs(n_trials, distribute)
    assert trials.choose_distribution(cfg, net_params, n_ranks) == expected


def test_auto_takes_cells_when_the_copies_do_not_fit(monkeypatch):
    from hnn_netpyne.model import resources

    cfg, net_params = _specs(4)
    needed = resources.estimate_bytes(resources.spec_netcons(net_params),
                                      cfg["duration"] / cfg["dt"] + 1, 2)
    monkeypatch.setattr(resources, "machine_memory_bytes", lambda: 1.5 * needed)
    assert trials.choose_distribution(cfg, net_params, 2) == "cells"
    monkeypatch.setattr(resources, "machine_memory_bytes", lambda: 2.5 * needed)
    assert trials.choose_distribution(cfg, net_params, 2) == "trials"


def test_a_bad_distribution_is_named():
    with pytest.raises(ParameterError, match="distribute"):
        build_sim_config("erp", distribute="ranks")


class _Comm:
    """Two ranks' results as rank 0 of mpi4py's COMM_WORLD would gather them."""

    rank = 0

    def __init__(self, other):
        self.other = other

    def gather(self, result, root=0):
        return [result, self.other]


def test_gathered_trials_come_in_trial_order():
    def part(numbers):
        return {"trials": numbers, "times": np.arange(3.0), "gid_ranges": {},
                "dipoles": [f"d{k}" for k in numbers], "spikes": [f"s{k}" for k in numbers],
                "drive_events": [f"e{k}" for k in numbers],
                "recordings": [f"r{k}" for k in numbers],
                "timings": {"solve": float(len(numbers)), "gather": 0.0}}

    merged = trials.gather_trials(_Comm(part([0, 2])), part([1, 3]), 4)
    assert merged["dipoles"] == ["d0", "d1", "d2", "d3"]
    assert merged["recordings"] == ["r0", "r1", "r2", "r3"]
    assert merged["trials"] == [0, 1, 2, 3] and merged["timings"]["solve"] == 2.0


def test_the_launcher_starts_python_ranks_for_trials(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(launcher, "run_command", lambda cmd, **_: started.append(cmd))
    monkeypatch.setattr(launcher, "_check_finished", lambda *_args: None)  # nothing ran
    for n_trials in (2, 3):
        cfg, net_params = _specs(n_trials)
        launcher.run_config(dict(cfg, outputDir=str(tmp_path)), net_params, n_procs=2,
                            echo=False)
    by_trials, by_cells = started
    assert by_trials[1:4] == ["-n", "2", sys.executable]
    assert by_trials[-2:] == ["--distribute", "trials"] and "-mpi" not in by_trials
    assert "-mpi" in by_cells and "--distribute" not in by_cells


@pytest.mark.mpi
def test_two_ranks_of_whole_trials_equal_the_sequential_run(tmp_path):
    cfg, net_params = _specs(2, n_threads=1)
    sequential = simulate_config(cfg, net_params, n_procs=1, output_dir=tmp_path / "seq",
                                 progress=False, echo=False)
    spread = simulate_config(cfg, net_params, n_procs=2, output_dir=tmp_path / "spread",
                             progress=False, echo=False)
    assert sorted(spread) == sorted(sequential)
    n_cells = sum(len(net_params["popParams"][pop]["cellsList"]) for pop in cell_type_names())
    for trial in (1, 2):
        assert np.count_nonzero(sequential[f"spike_gids_{trial}"] < n_cells) > 5  # cells fire
        for key in ("spike_times", "spike_gids", "dipole_fAm_L2", "dipole_fAm_L5"):
            np.testing.assert_array_equal(spread[f"{key}_{trial}"], sequential[f"{key}_{trial}"])
    # The two trials differ (each has its own drive events).
    assert not np.array_equal(spread["dipole_fAm_L5_1"], spread["dipole_fAm_L5_2"])
