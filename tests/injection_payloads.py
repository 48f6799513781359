"""Poisoned specs for the injection tests: each would create a marker file if run.

:func:`poisoned_case` gives, for every place where NetPyNE 1.1.1 runs,
unpickles or writes what a simConfig or netParams says (see
:mod:`hnn_netpyne.model.spec_safety`), the small ERP specs with one payload
in it and the key path the refusal must name. ``python injection_payloads.py
FOLDER`` re-runs the whole table (every route x payload) and prints it.
"""

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

from hnn_netpyne.model.specs import build_net_params, build_sim_config

SIM_DIR = Path(__file__).resolve().parents[1] / "sim"


class _Touch:
    """Unpickling this creates the marker file (what a hostile .pkl can do)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def base_specs(output_dir):
    """Tiny ERP specs (2 x 2 grid, 5 ms) writing into ``output_dir``."""
    cfg = build_sim_config("erp", tstop=5.0, mesh_shape=(2, 2), output_dir=str(output_dir))
    return cfg, json.loads(json.dumps(build_net_params(cfg)))


def _hoc(marker):
    return f'system("touch {marker}")'


def _python(marker):
    return f"__import__('os').system('touch {marker}')"


def _first(net, section):
    return net[section][next(iter(net[section]))]


def _payloads(marker, folder):
    """(name, key path shown in the refusal, change of (cfg, net)) for every payload."""
    hoc, py = _hoc(marker), _python(marker)
    xstim_pickle = Path(folder or ".") / f"{Path(marker).name}.pkl"
    if folder is not None:
        xstim_pickle.write_bytes(pickle.dumps(_Touch(marker)))
    conn = lambda net: _first(net, "connParams")  # noqa: E731
    return [
        ("hParams value, newline", "hParams", lambda c, n: c["hParams"].update(
            celsius=f"37\n{hoc}")),
        ("hParams value, no newline", "hParams", lambda c, n: c["hParams"].update(
            celsius=f"37 {hoc}")),
        ("hParams key", "hParams", lambda c, n: c["hParams"].update({f"x=1 {hoc} y": 1.0})),
        ("globals key, newlines", "globals", lambda c, n: n["cellParams"]["L2Pyr"].update(
            globals={f"x=1\n{hoc}\ny": 1.0})),
        ("globals key, no newline", "globals", lambda c, n: n["cellParams"]["L2Pyr"].update(
            globals={f"x_hh2=1 {hoc} y": 1.0})),
        ("globals value", "globals", lambda c, n: n["cellParams"]["L2Pyr"].update(
            globals={"gnabar_hh2": f"0.1 {hoc}"})),
        ("ion value", "ions", lambda c, n: n["cellParams"]["L5Pyr"]["secs"]["soma"].update(
            ions={"ca": {"o": f"2 {hoc}"}})),
        ("synMechParams tau1", "synMechParams", lambda c, n: _first(n, "synMechParams").update(
            tau1=py)),
        ("synMechParams tau1 with a variable", "synMechParams",
         lambda c, n: _first(n, "synMechParams").update(tau1=f"{py} or post_x")),
        ("weight __import__", "weight", lambda c, n: conn(n).update(weight=f"{py} or post_x")),
        ("weight attribute access", "weight", lambda c, n: conn(n).update(
            weight="[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == "
                   f"'catch_warnings'][0]()._module.__builtins__['open']({str(marker)!r}, 'w')"
                   ".close() or post_x")),
        ("weight lambda", "weight", lambda c, n: conn(n).update(
            weight=f"(lambda: {py})() or post_x")),
        ("weight comprehension", "weight", lambda c, n: conn(n).update(
            weight=f"[{py} for _ in [1]][0] or post_x")),
        ("delay __import__", "delay", lambda c, n: conn(n).update(delay=f"{py} or dist_2D")),
        ("cell vars key", "vars", lambda c, n: n["cellParams"]["L2Pyr"].update(
            vars={f"a={py}": 1.0})),
        ("pop cellModel names hoc", "cellModel", lambda c, n: n["popParams"]["evprox1"].update(
            cellModel="quit")),
        ("synMech mod names hoc", "mod", lambda c, n: _first(n, "synMechParams").update(
            mod="quit")),
        ("netParams mapping", "mapping", lambda c, n: (
            c.update(evil=f"{py} or post_x"),
            n.update(mapping={"evil": f"connParams.{next(iter(n['connParams']))}.weight"}))),
        ("netParams __dict__ key", "netParams key", lambda c, n: n.update(
            __dict__={"synMechParams": {"evil": {"mod": "Exp2Syn", "tau1": f"{py} or post_x"}}})),
        ("rxdParams", "rxdParams", lambda c, n: n.update(
            rxdParams={"regions": {"cyt": {"cells": "all", "secs": "all", "nrn_region": "i"}},
                       "species": {"ca": {"regions": ["cyt"], "d": 0.25,
                                          "initial": f"{py} or 1"}}})),
        ("XStim .pkl waveform", "waveform", lambda c, n: (
            n["stimSourceParams"].update(xs={"type": "XStim", "waveform": {
                "type": "external", "time": str(xstim_pickle), "signal": str(xstim_pickle)}}),
            n["stimTargetParams"].update(xs_L2Pyr={"source": "xs", "conds": {"pop": "L2Pyr"},
                                                   "sec": "soma", "loc": 0.5}))),
        ("backupCfgFile", "backupCfgFile", lambda c, n: c.update(
            backupCfgFile=[f"x; touch {marker};", str(folder / "backup")])),
        ("saveFolder ../", "saveFolder", lambda c, n: c.update(saveFolder="../evil")),
        ("saveFolder absolute", "saveFolder", lambda c, n: c.update(
            saveFolder=str(Path(folder or ".").resolve().parent / "evil"))),
        ("simLabel absolute", "simLabel", lambda c, n: c.update(simLabel="/tmp/evil")),
        ("filename ../", "filename", lambda c, n: c.update(filename="../../evil")),
    ]


def payload_names():
    """The names of the payloads, in order."""
    return [name for name, _, _ in _payloads(Path("MARKER"), None)]


def poisoned_case(folder, name):
    """``(key, cfg, net_params, marker)`` of payload ``name``, its marker in ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    index = payload_names().index(name)
    marker = folder / f"MARKER{index}"
    _, key, change = _payloads(marker, folder)[index]
    cfg, net = base_specs(folder / "run")
    change(cfg, net)
    return key, cfg, net, marker


def run_route(route, cfg, net, folder, env=None):
    """Run ``sim/init.py`` on the specs by ``route`` ('config' or 'files'); the process."""
    folder.mkdir(parents=True, exist_ok=True)
    if route == "config":
        (folder / "config.json").write_text(json.dumps({"simConfig": cfg, "netParams": net}))
        args = ["--config", "config.json"]
    else:
        (folder / "cfg.json").write_text(json.dumps({"simConfig": cfg}))
        (folder / "net.json").write_text(json.dumps({"netParams": net}))
        args = ["simConfig=cfg.json", "netParams=net.json"]
    return subprocess.run([sys.executable, str(SIM_DIR / "init.py"), *args, "--no-plots"],
                          cwd=folder, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, **(env or {})), stdin=subprocess.DEVNULL)


def error_lines(process):
    """The lines of ``process``'s stderr that report an hnn-netpyne error."""
    return [line for line in process.stderr.splitlines() if "hnn-netpyne error" in line]


_API_SCRIPT = """
import json, sys
from hnn_netpyne.api import simulate_netpyne
from hnn_netpyne.errors import HNNNetpyneError
specs = json.load(open('specs.json'))
try:
    simulate_netpyne(specs['simConfig'], specs['netParams'], output_dir='api_run', verbose=False)
except HNNNetpyneError as err:
    sys.exit(f'hnn-netpyne error: {err}')
"""


def run_api(cfg, net, folder):
    """Call ``simulate_netpyne`` on the specs in a fresh Python (it may run in-process)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "specs.json").write_text(json.dumps({"simConfig": cfg, "netParams": net}))
    return subprocess.run([sys.executable, "-c", _API_SCRIPT], cwd=folder, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)


def main(folder):
    """Print route x payload -> executed, the exit status and the error line."""
    folder = Path(folder)
    executed = 0
    for name in payload_names():
        for route in ("config", "files", "api"):
            where = folder / route / name.replace(" ", "_").replace("/", "")
            _, cfg, net, marker = poisoned_case(where, name)
            if route == "api":
                process = run_api(cfg, net, where)
            else:
                process = run_route(route, cfg, net, where)
            lines = error_lines(process)
            ran = marker.exists() or _wrote_outside(where)
            executed += ran
            print(f"{route:6s} | {name:34s} | executed {'YES' if ran else 'no'} | "
                  f"status {process.returncode} | {lines[0] if lines else '(no error line)'}",
                  flush=True)
    print(f"executed or written outside: {executed}")


def _wrote_outside(folder):
    """Whether a path payload made a folder outside ``folder`` (then removed)."""
    import shutil

    escaped = [path for path in (Path("/tmp/evil"), folder.parent / "evil",
                                 folder.parent.parent / "evil") if path.exists()]
    for path in escaped:
        shutil.rmtree(path, ignore_errors=True)
    return bool(escaped)


if __name__ == "__main__":
    main(sys.argv[1])
