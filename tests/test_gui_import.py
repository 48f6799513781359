"""The model opens in the NetPyNE GUI (NetPyNE-UI 1.1.0) and runs there as it runs here.

``gui_import_steps.py`` repeats, in fresh processes, what NetPyNE-UI does
when a user imports ``sim/netParams.py`` + ``sim/cfg.py`` (mod folder
compiled, modules imported by name, JSON sync, validation, creation,
in-kernel simulation) and when a user loads the JSON export of
``hnn-netpyne export-json``. Both must give the network and the 50 ms
simulation of the package's normal run of the same configuration:
``sim/cfg.py``'s default (seed_bursty, its netParams built for 310 ms),
simulated for 50 ms, the GUI user having set the duration in the GUI.
(In these 50 ms only drive cells spike; the dipoles carry the cells'
response.)

Not reproduced (browser side): the React forms and the Geppetto 3-D/plot
views, the Jupyter comm carrying the JSON (the exact ``json.dumps`` calls
are made instead), the sync thread's timing (one round is run), and the
GUI's experiment manager, which runs simulations in a subprocess that loads
mechanisms from the workspace root only.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from hnn_netpyne.runtime.options import config_options, run_parser
from hnn_netpyne.errors import HNNNetpyneError
from hnn_netpyne.export.netpyne_json import export_netpyne_json
from hnn_netpyne.model.specs import build_net_params, build_sim_config
from hnn_netpyne.runtime.mechanisms import MOD_DIR

HERE = Path(__file__).resolve().parent
SIM_DIR = HERE.parent / "sim"
STEPS = HERE / "gui_import_steps.py"
DURATION_MS = 50.0
CELL_TYPES = ("L2Basket", "L2Pyr", "L5Basket", "L5Pyr")
N_REAL_CELLS = 270
TIMEOUT_S = 1500
# Caches NetPyNE adds to netParams when it loads them (not part of the model).
LOAD_CACHES = ("_synMechStringFuncs", "_cellParamStringFuncs")


def default_cfg():
    """sim/cfg.py's configuration when no run options are given (as in the GUI)."""
    return build_sim_config(**config_options(run_parser().parse_args([])))


def _environment():
    # The GUI runs a bare 'nrnivmodl': the venv's bin folder must come first.
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def _start(root, name, spec):
    work = root / f"work_{name}"
    work.mkdir()
    spec = dict(spec, mode=spec.get("mode", name), work_dir=str(work),
                duration=DURATION_MS, out=str(root / f"{name}.npz"),
                report=str(root / f"{name}_report.json"),
                net_params_out=str(root / f"{name}_netParams.json"))
    spec_file = root / f"{name}_spec.json"
    spec_file.write_text(json.dumps(spec))
    log = open(root / f"{name}.log", "w")
    proc = subprocess.Popen([sys.executable, str(STEPS), str(spec_file)], stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=_environment(), cwd=str(work))
    return {"proc": proc, "log": log, "spec": spec}


def _finish(root, name, job):
    try:
        job["proc"].wait(timeout=TIMEOUT_S)
    finally:
        if job["proc"].poll() is None:
            job["proc"].kill()
        job["log"].close()
    spec = job["spec"]
    log = (root / f"{name}.log").read_text()
    assert Path(spec["report"]).exists(), f"{name}: no report\n{log[-3000:]}"
    report = json.loads(Path(spec["report"]).read_text())
    assert report["ok"] and job["proc"].returncode == 0, \
        f"{name} failed:\n{report.get('error')}\n{log[-3000:]}"
    result = {"report": report}
    if Path(spec["out"]).exists():
        with np.load(spec["out"]) as z:
            result["arrays"] = {k: z[k] for k in z.files}
    if Path(spec["net_params_out"]).exists():
        result["netParams"] = json.loads(Path(spec["net_params_out"]).read_text())
    return result


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The GUI import, the JSON load, the mechanisms-only import and the normal run."""
    root = tmp_path_factory.mktemp("gui_import")
    export_netpyne_json(default_cfg(), root / "export")
    # The compile step deletes and rebuilds <mod>/x86_64: do it on a copy.
    mod_copy = root / "mod_copy"
    mod_copy.mkdir()
    for mod in MOD_DIR.glob("*.mod"):
        shutil.copy2(mod, mod_copy / mod.name)
    repo_build = (MOD_DIR / "x86_64").exists()

    jobs, results, started = {}, {}, time.time()
    try:
        gui = {"sim_dir": str(SIM_DIR), "mod_folder": str(mod_copy), "compile": True}
        compiled = root / "mod_copy_compiled"
        jobs["gui"] = _start(root, "gui", dict(gui, step1_marker=str(compiled)))
        jobs["normal"] = _start(root, "normal", {})
        # Compile unticked with the repository's own mod/ (no build inside it).
        jobs["mechanisms"] = _start(root, "mechanisms", dict(gui, mod_folder=str(MOD_DIR),
                                                             compile=False))
        while not compiled.exists() and jobs["gui"]["proc"].poll() is None:
            time.sleep(0.5)
        if not compiled.exists():
            results["gui"] = _finish(root, "gui", jobs.pop("gui"))  # reports why
        # Load the JSON export with compile unticked, from the folder the GUI compiled.
        jobs["json"] = _start(root, "json", {"model_dir": str(root / "export"),
                                             "json_file": str(root / "export" / "model.json"),
                                             "mod_folder": str(mod_copy), "compile": False})
        for name in list(jobs):
            results[name] = _finish(root, name, jobs.pop(name))
    finally:
        for job in jobs.values():  # a run failed: stop the ones this test started
            job["proc"].kill()
            job["proc"].wait()
            job["log"].close()
    results["repo_build_before"] = repo_build
    cpu = sum(r["report"]["cpu_s"] for r in results.values() if isinstance(r, dict))
    print(f"\nGUI import test: {time.time() - started:.0f} s wall, {cpu:.0f} s CPU in "
          "subprocesses; wall seconds per step: " + "; ".join(
        f"{name} " + ", ".join(f"{k} {v:.1f}" for k, v in r["report"]["timings"].items())
        for name, r in results.items() if isinstance(r, dict)))
    return results


# ---------------------------------------------------------------- the export itself

def _reject_constant(name):
    raise ValueError(f"non-finite number {name} in the export")


def test_export_files(tmp_path):
    out = tmp_path / "export"
    paths = export_netpyne_json(default_cfg(), out)
    names = sorted(Path(p).relative_to(out).as_posix() for p in paths)
    mods = sorted(f"mod/{m.name}" for m in MOD_DIR.glob("*.mod"))
    assert names == sorted(mods + ["netParams.json", "simConfig.json", "model.json",
                                   "index.npjson", "manifest.json"])
    for mod in MOD_DIR.glob("*.mod"):
        assert (out / "mod" / mod.name).read_bytes() == mod.read_bytes()

    def load(name):
        return json.loads((out / name).read_text(), parse_constant=_reject_constant)

    net, cfg, model = load("netParams.json"), load("simConfig.json"), load("model.json")
    # NetPyNE's layouts: NetParams.save / SimConfig.save / sim.saveData.
    assert set(net) == {"netpyne_version", "net"} and set(net["net"]) == {"params"}
    assert set(cfg) == {"netpyne_version", "simConfig"}
    assert model["net"] == net["net"] and model["simConfig"] == cfg["simConfig"]
    assert load("index.npjson") == {"netParams": "netParams.json",
                                    "simConfig": "simConfig.json", "mod_folder": "mod"}
    params = net["net"]["params"]
    # Distance-dependent weights/delays stay NetPyNE string expressions; drive
    # spike times stay in the drive population's cellsList; no connList.
    rules = params["connParams"].values()
    assert all(isinstance(r["weight"], str) and "post_x" in r["weight"] for r in rules)
    assert all("connList" not in r for r in rules)
    assert all("spkTimes" in c for c in params["popParams"]["bursty"]["cellsList"])
    assert list(params["popParams"])[:4] == list(CELL_TYPES)  # order = gid order
    assert len((out / "netParams.json").read_bytes()) < 200_000


def test_export_refuses_non_empty_folder(tmp_path):
    cfg = default_cfg()
    (tmp_path / "notes.txt").write_text("mine\n")
    with pytest.raises(HNNNetpyneError, match="not empty"):
        export_netpyne_json(cfg, tmp_path)
    with pytest.raises(HNNNetpyneError, match="notes.txt"):  # not hnn-netpyne's file
        export_netpyne_json(cfg, tmp_path, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert (tmp_path / "notes.txt").read_text() == "mine\n"
    out = tmp_path / "export"
    paths = export_netpyne_json(cfg, out)
    assert export_netpyne_json(cfg, out, overwrite=True) == paths  # an earlier export
    assert all(Path(p).exists() for p in paths)
    assert not [p for p in tmp_path.rglob(".*")]  # no temporary file, staging or lock left
    with pytest.raises(HNNNetpyneError, match="not a folder"):
        export_netpyne_json(cfg, tmp_path / "notes.txt")


# ---------------------------------------------------------------- GUI steps

def test_gui_import_in_a_used_kernel(runs):
    report = runs["gui"]["report"]
    # The kernel looked like a GUI session with another model imported before.
    assert report["main_has_cfg"] is False
    assert report["stale_cfg_before_import"].endswith("previous_model/cfg.py")
    # Step 1: <mod>/x86_64 deleted, rebuilt with nrnivmodl and loaded from there.
    assert report["stale_build_removed"] and report["load_mechanisms_returned"]
    assert report["mechanisms_after_step1"]
    assert len(report["mechanism_dlls"]) == 1  # netParams.py did not load a second copy
    assert report["mechanism_dlls"][0].endswith("mod_copy")
    # Steps 2-4: our cfg (not the stale one), a real SimConfig, back in the workspace.
    assert report["simConfig_is_SimConfig"] and report["netParams_is_NetParams"]
    assert not report["simConfig_stale"]
    assert report["simConfig_preset"] == "seed_bursty"
    assert report["simConfig_duration_imported"] == default_cfg()["duration"]
    assert report["cellParams_have_secs"]
    assert report["cwd_restored"]


def test_mod_folder_without_build_still_loads(runs):
    """Compile unticked on the repository's mod/: the model loads its mechanisms itself."""
    report = runs["mechanisms"]["report"]
    assert report["mechanisms_after_import"]
    assert not report["simConfig_stale"]
    assert (MOD_DIR / "x86_64").exists() == runs["repo_build_before"]  # repo left alone


def test_json_export_loads_like_the_gui(runs):
    report = runs["json"]["report"]
    assert report["simConfig_is_SimConfig"] and report["netParams_is_NetParams"]
    assert report["simConfig_preset"] == "seed_bursty" and not report["simConfig_stale"]
    assert report["mechanisms_after_step1"] and report["cwd_restored"]
    # netParams.json + simConfig.json, and sim.loadModel(folder), hold the same model.
    assert all(report["export_variants_equal"].values()), report["export_variants_equal"]


@pytest.mark.parametrize("mode", ["gui", "json"])
def test_synced_parts_are_strict_json(runs, mode):
    sync = runs[mode]["report"]["sync"]
    assert set(sync) >= {"netParams.todict()", "simConfig.todict()", "simConfig.analysis",
                         "netParams.cellParams", "netParams.popParams",
                         "netParams.synMechParams", "netParams.connParams",
                         "netParams.subConnParams", "netParams.stimSourceParams",
                         "netParams.stimTargetParams", "netParams.rxdParams"}
    assert {k: v["problems"] for k, v in sync.items() if v["problems"]} == {}
    assert runs[mode]["report"]["bad_labels"] == []


@pytest.mark.parametrize("mode", ["gui", "json"])
def test_validation_passes(runs, mode):
    assert runs[mode]["report"]["validation_failed"] == []


@pytest.mark.parametrize("mode", ["gui", "json"])
def test_opened_model_is_the_package_model(runs, mode):
    from netpyne import specs

    expected = json.loads(json.dumps(specs.NetParams(build_net_params(default_cfg())).todict()))
    opened = {k: v for k, v in runs[mode]["netParams"].items() if k not in LOAD_CACHES}
    assert opened == expected


def _sorted_connections(arrays):
    # (post, pre, section, receptor) is unique: one synapse per section and receptor.
    order = np.lexsort((arrays["conn_loc"], arrays["conn_mech"], arrays["conn_sec"],
                        arrays["conn_pre"], arrays["conn_post"]))
    return {k: v[order] for k, v in arrays.items() if k.startswith("conn_")}


@pytest.mark.parametrize("mode", ["gui", "json"])
def test_network_equals_normal_run(runs, mode):
    ours, normal = runs[mode], runs["normal"]
    counts = ours["report"]["cells_per_pop"]
    assert sum(counts[ct] for ct in CELL_TYPES) == N_REAL_CELLS
    assert counts == normal["report"]["cells_per_pop"]
    assert ours["report"]["netcons"] == normal["report"]["netcons"]
    # The normal run connects with the package's fast connector, the GUI with
    # NetPyNE's connectCells: same NetCons, weights/delays to rounding.
    mine, theirs = _sorted_connections(ours["arrays"]), _sorted_connections(normal["arrays"])
    assert len(mine["conn_pre"]) == ours["report"]["netcons"]  # every NetCon read back
    assert len(mine["conn_pre"]) > 100_000
    for key in ("conn_pre", "conn_post", "conn_sec", "conn_loc", "conn_mech"):
        np.testing.assert_array_equal(mine[key], theirs[key], err_msg=key)
    for key in ("conn_weight", "conn_delay"):
        np.testing.assert_allclose(mine[key], theirs[key], rtol=1e-12, atol=0, err_msg=key)


@pytest.mark.parametrize("mode", ["gui", "json"])
def test_simulation_equals_normal_run(runs, mode):
    ours, normal = runs[mode]["arrays"], runs["normal"]["arrays"]
    np.testing.assert_array_equal(ours["spike_gids"], normal["spike_gids"])
    np.testing.assert_array_equal(ours["spike_times"], normal["spike_times"])
    n_samples = int(round(DURATION_MS / default_cfg()["dt"])) + 1
    for layer in ("L2", "L5"):
        mine, theirs = ours[f"dipole_{layer}"], normal[f"dipole_{layer}"]
        assert mine.shape == theirs.shape == (n_samples,)
        scale = np.max(np.abs(theirs))
        assert scale > 0
        # NetPyNE's own build keeps NEURON's float32 section lengths, which the
        # runner sets exactly (runtime/geometry.py): measured 3.0e-8 (L2).
        error = np.max(np.abs(mine - theirs)) / scale
        print(f"\n{mode} vs normal run, {layer} dipole: {error:.1e} of its peak")
        assert error <= 1e-6, layer
