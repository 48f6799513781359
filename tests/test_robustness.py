"""Malformed input always ends in the package's own error, quickly.

Hypothesis generates parameter files and drive definitions that are wrong in
every way a hand-edited file can be: wrong types, NaN and infinities,
negative or huge values, missing or unknown keys, truncated JSON and binary
garbage. Each must raise :class:`ParameterError` (or load cleanly when the
file happens to be valid) within a bounded time.
"""

import json
import math
import os
import time
import warnings

import numpy as np

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.drives import bursty_drive, evoked_drive, poisson_drive
from hnn_netpyne.model.params import DEFAULT_PARAM_FILE, read_params
from hnn_netpyne.model.specs import build_net_params, build_sim_config

DEFAULT = json.loads(DEFAULT_PARAM_FILE.read_text())
KEYS = sorted(DEFAULT)
SETTINGS = settings(max_examples=250, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

bad_values = st.one_of(
    st.text(max_size=20), st.none(), st.booleans(), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from([math.nan, math.inf, -math.inf, -1.0, -1e300, 1e308]),
    st.floats(allow_nan=True, allow_infinity=True),
)


def _check_clear(fname):
    """The file is accepted, or refused in one line naming it; never a traceback."""
    started = time.time()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read_params(fname)
    except ParameterError as err:
        assert str(fname) in str(err) and "\n" not in str(err)
    assert time.time() - started < 2.0


def _load(tmp_path, name, data):
    fname = tmp_path / name
    fname.write_bytes(data)
    _check_clear(fname)


@SETTINGS
@given(key=st.sampled_from(KEYS), value=bad_values)
def test_one_bad_value(tmp_path, key, value):
    params = dict(DEFAULT, **{key: value})
    _load(tmp_path, "one.json", json.dumps(params, allow_nan=True).encode())


@SETTINGS
@given(data=st.binary(max_size=400))
def test_binary_garbage(tmp_path, data):
    _load(tmp_path, "garbage.param", data)
    _load(tmp_path, "garbage.json", data)


@SETTINGS
@given(cut=st.integers(min_value=0, max_value=len(json.dumps(DEFAULT)) - 1),
       drop=st.sets(st.sampled_from(KEYS), max_size=20),
       extra=st.dictionaries(st.text(min_size=1, max_size=12), st.integers(), max_size=3))
def test_truncated_missing_and_unknown(tmp_path, cut, drop, extra):
    params = {k: v for k, v in DEFAULT.items() if k not in drop}
    params.update(extra)
    text = json.dumps(params)
    _load(tmp_path, "cut.json", text[:cut].encode())
    _load(tmp_path, "partial.json", text.encode())


finite = st.floats(allow_nan=True, allow_infinity=True, width=64)


@SETTINGS
@given(mu=finite, sigma=finite, numspikes=st.one_of(st.integers(-3, 3), finite),
       weight=st.one_of(finite, st.text(max_size=5)), rate=finite, burst_rate=finite,
       location=st.sampled_from(["proximal", "distal", "soma", "nowhere", ""]),
       cell=st.sampled_from(["L2Pyr", "L5_basket", "L2_pyramidal", "L7Pyr", ""]))
def test_malformed_drives(mu, sigma, numspikes, weight, rate, burst_rate, location, cell):
    weights = {cell: weight}
    for factory, kwargs in (
        (evoked_drive, dict(mu=mu, sigma=sigma, numspikes=numspikes)),
        (poisson_drive, dict(rate_constant=rate)),
        (bursty_drive, dict(burst_rate=burst_rate, numspikes=numspikes)),
    ):
        try:
            drive = factory("drive", location=location, weights_ampa=weights, **kwargs)
        except ParameterError:
            continue
        # A drive that validates must also build (or fail with our error).
        try:
            build_net_params(build_sim_config("erp", tstop=20.0, mesh_shape=(2, 2),
                                              drives=[drive]))
        except ParameterError:
            pass


def test_example_count():
    """The four property tests above draw at least 1000 examples in all."""
    assert 4 * SETTINGS.max_examples >= 1000


@pytest.mark.parametrize("bad", [{"tstop": -1}, {"dt": 1000.0}, {"n_trials": 0},
                                 {"mesh_shape": (0, 3)}, {"preset_name": "nope"}])
def test_bad_run_options(bad):
    with pytest.raises(ParameterError):
        cfg = build_sim_config(**bad)
        build_net_params(cfg)


# --- issue 19, findings 4 and 5: values that passed `params` and then failed,
# and inputs that made the reader itself trace back or hang.

def _write_params(tmp_path, **changes):
    fname = tmp_path / "p.json"
    fname.write_text(json.dumps(dict(DEFAULT, **changes)))
    return fname


@pytest.mark.parametrize("changes, key", [
    ({"celsius": 1e6}, "celsius"),
    ({"L5Pyr_soma_diam": 0}, "L5Pyr_soma_diam"),
    ({"L2Pyr_apical1_L": 0}, "L2Pyr_apical1_L"),
    ({"L5Pyr_dend_Ra": 0}, "L5Pyr_dend_Ra"),
    ({"dt": 1e-12}, "dt"),
    ({"dipole_smooth_win": 1e308}, "dipole_smooth_win"),
    ({"N_trials": 1e9}, "N_trials"),
    ({"N_pyr_x": 1000, "N_pyr_y": 1000}, "N_pyr_x, N_pyr_y, N_trials"),
    ({"L2Pyr_soma_gnabar_hh2": 1e5}, "L2Pyr_soma_gnabar_hh2"),
])
def test_unphysical_values_are_named(tmp_path, changes, key):
    fname = _write_params(tmp_path, **changes)
    with pytest.raises(ParameterError) as err:
        read_params(fname)
    text = str(err.value)
    assert str(fname) in text and repr(key) in text and "value" in text
    assert err.value.key == key


def test_memory_estimate_is_reported(tmp_path):
    with pytest.raises(ParameterError, match=r"needs about [0-9.e+]+ GB of memory"):
        read_params(_write_params(tmp_path, N_pyr_x=1000, N_pyr_y=1000))


def test_long_values_are_cut(tmp_path):
    with pytest.raises(ParameterError) as err:
        read_params(_write_params(tmp_path, tstop="x" * 100_000))
    assert len(str(err.value)) < 200 + 2 * len(str(tmp_path)) + 200


def _one_clear_line(fname, match, hang_limit_s=60.0):
    # A guard against a reader that hangs or grinds, not a speed goal: the
    # machine may be loaded.
    started = time.time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ParameterError, match=match) as err:
            read_params(fname)
    assert time.time() - started < hang_limit_s
    assert str(fname) in str(err.value) and "\n" not in str(err.value)


def test_reader_limits(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"tstop": ' + "[" * 1000 + "]" * 1000 + "}")
    _one_clear_line(deep, "nested deeper than")
    deeper = tmp_path / "deeper.json"
    deeper.write_text("[" * 100_000 + "]" * 100_000)
    _one_clear_line(deeper, "nested deeper than")
    digits = tmp_path / "digits.json"
    digits.write_text('{"tstop": ' + "9" * 5000 + "}")
    _one_clear_line(digits, "number of 5000 characters")
    many = tmp_path / "many.json"
    many.write_text(json.dumps({f"unknown_{k}": k for k in range(300_000)}))
    _one_clear_line(many, "more than 10000 keys")
    dup = tmp_path / "dup.json"
    dup.write_text('{"tstop": 100, "tstop": 200}')
    _one_clear_line(dup, "duplicate key")
    unicode_digits = tmp_path / "u.param"
    unicode_digits.write_text("tstop: \u0661\u0667\u0660\n")  # Arabic-Indic 170
    _one_clear_line(unicode_digits, "expected a number")
    big = tmp_path / "big.json"
    with open(big, "wb") as fid:
        fid.truncate(11 * 2**20)
    _one_clear_line(big, "larger than the limit")


def test_only_regular_files_are_read(tmp_path):
    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")
    _one_clear_line(zero, "not a regular file")
    pipe = tmp_path / "pipe.param"
    os.mkfifo(pipe)
    _one_clear_line(pipe, "not a regular file")
    folder = tmp_path / "folder.json"
    folder.mkdir()
    _one_clear_line(folder, "not a regular file")


def test_many_unknown_keys_warn_once(tmp_path):
    fname = tmp_path / "unknown.json"
    fname.write_text(json.dumps(dict(DEFAULT, **{f"extra_{k}": k for k in range(5000)})))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_params(fname)
    assert len(caught) == 1 and "and 4995 more" in str(caught[0].message)


def test_zero_processes_refused(capsys):
    from hnn_netpyne.cli import main

    with pytest.raises(SystemExit) as exit_info:  # argparse's one-line usage error
        main(["run", "--np", "0"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "--np" in err and "n_procs" in err and "value 0" in err


def test_nan_result_fails_the_run():
    from hnn_netpyne.errors import SimulationError
    from hnn_netpyne.runtime.job import check_finite

    good = {"times": np.arange(3.0), "dipoles": [{"L2": np.zeros(3), "L5": np.ones(3)}]}
    check_finite(good)
    bad = {"times": good["times"], "dipoles": [good["dipoles"][0],
                                               {"L2": np.zeros(3), "L5": np.array([1, np.nan, 2])}]}
    with pytest.raises(SimulationError, match="L5 dipole of trial 2 holds 1 NaN"):
        check_finite(bad)


# --- The fuzz test over whole files: structure, numbers and text of every kind.

value_texts = st.one_of(
    st.integers(1, 6000).map(lambda n: "9" * n),                       # huge integers
    st.sampled_from(["1e400", "-1e400", "NaN", "Infinity", "-0", "1E-400", "0.000"]),
    st.text(alphabet="\u0660\u0661\u0662\u0663\u06f4\uff11\uff12\u0967\u00b2", min_size=1,
            max_size=6).map(json.dumps),                                # unicode digits
    st.integers(0, 3000).map(lambda d: "[" * d + "1" + "]" * d),        # nesting
    st.floats(allow_nan=False, allow_infinity=False).map(json.dumps),
    st.integers(-10**30, 10**30).map(str),
    st.sampled_from(["true", "null", '"170"', "{}", '{"a": {"b": 1}}', "[1, 2]"]),
)
entries = st.lists(st.tuples(st.sampled_from(KEYS + ["N_trials", "unknown", ""]), value_texts),
                   min_size=1, max_size=6)
SHAPE_SETTINGS = settings(max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                 HealthCheck.too_slow])


@SHAPE_SETTINGS
@given(items=entries, depth=st.integers(0, 3), base=st.booleans())
def test_json_files_of_any_shape(tmp_path, items, depth, base):
    # Written by hand so that keys can repeat and numbers keep their text.
    pairs = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in DEFAULT.items()] if base else []
    pairs += [f"{json.dumps(k)}: {v}" for k, v in items]
    text = "[" * depth + "{" + ", ".join(pairs) + "}" + "]" * depth
    fname = tmp_path / "shape.json"
    fname.write_text(text)
    _check_clear(fname)


@SHAPE_SETTINGS
@given(items=entries)
def test_param_files_of_any_shape(tmp_path, items):
    fname = tmp_path / "shape.param"
    fname.write_text("\n".join(f"{k}: {v}" for k, v in items))
    _check_clear(fname)


def test_fuzz_example_count():
    """At least 1,000 generated files in all (two value fuzzers and two shape fuzzers)."""
    assert 2 * SETTINGS.max_examples + 2 * SHAPE_SETTINGS.max_examples >= 1000


# Values at the edges of what `params` accepts, and random accepted ones.
EDGE_VALUES = [("celsius", 0.0), ("celsius", 50.0), ("L5Pyr_soma_diam", 1e-3),
               ("L2Pyr_apical1_L", 1e4), ("L5Pyr_dend_Ra", 1e5), ("L2Pyr_soma_cm", 100.0),
               ("L5Pyr_soma_gnabar_hh2", 10.0), ("L5Pyr_dend_gbar_km", 1e4),
               ("L5Pyr_soma_gbar_ca", 1e4), ("L2Pyr_ampa_tau1", 1e-3), ("dt", 1.0),
               ("gbar_L2Pyr_L5Pyr", 1e3), ("threshold", 100.0), ("L2Pyr_soma_gl_hh2", 1.0)]


def _accepted_sample(tmp_path, n_random=16, seed=19):
    """Parameter files `params` accepts: the edge values and random perturbations."""
    rng = np.random.default_rng(seed)
    numeric = [k for k, v in DEFAULT.items() if isinstance(v, (int, float))
               and not isinstance(v, bool)]
    changes = [dict([edge]) for edge in EDGE_VALUES]
    accepted, tries = [], 0
    while len(accepted) < len(EDGE_VALUES) + n_random and tries < 10_000:
        tries += 1
        change = changes.pop(0) if changes else {
            str(rng.choice(numeric)): float(rng.choice([-1, 1]) * 10 ** rng.uniform(-4, 4))}
        fname = tmp_path / f"accepted_{len(accepted)}.json"
        fname.write_text(json.dumps(dict(DEFAULT, **change)))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                read_params(fname)
        except ParameterError:
            continue
        accepted.append((fname, change))
    return accepted


@pytest.mark.slow
def test_accepted_files_run_without_nan(tmp_path):
    """A file that `params` accepts simulates (40 ms, 2 x 2 grid) with a finite dipole."""
    from hnn_netpyne.runtime.launcher import run_in_process

    failures = []
    for k, (fname, change) in enumerate(_accepted_sample(tmp_path)):
        cfg = build_sim_config("params", param_file=str(fname), tstop=40.0, mesh_shape=(2, 2),
                               output_dir=str(tmp_path / f"run_{k}"))
        try:
            run_in_process(cfg, build_net_params(cfg), echo=False)
            data = np.loadtxt(tmp_path / f"run_{k}" / "dipole_1.txt")
            assert np.all(np.isfinite(data)) and data.shape[0] > 1
        except Exception as err:  # noqa: BLE001 -- every failure is collected and shown
            failures.append(f"{change}: {type(err).__name__}: {err}"[:300])
    assert failures == []
