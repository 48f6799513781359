"""The GUI's logic without a browser: workspace, drives, files, runs, comparison."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from hnn_netpyne.errors import ParameterError
from hnn_netpyne.gui.compare import compare_dipoles, read_recorded_dipole
from hnn_netpyne.gui.session import Session
from hnn_netpyne.gui.state import RunOptions
from hnn_netpyne.gui.workspace import Workspace
from hnn_netpyne.network_config import first_difference
from hnn_netpyne.network_io import network_to_dict

pytestmark = pytest.mark.gui
PACKAGE = Path(__file__).resolve().parent.parent
MESH = (3, 3)


@pytest.fixture
def session(tmp_path):
    s = Session(Workspace(tmp_path))
    s.model.set_model("jones_2009", MESH)
    return s


def group_members(pgid):
    """Live processes of process group ``pgid``."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry))
    return found


def test_workspace_refuses_paths_outside(tmp_path):
    space = Workspace(tmp_path)
    assert space.path("a/b.json", (".json",)) == tmp_path.resolve() / "a" / "b.json"
    (tmp_path / "link").symlink_to("/etc")
    for name in ("../x.json", "/etc/passwd", "link/passwd", ""):
        with pytest.raises(ParameterError, match="workspace|file name"):
            space.path(name)
    with pytest.raises(ParameterError, match="ending in .json"):
        space.path("x.txt", (".json",))


def test_drives_of_every_type_are_added_edited_and_deleted(session):
    model = session.model
    for kind in ("evoked", "poisson", "bursty", "tonic"):
        model.add_drive(kind)
    row = json.loads(json.dumps(model.drives[0]))
    row["values"]["mu"] = 31.5
    row["per_type"]["weights_nmda"]["L5_pyramidal"] = 0.002
    model.update_drive(0, row)
    drives = model.network().external_drives
    assert drives["evoked1"]["dynamics"]["mu"] == 31.5
    assert drives["evoked1"]["weights_nmda"] == {"L5_pyramidal": 0.002}
    assert drives["poisson1"]["dynamics"]["rate_constant"] == {
        ct: 10.0 for ct in ("L2_basket", "L2_pyramidal", "L5_basket", "L5_pyramidal")}
    bias = json.loads(json.dumps(model.drives[3]))
    bias["per_type"]["amplitude"]["L5_pyramidal"] = -0.25
    model.update_drive(3, bias)
    assert model.network().external_biases["tonic1"]["L5_pyramidal"]["amplitude"] == -0.25
    bad = json.loads(json.dumps(row))
    bad["values"]["sigma"] = -1.0
    with pytest.raises(ParameterError, match="sigma"):
        model.update_drive(0, bad)
    assert model.drives[0]["values"]["sigma"] == row["values"]["sigma"]  # unchanged
    bad["values"].update(sigma=1.0, location="distal")
    bad["per_type"]["weights_ampa"]["L5_basket"] = 0.1
    with pytest.raises(ParameterError, match="distal"):
        model.update_drive(0, bad)
    model.delete_drive(1)
    assert list(model.network().external_drives) == ["evoked1", "bursty1"]


def test_configuration_round_trip_gives_the_same_network(session):
    model = session.model
    model.add_drive("evoked")
    model.add_drive("bursty")
    model.set_gains({"e_e": 1.5, "i_e": 0.5})
    model.set_connection_weight(0, 0.0123)
    model.set_synapse("L5_pyramidal", "ampa", "decay tau2 (ms)", 7.5)
    with pytest.raises(ParameterError, match="tau2"):
        model.set_synapse("L5_pyramidal", "ampa", "decay tau2 (ms)", -1.0)
    before = network_to_dict(model.network())
    session.save_configuration("net.json")
    other = Session(session.workspace)
    assert "2 drives" in other.open_file("net.json", "config")
    assert first_difference(network_to_dict(other.model.network()), before) is None
    assert other.model.drives == model.drives
    assert {"cell type": "L5_pyramidal", "receptor": "ampa", "reversal e (mV)": 0.0,
            "rise tau1 (ms)": 0.5, "decay tau2 (ms)": 7.5} in other.model.synapse_table()


def test_parameter_file_drives_are_read(session, tmp_path):
    shutil.copy(PACKAGE / "param" / "default.json", tmp_path / "default.json")
    assert "drives" in session.open_file("default.json", "params")
    names = {row["name"] for row in session.model.drives}
    assert {"evprox1", "evdist1", "evprox2"} <= names
    (tmp_path / "broken.param").write_text("tstop: __import__('os')\n")
    with pytest.raises(ParameterError, match="broken.param"):
        session.open_file("broken.param", "params")


def test_recorded_dipole_rmse_and_correlation_equal_numpy(tmp_path):
    times = np.arange(0.0, 50.0, 0.5)
    data = np.sin(times / 7.0)
    (tmp_path / "rec.csv").write_text("time,dipole\n" + "\n".join(
        f"{t!r},{d!r}" for t, d in zip(times.tolist(), data.tolist())))
    t_read, d_read = read_recorded_dipole(tmp_path / "rec.csv")
    np.testing.assert_array_equal(d_read, data)
    sim_t = np.arange(0.0, 40.0, 0.025)
    sim = 0.8 * np.sin(sim_t / 7.0) + 0.1
    result = compare_dipoles(sim_t, sim, t_read, d_read, tmin=5.0, tmax=30.0)
    inside = (times >= 5.0) & (times <= 30.0)
    expected = np.interp(times[inside], sim_t, sim)
    assert result["rmse_nAm"] == pytest.approx(np.sqrt(np.mean((expected - data[inside]) ** 2)),
                                               rel=1e-12)
    assert result["correlation"] == pytest.approx(np.corrcoef(expected, data[inside])[0, 1],
                                                  rel=1e-12)
    assert result["n_samples"] == inside.sum() == 51
    (tmp_path / "bad.csv").write_text("1,2\n3,x\n")
    with pytest.raises(ParameterError, match="bad.csv"):
        read_recorded_dipole(tmp_path / "bad.csv")


def test_run_progress_and_dipole_equal_the_command_line(session, tmp_path):
    session.model.add_drive("evoked")
    run = session.start_run(RunOptions(tstop=20.0, dt=0.025, label="g1"))
    assert run.command.startswith("hnn-netpyne run --network-config gui_runs/g1.json")
    assert run.wait(300) == "done", list(run.log)
    assert run.progress()["t_ms"] == 20.0
    cli = subprocess.run([sys.executable, "-m", "hnn_netpyne.cli"] + run.arguments[:4]
                         + ["cli_run"] + run.arguments[5:], cwd=tmp_path,
                         capture_output=True, text=True)
    assert cli.returncode == 0, cli.stderr
    ours = np.loadtxt(tmp_path / "gui_runs" / "g1" / "dipole_avg.txt")
    theirs = np.loadtxt(tmp_path / "cli_run" / "dipole_avg.txt")
    np.testing.assert_array_equal(ours, theirs)
    shown = session.shown_dipole("g1", 0.0, 1.0)
    np.testing.assert_allclose(shown.data["agg"], theirs[:, 1], rtol=1e-12, atol=1e-12)


def test_cancel_ends_the_run_and_its_processes(session):
    session.model.add_drive("poisson")
    run = session.start_run(RunOptions(tstop=100_000.0, dt=0.025, label="long"))
    deadline = time.monotonic() + 120
    while run.progress()["t_ms"] == 0 and time.monotonic() < deadline:
        assert run.progress()["status"] == "running", list(run.log)
        time.sleep(0.2)
    started = time.monotonic()
    assert session.cancel() == "long"
    assert time.monotonic() - started < 5.0
    assert run.progress()["status"] == "cancelled"
    assert group_members(run.pid) == []
    with pytest.raises(ParameterError, match="cancelled"):
        session.results("long")


def test_sweep_points_are_scored_and_the_best_is_loaded_back(session, tmp_path):
    session.model.add_drive("evoked")
    times = np.arange(0.0, 15.0, 0.1)
    (tmp_path / "rec.txt").write_text("\n".join(f"{t!r} {0.01 * t!r}" for t in times.tolist()))
    session.open_file("rec.txt", "data")
    sweep = session.start_sweep(RunOptions(tstop=15.0, label="s1"), "evoked1.mu", [5.0, 10.0])
    assert sweep.command.startswith("hnn-netpyne sweep gui_sweeps/s1.json")
    assert sweep.wait(600) == "done", list(sweep.log)
    assert sweep.progress()["done"] == 2
    table = session.sweep_table(0.0, 1.0)
    assert [row["evoked1.mu"] for row in table] == [5.0, 10.0]
    from hnn_netpyne.batch.store import read_point

    outputs = read_point(sweep.folder / "sweep.h5", 1)["outputs"]
    agg = outputs["dpl"][0][0]
    expected = np.sqrt(np.mean((np.interp(times, outputs["times"], agg) - 0.01 * times) ** 2))
    assert table[1]["RMSE (nAm)"] == pytest.approx(expected, rel=1e-9)
    best = min(table, key=lambda row: row["RMSE (nAm)"])
    session.load_sweep_point({"evoked1.mu": best["evoked1.mu"]})
    assert session.model.network().external_drives["evoked1"]["dynamics"]["mu"] == \
        best["evoked1.mu"]


def test_fit_finds_the_drive_time_of_a_recorded_dipole(session, tmp_path):
    session.model.add_drive("evoked")
    target = session.start_run(RunOptions(tstop=20.0, label="target"))
    assert target.wait(300) == "done", list(target.log)
    shutil.copy(tmp_path / "gui_runs" / "target" / "dipole_avg.txt", tmp_path / "target.txt")
    session.open_file("target.txt", "data")
    row = json.loads(json.dumps(session.model.drives[0]))
    row["values"]["mu"] = 5.0
    session.model.update_drive(0, row)
    fit = session.start_fit(RunOptions(tstop=20.0, label="f1"), "evoked1.mu", (5.0, 25.0),
                            solver="bayesian", max_iter=6)
    assert fit.wait(900) == "done", list(fit.log)
    assert fit.progress()["done"] == 6
    best = fit.best()["evoked1.mu"]
    objective = json.loads(fit.result_path.read_text())["objective"]
    assert fit.progress()["best"] == pytest.approx(objective[-1], rel=1e-5)
    assert objective == sorted(objective, reverse=True) and objective[-1] < objective[0]
    # the target's mu (25 ms, the drive's default) is the upper bound: the best of
    # 6 candidates lies nearer to it than the start (5 ms) does
    assert abs(best - 25.0) < abs(5.0 - 25.0)
    session.load_sweep_point(fit.best())
    assert session.model.drives[0]["values"]["mu"] == best


def test_exported_script_reproduces_the_run_and_json_export_holds_the_drive(session,
                                                                              tmp_path):
    session.model.add_drive("evoked")
    run = session.start_run(RunOptions(tstop=15.0, label="r1"))
    assert run.wait(300) == "done", list(run.log)
    assert "wrote model.py" in session.export("script", "model.py")
    done = subprocess.run([sys.executable, "model.py"], cwd=tmp_path, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    np.testing.assert_allclose(np.loadtxt(tmp_path / "model_dipole_1.txt"),
                               np.loadtxt(tmp_path / "gui_runs" / "r1" / "dipole_1.txt"),
                               rtol=0, atol=1e-9)
    assert session.export("netpyne-json", "specs").startswith(
        "exporting: hnn-netpyne export-json specs --network-config specs.network.json")
    assert session.exporting.wait(300) == "done", list(session.exporting.log)
    net_params = json.loads((tmp_path / "specs" / "netParams.json").read_text())
    assert "evoked1" in net_params["net"]["params"]["popParams"]
    with pytest.raises(ParameterError, match="workspace"):
        session.export("netpyne-json", "../elsewhere")


def test_figures_of_a_run_without_spikes_say_so(session):
    from hnn_netpyne.gui import figures

    run = session.start_run(RunOptions(tstop=10.0, label="quiet"))
    assert run.wait(300) == "done", list(run.log)
    assert session.results("quiet")["spike_times"].size == 0
    texts = {name: [t.get_text() for t in fig.axes[0].texts] for name, fig in (
        ("raster", figures.raster_figure(session, "quiet")),
        ("histogram", figures.histogram_figure(session, "quiet")),
        ("spectrogram", figures.spectrogram_figure(session, "quiet", 0.0, 1.0)))}
    assert texts["raster"] == texts["histogram"] == ["no spikes in this run"]
    assert texts["spectrogram"] == ["a 10 ms run is too short for a 5-100 Hz spectrogram"]
    dipole = figures.dipole_figure(session, ["quiet"], ["agg", "L2", "L5"], 0.0, 1.0)
    assert len(dipole.axes[0].lines) == 3


def test_only_loopback_serves_without_a_token(tmp_path):
    pn = pytest.importorskip("panel")
    from hnn_netpyne.gui.app import create_page
    from hnn_netpyne.gui.server import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    token = "t" * 24
    assert pn.state.session_args == {}  # a page opened without ?token=
    assert "Forbidden" in create_page(Workspace(tmp_path), token=token).object
