"""The hnn-core-style API: names, old names, specs it builds, ways to run them.

Specs are checked against the presets (no simulation). Simulations use a
3 x 3 grid and a few tens of ms, so the whole module takes about a minute.
"""

import json
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

import hnn_netpyne
from hnn_netpyne import api
from hnn_netpyne.analysis.io import read_dipole_txt
from hnn_netpyne.errors import ParameterError, SimulationError
from hnn_netpyne.model.specs import build_net_params, build_sim_config
from hnn_netpyne.runtime import launcher

SEED_WEIGHTS = {"L2_pyramidal": 5.4e-5, "L5_pyramidal": 5.4e-5}
SMALL_MESH = (3, 3)


def seed_network(**drive_arguments):
    """The seed script's network, its bursty drive given ``drive_arguments``."""
    net = api.jones_2009_model(api.read_params(api.PARAM_DIR / "default.json"))
    net.add_bursty_drive("bursty", tstart=50.0, burst_rate=10, burst_std=20.0, numspikes=2,
                         spike_isi=10, location="distal", weights_ampa=SEED_WEIGHTS,
                         **drive_arguments)
    return net


# --- parameters and models (no simulation) -------------------------------------------


def test_read_params_gives_wildcard_access_and_remembers_the_file():
    params = api.read_params(api.PARAM_DIR / "default.json")
    assert params.fname == (api.PARAM_DIR / "default.json").resolve()
    l2 = params["gbar_L2Pyr_L2Pyr_*"]
    assert set(l2) == {"gbar_L2Pyr_L2Pyr_ampa", "gbar_L2Pyr_L2Pyr_nmda"}
    params["gbar_L2Pyr_L2Pyr_*"] = 0.0
    assert params["gbar_L2Pyr_L2Pyr_ampa"] == params["gbar_L2Pyr_L2Pyr_nmda"] == 0.0
    with pytest.raises(KeyError, match="no parameter matches"):
        params["nothing_like_this*"]
    assert params.copy().fname == params.fname and "_source" not in params


def test_changed_parameters_become_overrides_of_their_file():
    params = api.read_params(api.PARAM_DIR / "gamma_L5weak_L2weak.json")
    params.update({"tstop": 80.0, "gbar_L5Pyr_L5Basket": 0.001})
    cfg, _ = api.jones_2009_model(params).to_netpyne()
    assert cfg["paramFile"] == str(params.fname)
    assert cfg["paramOverrides"] == {"tstop": 80.0, "gbar_L5Pyr_L5Basket": 0.001}
    assert cfg["duration"] == 80.0
    params["gbar_L5Pyr_L5Basket"] = -1.0
    with pytest.raises(ParameterError, match="gbar_L5Pyr_L5Basket"):
        api.jones_2009_model(params)


def test_seed_network_is_the_seed_preset():
    net = seed_network(n_drive_cells=10, event_seed=278)
    cfg, net_params = net.to_netpyne(tstop=310.0)
    assert net_params == build_net_params(build_sim_config("seed_bursty"))
    assert json.loads(json.dumps(cfg)) == cfg  # plain data, ready for a config file
    drive = net.external_drives["bursty"]
    assert [d["name"] for d in cfg["drives"]] == ["bursty"] and drive["events"] == []
    assert drive["weights_ampa"] == SEED_WEIGHTS and drive["n_drive_cells"] == 10
    assert net.gid_ranges["bursty"] == range(270, 280)


def test_erp_drives_are_the_erp_preset():
    net = api.neymotin_2020_model()
    api.add_erp_drives_to_jones_model(net)
    assert net.to_netpyne(tstop=170.0)[1] == build_net_params(build_sim_config("erp"))


def test_models():
    jones = api.jones_2009_model().to_netpyne()[1]
    assert jones == api.neymotin_2020_model().to_netpyne()[1]
    law = api.law_2021_model().to_netpyne()[1]
    assert law["synMechParams"]["L5Pyr_gabab"]["tau1"] == 45.0
    assert law["connParams"] != jones["connParams"]
    calcium = api.calcium_model().to_netpyne()[1]
    assert calcium["cellParams"]["L5Pyr"]["secs"]["soma"]["mechs"]["hh2"]["gnabar"] == 0.32
    assert calcium["cellParams"]["L5Pyr"] != jones["cellParams"]["L5Pyr"]
    small = api.jones_2009_model(mesh_shape=SMALL_MESH).to_netpyne()[1]
    assert len(small["popParams"]["L5Pyr"]["cellsList"]) == 9


def test_drives_from_the_parameter_file():
    net = api.jones_2009_model(add_drives_from_params=True)
    cfg, net_params = net.to_netpyne()
    assert not cfg["drivesFromParams"] and list(net.external_drives) == [
        d["name"] for d in cfg["drives"]] == ["evdist1", "evprox1", "evprox2"]
    # the same specs as the parameter file's drives built by the specs builder
    preset_cfg = build_sim_config("params")
    preset_cfg["drivesFromParams"] = True
    assert net_params == build_net_params(preset_cfg)


# --- old hnn-core names ---------------------------------------------------------------


def test_seed_script_old_names_warn_and_mean_the_new_ones():
    """The seed as first written: default_network, repeats, seedcore, no tstop."""
    params = api.read_params(api.PARAM_DIR / "default.json")
    params.update({"tstop": 310.0})
    with pytest.warns(DeprecationWarning, match="use jones_2009_model"):
        net = api.default_network(params)
    with pytest.warns(DeprecationWarning) as caught:
        net.add_bursty_drive("bursty", tstart=50.0, burst_rate=10, burst_std=20.0, numspikes=2,
                             spike_isi=10, repeats=10, location="distal",
                             weights_ampa=SEED_WEIGHTS, seedcore=4)
    messages = " ".join(str(w.message) for w in caught)
    assert "'repeats' is deprecated; use 'n_drive_cells'" in messages
    assert "'seedcore' is deprecated; use 'event_seed'" in messages
    new = seed_network(n_drive_cells=10, event_seed=4)
    assert net.to_netpyne(tstop=310.0)[1] == new.to_netpyne(tstop=310.0)[1]


def test_other_old_names():
    net = api.jones_2009_model()
    with pytest.warns(DeprecationWarning, match="n_drive_cells=1, cell_specific=False"):
        net.add_evoked_drive("ev", mu=20.0, sigma=1.0, numspikes=1, location="proximal",
                             weights_ampa={"L2_basket": 0.01}, sync_within_trial=True)
    assert net.external_drives["ev"]["n_drive_cells"] == 1
    assert not net.external_drives["ev"]["cell_specific"]
    with pytest.warns(DeprecationWarning, match="'seedcore' is deprecated"):
        net.add_poisson_drive("pois", rate_constant=10.0, location="proximal",
                              weights_ampa={"L5Pyr": 1e-4}, seedcore=7)
    assert net.external_drives["pois"]["event_seed"] == 7
    with pytest.warns(DeprecationWarning, match=r"amplitude=\{cell_type: amplitude\}"):
        net.add_tonic_bias(cell_type="L5_pyramidal", amplitude=1.0)
    with pytest.warns(DeprecationWarning):
        net.add_tonic_bias(cell_type="L2_pyramidal", amplitude=0.5)  # joins bias 'tonic'
    assert {k: v["amplitude"] for k, v in net.external_biases["tonic"].items()} == {
        "L5_pyramidal": 1.0, "L2_pyramidal": 0.5}


@pytest.mark.parametrize(
    "call, key",
    [
        (lambda net: net.add_bursty_drive("b", burst_rate=10, location="distal",
                                          weights_ampa=SEED_WEIGHTS, n_drive_cells=5,
                                          repeats=5), "repeats"),
        (lambda net: api.simulate_dipole(net, tstop=10.0, record_vsec="soma",
                                         record_vsoma=True), "record_vsoma"),
    ],
)
def test_old_and_new_names_together_or_unsupported_values_are_rejected(call, key):
    net = api.jones_2009_model(mesh_shape=SMALL_MESH)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(ParameterError) as err:
            call(net)
    assert err.value.key == key


def test_unknown_arguments_are_not_ignored():
    net = api.jones_2009_model()
    with pytest.raises(TypeError, match="unexpected keyword argument 'repeat'"):
        net.add_bursty_drive("b", burst_rate=10, location="distal", weights_ampa=SEED_WEIGHTS,
                             repeat=3)
    with pytest.raises(TypeError, match="record_all"):
        api.simulate_dipole(net, tstop=10.0, record_all=True)


# --- validation -------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, key, value",
    [
        (lambda: api.jones_2009_model(mesh_shape=(0, 10)), "mesh_shape", (0, 10)),
        (lambda: api.jones_2009_model(legacy_mode=True), "legacy_mode", True),
        (lambda: api.jones_2009_model(params=3.0), "params", "float"),
        (lambda: hnn_netpyne.MPIBackend(n_procs=0), "n_procs", 0),
        (lambda: api.jones_2009_model().add_tonic_bias(amplitude={"L2_basket": 1.0},
                                                       section="apical_tuft"),
         "section", "apical_tuft"),
        (lambda: api.jones_2009_model().add_tonic_bias(amplitude=1.0), "amplitude", 1.0),
        (lambda: api.simulate_dipole(api.jones_2009_model(), tstop=10.0, record_ca="dend"),
         "record_ca", "dend"),
        (lambda: api.simulate_dipole(api.jones_2009_model(), tstop=10.0, n_procs=0),
         "n_procs", 0),
        (lambda: api.simulate_dipole("net", tstop=10.0), "net", "str"),
        (lambda: api.CellResponse(None, [[]], [[]], [[]]).plot_spikes_raster(trial_idx=1),
         "trial_idx", 1),
    ],
)
def test_invalid_arguments_name_the_argument_and_value(call, key, value):
    with pytest.raises(ParameterError) as err:
        call()
    assert (err.value.key, err.value.value) == (key, value)
    assert repr(value) in str(err.value)


def test_mpi_backend_defaults_to_the_cores_this_process_may_use():
    """A process confined to one core (taskset, a batch scheduler) gets one rank."""
    cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cores)})
    try:
        assert hnn_netpyne.MPIBackend().n_procs == 1
    finally:
        os.sched_setaffinity(0, cores)


def test_bad_drives_fail_when_added_and_leave_the_network_unchanged():
    net = api.jones_2009_model()
    net.add_evoked_drive("ev", mu=20.0, sigma=1.0, numspikes=1, location="proximal",
                         weights_ampa={"L2_basket": 0.01})
    with pytest.raises(ParameterError, match="a drive or bias named 'ev' exists already"):
        net.add_evoked_drive("ev", mu=20.0, sigma=1.0, numspikes=1, location="proximal",
                             weights_ampa={"L2_basket": 0.01})
    with pytest.raises(ParameterError, match="location 'apical_nowhere'"):
        net.add_evoked_drive("ev2", mu=20.0, sigma=1.0, numspikes=1, location="apical_nowhere",
                             weights_ampa={"L2_pyramidal": 0.01})
    net.add_tonic_bias(amplitude={"L5Pyr": 1.0})
    with pytest.raises(ParameterError, match="bias 'tonic' exists already"):
        net.add_tonic_bias(amplitude={"L2Pyr": 1.0}, t0=5.0)
    assert list(net.external_drives) == ["ev"]
    assert net.external_biases["tonic"] == {"L5_pyramidal": {"amplitude": 1.0, "t0": 0.0,
                                                             "tstop": None, "section": "soma"}}
    net.clear_drives()
    assert net.external_drives == {} and net.external_biases == {}


# --- simulation ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_erp():
    """A 3 x 3 network with the ERP drives and a tonic bias, 30 ms by default."""
    params = api.read_params(api.PARAM_DIR / "default.json")
    params.update({"tstop": 30.0})
    net = api.jones_2009_model(params, mesh_shape=SMALL_MESH)
    api.add_erp_drives_to_jones_model(net, tstart=-10.0)
    net.add_tonic_bias(amplitude={"L5_pyramidal": 0.2})
    return net


@pytest.fixture(scope="module")
def in_process_run(small_erp):
    dpls = api.simulate_dipole(small_erp, tstop=30.0, n_trials=2, verbose=False)
    return dpls, small_erp.cell_response


def test_in_process_run(in_process_run, tmp_path):
    dpls, response = in_process_run
    assert len(dpls) == 2 and dpls[0].units == "nAm"
    assert dpls[0].times[-1] == pytest.approx(30.0)
    assert not np.array_equal(dpls[0].data["agg"], dpls[1].data["agg"])  # new drive times
    assert len(response.spike_times) == 2 and response.gid_ranges["evdist1"][0] == 24
    dpls[0].write(tmp_path / "dipole.txt")
    back = read_dipole_txt(tmp_path / "dipole.txt")
    np.testing.assert_allclose(back.data["agg"], dpls[0].data["agg"], rtol=1e-9, atol=1e-15)


def test_child_process_and_two_ranks_give_the_in_process_result(small_erp, in_process_run,
                                                                  tmp_path):
    expected = in_process_run[0]
    with pytest.warns(DeprecationWarning, match="calling without tstop"):
        child = api.simulate_dipole(small_erp, n_trials=2, n_procs=1, verbose=False)
    with hnn_netpyne.MPIBackend(n_procs=2):
        with pytest.warns(DeprecationWarning, match=r"dpl.smooth\(30\).scale\(3000\)"):
            mpi = api.simulate_dipole(small_erp, tstop=30.0, n_trials=2, postproc=True,
                                      output_dir=tmp_path / "run")
    for ours, theirs in zip(child, expected):
        np.testing.assert_array_equal(ours.data["agg"], theirs.data["agg"])
    for ours, theirs in zip(mpi, expected):
        np.testing.assert_allclose(ours.data["agg"],
                                   theirs.copy().smooth(30).scale(3000).data["agg"],
                                   rtol=0, atol=1e-9 * np.max(np.abs(ours.data["agg"])))
    assert (tmp_path / "run" / "results.npz").exists()
    for name in ("spike_times", "spike_gids"):
        for ours, theirs in zip(getattr(small_erp.cell_response, name),
                                getattr(in_process_run[1], name)):
            np.testing.assert_array_equal(ours, theirs)


def test_edited_specs_run_with_simulate_netpyne(small_erp, in_process_run):
    cfg, net_params = small_erp.to_netpyne(tstop=30.0, n_trials=1)
    net_params["synMechParams"]["L5Pyr_gabaa"]["tau2"] = 2.0
    dpls, response = api.simulate_netpyne(cfg, net_params, verbose=False)
    assert len(dpls) == 1 and response.tstop == 30.0
    assert not np.allclose(dpls[0].data["L5"], in_process_run[0][0].data["L5"])


# --- launcher ---------------------------------------------------------------------


def test_launch_commands():
    # One script runs every model: sim/init.py, under this Python or nrniv -mpi.
    init = str(Path(launcher.__file__).resolve().parent.parent / "sim" / "init.py")
    assert launcher.launch_command("c.json", 1, options=["--quiet"]) == [
        sys.executable, init, "--config", "c.json", "--quiet"]
    cmd = launcher.launch_command("c.json", 2)
    assert cmd[1:3] == ["-n", "2"] and Path(cmd[0]).name == "mpiexec"
    assert Path(cmd[3]).name == "nrniv"
    assert cmd[4:] == ["-nobanner", "-python", "-mpi", init, "--config", "c.json"]
    with pytest.raises(SimulationError, match="MPI launcher 'no-such-mpiexec' not found"):
        launcher.launch_command("c.json", 2, mpi_cmd="no-such-mpiexec")


def test_config_files(tmp_path):
    cfg = build_sim_config("erp", mesh_shape=SMALL_MESH)
    launcher.write_config(tmp_path / "bare.json", cfg)
    (tmp_path / "plain.json").write_text(json.dumps(cfg))
    for name in ("bare.json", "plain.json"):
        assert launcher.read_config(tmp_path / name) == (cfg, build_net_params(cfg))
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(ParameterError, match="must be a JSON object"):
        launcher.read_config(tmp_path / "bad.json")


def test_a_failing_run_reports_the_ranks_error(tmp_path):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("not a run")
    cfg = build_sim_config("erp", tstop=5.0, mesh_shape=SMALL_MESH)
    with pytest.raises(SimulationError, match="is not empty"):
        launcher.simulate_config(cfg, n_procs=2, output_dir=busy, echo=False)
    assert (busy / "keep.txt").read_text() == "not a run"


def _alive(pid):
    """True if ``pid`` runs (zombies, which only wait to be reaped, count as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_a_timed_out_run_ends_every_process_it_started(tmp_path):
    # Two ranks that would sleep for 2 minutes, each leaving its pid in a file.
    sleeper = ("import os, pathlib, time; "
               f"pathlib.Path({str(tmp_path)!r}, str(os.getpid())).touch(); time.sleep(120)")
    cmd = [launcher.find_mpiexec(), "-n", "2", sys.executable, "-c", sleeper]
    started = time.time()
    # Long enough for both ranks to start on a loaded machine.
    with pytest.raises(SimulationError, match="took longer than 20 s"):
        launcher.run_command(cmd, echo=False, timeout=20)
    assert time.time() - started < 80
    ranks = [int(p.name) for p in tmp_path.iterdir()]
    assert len(ranks) == 2 and not any(_alive(pid) for pid in ranks)


def test_processes_that_ignore_sigterm_are_killed(tmp_path, monkeypatch):
    # A child that ignores SIGTERM and starts a grandchild in a session of
    # its own (as hydra's mpiexec does with its ranks); both leave their pid.
    monkeypatch.setattr(launcher, "TERMINATE_GRACE_S", 1.0)
    stubborn = ("import os, pathlib, signal, subprocess, sys, time; "
                "signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                f"pathlib.Path({str(tmp_path)!r}, str(os.getpid())).touch(); "
                "subprocess.Popen([sys.executable, '-c', sys.argv[1]], start_new_session=True) "
                "if len(sys.argv) > 1 else None; time.sleep(120)")
    cmd = [sys.executable, "-c", stubborn, stubborn]
    with pytest.raises(SimulationError, match="took longer than 10 s"):
        launcher.run_command(cmd, echo=False, timeout=10)
    pids = [int(p.name) for p in tmp_path.iterdir()]
    assert len(pids) == 2 and not any(_alive(pid) for pid in pids)


def test_fast_run_modes_reach_the_config():
    net = api.jones_2009_model()
    cfg, _ = net.to_netpyne(tstop=20.0, coreneuron=True, n_threads=2)
    assert (cfg["coreneuron"], cfg["cache_efficient"], cfg["nThreads"]) == (True, True, 2)
    cfg, _ = net.to_netpyne(tstop=20.0)
    assert (cfg["coreneuron"], cfg["nThreads"]) == (True, None)
    cfg, _ = net.to_netpyne(tstop=20.0, solver="neuron", n_threads=1)
    assert (cfg["coreneuron"], cfg["cache_efficient"], cfg["nThreads"]) == (False, False, 1)
    with pytest.raises(ParameterError, match="n_threads"):
        api.simulate_dipole(net, tstop=20.0, n_threads=0)
