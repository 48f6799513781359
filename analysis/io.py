"""Reading and writing a run's output files, atomically and with checks.

A run folder holds:

* ``dipole_<k>.txt`` for each trial and ``dipole_avg.txt``: HNN's
  tab-separated columns t (ms), agg, L2, L5;
* ``spikes.txt``: time (ms), gid, population and trial, one spike a line;
* ``config.json``: the exact simConfig and netParams of the run;
* ``netpyne_data.pkl``/``.json``: NetPyNE's own data file;
* ``manifest.json``: written last; a folder without it is incomplete.

Every file is written to a temporary name and renamed into place, so a
killed run never leaves a half-written file that looks valid.
"""

import json
import os
import tempfile
from pathlib import Path

import numpy as np

from hnn_netpyne.errors import OutputError  # noqa: F401 -- re-exported for its importers

MANIFEST = "manifest.json"
INCOMPLETE_MARKER = "RUN_INCOMPLETE"


def _umask_mode():
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path, write):
    """Call ``write(fileobj)`` on a temporary file, then rename it to ``path``."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fid:
            write(fid)
            fid.flush()
            os.fsync(fid.fileno())
        # mkstemp creates private files; give outputs the usual permissions.
        os.chmod(tmp, _umask_mode())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_json(path, data):
    """Write ``data`` as indented JSON, atomically."""
    atomic_write(path, lambda fid: json.dump(data, fid, indent=1, sort_keys=True))


def write_dipole_txt(path, dipole):
    """Write a :class:`~hnn_netpyne.analysis.dipole.Dipole` in HNN's text format."""
    layers = [k for k in ("agg", "L2", "L5") if k in dipole.data]
    table = np.column_stack([dipole.times] + [dipole.data[k] for k in layers])
    atomic_write(path, lambda fid: np.savetxt(fid, table, fmt="%.10g", delimiter="\t"))


def read_dipole_txt(path):
    """Read an HNN dipole text file.

    Returns
    -------
    dipole : Dipole
        In the units the file was written in (taken as nAm).

    Raises
    ------
    OutputError
        If the file is missing, not numeric, not four columns, or its times
        are not evenly increasing.
    """
    from hnn_netpyne.analysis.dipole import Dipole

    path = Path(path)
    try:
        table = np.loadtxt(path, ndmin=2)
    except (OSError, ValueError) as err:
        raise OutputError(f"{path}: not a readable dipole file ({err})") from None
    if table.shape[1] not in (2, 4) or table.shape[0] < 2:
        raise OutputError(
            f"{path}: expected 4 columns (t, agg, L2, L5) or 2 (t, agg) and at least 2 rows, "
            f"got shape {table.shape}"
        )
    if not np.all(np.isfinite(table)):
        raise OutputError(f"{path}: contains NaN or infinite values")
    steps = np.diff(table[:, 0])
    if np.any(steps <= 0) or not np.allclose(steps, steps[0], rtol=1e-6, atol=1e-9):
        raise OutputError(f"{path}: time column is not evenly increasing")
    return Dipole(table[:, 0], table[:, 1:])


def write_spikes_txt(path, spikes_per_trial, gid_ranges):
    """Write spikes of every trial: time (ms), gid, population, trial."""
    pops = sorted(gid_ranges.items(), key=lambda item: item[1][0])

    def population(gid):
        for name, (start, stop) in pops:
            if start <= gid < stop:
                return name
        raise OutputError(f"gid {gid} belongs to no population")

    def write(fid):
        for trial, (times, gids) in enumerate(spikes_per_trial):
            for t, gid in zip(times, gids):
                fid.write(f"{t:.10g}\t{int(gid)}\t{population(int(gid))}\t{trial}\n")

    atomic_write(path, write)


def read_spikes_txt(path):
    """Read a spikes file: (times, gids, populations, trials)."""
    path = Path(path)
    times, gids, pops, trials = [], [], [], []
    try:
        lines = path.read_text().splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise OutputError(f"{path}: cannot read spikes ({err})") from None
    for lineno, line in enumerate(lines, start=1):
        fields = line.split("\t")
        try:
            if len(fields) != 4:
                raise ValueError("expected 4 tab-separated fields")
            times.append(float(fields[0]))
            gids.append(int(fields[1]))
            pops.append(fields[2])
            trials.append(int(fields[3]))
        except ValueError as err:
            raise OutputError(f"{path}, line {lineno}: {err}: {line!r}") from None
    return np.array(times), np.array(gids, dtype=int), np.array(pops), np.array(trials, dtype=int)


def prepare_run_folder(folder, overwrite=False):
    """Create an empty run folder, marked incomplete until :func:`finish_run_folder`.

    Raises
    ------
    OutputError
        If the folder exists and is not empty, unless ``overwrite``.
    """
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        if not overwrite:
            raise OutputError(
                f"output folder {folder} is not empty; choose another folder or "
                "pass --overwrite to replace its contents"
            )
        for item in folder.iterdir():
            if item.is_file() or item.is_symlink():
                item.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / INCOMPLETE_MARKER).write_text("this run has not finished\n")
    return folder


def finish_run_folder(folder, files):
    """Write the manifest (listing ``files``) and drop the incomplete marker."""
    folder = Path(folder)
    write_json(folder / MANIFEST, {"complete": True, "files": sorted(files)})
    marker = folder / INCOMPLETE_MARKER
    if marker.exists():
        marker.unlink()


def check_run_folder(folder):
    """Raise :class:`OutputError` unless ``folder`` holds a complete run."""
    folder = Path(folder)
    if not folder.is_dir():
        raise OutputError(f"{folder} is not a folder")
    if (folder / INCOMPLETE_MARKER).exists() or not (folder / MANIFEST).exists():
        raise OutputError(f"{folder} holds an incomplete run (no manifest); rerun it")
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as err:
        raise OutputError(f"{folder / MANIFEST}: unreadable manifest ({err})") from None
    missing = [f for f in manifest.get("files", []) if not (folder / f).exists()]
    if missing:
        raise OutputError(f"{folder}: files listed in the manifest are missing: {missing}")
    return manifest
