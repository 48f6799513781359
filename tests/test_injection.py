"""No string from data or from the command line is ever run as code.

Each route by which a tester ran code through the package (issue 19,
finding 3) gets a payload that would create a marker file; each must end
in an error naming the rule and the expression, and the marker must not
exist afterwards.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import hnn_netpyne

from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.expressions import (
    CONN_EXPRESSION_KEYS,
    STIM_EXPRESSION_KEYS,
    ExpressionError,
    check_spec_expressions,
    evaluate,
)
from hnn_netpyne.model.specs import build_net_params, build_sim_config

SIM_DIR = Path(__file__).resolve().parents[1] / "sim"
BIN = Path(sys.executable).parent


def payload(marker):
    """An expression that escapes emptied builtins and creates ``marker``."""
    return ("[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == "
            "'catch_warnings'][0]()._module.__builtins__['open']"
            f"({str(marker)!r}, 'w').close() or 1.0 * post_x")


@pytest.fixture(scope="module")
def specs():
    cfg = build_sim_config("erp", tstop=5.0, mesh_shape=(2, 2))
    return cfg, build_net_params(cfg)


def _poisoned(net_params, marker):
    poisoned = json.loads(json.dumps(net_params))
    rule = next(iter(poisoned["connParams"]))
    poisoned["connParams"][rule]["weight"] = payload(marker)
    return poisoned, rule


def test_grammar_evaluates_the_model_expressions(specs):
    """The distance rules give the numbers of their formula, without eval."""
    _, net_params = specs
    rule = next(iter(net_params["connParams"].values()))
    pre = np.array([0.0, 3.0])
    post = np.array([4.0, 3.0])
    zero = np.zeros(2)
    weights = evaluate(rule["weight"], pre_x=pre, pre_y=zero, post_x=post, post_y=zero)
    check_spec_expressions(net_params)
    # w = A exp(-(d / lambda)^2); d = 4 µm and 0 µm
    lam = float(rule["weight"].split("/ (")[1].split("**")[0])
    amplitude = float(rule["weight"].split(" * ")[0])
    np.testing.assert_allclose(weights, amplitude * np.exp(-np.array([16.0, 0.0]) / lam**2))


@pytest.mark.parametrize("expression", [
    "().__class__.__base__.__subclasses__()", "__import__('os').system('true')", "exp",
    "10**10**10", "(post_x**2)**2", "1 if post_x else 2", "open", "post_x[0]", "post_x.real",
    "1e999", "'text'", "1; 2", "lambda: 1", "(" * 500 + "1" + ")" * 500, "9" * 5000,
    "rand.uniform(0, 1)", "exp(1, 2)", "f(post_x)",
])
def test_grammar_refuses(expression):
    with pytest.raises(ExpressionError, match=r"connParams\['r'\]\.weight"):
        check_spec_expressions({"connParams": {"r": {"weight": expression}}})


def test_every_key_netpyne_evaluates_is_checked(monkeypatch):
    """Our key lists hold every key NetPyNE 1.1.1 turns into code."""
    from netpyne import sim
    from netpyne.network.network import Network

    for name, value in (("nhosts", 1), ("rank", 0)):  # set by sim.initialize otherwise
        monkeypatch.setattr(sim, name, value, raising=False)
    network = Network()
    assert set(network.connStringFuncParams) <= set(CONN_EXPRESSION_KEYS)
    assert set(network.stimStringFuncParams) <= set(STIM_EXPRESSION_KEYS)
    for where in ({"stimSourceParams": {"s": {"amp": "open"}}},
                  {"popParams": {"p": {"cellModel": "NetStim", "rate": "open"}}},
                  {"cellParams": {"c": {"secs": {"soma": {"mechs": {"hh": {"gl": "open"}}}}}}},
                  {"rxdParams": {"regions": {}}}):
        with pytest.raises(ExpressionError):
            check_spec_expressions(where)


def test_connector_route(specs, tmp_path):
    from hnn_netpyne.runtime.connect import count_netcons

    poisoned, _ = _poisoned(specs[1], tmp_path / "marker")
    with pytest.raises(ExpressionError, match="not allowed"):
        count_netcons(poisoned)
    assert not (tmp_path / "marker").exists()


def test_simulate_netpyne_route(specs, tmp_path):
    from hnn_netpyne.api import simulate_netpyne

    poisoned, rule = _poisoned(specs[1], tmp_path / "marker")
    with pytest.raises(ExpressionError, match=rf"connParams\['{rule}'\]\.weight"):
        simulate_netpyne(specs[0], poisoned, output_dir=tmp_path / "run", verbose=False)
    assert sorted(os.listdir(tmp_path)) == []


def _run(cmd, cwd):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300, env=env)


def test_run_folder_config_route(specs, tmp_path):
    """A run folder's config.json, re-run through sim/init.py (the launcher's one path)."""
    cfg, net_params = specs
    poisoned, rule = _poisoned(net_params, tmp_path / "marker")
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"simConfig": dict(cfg, outputDir=str(tmp_path / "run")),
                                  "netParams": poisoned}))
    init = Path(hnn_netpyne.__file__).resolve().parent / "sim" / "init.py"
    out = _run([sys.executable, str(init), "--config", str(config)], tmp_path)
    assert out.returncode != 0
    assert f"connParams['{rule}'].weight" in out.stderr
    assert "Traceback" not in out.stderr
    assert sorted(os.listdir(tmp_path)) == ["config.json"]


def test_sim_config_json_route(tmp_path):
    """A tonic amplitude string in a simConfig JSON given to sim/init.py."""
    cfg = build_sim_config("erp", tstop=5.0, mesh_shape=(2, 2), output_dir=str(tmp_path / "run"))
    cfg["drives"].append({"name": "tonic", "type": "tonic", "t0": 0.0, "tstop": None,
                          "section": "soma",
                          "amplitude": {"L2Pyr": payload(tmp_path / "marker")}})
    (tmp_path / "cfg.json").write_text(json.dumps({"simConfig": cfg}))
    out = _run([sys.executable, str(SIM_DIR / "init.py"), "simConfig=cfg.json"], tmp_path)
    assert out.returncode != 0
    assert "stimSourceParams['tonic_L2Pyr'].amp" in out.stderr, out.stderr[-2000:]
    assert sorted(os.listdir(tmp_path)) == ["cfg.json"]


@pytest.mark.parametrize("argument", ["netParams=evil.py", "simConfig=evil.py",
                                      "netParams=evil.pkl"])
def test_init_refuses_code_files(tmp_path, argument):
    (tmp_path / "evil.py").write_text(f"open({str(tmp_path / 'marker')!r}, 'w').close()\n")
    out = _run([sys.executable, str(SIM_DIR / "init.py"), argument], tmp_path)
    assert out.returncode != 0
    assert "only a JSON file" in out.stderr and argument.split("=")[1] in out.stderr
    assert not (tmp_path / "marker").exists()


def test_option_values_are_not_netpyne_arguments(tmp_path):
    """``--params simConfig=evil.py`` is a parameter file name, never imported."""
    (tmp_path / "evil.py").write_text(f"open({str(tmp_path / 'marker')!r}, 'w').close()\n")
    out = _run([str(BIN / "hnn-netpyne"), "run", "--np", "2", "--params", "simConfig=evil.py",
                "--tstop", "5", "--mesh", "2", "2", "--no-plots"], tmp_path)
    assert out.returncode != 0
    assert "simConfig=evil.py" in out.stderr + out.stdout
    assert not (tmp_path / "marker").exists()


def test_output_named_like_netparams_runs_no_code(tmp_path):
    """``--output netParams=evil.py`` is a folder name: the run writes there, runs no code."""
    (tmp_path / "evil.py").write_text(f"open({str(tmp_path / 'marker')!r}, 'w').close()\n")
    out = _run([str(BIN / "hnn-netpyne"), "run", "--np", "2", "--output", "netParams=evil.py",
                "--tstop", "5", "--mesh", "2", "2", "--no-plots", "--quiet"], tmp_path)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert (tmp_path / "netParams=evil.py" / "manifest.json").is_file()
    assert not (tmp_path / "marker").exists()


def test_spec_files_need_json():
    from hnn_netpyne.runtime.spec_files import spec_file_arguments

    assert spec_file_arguments(["init.py", "--output", "netParams=x.py"]) == {}
    assert spec_file_arguments(["init.py", "simConfig=a.json"]) == {"simConfig": "a.json"}
    with pytest.raises(ParameterError, match="netParams"):
        spec_file_arguments(["init.py", "netParams=x.py"])


def test_only_an_exact_copy_of_the_packages_netparams_passes(tmp_path):
    """NetPyNE's batch hands each job a copy of sim/netParams.py; anything else is refused."""
    from hnn_netpyne.runtime.options import SIM_DIR
    from hnn_netpyne.runtime.spec_files import spec_file_arguments

    copy = tmp_path / "weights_netParams.py"
    copy.write_bytes((SIM_DIR / "netParams.py").read_bytes())
    assert spec_file_arguments(["init.py", f"netParams={copy}"]) == {}
    copy.write_bytes(copy.read_bytes() + b"\nopen('marker', 'w')\n")
    with pytest.raises(ParameterError, match="only a JSON file"):
        spec_file_arguments(["init.py", f"netParams={copy}"])
    assert not (tmp_path / "marker").exists()


# --- every string NetPyNE would run, on every route (issue 27) -------------------------

from injection_payloads import (  # noqa: E402
    base_specs,
    error_lines,
    payload_names,
    poisoned_case,
    run_route,
)

PAYLOAD_NAMES = payload_names()
# The issue's own payloads and a few more, run through sim/init.py as a user would.
ISSUE_PAYLOADS = ["hParams value, newline", "globals key, newlines", "synMechParams tau1",
                  "XStim .pkl waveform", "saveFolder ../", "simLabel absolute",
                  "weight lambda", "backupCfgFile"]


def _one_line_refusal(text, key, source):
    """``text`` (an error message) is one line naming the source and the key path."""
    assert "\n" not in text and key in text and source in text, text


@pytest.mark.parametrize("name", PAYLOAD_NAMES)
def test_check_specs_refuses(tmp_path, name):
    from hnn_netpyne.model.spec_safety import check_specs

    key, cfg, net, marker = poisoned_case(tmp_path, name)
    with pytest.raises(ParameterError) as refusal:
        check_specs(cfg, net, "specs.json", cfg["outputDir"])
    _one_line_refusal(str(refusal.value), key, "specs.json")
    assert not marker.exists()


@pytest.mark.parametrize("name", PAYLOAD_NAMES)
def test_read_config_refuses(tmp_path, name):
    """``sim/init.py --config FILE`` reads the file with read_config."""
    key, cfg, net, marker = poisoned_case(tmp_path, name)
    (tmp_path / "config.json").write_text(json.dumps({"simConfig": cfg, "netParams": net}))
    from hnn_netpyne.runtime.launcher import read_config

    with pytest.raises(ParameterError) as refusal:
        read_config(tmp_path / "config.json")
    _one_line_refusal(str(refusal.value), key, "config.json")
    assert not marker.exists()


@pytest.mark.parametrize("name", PAYLOAD_NAMES)
def test_spec_file_arguments_route_refuses(tmp_path, name):
    """``sim/init.py simConfig=F netParams=F`` reads them with load_entry_specs."""
    from hnn_netpyne.runtime.spec_files import load_entry_specs

    key, cfg, net, marker = poisoned_case(tmp_path, name)
    (tmp_path / "cfg.json").write_text(json.dumps({"simConfig": cfg}))
    (tmp_path / "net.json").write_text(json.dumps({"netParams": net}))
    argv = ["init.py", f"simConfig={tmp_path / 'cfg.json'}", f"netParams={tmp_path / 'net.json'}"]
    with pytest.raises(ParameterError) as refusal:
        load_entry_specs(SIM_DIR, argv)
    _one_line_refusal(str(refusal.value), key, "cfg.json")
    assert not marker.exists()


@pytest.mark.parametrize("name", PAYLOAD_NAMES)
def test_simulate_netpyne_refuses(tmp_path, name):
    from hnn_netpyne.api import simulate_netpyne

    key, cfg, net, marker = poisoned_case(tmp_path, name)
    with pytest.raises(ParameterError) as refusal:
        simulate_netpyne(cfg, net, output_dir=tmp_path / "api_run", verbose=False)
    _one_line_refusal(str(refusal.value), key, "simulate_netpyne")
    assert not marker.exists() and not (tmp_path / "api_run").exists()


@pytest.mark.parametrize("route", ["config", "files"])
@pytest.mark.parametrize("name", ISSUE_PAYLOADS)
def test_init_refuses_with_one_line(tmp_path, route, name):
    key, cfg, net, marker = poisoned_case(tmp_path, name)
    process = run_route(route, cfg, net, tmp_path / "job")
    assert process.returncode != 0
    (line,) = error_lines(process)
    assert key in line and "Traceback" not in process.stderr
    assert not marker.exists() and not (tmp_path / "run").exists()


def test_netpyne_standard_script_route(tmp_path):
    """NetPyNE's own readCmdLineArgs + our netParams.py: the simConfig is checked there."""
    _, cfg, _, marker = poisoned_case(tmp_path, "hParams value, newline")
    (tmp_path / "cfg.json").write_text(json.dumps({"simConfig": cfg}))
    (tmp_path / "standard.py").write_text(
        "from netpyne import sim\n"
        f"sim.readCmdLineArgs(simConfigDefault={str(SIM_DIR / 'cfg.py')!r}, "
        f"netParamsDefault={str(SIM_DIR / 'netParams.py')!r})\n")
    out = _run([sys.executable, "standard.py", "simConfig=cfg.json"], tmp_path)
    assert out.returncode != 0
    assert "simConfig.hParams['celsius']" in out.stderr
    assert not marker.exists()


def test_accepted_specs_keep_their_run_folder(tmp_path):
    """NetPyNE's batch writes each job's simConfig into its saveFolder: that is allowed."""
    from hnn_netpyne.model.spec_safety import check_specs

    cfg, net = base_specs(tmp_path / "run")
    check_specs(cfg, net, "cfg.json", tmp_path)
    check_specs(dict(cfg, saveFolder=str(tmp_path / "batch"), simLabel="weights_0"), net,
                "cfg.json", tmp_path)
    check_specs(dict(cfg, saveFolder="batch", simLabel=".netpyne"), net, "cfg.json")


def test_odd_python_specs_end_in_one_line(tmp_path):
    """The API takes any Python objects: cycles, huge integers, shared parts."""
    from hnn_netpyne.model.spec_safety import UnsafeSpecError, check_specs

    cfg, net = base_specs(tmp_path / "run")
    loop = {}
    loop["self"] = loop
    for bad, key in (({"loop": loop}, "simConfig.loop['self']"),
                     ({"hParams": {"celsius": 10**400}}, "simConfig.hParams['celsius']")):
        with pytest.raises(UnsafeSpecError) as refusal:
            check_specs(dict(cfg, **bad), net, "api")
        _one_line_refusal(str(refusal.value), key, "api")
    shared = [0.0, 1.0]
    check_specs(dict(cfg, sharedA=shared, sharedB={"again": shared}), net, "api")
    check_specs(dict(cfg, hParams={"celsius": 37.0, "tau_m_km": 1.0}), net, "api")


def test_allowed_names_exist_in_neuron():
    """Every hoc name of the allow-list is a mechanism NEURON knows (ours loaded)."""
    from neuron import h

    from hnn_netpyne.model.spec_safety import allowed_names
    from hnn_netpyne.runtime.mechanisms import load_mechanisms

    load_mechanisms()
    names = allowed_names()
    density = h.MechanismType(0)
    point = h.MechanismType(1)
    known = {kind: set() for kind in (0, 1)}
    for kind, mechanisms in ((0, density), (1, point)):
        name = h.ref("")
        for index in range(int(mechanisms.count())):
            mechanisms.select(index)
            mechanisms.selected(name)
            known[kind].add(name[0])
    assert names["density"] <= known[0]
    assert names["point"] <= known[1]
    assert {f"{ion}_ion" for ion in names["ion"]} <= known[0]


# --- no environment value reaches a shell: the mechanism cache path ---------------------


def _init_with_cache(cache, folder):
    env = dict(os.environ, HNN_NETPYNE_CACHE=str(cache), PYTHONUNBUFFERED="1")
    return subprocess.run([sys.executable, str(SIM_DIR / "init.py"), "--tstop", "5", "--mesh",
                           "2", "2", "--no-plots", "--output", "run"], cwd=folder,
                          capture_output=True, text=True, timeout=900, env=env,
                          stdin=subprocess.DEVNULL)


def test_cache_path_with_command_substitution_is_refused(tmp_path):
    marker = tmp_path / "MARKER"
    out = _init_with_cache(f"{tmp_path}/a$(touch {marker})", tmp_path)
    assert out.returncode != 0
    (line,) = error_lines(out)
    assert "HNN_NETPYNE_CACHE" in line and "$(touch" in line
    assert "Traceback" not in out.stderr and not marker.exists()


def test_nrnivmodl_runs_only_under_a_plain_path(tmp_path, monkeypatch):
    """nrnivmodl's script and makefile run backticks and $(shell ...) of their folder's path."""
    from hnn_netpyne.runtime import mechanisms

    plain = tmp_path / "cache"
    plain.mkdir()
    assert mechanisms._compile_folder(plain) == str(plain.resolve())
    for name in ("b`touch MARKER`q", "s$(shell touch MARKER)q", "with space"):
        hostile = tmp_path / name
        hostile.mkdir()
        chosen = mechanisms._compile_folder(hostile)
        assert mechanisms.PLAIN_BUILD_PATH.fullmatch(chosen) and chosen != str(hostile)
    monkeypatch.setenv("HNN_NETPYNE_CACHE", str(tmp_path / "a$(touch MARKER)"))
    with pytest.raises(hnn_netpyne.errors.SimulationError, match=r"HNN_NETPYNE_CACHE"):
        mechanisms.cache_root()


@pytest.mark.slow
def test_cache_path_with_backticks_compiles_without_running_them(tmp_path):
    """A fresh compile into a cache path holding backticks and a space: the run works,
    nothing of the path is run (about two minutes: nrnivmodl compiles everything)."""
    marker = tmp_path / "MARKER"
    cache = tmp_path / f"c`touch {marker.name}` sp"
    out = _init_with_cache(cache, tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert (tmp_path / "run" / "manifest.json").is_file()
    assert len(list(cache.glob("nrnmech-*/.complete"))) == 1
    assert not list(tmp_path.rglob(marker.name)) and not list(cache.parent.rglob("MARKER"))


@pytest.mark.slow
def test_injection_table_executes_nothing(tmp_path):
    """Every route x payload through a fresh process: nothing executed or written outside."""
    from injection_payloads import main

    main(tmp_path)
    assert not list(tmp_path.rglob("MARKER*[0-9]"))
