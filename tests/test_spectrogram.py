"""Morlet power of known sinusoids, and the time-frequency plot."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hnn_netpyne.analysis.dipole import Dipole  # noqa: E402
from hnn_netpyne.analysis.spectrogram import (  # noqa: E402
    morlet_power,
    morlet_wavelet,
    plot_tfr_morlet,
)
from hnn_netpyne.errors import HNNNetpyneError  # noqa: E402

SFREQ_HZ = 40_000.0  # HNN's dt of 0.025 ms
FREQS_HZ = np.arange(5.0, 61.0)
# Cycles proportional to frequency give every wavelet sigma_t = 1 / (4 pi) s,
# hence one gain at all frequencies, and keep the 5 Hz wavelet within 1 s.
SIGMA_T_S = 1.0 / (4.0 * np.pi)
EQUAL_GAIN_CYCLES = 2.0 * np.pi * SIGMA_T_S * FREQS_HZ
# Farther than 3.7 sigma_t from either end, the zeros beyond the signal do not matter.
EDGE_S = 0.3


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def sine(freq_hz, amplitude, duration_s=1.0, sfreq_hz=SFREQ_HZ):
    """``amplitude * sin(2 pi f t)`` sampled for ``duration_s``."""
    t = np.arange(int(round(duration_s * sfreq_hz))) / sfreq_hz
    return amplitude * np.sin(2.0 * np.pi * freq_hz * t)


def interior(power, sfreq_hz=SFREQ_HZ):
    """Power without the first and last EDGE_S seconds."""
    cut = int(EDGE_S * sfreq_hz)
    return power[:, cut:-cut]


@pytest.fixture(scope="module")
def power_20hz():
    return morlet_power(sine(20.0, 1.0), SFREQ_HZ, FREQS_HZ, EQUAL_GAIN_CYCLES)


@pytest.fixture(scope="module")
def power_40hz_double():
    return morlet_power(sine(40.0, 2.0), SFREQ_HZ, FREQS_HZ, EQUAL_GAIN_CYCLES)


def test_power_shape_and_sign(power_20hz):
    assert power_20hz.shape == (FREQS_HZ.size, int(SFREQ_HZ))
    assert np.all(power_20hz >= 0.0)


def test_peak_at_the_sinusoid_frequency(power_20hz, power_40hz_double):
    peak_20 = FREQS_HZ[np.argmax(interior(power_20hz).mean(axis=1))]
    peak_40 = FREQS_HZ[np.argmax(interior(power_40hz_double).mean(axis=1))]
    assert abs(peak_20 - 20.0) <= 1.0
    assert abs(peak_40 - 40.0) <= 1.0


def test_power_grows_with_amplitude_squared(power_20hz, power_40hz_double):
    at_20 = interior(power_20hz)[FREQS_HZ == 20.0].mean()
    at_40 = interior(power_40hz_double)[FREQS_HZ == 40.0].mean()
    assert at_40 / at_20 == pytest.approx(4.0, rel=0.10)


def test_power_of_a_unit_sinusoid_matches_wavelet_energy(power_20hz):
    # Energy-2 wavelets: |sum of a/2 * envelope| squared = a**2 sfreq sigma_t sqrt(pi).
    expected = SFREQ_HZ * SIGMA_T_S * np.sqrt(np.pi)
    at_20 = interior(power_20hz)[FREQS_HZ == 20.0]
    assert at_20.mean() == pytest.approx(expected, rel=0.01)
    # A pure tone gives a flat power away from the edges.
    assert np.ptp(at_20) / expected < 0.01


def test_fixed_cycles_gain_falls_as_one_over_frequency():
    freqs = np.array([20.0, 40.0])
    at_20 = interior(morlet_power(sine(20.0, 1.0), SFREQ_HZ, freqs, 7.0))[0].mean()
    at_40 = interior(morlet_power(sine(40.0, 2.0), SFREQ_HZ, freqs, 7.0))[1].mean()
    # Four times the amplitude squared, halved by the twice shorter wavelet.
    assert at_40 / at_20 == pytest.approx(2.0, rel=0.02)


def test_wavelet_is_centred_with_mne_energy():
    wavelet = morlet_wavelet(1000.0, 10.0, n_cycles=7.0)
    sigma_t = 7.0 / (2.0 * np.pi * 10.0)
    assert wavelet.size % 2 == 1
    assert wavelet.size == 2 * int(np.ceil(5.0 * sigma_t * 1000.0)) - 1
    assert np.sum(np.abs(wavelet) ** 2) == pytest.approx(2.0)
    assert np.argmax(np.abs(wavelet)) == wavelet.size // 2


def test_fft_convolution_equals_direct_same_convolution():
    rng = np.random.default_rng(1)
    signal = rng.standard_normal(500)
    freqs, cycles = np.array([40.0, 90.0, 200.0]), np.array([3.0, 5.0, 8.0])
    power = morlet_power(signal, 1000.0, freqs, cycles)
    for row, (freq, n_cycles) in enumerate(zip(freqs, cycles)):
        direct = np.convolve(signal, morlet_wavelet(1000.0, freq, n_cycles), "same")
        np.testing.assert_allclose(power[row], np.abs(direct) ** 2, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("freqs", [[0.0, 10.0], [-5.0], [np.nan], []])
def test_non_positive_frequencies_are_rejected(freqs):
    with pytest.raises(HNNNetpyneError, match="freq"):
        morlet_power(np.zeros(1000), 1000.0, freqs)


def test_wavelet_longer_than_signal_is_rejected():
    # At 5 Hz, 7 cycles span 10 sigma_t = 2.2 s: more than the 1 s signal.
    with pytest.raises(HNNNetpyneError, match="5 Hz wavelet .* longer than the signal"):
        morlet_power(sine(20.0, 1.0), SFREQ_HZ, FREQS_HZ, n_cycles=7.0)


def test_frequency_at_or_above_nyquist_is_rejected():
    with pytest.raises(HNNNetpyneError, match="Nyquist"):
        morlet_power(np.zeros(1000), 1000.0, [100.0, 500.0], n_cycles=3.0)


def test_cycles_must_match_frequencies():
    with pytest.raises(HNNNetpyneError, match="n_cycles"):
        morlet_power(np.zeros(1000), 1000.0, [100.0, 200.0], n_cycles=[3.0, 4.0, 5.0])


def make_dipole(signal, dt_ms, units="nAm"):
    times = dt_ms * np.arange(signal.size)
    return Dipole(times, {"agg": signal, "L2": 0.25 * signal, "L5": 0.75 * signal}, units)


def test_plot_tfr_morlet_draws_the_power():
    sfreq = 2000.0
    signal = sine(30.0, 1.0, sfreq_hz=sfreq)
    dipole = make_dipole(signal, 1000.0 / sfreq)
    freqs = np.arange(10.0, 51.0, 2.0)
    fig = plot_tfr_morlet(dipole, freqs, n_cycles=freqs / 2.0, layer="L5")
    ax, bar_ax = fig.axes
    mesh = ax.collections[0]
    expected = morlet_power(0.75 * signal, sfreq, freqs, freqs / 2.0)
    np.testing.assert_allclose(np.asarray(mesh.get_array()).reshape(expected.shape), expected)
    assert ax.get_xlabel() == "Time (ms)"
    assert ax.get_ylabel() == "Frequency (Hz)"
    assert bar_ax.get_ylabel() == "Power (nAm²)"


def test_plot_tfr_morlet_window_and_trial_average():
    sfreq = 2000.0
    trials = [make_dipole(sine(30.0, amp, sfreq_hz=sfreq), 0.5, "scaled nAm")
              for amp in (1.0, 3.0)]
    freqs = np.array([20.0, 30.0, 40.0])
    fig = plot_tfr_morlet(trials, freqs, n_cycles=5.0, tmin=100.0, tmax=900.0,
                          colorbar=False)
    assert len(fig.axes) == 1
    power = np.asarray(fig.axes[0].collections[0].get_array()).reshape(3, -1)
    assert power.shape[1] == 1601  # 100 to 900 ms at 0.5 ms, both ends included
    window = slice(200, 1801)
    single = [morlet_power(sine(30.0, amp, sfreq_hz=sfreq)[window], sfreq, freqs, 5.0)
              for amp in (1.0, 3.0)]
    np.testing.assert_allclose(power, (single[0] + single[1]) / 2.0)
