"""Sweeps: bad grids fail at once, failing points are recorded, killed sweeps resume."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from hnn_netpyne.batch import BatchSimulate, grid_points, read_point, read_table, sobol_points
from hnn_netpyne.errors import ParameterError

sys.path.insert(0, str(Path(__file__).parent))
import batch_sweep_script  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize("grid, match", [
    ({}, "param_grid.*non-empty"),
    ({"weight": []}, "key 'weight'.*empty"),
    ({"weight": None}, "key 'weight'.*list of values"),
    ({"weight": [1e-3, None]}, "key 'weight', value None"),
    ({"weight": [1e-3, "a"]}, "key 'weight'.*mix types"),
    ({"weight": [1e-3], "wieght": [1.0]}, "unknown parameter.*'wieght'"),
])
def test_bad_grid_fails_at_once_naming_it(tmp_path, grid, match):
    batch = batch_sweep_script.batch(tmp_path)
    started = time.time()
    with pytest.raises(ParameterError, match=match):
        batch.run(grid)
    assert time.time() - started < 5.0
    assert not (tmp_path / "sweep.h5").exists()


def test_grid_and_samples():
    assert grid_points({"a": [1, 2], "b": ["x", "y"]}) == [
        {"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 2, "b": "x"}, {"a": 2, "b": "y"}]
    assert grid_points({"a": [1, 2], "b": [3, 4]}, combinations=False) == [
        {"a": 1, "b": 3}, {"a": 2, "b": 4}]
    with pytest.raises(ParameterError, match="same length"):
        grid_points({"a": [1, 2], "b": [3]}, combinations=False)
    points = sobol_points({"a": (0.0, 1.0), "b": (10.0, 20.0)}, 64, seed=1)
    a = np.array([p["a"] for p in points])
    b = np.array([p["b"] for p in points])
    assert a.min() >= 0.0 and a.max() <= 1.0 and b.min() >= 10.0 and b.max() <= 20.0
    # a Sobol sample of 2**6 points has exactly one point in each 1/64 slice
    assert sorted(np.floor(a * 64).astype(int)) == list(range(64))


def test_failing_point_is_recorded_and_the_rest_finish(tmp_path):
    weights = [1e-3, 4e-3, -1.0, 2e-3]
    result = batch_sweep_script.batch(tmp_path).run({"weight": weights}, n_jobs=2,
                                                    verbose=False)
    table = read_table(tmp_path / "sweep.h5")
    assert list(table["status"]) == ["done", "done", "failed", "done"]
    assert "weights_ampa" in table.loc[2, "error"] and "[0, inf]" in table.loc[2, "error"]
    assert np.isnan(table.loc[2, "dpl_peak_nAm"])
    # two workers build once each; the third done point reuses a network
    assert table["rebuilt"].sum() == 2
    data = [point for batch in result["simulated_data"] for point in batch]
    for index in (0, 1, 3):
        stored = read_point(tmp_path / "sweep.h5", index)
        dpl = data[index]["dpl"][0]
        np.testing.assert_array_equal(stored["outputs"]["dpl"][0][0], dpl.data["agg"])
        assert table.loc[index, "dpl_peak_nAm"] == pytest.approx(np.max(np.abs(dpl.data["agg"])))
    # a stronger drive onto L5 gives a larger L5 response
    assert table.loc[1, "dpl_peak_nAm"] > table.loc[0, "dpl_peak_nAm"]


def test_killed_sweep_resumes_without_recomputing(tmp_path):
    script = Path(batch_sweep_script.__file__)
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    journal = tmp_path / ".points"
    deadline = time.time() + 240
    try:
        while len(list(journal.glob("*.h5"))) < 2 and proc.poll() is None:
            assert time.time() < deadline, "the sweep made no progress"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its Dask workers
        proc.wait()
    finished = sorted(int(p.stem) for p in journal.glob("*.h5"))
    n_points = len(batch_sweep_script.WEIGHTS)
    assert 2 <= len(finished) < n_points
    assert not (tmp_path / "sweep.h5").exists()

    batch = batch_sweep_script.batch(tmp_path)
    batch.run({"weight": batch_sweep_script.WEIGHTS}, n_jobs=1, verbose=False)
    assert sorted(batch.computed_points_) == sorted(set(range(n_points)) - set(finished))
    table = read_table(tmp_path / "sweep.h5")
    assert list(table["status"]) == ["done"] * n_points
    assert not journal.exists()
    # the points of the killed run kept their outputs
    assert read_point(tmp_path / "sweep.h5", finished[0])["outputs"]["dpl"].shape[:2] == (1, 3)
    # a finished sweep run again computes nothing
    batch.run({"weight": batch_sweep_script.WEIGHTS}, n_jobs=1, verbose=False)
    assert batch.computed_points_ == []


def test_sweep_file_names_drive_fields_and_bad_files_fail(tmp_path, capsys):
    from hnn_netpyne.batch.sweep_file import read_sweep_file, set_drive_values
    from hnn_netpyne.cli import main

    sweep = tmp_path / "sweep.json"
    sweep.write_text(json.dumps({
        "network": {"mesh_shape": [4, 4]}, "tstop": 30.0,
        "sample": {"method": "random", "n_points": 3, "ranges": {"evprox1.mu": [20, 30]}}}))
    net, points, settings = read_sweep_file(sweep)
    assert settings == {"tstop": 30.0} and len(points) == 3
    set_drive_values({"evprox1.mu": 25.0, "evdist1.weights_nmda.L2_pyramidal": 0.5,
                      "evprox2.event_seed": 9}, net)
    drives = net.external_drives
    assert list(drives) == ["evdist1", "evprox1", "evprox2"]
    assert drives["evprox1"]["dynamics"]["mu"] == 25.0
    assert drives["evdist1"]["weights_nmda"]["L2_pyramidal"] == 0.5  # hnn-core's view
    assert drives["evprox2"]["event_seed"] == 9
    for content, message in (
            ({"grid": {"evprox1.mu": []}}, "key 'evprox1.mu'.*empty"),
            ({"grid": {"evprox1.sigmaa": [1.0]}}, "key 'evprox1.sigmaa'.*no such drive field"),
            ({"grid": {"a": [1]}, "table": [{"a": 1}]}, "exactly one of grid"),
            ({"grids": {}}, "key 'sweep'.*grids")):
        sweep.write_text(json.dumps(dict(content, network={"mesh_shape": [4, 4]})))
        assert main(["sweep", str(sweep), "--output", str(tmp_path / "out")]) == 2
        assert re.search(message, capsys.readouterr().err)
    assert not (tmp_path / "out" / "sweep.h5").exists()
