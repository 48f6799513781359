"""Simulation-based inference: recovery on a tiny problem, save/load, bad input, no torch elsewhere.

The problem is benchmarks/inference_problem.py (a 3 x 3 column, 80 ms, two
ERP drive parameters). 200 training simulations and 50 held-out ones, the
smallest budget of benchmarks/inference_recovery.py (whose JSON has the
numbers these tests bound), take about 0.35 s of CPU each.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hnn_netpyne.errors import OutputError, ParameterError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import inference_problem as problem  # noqa: E402

pytest.importorskip("sbi")

N_TRAINING, N_HELD_OUT = 200, 50


def _inference(folder, **kwargs):
    from hnn_netpyne.api import jones_2009_model
    from hnn_netpyne.inference import SimulationBasedInference

    return SimulationBasedInference(problem.network(jones_2009_model), problem.TSTOP_MS,
                                    problem.CONSTRAINTS, problem.set_params, dt=problem.DT_MS,
                                    log_uniform=problem.LOG_UNIFORM, save_folder=folder,
                                    **kwargs)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A posterior trained on 200 simulations, and the dipole of the known truth."""
    from hnn_netpyne.analysis.dipole import Dipole
    from hnn_netpyne.inference.simulations import simulate_params

    folder = tmp_path_factory.mktemp("sbi")
    sbi = _inference(folder).simulate(N_TRAINING, n_jobs=2, verbose=False).train()
    times, dipoles, _, _ = simulate_params(sbi.net, problem.set_params, [problem.TRUE],
                                           sbi.settings, folder / "target", verbose=False)
    return sbi, Dipole(times, dict(zip(Dipole.LAYERS, dipoles[0])))


def test_truth_recovered_within_90_percent_interval(trained):
    from hnn_netpyne.inference import recovery

    sbi, target = trained
    assert len(sbi.box_) == N_TRAINING and not sbi.errors_
    result = recovery(sbi, target, problem.TRUE, n_samples=2000)
    for name, entry in result.items():
        assert entry["inside"], (name, entry)
        # Measured with these 200 simulations: 0.029 (weight, of 2 decades) and
        # 0.008 (time, of 25 ms); the goal is 10 % of the prior's width.
        assert entry["error"] < 0.08, (name, entry)


def test_coverage_of_held_out_simulations(trained):
    from hnn_netpyne.inference import coverage

    sbi, _ = trained
    result = coverage(sbi, n_held_out=N_HELD_OUT, n_samples=500, n_jobs=2, verbose=False)
    assert result["n_held_out"] == N_HELD_OUT
    for name in problem.CONSTRAINTS:
        # A calibrated posterior covers 90 % of the truths with its 90 % intervals.
        # Measured on 60 held-out simulations: 0.97 (weight) and 0.82 (time, a
        # little overconfident at 200 simulations); median errors 0.028 and 0.023.
        assert 0.7 <= result["coverage"]["0.9"][name] <= 1.0, result["coverage"]
        assert result["median_recovery_error"][name] < 0.06, result["median_recovery_error"]
        ranks = np.array(result["sbc_ranks"][name])
        assert ranks.min() >= 0 and ranks.max() <= 500


def test_save_and_load_give_the_same_posterior(trained, tmp_path):
    from hnn_netpyne.inference import SimulationBasedInference

    sbi, target = trained
    path = sbi.save(tmp_path / "posterior.npz")
    loaded = SimulationBasedInference.load(path)
    before, after = sbi.sample(target, 200, seed=3), loaded.sample(target, 200, seed=3)
    for name in problem.CONSTRAINTS:
        np.testing.assert_allclose(before[name], after[name], rtol=1e-5)


def test_corrupt_saved_posterior_is_one_clear_error(trained, tmp_path):
    from hnn_netpyne.inference import SimulationBasedInference

    sbi, _ = trained
    good = sbi.save(tmp_path / "posterior.npz").read_bytes()
    for name, content in (("garbage.npz", b"not a zip file"), ("cut.npz", good[:len(good) // 2])):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(OutputError, match=name):
            SimulationBasedInference.load(tmp_path / name)


def test_data_on_other_times_is_refused(trained):
    from hnn_netpyne.analysis.dipole import Dipole

    sbi, target = trained
    coarse = Dipole(target.times[::2], {"agg": target.data["agg"][::2]})
    with pytest.raises(ParameterError, match="resample or crop"):
        sbi.sample(coarse, 10)


@pytest.mark.parametrize("constraints, log_uniform, match", [
    ({"w": (2.0, 1.0)}, [], "low < high"),
    ({"w": (1.0, 1.0)}, [], "low < high"),
    ({"w": (0.0, 1.0)}, ["w"], "bounds > 0"),
    ({"w": (-1.0, 1.0)}, ["w"], "bounds > 0"),
    ({"w": (1.0, 2.0)}, ["v"], "not a parameter"),
])
def test_bad_prior_is_one_clear_error(tmp_path, constraints, log_uniform, match):
    from hnn_netpyne.api import jones_2009_model
    from hnn_netpyne.inference import SimulationBasedInference

    with pytest.raises(ParameterError, match=match):
        SimulationBasedInference(jones_2009_model(mesh_shape=(3, 3)), 20.0, constraints,
                                 problem.set_params, log_uniform=log_uniform,
                                 save_folder=tmp_path)


def test_set_params_that_raises_is_one_clear_error(tmp_path):
    from hnn_netpyne.api import jones_2009_model
    from hnn_netpyne.inference import SimulationBasedInference

    def broken(net, params):
        raise KeyError("no_such_drive")

    sbi = SimulationBasedInference(jones_2009_model(mesh_shape=(3, 3)), 20.0, {"w": (1.0, 2.0)},
                                   broken, save_folder=tmp_path)
    with pytest.raises(ParameterError, match="set_params failed.*no_such_drive"):
        sbi.simulate(4, verbose=False)


def test_failed_simulations_are_recorded_and_skipped(tmp_path):
    from hnn_netpyne.api import jones_2009_model
    from hnn_netpyne.batch.store import read_table
    from hnn_netpyne.inference import SimulationBasedInference
    from inference_failing import fails_above

    sbi = SimulationBasedInference(jones_2009_model(mesh_shape=(3, 3)), 10.0, {"w": (1.0, 2.0)},
                                   fails_above, dt=0.1, save_folder=tmp_path)
    sbi.simulate(6, verbose=False)
    assert len(sbi.box_) == len(sbi.dipoles_) == 4
    np.testing.assert_allclose(sbi.box_[:, 0], [1.637, 1.270, 1.041, 1.017], atol=1e-3)
    assert len(sbi.errors_) == 2 and all("too strong" in e for e in sbi.errors_)
    table = read_table(tmp_path / "simulations" / "00000" / "sweep.h5")
    assert list(table["status"]) == ["done"] * 4 + ["failed"] * 2


def test_posterior_outside_the_prior_is_one_clear_error():
    from hnn_netpyne.inference.npe import Posterior

    rng = np.random.default_rng(0)
    box = rng.random((300, 2))  # summary statistics = parameters + noise
    posterior = Posterior([0, 0], [1, 1], box, box + 0.01 * rng.standard_normal((300, 2)))
    posterior.train(max_epochs=60)
    samples = posterior.sample([0.3, 0.7], 400)
    assert samples.shape == (400, 2) and samples.min() >= 0 and samples.max() <= 1
    with pytest.raises(ParameterError, match="lie inside the prior"):
        posterior.sample([30.0, 70.0], 100)  # far outside every training statistic


def test_default_summary_statistics_of_known_waveforms():
    from hnn_netpyne.inference.summary import band_powers, binned, peaks

    times = np.arange(0, 1000.0, 0.5)  # 1 s at 2 kHz
    sine = np.sin(2 * np.pi * 20.0 * times / 1000.0)  # 20 Hz, amplitude 1 nAm
    coarse = binned(times, sine[np.newaxis])
    assert coarse.shape == (1, 1000)
    powers = band_powers(coarse)[0]
    assert np.argmax(powers) == 1  # the 13-30 Hz band
    assert powers[1] - max(powers[0], powers[2], powers[3]) > 2  # 100x the others
    top, t_top, bottom, t_bottom = peaks(times, sine[np.newaxis])[0]
    assert top == pytest.approx(1.0, abs=1e-3) and bottom == pytest.approx(-1.0, abs=1e-3)
    assert t_top == pytest.approx(12.5, abs=0.5) and t_bottom == pytest.approx(37.5, abs=0.5)


PROBE = """
import sys
import hnn_netpyne, hnn_netpyne.api, hnn_netpyne.inference
print("torch" in sys.modules, "sbi" in sys.modules)
"""


def test_package_and_main_job_do_not_import_torch(tmp_path):
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split()[-2:] == ["False", "False"]
    # The main job's entry (sim/init.py), on a tiny column: -X importtime lists every import.
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", str(ROOT / "sim" / "init.py"), "--preset",
         "seed_bursty", "--tstop", "5", "--mesh", "3", "3", "--output", str(tmp_path / "run"),
         "--no-plots", "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=600,
        stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-2000:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()
                if line.startswith("import time:")]
    assert "hnn_netpyne.runtime.job" in imported
    assert not [name for name in imported if name.split(".")[0] in ("torch", "sbi")]



CLI_SPEC = {"network": {"model": "jones_2009", "mesh_shape": [3, 3], "drives": "erp"},
            "tstop": 40.0, "dt": 0.1,
            "prior": {"evprox1.weights_ampa.L5_pyramidal": [1e-3, 1e-1],
                      "evprox1.mu": [20.0, 30.0]},
            "log_uniform": ["evprox1.weights_ampa.L5_pyramidal"],
            "n_simulations": 40, "seed": 1}


def _cli(*argv):
    from hnn_netpyne.cli import main

    return main([str(a) for a in argv])


def test_infer_command_trains_and_samples(tmp_path, capsys):
    import json

    from hnn_netpyne.analysis.dipole import Dipole
    from hnn_netpyne.batch.store import read_point

    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(CLI_SPEC))
    folder = tmp_path / "run"
    assert _cli("infer", "train", spec, "--output", folder, "--quiet") == 0
    for name in ("spec.json", "posterior.npz", "simulations/00000/sweep.h5"):
        assert (folder / name).is_file(), name
    # A data file: the dipole of the first training draw, as hnn-core's text format.
    outputs = read_point(folder / "simulations" / "00000" / "sweep.h5", 0)["outputs"]
    Dipole(outputs["times"], dict(zip(Dipole.LAYERS, outputs["dpl"][0]))).write(tmp_path / "d.txt")
    assert _cli("infer", "sample", folder, tmp_path / "d.txt", "--n-samples", "300",
                "--quiet") == 0
    out = folder / "sample_d"
    samples = np.loadtxt(out / "samples.csv", delimiter=",", skiprows=1)
    assert samples.shape == (300, 2)
    low, high = CLI_SPEC["prior"]["evprox1.mu"]
    assert (samples[:, 1] >= low).all() and (samples[:, 1] <= high).all()
    summary = json.loads((out / "summary.json").read_text())
    mu = summary["evprox1.mu"]
    assert mu["q05"] <= mu["median"] <= mu["q95"]
    assert (out / "posterior_pairs.png").stat().st_size > 10_000
    # Data on other times, and an existing output folder: one line each, exit 2.
    Dipole(outputs["times"][::2], {"agg": outputs["dpl"][0, 0, ::2]}).write(tmp_path / "e.txt")
    capsys.readouterr()
    assert _cli("infer", "sample", folder, tmp_path / "e.txt", "--quiet") == 2
    assert "resample or crop" in capsys.readouterr().err
    assert _cli("infer", "sample", folder, tmp_path / "d.txt", "--quiet") == 2
    assert "--overwrite" in capsys.readouterr().err


@pytest.mark.parametrize("change, match", [
    ({"prior": {"evprox1.mu": [30.0, 20.0]}}, "low < high"),
    ({"log_uniform": ["evprox1.mu"], "prior": {"evprox1.mu": [0.0, 20.0]}}, "bounds > 0"),
    ({"n_simulations": None}, "needs this key"),
    ({"priors": {}}, "keys"),
])
def test_infer_command_bad_spec_is_one_line(tmp_path, capsys, change, match):
    import json

    spec = {k: v for k, v in dict(CLI_SPEC, **change).items() if v is not None}
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    assert _cli("infer", "train", tmp_path / "spec.json", "--output", tmp_path / "run") == 2
    err = capsys.readouterr().err.strip()
    assert match in err and len(err.splitlines()) == 1, err
