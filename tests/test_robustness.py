"""Malformed input always ends in the package's own error, quickly.

Hypothesis generates parameter files and drive definitions that are wrong in
every way a hand-edited file can be: wrong types, NaN and infinities,
negative or huge values, missing or unknown keys, truncated JSON and binary
garbage. Each must raise :class:`ParameterError` (or load cleanly when the
file happens to be valid) within a bounded time.
"""

import json
import math
import time
import warnings

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


def _load(tmp_path, name, data):
    fname = tmp_path / name
    fname.write_bytes(data)
    started = time.time()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read_params(fname)
    except ParameterError as err:
        assert str(fname) in str(err)
    assert time.time() - started < 2.0


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
