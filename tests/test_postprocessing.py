"""HNN's dipole post-processing against hnn-core's own arrays."""

import numpy as np
import pytest

from reference_data import load_reference
from hnn_netpyne.analysis.dipole import Dipole, average_dipoles, hamming_smooth
from hnn_netpyne.errors import HNNNetpyneError


@pytest.mark.parametrize("name", ["erp", "seed_bursty_1proc", "legacy_param_default"])
def test_renormalise_convert_smooth_scale(name):
    ref = load_reference(name)
    raw_l2 = ref["dipole_fAm_unnormalized_L2"][0]
    raw_l5 = ref["dipole_fAm_unnormalized_L5"][0]
    dpl = Dipole.from_raw(ref["times"], raw_l2, raw_l5, n_pyramidal_per_layer=100)
    for layer in ("agg", "L2", "L5"):
        expected = ref[f"dipole_{layer}"][0]
        np.testing.assert_allclose(dpl.data[layer], expected, rtol=1e-12,
                                   atol=1e-12 * np.abs(expected).max())
    dpl.postprocess(float(ref["pp_smooth_win_ms"]), float(ref["pp_scale_factor"]))
    for layer in ("agg", "L2", "L5"):
        expected = ref[f"dipole_pp_{layer}"][0]
        np.testing.assert_allclose(dpl.data[layer], expected, rtol=1e-10,
                                   atol=1e-10 * np.abs(expected).max())
    assert dpl.units == "scaled nAm"


def test_steps_can_be_switched_off():
    t = np.arange(0, 100.025, 0.025)
    l2, l5 = np.ones_like(t), np.ones_like(t)
    raw = Dipole.from_raw(t, l2, l5, 100, renormalize=False)
    np.testing.assert_allclose(raw.data["agg"], 2e-6)
    renorm = Dipole.from_raw(t, l2, l5, 100)
    assert renorm.data["L2"][0] == pytest.approx((1 - 100 * 0.0443) * 1e-6)
    assert renorm.data["L5"][0] == pytest.approx((1 + 100 * 49.0502) * 1e-6)
    same = raw.copy().postprocess(0, 0)
    np.testing.assert_array_equal(same.data["agg"], raw.data["agg"])


def test_smoothing_preserves_a_constant_and_rejects_bad_windows():
    x = np.full(4001, 3.0)
    smooth = hamming_smooth(x, 20.0, 0.025)
    assert smooth[2000] == pytest.approx(3.0, rel=1e-12)
    with pytest.raises(HNNNetpyneError):
        hamming_smooth(x, 0.01, 0.025)
    with pytest.raises(HNNNetpyneError):
        hamming_smooth(x[:10], 30.0, 0.025)


def test_trial_average():
    t = np.arange(5) * 0.025
    a = Dipole(t, {"agg": np.ones(5), "L2": np.zeros(5), "L5": np.ones(5)})
    b = Dipole(t, {"agg": 3 * np.ones(5), "L2": np.ones(5), "L5": 2 * np.ones(5)})
    avg = average_dipoles([a, b])
    np.testing.assert_array_equal(avg.data["agg"], 2 * np.ones(5))
    assert avg.nave == 2
