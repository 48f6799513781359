"""Issue 27's cases: time steps that never ended or failed, costs before the build,
and inputs that still ended in tracebacks (network files, environment, run
folders, sweep journals and files)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from hnn_netpyne.errors import OutputError, ParameterError
from hnn_netpyne.model.solver import check_time_step, usable_threads


def _cli(*args, timeout=300):
    exe = Path(sys.prefix) / "bin" / "hnn-netpyne"
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def test_time_step_rules():
    """NEURON's rules (measured): one thread runs any dt; threads need dt <= delay / 2."""
    assert check_time_step(1.0, 0.1, n_threads=1) == 1.0
    assert check_time_step(0.05, 0.1, n_threads=2) == 0.05
    with pytest.raises(ParameterError, match=r"at most half .* use dt <= 0.05 ms"):
        check_time_step(0.1, 0.1, n_threads=2)
    with pytest.raises(ParameterError, match="several MPI ranks"):
        check_time_step(0.5, 0.1, across_ranks=True)
    # no thread count asked: one thread when dt is too long for two
    assert usable_threads(None, 1, 0.1, lambda: 0.1, cores=2) == 1
    assert usable_threads(None, 1, 0.025, lambda: 0.1, cores=2) == 2
    with pytest.raises(ParameterError, match="with 2 threads"):
        usable_threads(2, 1, 0.1, lambda: 0.1, cores=2)


@pytest.mark.parametrize("dt, ok", [(0.03, False), (0.1, True)])
def test_issue_time_steps_end(tmp_path, dt, ok):
    """`--dt 0.03` never ended and `--dt 0.1` ended in a traceback (2 cores, 2 threads)."""
    started = time.time()
    proc = _cli("run", "--mesh", 3, 3, "--tstop", 20, "--dt", dt, "--no-plots", "--quiet",
                "--output", tmp_path / "run")
    assert time.time() - started < 120 and "Traceback" not in proc.stderr
    if not ok:
        assert proc.returncode == 2
        assert proc.stderr.strip().splitlines() == [
            "hnn-netpyne: error: key 'dt', value 0.03: tstop (20 ms) must be a whole number "
            "of dt steps, not 666.667; use a dt that divides 20 ms, or a tstop of 19.98 or "
            "20.01 ms"]
        return
    assert proc.returncode == 0, proc.stderr[-500:]
    dipole = np.loadtxt(tmp_path / "run" / "dipole_1.txt")
    assert dipole.shape == (201, 4) and np.all(np.isfinite(dipole))


@pytest.mark.slow
@pytest.mark.parametrize("dt", [0.01, 0.025, 0.05, 0.2, 0.5, 1.0])
def test_time_steps_in_range_run(tmp_path, dt):
    """Every dt the validator accepts for tstop 20 ms runs to a finite dipole."""
    proc = _cli("run", "--mesh", 3, 3, "--tstop", 20, "--dt", dt, "--no-plots", "--quiet",
                "--output", tmp_path / "run")
    assert proc.returncode == 0, proc.stderr[-500:]
    dipole = np.loadtxt(tmp_path / "run" / "dipole_1.txt")
    assert dipole.shape == (round(20 / dt) + 1, 4) and np.all(np.isfinite(dipole))


def test_poisson_drive_past_the_run_is_cheap_and_unchanged():
    """A Poisson drive ending at 1e12 ms keeps the times of one ending with the run."""
    from hnn_netpyne.model.drives import drive_cell_times, poisson_drive

    kwargs = dict(rate_constant=40.0, location="proximal",
                  weights_ampa={"L2_pyramidal": 1e-3}, event_seed=5)
    far = poisson_drive("far", tstop=1e12, **kwargs)
    near = poisson_drive("near", tstop=200.0, **kwargs)
    started = time.time()
    times = drive_cell_times(far, 0, "L2Pyr", 0, 100, 200.0)
    assert time.time() - started < 1.0
    assert times == drive_cell_times(near, 0, "L2Pyr", 0, 100, 200.0) and len(times) > 3


def test_drive_events_are_capped_before_drawing():
    from hnn_netpyne.model.drives import poisson_drive
    from hnn_netpyne.model.specs import build_net_params, build_sim_config

    drive = poisson_drive("pois", rate_constant=1e4, location="proximal",
                          weights_ampa={"L2_pyramidal": 1e-3})
    cfg = build_sim_config(tstop=1e6, dt=1.0, mesh_shape=(10, 10), drives=[drive])
    started = time.time()
    with pytest.raises(ParameterError, match=r"about 1e\+09 drive events") as err:
        build_net_params(cfg)
    assert err.value.key == "pois.rate_constant" and time.time() - started < 5.0


def test_many_evoked_inputs_are_refused_up_front():
    """3,000 evoked inputs on the 10 x 10 grid: 810,000 drive cells, over the cap."""
    from hnn_netpyne.model.drives import evoked_drive
    from hnn_netpyne.model.specs import build_net_params, build_sim_config

    weights = {"L2_pyramidal": 1e-3, "L5_pyramidal": 1e-3, "L2_basket": 1e-3,
               "L5_basket": 1e-3}
    drives = [evoked_drive(f"ev{k}", mu=10.0, sigma=1.0, numspikes=1, location="proximal",
                           weights_ampa=weights) for k in range(3000)]
    cfg = build_sim_config(tstop=20.0, mesh_shape=(10, 10), drives=drives)
    with pytest.raises(ParameterError, match="810000 drive cells, more than the limit"):
        build_net_params(cfg)


@pytest.fixture(scope="module")
def network_file(tmp_path_factory):
    from hnn_netpyne import jones_2009_model
    from hnn_netpyne.api import add_erp_drives_to_jones_model

    net = jones_2009_model(mesh_shape=(3, 3))
    add_erp_drives_to_jones_model(net)
    path = tmp_path_factory.mktemp("net") / "net.json"
    net.write_configuration(path)
    return path


def _edited(tmp_path, network_file, edit, text=None, name="edited.json"):
    data = json.loads(network_file.read_text())
    edit(data)
    path = tmp_path / name
    path.write_text(text(json.dumps(data)) if text else json.dumps(data))
    return path


def _synapse(data, value):
    data["cell_types"]["L2_pyramidal"]["cell_object"]["synapses"]["ampa"]["tau1"] = value


def _local(data):
    """The file's first cell-to-cell connection (drive connections are compared, not read)."""
    return next(c for c in data["connectivity"] if c["src_type"] in data["cell_types"])


def _delay(data, value):
    _local(data)["nc_dict"]["A_delay"] = value


def _gid(data, value):
    pairs = _local(data)["gid_pairs"]
    pairs[value] = pairs.pop(next(iter(pairs)))


@pytest.mark.parametrize("edit, match", [
    (lambda d: _synapse(d, "abc"), "synapses/ampa/tau1 must be a number"),
    (lambda d: _delay(d, "abc"), "A_delay must be a number"),
    (lambda d: _delay(d, -1.0), "A_delay must be a number in"),
    (lambda d: _gid(d, "inf"), "a gid must be a whole number"),
    (lambda d: _gid(d, "abc"), "a gid must be a whole number"),
])
def test_network_file_values(tmp_path, network_file, edit, match):
    from hnn_netpyne import read_network_configuration

    path = _edited(tmp_path, network_file, edit)
    with pytest.raises(ParameterError, match=match) as err:
        read_network_configuration(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_network_file_reader_limits(tmp_path, network_file):
    from hnn_netpyne import read_network_configuration

    zero, pipe = tmp_path / "zero.json", tmp_path / "pipe.json"
    zero.symlink_to("/dev/zero")
    os.mkfifo(pipe)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    dup = _edited(tmp_path, network_file, lambda d: None,
                  text=lambda t: '{"celsius": 1, ' + t[1:], name="dup.json")
    inf = _edited(tmp_path, network_file, lambda d: None,
                  text=lambda t: t.replace('"celsius": 37.0', '"celsius": 1e400'),
                  name="inf.json")
    for path, match in ((zero, "not a regular file"), (pipe, "not a regular file"),
                        (deep, "nested deeper than 64"), (dup, "duplicate key"),
                        (inf, "celsius must be a finite number")):
        with pytest.raises(ParameterError, match=match):
            read_network_configuration(path)


def test_launch_size_from_environment():
    from hnn_netpyne.runtime.mpienv import environment_size

    assert environment_size({}) == 1 and environment_size({"PMI_SIZE": "4"}) == 4
    for bad in ("abc", "0", "-2", "9" * 5000, "\u0663"):
        with pytest.raises(ParameterError, match="whole number of ranks") as err:
            environment_size({"PMI_SIZE": bad})
        assert err.value.key == "PMI_SIZE"


def test_junk_file_in_a_sweep_journal(tmp_path):
    pytest.importorskip("h5py")
    from hnn_netpyne.batch.store import JOURNAL_NAME, SweepStore

    journal = tmp_path / JOURNAL_NAME
    journal.mkdir()
    (journal / "0000000.h5").write_bytes(b"not hdf5")
    with pytest.raises(OutputError, match="another sweep's results .*unreadable"):
        SweepStore(tmp_path, "abc", overwrite=False)
    SweepStore(tmp_path, "abc", overwrite=True)
    assert list(journal.iterdir()) == []


@pytest.mark.parametrize("text, match", [
    ("[" * 100_000 + "]" * 100_000, "nested deeper"),
    (json.dumps({"tstop": "abc", "grid": {"evprox1.mu": [1.0]}}), "key 'tstop'"),
    (json.dumps({"tstop": 20.0, "dt": 0.03, "grid": {"evprox1.mu": [1.0]}}), "whole number"),
    (json.dumps({"network": {"mesh_shape": 3}, "grid": {"evprox1.mu": [1.0]}}), "mesh_shape"),
    (json.dumps({"sample": [1], "tstop": 20.0}), "sample must be an object"),
])
def test_bad_sweep_files(tmp_path, text, match):
    from hnn_netpyne.batch.sweep_file import read_sweep_file

    path = tmp_path / "sweep.json"
    path.write_text(text)
    with pytest.raises(ParameterError, match=match) as err:
        read_sweep_file(path)
    assert "\n" not in str(err.value)


def test_string_in_a_run_folder_config(tmp_path):
    """`hnn-netpyne plot` of a folder whose config.json holds a string duration."""
    from hnn_netpyne.analysis.figures import checked_run_values

    cfg = {"duration": 20.0, "dipoleSmoothWindowMs": 0.0, "dipoleScaleFactor": 1.0,
           "nTrials": 1.0}
    assert checked_run_values(cfg, {"L2Pyr": [0, 9]}) == 1
    for key, value in (("duration", "abc"), ("nTrials", "1"), ("nTrials", 0)):
        with pytest.raises(ValueError, match=key):
            checked_run_values(dict(cfg, **{key: value}), {"L2Pyr": [0, 9]})
    with pytest.raises(ValueError, match="gid_ranges"):
        checked_run_values(cfg, {"L2Pyr": ["a", 9]})
