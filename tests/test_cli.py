"""The hnn-netpyne command line: parameters, run folders and read-back."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hnn_netpyne.analysis.dipole import Dipole
from hnn_netpyne.analysis.io import (
    OutputError,
    finish_run_folder,
    prepare_run_folder,
    read_dipole_txt,
    write_dipole_txt,
    write_json,
    write_spikes_txt,
)
from hnn_netpyne.cli import main
from hnn_netpyne.model.params import DEFAULT_PARAM_FILE
from hnn_netpyne.model.specs import build_sim_config


def test_params_command(capsys, tmp_path):
    assert main(["params", str(DEFAULT_PARAM_FILE)]) == 0
    assert "valid HNN parameter file" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"gbar_L2Pyr_L2Pyr_ampa": -3}))
    assert main(["params", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "gbar_L2Pyr_L2Pyr_ampa" in err and "-3" in err


def test_console_script_help():
    exe = Path(sys.executable).parent / "hnn-netpyne"
    out = subprocess.run([str(exe), "run", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    for option in ("--np", "--preset", "--params", "--tstop", "--trials", "--output"):
        assert option in out.stdout


def test_run_refuses_a_non_empty_folder(tmp_path, capsys):
    (tmp_path / "old.txt").write_text("keep me")
    assert main(["run", "--preset", "erp", "--tstop", "5", "--no-plots", "--output",
                 str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "old.txt").read_text() == "keep me"


def _fake_run(folder, n_trials=2):
    """A finished run folder written with the package's own writers."""
    target, folder = folder, prepare_run_folder(folder)
    t = np.arange(0, 60.025, 0.025)
    files = []
    for k in range(n_trials):
        signal = np.sin(2 * np.pi * 20 * t / 1000.0) * (k + 1)
        write_dipole_txt(folder / f"dipole_{k + 1}.txt",
                         Dipole(t, {"agg": signal, "L2": signal / 2, "L5": signal / 2}))
        files.append(f"dipole_{k + 1}.txt")
    ranges = {"L2Basket": [0, 35], "L2Pyr": [35, 135], "L5Basket": [135, 170],
              "L5Pyr": [170, 270], "evprox1": [270, 540]}
    write_spikes_txt(folder / "spikes.txt", [(np.array([10.0, 20.0]), np.array([40, 300]))] * 2,
                     ranges)
    cfg = build_sim_config("erp", tstop=60.0, n_trials=n_trials)
    write_json(folder / "config.json", {"simConfig": cfg, "gid_ranges": ranges})
    finish_run_folder(target, files + ["spikes.txt", "config.json"], folder)


def test_plot_command_redraws_figures(tmp_path):
    _fake_run(tmp_path / "run")
    assert main(["plot", str(tmp_path / "run")]) == 0
    for name in ("dipole.png", "raster.png", "spike_histogram.png", "spectrogram.png"):
        assert (tmp_path / "run" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_command_rejects_corrupted_or_incomplete_runs(tmp_path, capsys):
    run = tmp_path / "run"
    _fake_run(run)
    lines = (run / "dipole_2.txt").read_text().splitlines()
    (run / "dipole_2.txt").write_text("\n".join(lines[:10] + ["0.3\tnot-a-number\t1\t2"]))
    assert main(["plot", str(run)]) == 2
    assert "dipole_2.txt" in capsys.readouterr().err
    incomplete = tmp_path / "incomplete"
    shutil.copytree(run, incomplete)
    (incomplete / "manifest.json").unlink()
    assert main(["plot", str(incomplete)]) == 2
    assert "incomplete run" in capsys.readouterr().err


def test_dipole_reader_checks_shape_and_time(tmp_path):
    fname = tmp_path / "d.txt"
    fname.write_text("0\t1\t2\n0.025\t1\t2\n")
    with pytest.raises(OutputError, match="4 columns"):
        read_dipole_txt(fname)
    fname.write_text("0\t1\t2\t3\n0.05\t1\t2\t3\n0.025\t1\t2\t3\n")
    with pytest.raises(OutputError, match="evenly increasing"):
        read_dipole_txt(fname)


def test_a_10_ms_run_draws_its_figures(tmp_path):
    """Shorter than HNN's 30 ms smoothing window: unsmoothed dipole, no spectrogram."""
    exe = Path(sys.executable).parent / "hnn-netpyne"
    out = subprocess.run([str(exe), "run", "--preset", "erp", "--tstop", "10", "--quiet",
                          "--output", str(tmp_path / "run")],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    run = tmp_path / "run"
    written = json.loads((run / "manifest.json").read_text())["files"]
    for name in ("dipole.png", "raster.png", "spike_histogram.png"):
        assert name in written
        assert (run / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "spectrogram.png" not in written and not (run / "spectrogram.png").exists()
    assert len(read_dipole_txt(run / "dipole_1.txt").times) == 401  # 10 ms at 0.025 ms
    # Results are written and reported first; the figures follow.
    assert out.stdout.index("Results written to") < out.stdout.index("dipole.png")


def test_run_on_several_processes_starts_init_with_the_run_configuration(tmp_path, monkeypatch,
                                                                           capsys):
    from hnn_netpyne.runtime import launcher

    started = []

    def record(cmd, echo=True, timeout=None):
        config = cmd[cmd.index("--config") + 1]
        started.append((cmd, json.loads(Path(config).read_text())))

    monkeypatch.setattr(launcher, "run_command", record)
    monkeypatch.setattr(launcher, "_check_finished", lambda *_args: None)  # nothing ran
    output = tmp_path / "run"
    assert main(["run", "--np", "3", "--preset", "erp", "--tstop", "5", "--mesh", "3", "3",
                 "--quiet", "--output", str(output)]) == 0
    ((cmd, config),) = started
    init = Path(launcher.__file__).resolve().parent.parent / "sim" / "init.py"
    assert cmd[1:3] == ["-n", "3"] and cmd[cmd.index("-mpi") + 1] == str(init)
    assert cmd[cmd.index("--config") + 2:] == ["--quiet"]  # plots stay on, as asked
    # The same configuration as a one-process run of these options.
    expected = build_sim_config("erp", tstop=5.0, mesh_shape=[3, 3], output_dir=str(output))
    assert config["simConfig"] == json.loads(json.dumps(expected))
    with pytest.raises(SystemExit):
        main(["run", "--np", "0"])
    assert "n_procs must be an integer in [1, 100000]" in capsys.readouterr().err


def test_importing_cfg_reads_no_command_line(monkeypatch):
    import runpy

    from hnn_netpyne.runtime import options

    cfg_py = Path(options.SIM_DIR) / "cfg.py"
    monkeypatch.setattr(sys, "argv", ["notebook.py", "--preset", "erp", "--tstop", "7"])
    assert runpy.run_path(str(cfg_py))["cfg"].preset == "seed_bursty"
    # What init.py recorded is what cfg.py builds.
    monkeypatch.setattr(options, "_script_options", None)
    options.set_script_options(options.options_from_argv())
    cfg = runpy.run_path(str(cfg_py))["cfg"]
    assert (cfg.preset, cfg.duration) == ("erp", 7.0)
