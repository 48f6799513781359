"""Reading and validating HNN parameter files."""

import json

import pytest

from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.params import DEFAULT_PARAM_FILE, load_params, read_params


def test_default_json_values():
    params = read_params(DEFAULT_PARAM_FILE)
    assert params["tstop"] == 170
    assert params["gbar_L2Pyr_L2Pyr_ampa"] == 0.0005
    assert params["L5Pyr_apical1_L"] == 680.0
    # Filled in from the legacy defaults, not in the file.
    assert params["L2Basket_Pois_lamtha"] == 0.0
    assert params["_source"].endswith("default.json")


def test_param_text_format(tmp_path):
    fname = tmp_path / "net.param"
    fname.write_text("tstop: 100.5\nN_trials: 3\ngbar_L2Pyr_L2Pyr_ampa: 1e-3\n")
    params = read_params(fname)
    assert params["tstop"] == 100.5
    assert params["N_trials"] == 3 and isinstance(params["N_trials"], int)
    assert params["gbar_L2Pyr_L2Pyr_ampa"] == 1e-3


@pytest.mark.parametrize(
    "content, key, message",
    [
        ({"tstop": "170"}, "tstop", "expected a number"),
        ({"gbar_L2Pyr_L2Pyr_ampa": -1.0}, "gbar_L2Pyr_L2Pyr_ampa", ">= 0"),
        ({"dt": 0}, "dt", "from 0.001 to 1"),
        ({"N_pyr_x": 2.5}, "N_pyr_x", "whole number"),
        ({"celsius": float("nan")}, "celsius", "finite"),
    ],
)
def test_bad_values_name_file_key_and_value(tmp_path, content, key, message):
    fname = tmp_path / "bad.json"
    fname.write_text(json.dumps(content, allow_nan=True))
    with pytest.raises(ParameterError) as err:
        read_params(fname)
    text = str(err.value)
    assert str(fname) in text and repr(key) in text and message in text
    assert err.value.key == key


def test_unreadable_files(tmp_path):
    with pytest.raises(ParameterError, match="cannot read"):
        read_params(tmp_path / "missing.json")
    truncated = tmp_path / "truncated.json"
    truncated.write_text('{"tstop": 170, "dt": ')
    with pytest.raises(ParameterError, match="invalid JSON at line 1"):
        read_params(truncated)
    binary = tmp_path / "garbage.param"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(ParameterError, match="not UTF-8"):
        read_params(binary)
    with pytest.raises(ParameterError, match="extension"):
        read_params(tmp_path / "params.yaml")


def test_unknown_key_warns_with_closest_match(tmp_path):
    fname = tmp_path / "typo.json"
    fname.write_text(json.dumps({"tstop": 100.0, "gbar_L2Pyr_L2Pyr_ampaa": 1.0}))
    with pytest.warns(UserWarning, match="did you mean 'gbar_L2Pyr_L2Pyr_ampa'"):
        params = read_params(fname)
    assert "gbar_L2Pyr_L2Pyr_ampaa" not in params and params["tstop"] == 100.0


@pytest.mark.parametrize("content", [{"": 1}, {"gbar_L2Pyr_L2Pyr_ampaa": 1.0},
                                     {"save_figs": 1, "unknown": 2}])
def test_file_that_sets_nothing_is_refused(tmp_path, content):
    fname = tmp_path / "nothing.json"
    fname.write_text(json.dumps(content))
    with pytest.raises(ParameterError, match="sets no parameter of the model") as err:
        read_params(fname)
    assert str(fname) in str(err.value)


def test_whole_floats_are_integers_everywhere(tmp_path):
    """10.0 is 10 for `params` and for the run alike (issue 27: one validator)."""
    from hnn_netpyne.model.specs import build_sim_config

    fname = tmp_path / "floats.json"
    fname.write_text(json.dumps({"N_pyr_x": 3.0, "N_pyr_y": 3.0, "N_trials": 2.0,
                                 "tstop": 20.0, "dipole_smooth_win": 5.0}))
    params = read_params(fname)
    assert params["N_pyr_x"] == 3 and isinstance(params["N_pyr_x"], int)
    assert params["N_trials"] == 2 and isinstance(params["N_trials"], int)
    cfg = build_sim_config("params", param_file=str(fname))
    assert cfg["nTrials"] == 2 and isinstance(cfg["nTrials"], int)
    assert build_sim_config("params", param_file=str(fname), n_trials=3.0)["nTrials"] == 3


@pytest.mark.parametrize("tstop, dt, ok", [(20.0, 0.025, True), (170.0, 0.05, True),
                                           (20.0, 0.03, False), (170.0, 0.3, False),
                                           (100.0, 0.1, True), (0.1, 0.1, True)])
def test_tstop_must_be_whole_steps(tstop, dt, ok):
    """NEURON ends a fraction of a step short of a tstop that is no multiple of dt."""
    from hnn_netpyne.model.params import check_run_lengths

    if ok:
        assert check_run_lengths(tstop, dt, 1) == (tstop, dt, 1)
        return
    with pytest.raises(ParameterError, match="must be a whole number of dt steps") as err:
        check_run_lengths(tstop, dt, 1)
    assert err.value.key == "dt" and "\n" not in str(err.value)


def test_long_evoked_index_is_unknown(tmp_path):
    """An input index of 5,000 digits (past Python's int-string limit) is no known key."""
    fname = tmp_path / "digits.json"
    fname.write_text(json.dumps({"tstop": 100.0, "t_evprox_" + "9" * 5000: 1.0}))
    with pytest.warns(UserWarning, match="unknown parameters ignored"):
        params = read_params(fname)
    assert params["tstop"] == 100.0


def test_overrides_are_validated():
    assert load_params(overrides={"tstop": 310.0})["tstop"] == 310.0
    with pytest.raises(ParameterError, match="tstop"):
        load_params(overrides={"tstop": -5})
