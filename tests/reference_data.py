"""Access to hnn-core 0.6.1's reference outputs copied into tests/data."""

from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"


def load_reference(name):
    """Arrays of one hnn-core reference scenario (see data/REFERENCE_README.md)."""
    with np.load(DATA / f"{name}.npz") as z:
        return {k: z[k] for k in z.files}


def reference_drive_events(ref):
    """{drive name: (times, gids)} of a reference, each sorted by (gid, time)."""
    events = {}
    for key in ref:
        if key.startswith("drive_") and key.endswith("_times"):
            name = key[len("drive_"):-len("_times")]
            times, gids = ref[key], ref[f"drive_{name}_gids"]
            order = np.lexsort((times, gids))
            events[name] = (times[order], gids[order])
    return events


def reference_cell_spikes(ref, n_cells=270, tstop=None):
    """Cell spikes of a reference (drive sources excluded), sorted by (gid, time)."""
    times, gids = ref["spike_times"], ref["spike_gids"]
    keep = gids < n_cells
    if tstop is not None:
        keep &= times <= tstop
    times, gids = times[keep], gids[keep]
    order = np.lexsort((times, gids))
    return times[order], gids[order].astype(int)


def run_scenario(cfg, folder, n_procs=1, timeout=1800):
    """Simulate ``cfg`` in a fresh process (or ``n_procs`` MPI ranks) into ``folder``.

    Returns the run's ``results.npz`` arrays.
    """
    import json
    import subprocess
    import sys

    from hnn_netpyne.runtime.mpienv import mpi_environment

    folder = Path(folder)
    cfg = dict(cfg, outputDir=str(folder))
    config_file = folder.parent / f"{folder.name}_config.json"
    config_file.write_text(json.dumps(cfg))
    runner = Path(__file__).parent / "scenario_runner.py"
    bin_dir = Path(sys.executable).parent
    cmd = [sys.executable, str(runner), str(config_file)]
    if n_procs > 1:
        cmd = [str(bin_dir / "mpiexec"), "-n", str(n_procs), str(bin_dir / "nrniv"), "-python",
               "-mpi", str(runner), str(config_file)]
    proc = subprocess.run(cmd, env=mpi_environment(), capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"run failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    with np.load(folder / "results.npz") as z:
        return {k: z[k] for k in z.files}


def compare_with_reference(results, ref, trial=1, postprocessed=True):
    """Errors of one trial of a run against an hnn-core reference.

    Returns
    -------
    errors : dict
        ``drive_spikes_identical``, ``n_cell_spikes`` (ours, theirs),
        ``max_spike_shift_ms``, and per dipole array the max |ours - ref|
        divided by max |ref| (keys like 'agg', 'L2', 'pp_agg').
    """
    from hnn_netpyne.analysis.dipole import Dipole

    times = results["times"]
    n = len(times)
    tstop = float(times[-1])
    errors = {}
    gids = results[f"spike_gids_{trial}"]
    spikes = results[f"spike_times_{trial}"]
    ref_times, ref_gids = ref["spike_times"], ref["spike_gids"]
    drive_ours = np.lexsort((spikes[gids >= 270], gids[gids >= 270]))
    ref_drive = (ref_gids >= 270) & (ref_times <= tstop + 1e-9)
    drive_theirs = np.lexsort((ref_times[ref_drive], ref_gids[ref_drive]))
    errors["drive_spikes_identical"] = bool(
        np.array_equal(spikes[gids >= 270][drive_ours], ref_times[ref_drive][drive_theirs])
        and np.array_equal(gids[gids >= 270][drive_ours], ref_gids[ref_drive][drive_theirs])
    )
    cell = gids < 270
    order = np.lexsort((spikes[cell], gids[cell]))
    ours_t, ours_g = spikes[cell][order], gids[cell][order]
    ref_t, ref_g = reference_cell_spikes(ref, tstop=tstop)
    errors["n_cell_spikes"] = (len(ours_t), len(ref_t))
    if np.array_equal(ours_g, ref_g):
        errors["max_spike_shift_ms"] = float(np.max(np.abs(ours_t - ref_t), initial=0.0))
    else:
        errors["max_spike_shift_ms"] = float("inf")
    np.testing.assert_allclose(times, ref["times"][:n], rtol=0, atol=1e-9)
    dpl = Dipole.from_raw(times, results[f"dipole_fAm_L2_{trial}"],
                          results[f"dipole_fAm_L5_{trial}"], n_pyramidal_per_layer=100)
    for layer in ("agg", "L2", "L5"):
        theirs = ref[f"dipole_{layer}"][0][:n]
        errors[layer] = float(np.max(np.abs(dpl.data[layer] - theirs)) / np.max(np.abs(theirs)))
    if postprocessed:
        dpl.postprocess(float(ref["pp_smooth_win_ms"]), float(ref["pp_scale_factor"]))
        for layer in ("agg", "L2", "L5"):
            theirs = ref[f"dipole_pp_{layer}"][0]
            errors[f"pp_{layer}"] = float(np.max(np.abs(dpl.data[layer] - theirs))
                                          / np.max(np.abs(theirs)))
    return errors


def assert_matches_reference(errors, dipole_tolerance=1e-3):
    """The drives/dipole issue's acceptance criteria."""
    assert errors["drive_spikes_identical"], errors
    assert errors["n_cell_spikes"][0] == errors["n_cell_spikes"][1], errors
    # One time step (0.025 ms), allowing for float rounding of NEURON's t.
    assert errors["max_spike_shift_ms"] <= 0.025 + 1e-9, errors
    for key, value in errors.items():
        if key in ("agg", "L2", "L5", "pp_agg", "pp_L2", "pp_L5"):
            assert value <= dipole_tolerance, (key, errors)
