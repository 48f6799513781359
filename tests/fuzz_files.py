"""Generated input files for the fuzz suite (tests/test_fuzz.py), from a fixed seed.

Five categories, each mutated from a valid base file in many ways a careless
user or an attacker would: parameter files (.json and .param), hnn-core
network configuration files, sweep files (.json and .csv), run
configurations (``sim/init.py --config``, :func:`read_config`) and a run
folder's ``config.json`` (``hnn-netpyne plot``). Every mutation is one of
the kinds named in :data:`KINDS`; the file's JSON is written as text, so
that raw tokens (``1e400``, ``NaN``, 5,000 digits, duplicate keys, deep
nesting) reach the readers.
"""

import json
import os
from pathlib import Path

import numpy as np

SEED = 27
COUNTS = {"params": 450, "network": 160, "sweep": 200, "run_config": 150, "run_folder": 100}
"""Files per category (1,060 in all)."""

RAW = "@@RAW@@"
BAD_TOKENS = [
    '"abc"', '""', "null", "true", "false", "[]", "{}", "-1", "0", "-0.0", "1e400", "-1e400",
    "NaN", "Infinity", "1e308", "9" * 5000, '"1e3"', "[1, 2]", '{"a": 1}', "2.5", "10.0",
    '"\\u0661"', "[" * 300 + "]" * 300, "1", "0.1", "3", '"inf"', "1e-300", '"../x"',
    '"' + "x" * 20_000 + '"',
]
DT_TSTOP = [(0.025, 20.0), (0.03, 20.0), (0.05, 20.0), (0.1, 20.0), (0.5, 20.0), (1.0, 20.0),
            (0.3, 20.0), (0.01, 20.0), (0.025, 20.01), (0.0251, 20.0), (0.001, 20.0)]


def _text(data, raw_tokens=()):
    """JSON text of ``data`` with each RAW marker replaced by the next raw token."""
    text = json.dumps(data)
    for token in raw_tokens:
        text = text.replace(json.dumps(RAW), token, 1)
    return text


def _leaf_paths(data, path=(), out=None, limit=4000):
    """Paths of the leaves (and of the containers) of a JSON value, at most ``limit``."""
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    out.append(path)
    items = (data.items() if isinstance(data, dict)
             else enumerate(data) if isinstance(data, list) else ())
    for key, value in items:
        _leaf_paths(value, path + (key,), out, limit)
    return out


def _set(data, path, value):
    """A copy of ``data`` with the value at ``path`` replaced (``path`` () replaces all)."""
    if not path:
        return value
    data = json.loads(json.dumps(data))
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


def _delete(data, path):
    data = json.loads(json.dumps(data))
    node = data
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return data


def _common_mutation(rng, base, kind, paths):
    """(text) of a mutation every JSON category shares, or None if ``kind`` is not one."""
    if kind == "bad_value":
        path = paths[rng.integers(len(paths))]
        return _text(_set(base, path, RAW), [BAD_TOKENS[rng.integers(len(BAD_TOKENS))]])
    if kind == "delete_key":
        keyed = [p for p in paths if p and isinstance(p[-1], str)]
        return json.dumps(_delete(base, keyed[rng.integers(len(keyed))]))
    if kind == "duplicate_key":
        text = json.dumps(base)
        key = sorted(base)[rng.integers(len(base))]
        return "{" + json.dumps(key) + ": 1, " + text[1:]
    if kind == "deep_nesting":
        depth = int(rng.choice([70, 1000, 100_000]))
        return "[" * depth + json.dumps(base) + "]" * depth
    if kind == "truncated":
        text = json.dumps(base)
        return text[:rng.integers(len(text))]
    if kind == "garbage":
        return bytes(rng.integers(0, 256, rng.integers(1, 300), dtype=np.uint8))
    if kind == "not_object":
        return BAD_TOKENS[rng.integers(len(BAD_TOKENS))]
    if kind == "unknown_only":
        return json.dumps([{"": 1}, {"foo": 2}, {"9" * 5000: 1}][rng.integers(3)])
    return None


COMMON_KINDS = ["bad_value", "delete_key", "duplicate_key", "deep_nesting", "truncated",
                "garbage", "not_object", "unknown_only"]


# --- parameter files ---------------------------------------------------------

def params_base():
    from hnn_netpyne.model.params import DEFAULT_PARAM_FILE

    base = json.loads(DEFAULT_PARAM_FILE.read_text())
    base.update(N_pyr_x=3, N_pyr_y=3, tstop=20.0, dipole_smooth_win=5.0)
    return base


def _params_file(rng, base, kind, paths):
    text = _common_mutation(rng, base, kind, paths)
    if text is not None:
        return ".json", text
    if kind == "dt_tstop":
        dt, tstop = DT_TSTOP[rng.integers(len(DT_TSTOP))]
        return ".json", json.dumps(dict(base, dt=dt, tstop=tstop))
    if kind == "whole_floats":
        return ".json", json.dumps(dict(base, N_pyr_x=3.0, N_pyr_y=2.0, N_trials=1.0))
    if kind == "unknown_extra":
        extra = ["t_evprox_" + "9" * 5000, "gbar_L2Pyr_L2Pyr_ampaa", "", "x" * 300]
        return ".json", json.dumps(dict(base, **{extra[rng.integers(4)]: 1.0}))
    if kind == "evoked_inputs":
        changes = {}
        for k in range(1, int(rng.integers(1, 6)) + 1):
            changes[f"t_evprox_{k}"] = float(rng.uniform(-5, 30))
            changes[f"sigma_t_evprox_{k}"] = float(rng.choice([0.0, 2.0, -1.0, 1e9]))
            changes[f"numspikes_evprox_{k}"] = rng.choice([1, 2.0, 0, 10**6]).item()
            changes[f"gbar_evprox_{k}_L2Pyr_ampa"] = float(rng.choice([0.01, 0.0, 1e4]))
        return ".json", json.dumps(dict(base, **changes))
    if kind == "poisson":
        return ".json", json.dumps(dict(base, T_pois=float(rng.choice([1e12, 20.0, -1.0])),
                                        L2Pyr_Pois_A_weight_ampa=1e-4,
                                        L2Pyr_Pois_lamtha=float(rng.choice([1e4, 10.0, 0.0]))))
    lines = [f"{k}: {v}" for k, v in base.items()]
    line = int(rng.integers(len(lines)))
    key = lines[line].split(":")[0]
    lines[line] = f"{key}: {rng.choice(['abc', '', '1e400', '9' * 5000, '١٧٠', '3.0', '-'])}"
    return ".param", "\n".join(lines)


PARAM_KINDS = COMMON_KINDS + ["dt_tstop", "whole_floats", "unknown_extra", "evoked_inputs",
                              "poisson", "param_text"]


# --- network configuration files ----------------------------------------------

def network_base(folder):
    """hnn-core's configuration of a 3 x 3 column with the ERP drives (our writer)."""
    from hnn_netpyne import jones_2009_model
    from hnn_netpyne.api import add_erp_drives_to_jones_model

    net = jones_2009_model(mesh_shape=(3, 3))
    add_erp_drives_to_jones_model(net)
    path = Path(folder) / "network_base.json"
    net.write_configuration(path)
    return json.loads(path.read_text())


def _network_targets(base):
    """Paths of the values the issue names: kinetics, delays, gids, grid."""
    targets = [("celsius",), ("threshold",), ("N_pyr_x",), ("gid_ranges", "L2_basket", "start")]
    for name, cell in base["cell_types"].items():
        for receptor, kinetics in cell["cell_object"]["synapses"].items():
            targets += [("cell_types", name, "cell_object", "synapses", receptor, key)
                        for key in kinetics]
    for k, conn in enumerate(base["connectivity"]):
        targets += [("connectivity", k, "nc_dict", "A_delay"),
                    ("connectivity", k, "nc_dict", "A_weight"),
                    ("connectivity", k, "nc_dict", "lamtha")]
        source = next(iter(conn["gid_pairs"]))
        targets += [("connectivity", k, "gid_pairs", source, 0)]
    return targets


def _network_file(rng, base, kind, paths):
    if kind == "target_value":
        targets = _network_targets(base)
        path = targets[rng.integers(len(targets))]
        return ".json", _text(_set(base, path, RAW), [BAD_TOKENS[rng.integers(len(BAD_TOKENS))]])
    if kind == "gid_key":
        data = json.loads(json.dumps(base))
        conn = data["connectivity"][rng.integers(len(data["connectivity"]))]
        source = next(iter(conn["gid_pairs"]))
        conn["gid_pairs"][str(rng.choice(["inf", "-1", "1e3", "abc", "99999"]))] = \
            conn["gid_pairs"].pop(source)
        return ".json", json.dumps(data)
    return ".json", _common_mutation(rng, base, kind, paths)


NETWORK_KINDS = COMMON_KINDS + ["target_value", "target_value", "target_value", "gid_key"]


# --- sweep files --------------------------------------------------------------

SWEEP_BASE = {"network": {"mesh_shape": [3, 3], "drives": "erp"}, "tstop": 20.0, "dt": 0.025,
              "n_trials": 1, "grid": {"evprox1.mu": [20.0, 25.0]}}


def _sweep_file(rng, base, kind, paths):
    if kind == "dt_tstop":
        dt, tstop = DT_TSTOP[rng.integers(len(DT_TSTOP))]
        return ".json", json.dumps(dict(base, dt=dt, tstop=tstop))
    if kind == "csv":
        rows = ["evprox1.mu,evdist1.sigma", "20,3", rng.choice(["abc,1", "1e400,2", ",", "1"])]
        return ".csv", "\n".join(rows)
    if kind == "sample":
        sample = {"method": str(rng.choice(["sobol", "random", "x"])),
                  "n_points": rng.choice([2, 0, -1, 2.0, 10**9]).item(),
                  "ranges": {"evprox1.mu": [float(rng.uniform(0, 30)), 30.0]}}
        data = {k: v for k, v in base.items() if k != "grid"}
        return ".json", json.dumps(dict(data, sample=sample))
    return ".json", _common_mutation(rng, base, kind, paths)


SWEEP_KINDS = COMMON_KINDS + ["dt_tstop", "csv", "sample"]


# --- run configurations and run-folder configurations -------------------------

RUN_CONFIG_KEYS = ["duration", "dt", "nTrials", "nThreads", "recordVsec", "recordIsec",
                   "recordCa", "extracellularArrays", "meshShape", "paramOverrides", "model",
                   "distribute", "trial", "drives", "recordTraces"]


def run_config_base():
    from hnn_netpyne.model.specs import build_sim_config

    return {"simConfig": build_sim_config(mesh_shape=(3, 3), tstop=20.0, output_dir="fuzz_run")}


def _run_config_file(rng, base, kind, paths):
    if kind == "cfg_value":
        key = RUN_CONFIG_KEYS[rng.integers(len(RUN_CONFIG_KEYS))]
        token = BAD_TOKENS[rng.integers(len(BAD_TOKENS))]
        return ".json", _text(_set(base, ("simConfig", key), RAW), [token])
    if kind == "dt_tstop":
        dt, tstop = DT_TSTOP[rng.integers(len(DT_TSTOP))]
        cfg = dict(base["simConfig"], dt=dt, duration=tstop, recordStep=dt)
        return ".json", json.dumps({"simConfig": cfg})
    return ".json", _common_mutation(rng, base, kind, paths)


RUN_CONFIG_KINDS = [k for k in COMMON_KINDS if k != "unknown_only"] + ["cfg_value"] * 4 + [
    "dt_tstop"]
FOLDER_KEYS = ["duration", "dipoleSmoothWindowMs", "dipoleScaleFactor", "nTrials"]


def _run_folder_config(rng, base, kind, paths):
    if kind == "cfg_value":
        key = FOLDER_KEYS[rng.integers(len(FOLDER_KEYS))]
        return ".json", _text(_set(base, ("simConfig", key), RAW),
                              [BAD_TOKENS[rng.integers(len(BAD_TOKENS))]])
    if kind == "gid_ranges":
        pop = sorted(base["gid_ranges"])[rng.integers(len(base["gid_ranges"]))]
        return ".json", _text(_set(base, ("gid_ranges", pop), RAW),
                              [BAD_TOKENS[rng.integers(len(BAD_TOKENS))]])
    return ".json", _common_mutation(rng, base, kind, paths)


RUN_FOLDER_KINDS = ["bad_value", "delete_key", "duplicate_key", "deep_nesting", "truncated",
                    "garbage", "not_object", "cfg_value", "cfg_value", "gid_ranges"]

MAKERS = {"params": (_params_file, PARAM_KINDS), "network": (_network_file, NETWORK_KINDS),
          "sweep": (_sweep_file, SWEEP_KINDS), "run_config": (_run_config_file, RUN_CONFIG_KINDS),
          "run_folder": (_run_folder_config, RUN_FOLDER_KINDS)}


def generate(category, base, folder, count=None, seed=SEED):
    """Write the ``category``'s files into ``folder``; [(path, kind)] in order.

    The same seed gives the same files. A few are special files (a symlink
    to ``/dev/zero``, a named pipe, a folder) in the categories read from a
    path the user gives.
    """
    make, kinds = MAKERS[category]
    rng = np.random.default_rng([seed, list(MAKERS).index(category)])
    paths = _leaf_paths(base)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for index in range(COUNTS[category] if count is None else count):
        kind = kinds[rng.integers(len(kinds))]
        suffix, content = make(rng, base, kind, paths)
        path = folder / f"{category}_{index:04d}{suffix}"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        files.append((path, kind))
    if category in ("params", "network", "sweep"):
        for kind, make_special in (("dev_zero", lambda p: p.symlink_to("/dev/zero")),
                                   ("fifo", os.mkfifo), ("folder", Path.mkdir)):
            path = folder / f"{category}_{kind}.json"
            make_special(path)
            files.append((path, kind))
    return files
