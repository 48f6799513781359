"""The specs are the single truth of a run: edits of netParams hold everywhere."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reference_data import DATA
from hnn_netpyne.model.solver import for_netpyne_runner
from hnn_netpyne.model.specs import build_net_params, build_sim_config
from hnn_netpyne.runtime.run import gid_ranges

HERE = Path(__file__).parent
ERP_N_GIDS = 1045  # 270 cells and 775 drive cells: each trial shifts the seeds by this


def run_specs(cfg, net_params, folder):
    """Run the specs in a fresh process; the arrays of specs_runner.py, spikes per trial."""
    specs = folder / "specs.json"
    specs.write_text(json.dumps({"cfg": cfg, "netParams": net_params}))
    out = folder / "out.npz"
    proc = subprocess.run([sys.executable, str(HERE / "specs_runner.py"), str(specs), str(out)],
                          capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = dict(np.load(out))
    data["spikes"] = [(data[f"spike_times_{k}"], data[f"spike_gids_{k}"])
                      for k in range(int(cfg["nTrials"]))]
    data["gid_ranges"] = json.loads(str(data["gid_ranges"]))
    return data


@pytest.fixture(scope="module")
def edited_run(tmp_path_factory):
    """A 3-trial ERP run of 30 ms whose evdist1 was moved to 15 ms in the specs only."""
    cfg = build_sim_config("erp", tstop=30.0, n_trials=3)
    net_params = build_net_params(cfg)
    net_params["popParams"]["evdist1"]["hnnEvents"]["dynamics"].update(mu=15.0, sigma=1.0)
    folder = tmp_path_factory.mktemp("edited_run")
    return {"cfg": cfg, "net_params": net_params, "folder": folder,
            "data": run_specs(cfg, net_params, folder)}


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


def test_drive_edited_in_specs_holds_in_every_trial(edited_run):
    tstop, net_params = 30.0, edited_run["net_params"]
    spikes, ranges = edited_run["data"]["spikes"], edited_run["data"]["gid_ranges"]
    edited = net_params["popParams"]["evdist1"]["hnnEvents"]
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


def test_plot_dipole_shows_hnn_dipole(edited_run):
    from hnn_netpyne.analysis.dipole import Dipole, average_dipoles

    data, cfg = edited_run["data"], edited_run["cfg"]
    # plotDipole's dipoleSum is HNN's trial-average dipole (nAm) in nA um, along z.
    dipoles = [Dipole.from_raw(data["times"], data[f"dipole_L2_{k}"], data[f"dipole_L5_{k}"], 100)
               for k in range(3)]
    hnn = average_dipoles(dipoles).postprocess(cfg["dipoleSmoothWindowMs"],
                                               cfg["dipoleScaleFactor"]).data["agg"]
    np.testing.assert_allclose(data["dipole_sum"][:, 2], hnn * 1e6, rtol=1e-12, atol=0)
    assert np.abs(hnn).max() > 0 and not data["dipole_sum"][:, :2].any()
    assert (edited_run["folder"] / "plot_dipole.png").stat().st_size > 1000


def test_saved_network_holds_every_connection(tmp_path):
    from hnn_netpyne.runtime.connect import count_netcons

    cfg = build_sim_config("erp", tstop=5.0, mesh_shape=(3, 3), save_network=True)
    net_params = build_net_params(cfg)
    run_specs(cfg, net_params, tmp_path)
    saved = json.loads((tmp_path / "netpyne_data.json").read_text())
    cells = saved["net"]["cells"]
    assert len(cells) == sum(stop - start for start, stop in gid_ranges(net_params).values())
    assert sum(len(cell["conns"]) for cell in cells) == count_netcons(net_params) > 0
    conn = next(c for cell in cells for c in cell["conns"])
    assert {"preGid", "sec", "loc", "synMech", "weight", "delay"} <= set(conn)


def netpyne_view(cfg, net_params, folder, n_ranks=1):
    """What NetPyNE's own tools report on the built specs (see netpyne_view.py)."""
    from hnn_netpyne.runtime.mpienv import mpi_environment

    folder.mkdir(parents=True, exist_ok=True)
    specs = folder / "specs.json"
    specs.write_text(json.dumps({"cfg": cfg, "netParams": net_params}))
    out = folder / "view.npz"
    cmd = [sys.executable, str(HERE / "netpyne_view.py"), str(specs), str(out)]
    if n_ranks > 1:
        bin_dir = Path(sys.executable).parent
        cmd = [str(bin_dir / "mpiexec"), "-n", str(n_ranks), str(bin_dir / "nrniv"), "-python",
               "-mpi"] + cmd[1:]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900,
                          env=mpi_environment(), stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(np.load(out)), proc.stdout


def keyed_connections(view):
    """Connections sorted by (pre, post, section, synMech): keys, weights, delays."""
    keys = list(zip(view["src"].tolist(), view["tgt"].tolist(), view["sec"].tolist(),
                    view["syn_mech"].tolist()))
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return [keys[i] for i in order], view["weight"][order], view["delay"][order]


@pytest.mark.parametrize("n_ranks", [1, 2])
def test_netpyne_counts_every_connection(tmp_path, n_ranks):
    facts = json.loads((DATA / "erp_network_facts.json").read_text())
    ref = np.load(DATA / "erp_netcons.npz")
    cfg = build_sim_config("erp", tstop=10.0)
    view, stdout = netpyne_view(cfg, build_net_params(cfg), tmp_path, n_ranks)
    assert int(view["total_synapses"]) == facts["synaptic_netcons_total"] == 191025
    assert f"Synaptic contacts: {facts['synaptic_netcons_total']} " in stdout
    # NetPyNE's 'Connections' counts each cell's distinct presynaptic cells.
    distinct = len(set(zip(ref["src_gid"].tolist(), ref["tgt_gid"].tolist())))
    assert int(view["total_connections"]) == distinct
    assert f"Connections: {distinct} " in stdout
    assert int(view["conn_pop_numConns"].sum()) == 191025


def edited_rules(net_params):
    """The 3x3 column with rules of every kind NetPyNE draws at random, and one it alone makes."""
    rules = net_params["connParams"]
    rules["L2Pyr_L2Pyr_proximal_ampa"].pop("convergence")
    rules["L2Pyr_L2Pyr_proximal_ampa"]["probability"] = 0.3
    rules["L5Pyr_L5Pyr_proximal_nmda"].pop("convergence")
    rules["L5Pyr_L5Pyr_proximal_nmda"]["probability"] = "0.9 * exp(-dist_3D / 2.0)"
    rules["L2Basket_L2Pyr_soma_gabaa"]["convergence"] = 2
    rules["L2Pyr_L2Basket_soma_ampa"]["divergence"] = 2
    rules["L5Pyr_L5Basket_soma_ampa"]["threshold"] = 0.0  # NetPyNE-only key: its connectCells
    drive = next(label for label, rule in rules.items() if "connList" in rule)
    rules[drive]["weight"] = [1e-3 * (k + 1) for k in range(len(rules[drive]["connList"]))]
    return net_params


def test_rules_connect_as_netpyne_connects_them(tmp_path):
    cfg = build_sim_config("erp", tstop=10.0, mesh_shape=(3, 3))
    net_params = edited_rules(build_net_params(cfg))
    fast, _ = netpyne_view(dict(cfg, fastConnect=True), net_params, tmp_path / "fast")
    netpyne, _ = netpyne_view(dict(cfg, fastConnect=False), net_params, tmp_path / "netpyne")
    ours, theirs = keyed_connections(fast), keyed_connections(netpyne)
    assert ours[0] == theirs[0]  # the same pairs, sections and synapses
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12, atol=0)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-12, atol=0)
    for matrix in ("conn_pop_numConns", "conn_pop_weight", "conn_cell_weight"):
        np.testing.assert_allclose(fast[matrix], netpyne[matrix], rtol=1e-12, atol=0)
    # The drawn rules really prune: fewer pairs than all to all, more than none.
    first, stop = gid_ranges(net_params)["L2Pyr"]
    pairs = {(k[0], k[1]) for k in ours[0] if k[3] == "L2Pyr_ampa" and first <= k[0] < stop}
    assert 0 < len(pairs) < 0.6 * (stop - first) ** 2
    listed = [w for k, w in zip(ours[0], ours[1]) if k[0] >= stop and k[3] == "L2Pyr_ampa"]
    assert listed  # per-connection weights of a connList


def test_unknown_rule_key_names_rule_and_key():
    from hnn_netpyne.errors import ParameterError
    from hnn_netpyne.runtime.connect import count_netcons

    net_params = build_net_params(build_sim_config("erp"))
    net_params["connParams"]["L2Pyr_L5Pyr_distal_ampa"]["probabilty"] = 0.1
    with pytest.raises(ParameterError, match="L2Pyr_L5Pyr_distal_ampa.*'probabilty'"):
        count_netcons(net_params)


def test_probability_counts_as_netpyne_draws():
    from hnn_netpyne.runtime.connect import count_netcons

    net_params = build_net_params(build_sim_config("erp"))
    full = count_netcons(net_params)
    net_params["connParams"]["L2Pyr_L5Pyr_distal_ampa"]["probability"] = 0.1
    pruned = full - count_netcons(net_params)
    # Of the 100 x 100 pairs (one NetCon each, on the tuft) about 90 % go.
    assert 0.88 * 10000 < pruned < 0.92 * 10000


@pytest.mark.parametrize("change, label", [
    ({"remove_pathways": ["L2Basket_L5Pyr_distal_gabba"]}, "L2Basket_L5Pyr_distal_gabba"),
    ({"pathway_weights": {"L5Pyr_L5Pyr_proximal_nmdaa": 1e-4}}, "L5Pyr_L5Pyr_proximal_nmdaa"),
    ({"synapses": {"L2Pyr_gabba": {"tau1": 45.0}}}, "L2Pyr_gabba"),
    ({"remove_mechanisms": {"L5Pyr": {"ca": ["basal_9"]}}}, "basal_9"),
])
def test_variant_label_matching_nothing_fails(monkeypatch, change, label):
    from hnn_netpyne.errors import ParameterError
    from hnn_netpyne.model import variants

    monkeypatch.setitem(variants.MODEL_VARIANTS, "typo_variant", change)
    with pytest.raises(ParameterError, match=f"'typo_variant'.*'{label}'"):
        build_net_params(build_sim_config("erp", model="typo_variant"))


STANDARD_SCRIPT = """
from netpyne import sim

cfg, netParams = sim.readCmdLineArgs(simConfigDefault="cfg.py", netParamsDefault="netParams.py")
sim.createSimulateAnalyze(netParams=netParams, simConfig=cfg)
print("synaptic contacts", sim.totalSynapses, "dipole samples", len(sim.allSimData["dipole"]["L5"]))
"""


@pytest.mark.slow
def test_standard_netpyne_script_from_fresh_copy(tmp_path):
    """NetPyNE's usual script in a copy of sim/ compiles and loads the mechanisms itself."""
    import os
    import shutil

    sim_dir = HERE.parent / "sim"
    for name in ("cfg.py", "netParams.py"):
        shutil.copy(sim_dir / name, tmp_path / name)
    (tmp_path / "standard.py").write_text(STANDARD_SCRIPT)
    # cfg.py parses no command line when imported (issue 15): NetPyNE's own way
    # to change it is a simConfig file.
    # A simConfig for NetPyNE's own runner takes its solver (model/solver.py).
    erp = {"simConfig": for_netpyne_runner(build_sim_config("erp", tstop=10.0))}
    (tmp_path / "erp.json").write_text(json.dumps(erp))
    cache = tmp_path / "empty_cache"  # nothing compiled yet
    env = dict(os.environ, HNN_NETPYNE_CACHE=str(cache))
    proc = subprocess.run([sys.executable, "standard.py", "simConfig=erp.json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=1200, env=env,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "synaptic contacts 191025 dipole samples 401" in proc.stdout
    assert "not inserted" not in proc.stdout + proc.stderr
    assert len(list(cache.glob("nrnmech-*/.complete"))) == 1


@pytest.mark.slow
@pytest.mark.parametrize("run_type", ["mpi_direct", "mpi_bulletin"])
def test_netpyne_batch_grid_writes_one_folder_per_job(tmp_path, run_type):
    import os

    from hnn_netpyne.runtime.mpienv import mpi_environment

    bin_dir = Path(sys.executable).parent
    script = [str(HERE / "batch_grid.py"), run_type, str(tmp_path / "batch")]
    cmd = ([sys.executable] + script if run_type == "mpi_direct" else
           [str(bin_dir / "mpiexec"), "-n", "2", str(bin_dir / "nrniv"), "-python", "-mpi"] + script)
    env = mpi_environment(dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}"))
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=1200,
                          env=env, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for k, weight in enumerate([5.4e-05, 2e-03]):
        folder = tmp_path / "batch" / f"weights_{k}"
        assert (folder / "manifest.json").exists(), (folder.parent / f"weights_{k}.err").read_text()
        config = json.loads((folder / "config.json").read_text())
        assert config["simConfig"]["drives"][0]["weights_ampa"]["L2Pyr"] == weight
        # The job's specs, and so its network, carry the job's weight.
        rule = config["netParams"]["connParams"]["bursty_L2Pyr_ampa"]
        assert rule["weight"].startswith(f"{weight!r} * exp(")
        assert np.loadtxt(folder / "dipole_1.txt").shape == (1601, 4)
