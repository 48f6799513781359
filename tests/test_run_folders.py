"""Run folders never lose data (issue 19, finding 2) and bad outputs give one line.

``--overwrite`` used to delete every file of the target, foreign ones too,
and the previous complete run before the new one had finished; two runs
into one folder both reported success.
"""

import errno
import json
import re
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hnn_netpyne.analysis.io import (
    OutputError,
    finish_run_folder,
    prepare_run_folder,
    write_json,
)
from hnn_netpyne.cli import main
from hnn_netpyne.runtime.mpienv import mpi_environment

INIT = Path(__file__).resolve().parents[1] / "sim" / "init.py"
SHORT = ["--preset", "erp", "--tstop", "5", "--mesh", "2", "2", "--no-plots", "--quiet"]


def _previous_run(folder):
    """A complete run folder as the package writes it (one file and the manifest)."""
    staging = prepare_run_folder(folder)
    write_json(staging / "config.json", {"simConfig": {"marker": "previous"}})
    finish_run_folder(folder, ["config.json"], staging)
    return json.loads((folder / "config.json").read_text())


def test_overwrite_refuses_foreign_files(tmp_path, capsys):
    folder = tmp_path / "run"
    before = _previous_run(folder)
    (folder / "notes.txt").write_text("mine")
    os.symlink("/etc/hostname", folder / "link")
    assert main(["run", *SHORT, "--overwrite", "--output", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "no hnn-netpyne run wrote" in err and "notes.txt" in err and "link" in err
    assert err.count("\n") == 1
    assert (folder / "notes.txt").read_text() == "mine" and (folder / "link").is_symlink()
    assert json.loads((folder / "config.json").read_text()) == before


def test_overwrite_replaces_a_previous_run(tmp_path):
    folder = tmp_path / "run"
    _previous_run(folder)
    assert main(["run", *SHORT, "--overwrite", "--output", str(folder)]) == 0
    manifest = json.loads((folder / "manifest.json").read_text())
    assert "dipole_1.txt" in manifest["files"]
    assert json.loads((folder / "config.json").read_text())["simConfig"]["preset"] == "erp"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no lock, no staging left


def test_killed_run_keeps_the_previous_output(tmp_path):
    folder = tmp_path / "run"
    before = _previous_run(folder)
    cmd = [sys.executable, str(INIT), "--preset", "erp", "--mesh", "2", "2", "--tstop", "20000",
           "--no-plots", "--overwrite", "--output", str(folder)]
    proc = subprocess.Popen(cmd, env=mpi_environment(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL)
    for line in proc.stdout:
        if "ms simulated" in line:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert json.loads((folder / "config.json").read_text()) == before
    assert sorted(p.name for p in folder.iterdir()) == ["config.json", "manifest.json"]
    # The dead run's lock is taken over by the next run.
    assert main(["run", *SHORT, "--overwrite", "--output", str(folder)]) == 0
    assert (folder / "dipole_1.txt").exists()


@pytest.mark.parametrize("kind", ["file", "read-only"])
def test_unusable_output_is_one_line(tmp_path, capsys, kind):
    if kind == "file":
        output = tmp_path / "a_file"
        output.write_text("x")
        expected = "exists and is not a folder"
    else:
        output = Path("/proc/hnn_netpyne_run")  # a read-only file system, even for root
        expected = "cannot write output folder"
    assert main(["run", *SHORT, "--output", str(output)]) == 2
    err = capsys.readouterr().err
    assert expected in err and str(output) in err and err.count("\n") == 1


def test_full_disk_is_one_line(tmp_path, monkeypatch):
    from hnn_netpyne.runtime import job

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "x"))

    monkeypatch.setattr(job, "write_outputs", full)
    with pytest.raises(OutputError, match="No space left on device"):
        main_args = ["run", *SHORT, "--output", str(tmp_path / "run")]
        from hnn_netpyne.cli import build_parser

        args = build_parser().parse_args(main_args)
        args.func(args)
    assert not (tmp_path / "run").exists()
    assert not (tmp_path / ".run.lock").exists()


def test_run_folder_explains_itself_and_numbers_trials_from_1(tmp_path):
    """README.txt, one trial numbering, titled figures, a clean log (issue 15)."""
    import numpy as np

    from hnn_netpyne.analysis.figures import figure_title
    from hnn_netpyne.analysis.io import read_spikes_txt

    folder = tmp_path / "run"
    proc = subprocess.run([sys.executable, str(INIT), "--preset", "erp", "--tstop", "40",
                           "--mesh", "2", "2", "--trials", "2", "--output", str(folder)],
                          env=mpi_environment(), capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-2000:]
    log = proc.stdout + proc.stderr
    assert "\r" not in log and "\x1b" not in log  # no progress-bar redraws in a log file
    # One summary in HNN's terms; none of NetPyNE's counts (cells and drive cells
    # together, cell pairs as connections) or its staging path (issue 26).
    assert log.count("Whole network: 12 cells, 34 drive cells, ") == 1
    assert re.search(r"\d+ synaptic NetCons", proc.stdout)
    for noise in ("Cells: 46", "Connections: ", "Synaptic contacts", ".partial", "DISPLAY"):
        assert noise not in log, noise
    readme = (folder / "README.txt").read_text()
    assert readme.startswith("This folder is one run of hnn-netpyne (erp, 2 trial(s), 40 ms)")
    manifest = json.loads((folder / "manifest.json").read_text())
    for name in manifest["files"]:
        stem = "dipole_<k>.txt" if name.startswith("dipole_") and name[7].isdigit() else name
        assert stem in readme, name
    _, gids, _, trials = read_spikes_txt(folder / "spikes.txt")
    with np.load(folder / "results.npz") as results:
        for k in (1, 2):
            np.testing.assert_array_equal(np.sort(gids[trials == k]),
                                          np.sort(results[f"spike_gids_{k}"]))
    assert set(trials) == {1, 2} and (folder / "dipole_2.txt").exists()
    assert figure_title("raster.png", 2) == "Spikes, trials 1-2 (together)"
    assert figure_title("spectrogram.png", 1) == "Spectrogram, trial 1"


def test_overwrite_refuses_an_old_unfinished_run(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "RUN_INCOMPLETE").write_text("this run has not finished\n")
    (folder / "dipole_1.txt").write_text("0\t0\t0\t0\n")
    with pytest.raises(OutputError, match="unfinished run of an older hnn-netpyne"):
        prepare_run_folder(folder, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old"]


def test_run_folder_readers_never_hang(tmp_path):
    """A run folder whose listed files are a pipe or nested JSON gives one clear error."""
    from hnn_netpyne.analysis.io import check_run_folder
    from hnn_netpyne.analysis.figures import redraw_run_figures

    folder = tmp_path / "run"
    _previous_run(folder)
    os.mkfifo(folder / "spikes.txt")
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps(dict(manifest, files=["config.json",
                                                                           "spikes.txt"])))
    with pytest.raises(OutputError, match="not regular files.*spikes.txt"):
        redraw_run_figures(folder)
    (folder / "manifest.json").write_text('{"files": ' + "[" * 5000 + "]" * 5000 + "}")
    with pytest.raises(OutputError, match="nested deeper"):
        check_run_folder(folder)
