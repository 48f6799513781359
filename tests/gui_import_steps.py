"""Open the HNN model the way NetPyNE-UI 1.1.0 does, in a fresh process.

Usage: ``python gui_import_steps.py SPEC.json``, started by
``test_gui_import.py``. ``SPEC.json`` holds ``mode`` and its settings:

``gui``
    NetPyNE-UI's *Import* of a Python model (``importModel`` and
    ``mod_utils.loadModMechFiles``): (1) mod folder compiled (delete
    ``x86_64``, ``nrnivmodl`` inside the folder) and/or loaded with
    ``neuron.load_mechanisms``; (2) netParams module imported by name from
    its folder (``sys.path.append`` + ``chdir`` + ``importlib``), a plain
    dict turned into ``specs.NetParams`` and every cellParams rule
    ``.todict()``-ed; (3) the same for the simConfig module (``cfg``);
    (4) ``sim.initialize()`` and back to the original folder; (5) the
    front end's JSON feed and sync; (6) validation, ``sim.create``,
    ``sim.net.defineCellShapes``, ``sim.gatherData``; then the GUI's
    in-kernel simulation (``setupRecording``, ``simulate``, ``saveData``).
``json``
    NetPyNE-UI's *Load* of a JSON model (``loadModel`` with netParams and
    simConfig ticked) on an export of ``hnn-netpyne export-json``, then
    steps 5 and 6 and the simulation as above.
``mechanisms``
    Steps 1 to 4 only, to check that the mechanisms are there afterwards
    (used with the repository's own ``mod/`` and compile unticked).
``normal``
    The package's normal run (:func:`hnn_netpyne.runtime.run.run_network`)
    of the same configuration, for comparison.

Before the GUI steps the process is made to look like NetPyNE-UI's kernel:
``sys.argv`` is a Jupyter kernel's, nothing named ``cfg`` is in
``__main__``, the working folder is a scratch "workspace", and another
model's ``cfg`` module was imported earlier (its folder is on ``sys.path``
and ``sys.modules['cfg']`` holds it), as after a previous import in the same
session. The GUI cannot pass run options, so after the import the
simulation length is set to ``SPEC['duration']`` on the imported
simConfig, as a user does in the GUI's Configuration tab.

Results go to ``SPEC['out']`` (npz: spikes, layer dipoles, connections),
``SPEC['report']`` (JSON: what each step did, checks, timings) and
``SPEC['net_params_out']`` (the netParams the GUI holds, as JSON). If
``SPEC['step1_marker']`` is set, that file is written once step 1 is done.
"""

import importlib
import json
import os
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path

import numpy as np

# What jupyter_geppetto keeps in sync with the browser (json.dumps every 0.3 s).
SYNCED_NET_PARAMS = ("cellParams", "popParams", "synMechParams", "connParams",
                     "subConnParams", "stimSourceParams", "stimTargetParams", "rxdParams")

STALE_CFG = '''"""Another model's simConfig, imported before HNN in the same GUI session."""
from netpyne import specs

cfg = specs.SimConfig()
cfg.duration = 999.0
cfg.staleModel = True
'''


# ---------------------------------------------------------------- GUI emulation

def load_mod_mech_files(compile_mod, mod_folder, force_recompile=True):
    """NetPyNE-UI's ``mod_utils.loadModMechFiles`` (compile, then load)."""
    import neuron

    owd = os.getcwd()
    try:
        if compile_mod:
            compiled = os.path.join(str(mod_folder), "x86_64")
            if os.path.exists(compiled) and force_recompile:
                shutil.rmtree(compiled)
            if not os.path.exists(compiled):
                os.chdir(mod_folder)
                subprocess.call(["nrnivmodl"], stdout=subprocess.DEVNULL)
                os.chdir("..")
        try:
            return neuron.load_mechanisms(str(mod_folder))
        except Exception:
            if not force_recompile:
                load_mod_mech_files(True, mod_folder, force_recompile=True)
            raise
    finally:
        os.chdir(owd)


def have_instance(sim):
    """NetPyNE-UI's ``doIhaveInstOrSimData()['haveInstance']``."""
    net = getattr(sim, "net", None)
    return bool(net is not None and getattr(net, "cells", None) and getattr(net, "pops", None))


def import_model(gui, params):
    """NetPyNE-UI's ``importModel`` after the mod step (steps 2 to 4)."""
    from netpyne import sim, specs

    if have_instance(sim):
        sim.clearAll()
    owd = os.getcwd()
    try:
        sys.path.append(params["netParamsPath"])
        os.chdir(params["netParamsPath"])
        module = importlib.import_module(params["netParamsModuleName"])
        gui["netParams"] = getattr(module, params["netParamsVariable"])
        if isinstance(gui["netParams"], dict):
            gui["netParams"] = specs.NetParams(gui["netParams"])
        for key, value in gui["netParams"].cellParams.items():
            if hasattr(value, "todict"):
                gui["netParams"].cellParams[key] = value.todict()
        sys.path.append(params["simConfigPath"])
        os.chdir(params["simConfigPath"])
        module = importlib.import_module(params["simConfigModuleName"])
        gui["simConfig"] = getattr(module, params["simConfigVariable"])
        sim.initialize()
    finally:
        os.chdir(owd)


def _drop_dunder_keys(value):
    """NetPyNE-UI's ``utils.remove``: drop keys starting with '__' (in place)."""
    if isinstance(value, dict):
        for key in list(value):
            if str(key).startswith("__"):
                value.pop(key)
            else:
                _drop_dunder_keys(value[key])


def load_json_model(gui, json_file):
    """NetPyNE-UI's ``loadModel`` with 'netParams' and 'simConfig' ticked."""
    from netpyne import sim

    sim.initialize()
    sim.loadSimCfg(json_file)
    gui["simConfig"] = sim.cfg
    _drop_dunder_keys(gui["simConfig"].todict())
    if have_instance(sim):
        sim.clearAll()
    sim.loadNetParams(json_file)
    gui["netParams"] = sim.net.params
    _drop_dunder_keys(gui["netParams"].todict())


def _is_empty(value):
    return value is None or (isinstance(value, (str, list, tuple, set, dict)) and len(value) == 0)


def copy_without_empty(value, memo=None):
    """NetPyNE-UI's ``deepcopy_wout_empty``: what its validation sees.

    Dictionaries lose entries whose (copied) value is empty, sequences lose
    empty items, objects are copied attribute by attribute.
    """
    memo = {} if memo is None else memo
    if id(value) in memo:
        return memo[id(value)]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            copied = copy_without_empty(item, memo)
            if not _is_empty(copied):
                out[key] = memo.setdefault(id(item), copied)
        return out
    if isinstance(value, (list, tuple, set)):
        return value.__class__(memo.setdefault(id(item), copy_without_empty(item, memo))
                               for item in value if not _is_empty(item))
    if hasattr(value, "__dict__"):
        out = value.__new__(value.__class__)
        for key, item in value.__dict__.items():
            out.__dict__[key] = memo.setdefault(id(item), copy_without_empty(item, memo))
        return out
    return value


def validate_net_params(net_params):
    """NetPyNE-UI's ``validate_netParams``: the list of failed components."""
    from netpyne import sim

    _, failed = sim.validator.validateNetParams(copy_without_empty(net_params),
                                                printWarnings=True)
    return [{"component": f.component, "keyPath": [str(k) for k in f.keyPath],
             "summary": [str(s) for s in f.summary]} for f in failed]


def instantiate(gui):
    """NetPyNE-UI's ``instantiateNetPyNEModel`` after validation."""
    from netpyne import sim

    if have_instance(sim):
        sim.clearAll()
    sim.create(gui["netParams"], gui["simConfig"])
    sim.net.defineCellShapes()
    sim.gatherData(gatherLFP=False)


def simulate_in_kernel():
    """NetPyNE-UI's single-core run on the instantiated network (usePrevInst)."""
    from netpyne import sim

    sim.setupRecording()
    sim.simulate()
    sim.saveData()


# ---------------------------------------------------------------- checks

def strict_json_problems(value, path="", problems=None):
    """Values the GUI's JSON sync cannot take: numpy, non-finite, non-JSON.

    ``json.dumps`` itself accepts numpy floats and NaN, which the browser
    then chokes on, so the walk is stricter than ``json.dumps``.
    """
    problems = [] if problems is None else problems
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                problems.append(f"{path}: key {key!r} is not a string")
            strict_json_problems(item, f"{path}[{key!r}]", problems)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            strict_json_problems(item, f"{path}[{i}]", problems)
    elif type(value).__module__ == "numpy":
        problems.append(f"{path}: numpy value {type(value).__name__}")
    elif isinstance(value, float):
        if not np.isfinite(value):
            problems.append(f"{path}: non-finite number {value!r}")
    elif not (value is None or isinstance(value, (str, int, bool))):
        problems.append(f"{path}: {type(value).__name__} is not JSON")
    return problems


def sync_check(gui):
    """Step 5: the getData feed and one round of the 0.3 s sync thread."""
    parts = {"netParams.todict()": gui["netParams"].todict(),
             "simConfig.todict()": gui["simConfig"].todict(),
             "simConfig.analysis": gui["simConfig"].analysis}
    for name in SYNCED_NET_PARAMS:
        parts[f"netParams.{name}"] = getattr(gui["netParams"], name)
    result = {}
    for name, value in parts.items():
        problems = strict_json_problems(value)
        try:
            text = json.dumps(value, allow_nan=False)
            json.loads(text)
        except (TypeError, ValueError) as err:
            problems.append(f"json.dumps failed: {err}")
            text = ""
        result[name] = {"problems": problems[:20], "n_chars": len(text)}
    return result


def label_problems(net_params):
    """Labels the GUI cannot show or rename: spaces, leading digit, non-identifiers."""
    bad = []
    for part in SYNCED_NET_PARAMS:
        for label in getattr(net_params, part, {}) or {}:
            if not (isinstance(label, str) and label.isidentifier()):
                bad.append(f"{part}[{label!r}]")
    return bad


# ---------------------------------------------------------------- results

def network_facts(sim):
    """Cells per population and every synaptic NetCon, read back from NEURON.

    Read from NEURON rather than from NetPyNE's ``cell.conns``, so the
    package's fast connector (which keeps no ``conns``) compares too.
    """
    from neuron import h

    counts, synapses = {}, {}
    for cell in sim.net.cells:
        pop = cell.tags["pop"]
        counts[pop] = counts.get(pop, 0) + 1
        secs = getattr(cell, "secs", None)  # a method on NetPyNE's point cells
        for sec_name, sec in (secs.items() if isinstance(secs, dict) else ()):
            for syn in sec.get("synMechs", []):
                synapses[syn["hObj"].hname()] = (int(cell.gid), sec_name, float(syn["loc"]),
                                                 syn["label"])
    rows = {"pre": [], "post": [], "sec": [], "loc": [], "mech": [], "weight": [], "delay": []}
    for netcon in h.List("NetCon"):
        target = netcon.syn()
        if target is None or target.hname() not in synapses:
            continue  # spike detectors and drive sources
        post, sec, loc, mech = synapses[target.hname()]
        for key, value in zip(rows, (int(netcon.srcgid()), post, sec, loc, mech,
                                     float(netcon.weight[0]), float(netcon.delay))):
            rows[key].append(value)
    arrays = {f"conn_{k}": np.array(v) for k, v in rows.items()}
    return counts, arrays


def sorted_spikes(times, gids):
    times, gids = np.asarray(times, float), np.asarray(gids, float).astype(int)
    order = np.lexsort((times, gids))
    return times[order], gids[order]


def netcon_count():
    from neuron import h

    return int(h.List("NetCon").count())


def export_variants_equal(model_dir):
    """Do netParams.json, simConfig.json and the index hold what model.json does?"""
    from netpyne import sim

    def canonical(spec_object):
        return json.dumps(spec_object.todict())

    model_dir = Path(model_dir)
    model = str(model_dir / "model.json")
    net = canonical(sim.loadNetParams(model, setLoaded=False))
    cfg = canonical(sim.loadSimCfg(model, setLoaded=False))
    index_cfg, index_net = sim.loadModel(str(model_dir), loadMechs=False)
    return {
        "netParams.json": canonical(sim.loadNetParams(str(model_dir / "netParams.json"),
                                                      setLoaded=False)) == net,
        "simConfig.json": canonical(sim.loadSimCfg(str(model_dir / "simConfig.json"),
                                                   setLoaded=False)) == cfg,
        "index.npjson netParams": canonical(index_net) == net,
        "index.npjson simConfig": canonical(index_cfg) == cfg,
    }


# ---------------------------------------------------------------- modes

def look_like_gui_kernel(spec, report):
    """argv, workspace, no __main__.cfg, and another model's cfg imported before."""
    import __main__

    sys.argv = [str(Path(sys.executable).parent / "ipykernel_launcher.py"), "-f",
                str(Path(spec["work_dir"]) / "kernel-gui.json")]
    os.chdir(spec["work_dir"])
    stale_dir = Path(spec["work_dir"]) / "previous_model"
    stale_dir.mkdir(exist_ok=True)
    (stale_dir / "cfg.py").write_text(STALE_CFG)
    sys.path.append(str(stale_dir))
    importlib.import_module("cfg")
    report["stale_cfg_before_import"] = getattr(sys.modules["cfg"], "__file__", None)
    report["main_has_cfg"] = hasattr(__main__, "cfg")


def check_imported(gui, report):
    """What the GUI now holds (used to assert the stale cfg was not taken)."""
    from netpyne import specs

    cfg = gui["simConfig"]
    report["simConfig_type"] = f"{type(cfg).__module__}.{type(cfg).__name__}"
    report["simConfig_is_SimConfig"] = isinstance(cfg, specs.SimConfig)
    report["netParams_is_NetParams"] = isinstance(gui["netParams"], specs.NetParams)
    report["simConfig_stale"] = bool(getattr(cfg, "staleModel", False))
    report["simConfig_preset"] = getattr(cfg, "preset", None)
    report["simConfig_duration_imported"] = float(cfg.duration)
    report["cellParams_types"] = sorted({type(v).__name__
                                         for v in gui["netParams"].cellParams.values()})
    report["cellParams_have_secs"] = all(
        isinstance(v.get("secs"), dict) and v["secs"] for v in gui["netParams"].cellParams.values())


def run_gui_steps(spec, report, timings):
    from neuron import h

    gui = {}
    look_like_gui_kernel(spec, report)
    mod_folder = spec["mod_folder"]
    marker = Path(mod_folder) / "x86_64" / "STALE_BUILD"
    if spec["compile"]:
        marker.parent.mkdir(exist_ok=True)
        marker.write_text("left over from an earlier build\n")
    t0 = time.time()
    report["load_mechanisms_returned"] = bool(load_mod_mech_files(spec["compile"], mod_folder))
    timings["1_mod_files"] = time.time() - t0
    report["stale_build_removed"] = not marker.exists()
    report["mechanisms_after_step1"] = hasattr(h, "Dipole") and hasattr(h, "hh2")
    if spec.get("step1_marker"):
        # Lets the test start a run that loads this build without waiting for the rest.
        Path(spec["step1_marker"]).write_text("mod folder compiled and loaded\n")

    t0 = time.time()
    if spec["mode"] == "json":
        load_json_model(gui, spec["json_file"])
    else:
        import_model(gui, {
            "netParamsPath": spec["sim_dir"], "netParamsModuleName": "netParams",
            "netParamsVariable": "netParams", "simConfigPath": spec["sim_dir"],
            "simConfigModuleName": "cfg", "simConfigVariable": "cfg"})
    timings["2_4_import"] = time.time() - t0
    report["cwd_restored"] = os.getcwd() == str(Path(spec["work_dir"]).resolve())
    report["mechanisms_after_import"] = hasattr(h, "Dipole") and hasattr(h, "hh2")
    report["mechanism_dlls"] = sorted(str(p) for p in getattr(__import__("neuron"),
                                                               "nrn_dll_loaded", []))
    check_imported(gui, report)
    if spec["mode"] == "json":
        report["export_variants_equal"] = export_variants_equal(spec["model_dir"])
    if spec["mode"] == "mechanisms":
        return
    # The GUI user sets the simulation length in the Configuration tab.
    gui["simConfig"].duration = float(spec["duration"])
    with open(spec["net_params_out"], "w") as fid:
        json.dump(gui["netParams"].todict(), fid)

    t0 = time.time()
    report["sync"] = sync_check(gui)
    report["bad_labels"] = label_problems(gui["netParams"])
    timings["5_sync"] = time.time() - t0

    t0 = time.time()
    report["validation_failed"] = validate_net_params(gui["netParams"])
    timings["6_validate"] = time.time() - t0
    if report["validation_failed"]:
        return  # the GUI refuses to instantiate
    t0 = time.time()
    instantiate(gui)
    timings["6_create"] = time.time() - t0
    t0 = time.time()
    simulate_in_kernel()
    timings["simulate"] = time.time() - t0

    from netpyne import sim

    counts, arrays = network_facts(sim)
    report["cells_per_pop"] = counts
    report["netcons"] = netcon_count()
    spkt, spkid = sorted_spikes(sim.allSimData["spkt"], sim.allSimData["spkid"])
    np.savez(spec["out"], spike_times=spkt, spike_gids=spkid,
             dipole_L2=np.asarray(sim.allSimData["dipole"]["L2"], float),
             dipole_L5=np.asarray(sim.allSimData["dipole"]["L5"], float), **arrays)


def run_normal(spec, report, timings):
    from netpyne import sim

    from hnn_netpyne.runtime.options import config_options, run_parser
    from hnn_netpyne.model.specs import build_net_params, build_sim_config
    from hnn_netpyne.runtime.run import run_network

    os.chdir(spec["work_dir"])
    # sim/cfg.py's configuration when no run options are given, run for `duration`.
    cfg = build_sim_config(**config_options(run_parser().parse_args([])))
    net_params = build_net_params(cfg)
    t0 = time.time()
    result = run_network(dict(cfg, duration=float(spec["duration"])), net_params, progress=False)
    timings["run_network"] = time.time() - t0
    counts, arrays = network_facts(sim)
    report["cells_per_pop"] = counts
    report["netcons"] = netcon_count()
    spkt, spkid = sorted_spikes(*result["spikes"][0])
    np.savez(spec["out"], spike_times=spkt, spike_gids=spkid,
             dipole_L2=result["dipoles"][0]["L2"], dipole_L5=result["dipoles"][0]["L5"],
             **arrays)


def main(spec_file):
    with open(spec_file) as fid:
        spec = json.load(fid)
    report = {"mode": spec["mode"], "ok": False}
    timings = report.setdefault("timings", {})
    started = time.time()
    try:
        if spec["mode"] == "normal":
            run_normal(spec, report, timings)
        else:
            run_gui_steps(spec, report, timings)
        report["ok"] = True
    except BaseException:  # noqa: B902 -- report any failure to the test
        report["error"] = traceback.format_exc()
    timings["total"] = time.time() - started
    cpu = os.times()
    report["cpu_s"] = cpu.user + cpu.system + cpu.children_user + cpu.children_system
    with open(spec["report"], "w") as fid:
        json.dump(report, fid, indent=1, default=str)
    sys.stdout.flush()
    # Skip NEURON's teardown of a large network; the report is written.
    os._exit(0 if report["ok"] else 1)


if __name__ == "__main__":
    main(sys.argv[1])
