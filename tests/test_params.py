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
    fname.write_text(json.dumps({"gbar_L2Pyr_L2Pyr_ampaa": 1.0}))
    with pytest.warns(UserWarning, match="did you mean 'gbar_L2Pyr_L2Pyr_ampa'"):
        params = read_params(fname)
    assert "gbar_L2Pyr_L2Pyr_ampaa" not in params


def test_overrides_are_validated():
    assert load_params(overrides={"tstop": 310.0})["tstop"] == 310.0
    with pytest.raises(ParameterError, match="tstop"):
        load_params(overrides={"tstop": -5})
