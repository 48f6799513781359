"""Reading and writing a run's output files, atomically and with checks.

A run folder holds:

* ``dipole_<k>.txt`` for each trial and ``dipole_avg.txt``: HNN's
  tab-separated columns t (ms), agg, L2, L5;
* ``spikes.txt``: time (ms), gid, population and trial, one spike a line;
* ``README.txt``: what each file of the folder is.

Files number trials from 1 (``dipole_1.txt``, the trial column of
``spikes.txt``, the keys of ``results.npz``); the Python API's lists count
from 0, as hnn-core's.
* ``config.json``: the exact simConfig and netParams of the run;
* ``netpyne_data.pkl``/``.json``: NetPyNE's own data file;
* ``manifest.json``: written last; a folder without it is incomplete.

A run writes into a hidden staging folder beside its run folder
(``.<name>.partial``), holds a lock file beside it (``.<name>.lock``) and
moves the staging folder into place only when every output is written, so
a failed or killed run leaves the previous complete run as it was.
A folder whose every file (at every depth) an earlier complete run listed in
its manifest is replaced (by default in the default run folder, else with
``--overwrite``); a file no run of ours wrote is never replaced. The lock is
an ``flock``: taken atomically, ended with its holder. Every file is written to a temporary name and renamed into
place, so a killed run never leaves a half-written file that looks valid.
"""

import contextlib
import io
import json
import os
import shutil
import socket
import stat
import tempfile
from pathlib import Path

import numpy as np

from hnn_netpyne.errors import OutputError, ParameterError

MANIFEST = "manifest.json"
INCOMPLETE_MARKER = "RUN_INCOMPLETE"
MAX_OUTPUT_FILE_BYTES = 2**32
"""Largest run-folder file read back (a 1000 s run at dt = 0.025 ms is about 2.4 GB)."""


def _umask_mode():
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path, write, binary=False):
    """Call ``write(fileobj)`` on a temporary file beside ``path``, then rename it to ``path``.

    The one way the package writes a file: a failed or killed write leaves
    no partial file under the final name, and the file gets the permissions
    ``open`` would give it (the umask's).

    Parameters
    ----------
    path : str | pathlib.Path
        Destination; its folder must exist.
    write : callable
        Writes the contents into the file object it is given.
    binary : bool
        Open the file in binary read-write mode (h5py can write into it).
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w+b" if binary else "w") as fid:  # h5py reads back what it writes
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


def copy_file(source, target):
    """Copy ``source`` to ``target`` with :func:`atomic_write`."""
    with open(source, "rb") as src:
        atomic_write(target, lambda fid: shutil.copyfileobj(src, fid), binary=True)


def write_json(path, data):
    """Write ``data`` as indented JSON, atomically."""
    atomic_write(path, lambda fid: json.dump(data, fid, indent=1, sort_keys=True))


def write_dipole_txt(path, dipole):
    """Write a :class:`~hnn_netpyne.analysis.dipole.Dipole` in HNN's text format."""
    layers = [k for k in ("agg", "L2", "L5") if k in dipole.data]
    table = np.column_stack([dipole.times] + [dipole.data[k] for k in layers])
    atomic_write(path, lambda fid: np.savetxt(fid, table, fmt="%.10g", delimiter="\t"))


RUN_README = """This folder is one run of hnn-netpyne ({label}, {n_trials} trial(s), {duration:g} ms).
Trials are numbered from 1 in every file.

dipole_<k>.txt      dipole of trial k: t (ms), aggregate, L2/3, L5 (nAm), HNN's text format
dipole_avg.txt      the average of the trials' dipoles, same columns
spikes.txt          every spike: time (ms), gid, population, trial
results.npz         raw arrays: times (ms); for trial k dipole_fAm_L2_k, dipole_fAm_L5_k
                    (fAm, as NEURON summed them), spike_times_k (ms), spike_gids_k
config.json         the exact simConfig and netParams of the run, and the gid ranges
netpyne_data.json   NetPyNE's own data file (sim.saveData)
README.txt          this file
Figures (not drawn with --no-plots):
dipole.png          dipoles of the trials, smoothed and scaled as the parameter file says
raster.png          spikes of all trials by population
spike_histogram.png spike counts of drives and cells over time, all trials
spectrogram.png     Morlet spectrogram of the (trial-averaged) aggregate dipole
manifest.json       written last: the list of files; without it the run is not complete
"""


def write_run_readme(folder, label, n_trials, duration):
    """Write the run folder's ``README.txt`` (what each file is)."""
    text = RUN_README.format(label=label, n_trials=n_trials, duration=duration)
    atomic_write(Path(folder) / "README.txt", lambda fid: fid.write(text))
    return "README.txt"


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
        table = np.loadtxt(io.StringIO(_output_text(path)), ndmin=2)
    except ValueError as err:
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
    """Write spikes of every trial: time (ms), gid, population, trial (from 1, as the files)."""
    pops = sorted(gid_ranges.items(), key=lambda item: item[1][0])

    def population(gid):
        for name, (start, stop) in pops:
            if start <= gid < stop:
                return name
        raise OutputError(f"gid {gid} belongs to no population")

    def write(fid):
        for trial, (times, gids) in enumerate(spikes_per_trial, start=1):
            for t, gid in zip(times, gids):
                fid.write(f"{t:.10g}\t{int(gid)}\t{population(int(gid))}\t{trial}\n")

    atomic_write(path, write)


def read_spikes_txt(path):
    """Read a spikes file: (times, gids, populations, trials)."""
    path = Path(path)
    times, gids, pops, trials = [], [], [], []
    lines = _output_text(path).splitlines()
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


def staging_folder(folder):
    """The hidden folder beside ``folder`` that a run writes into until it is complete."""
    folder = Path(folder)
    return folder.parent / f".{folder.name}.partial"


def _lock_file(folder):
    folder = Path(os.path.abspath(folder))  # one name per lock, however the folder was given
    return folder.parent / f".{folder.name}.lock"


_held_locks = {}
"""Lock file path -> open file descriptor, for the run-folder locks this process holds."""


def _lock_holder(lock):
    """(host, pid) written in ``lock``, or None if it is unreadable or not written yet."""
    from hnn_netpyne.readers import read_text

    try:
        host, pid = read_text(lock, max_bytes=1000).split()
        return host, int(pid)
    except (ParameterError, ValueError):
        return None


def _flock_same_file(lock):
    """Open ``lock`` (created if missing) and take an exclusive ``flock`` without waiting.

    Returns the descriptor, or None if another process holds the lock. The
    kernel releases a ``flock`` when its holder ends, however it ends, so a
    lock is never stale; a lock file that was replaced meanwhile (its holder
    removed it on release) is tried again.
    """
    import fcntl

    for _ in range(100):
        fd = os.open(lock, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        try:
            same = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # released and removed by its holder meanwhile: take the new one
    raise OutputError(f"cannot take the lock {lock}: it keeps being replaced")


def lock_run_folder(folder):
    """Take the lock of run folder ``folder`` for this process (``flock`` on a file beside it).

    Taking it is atomic: of any number of processes that try at once,
    exactly one gets it. The lock ends with its holder (even a killed one);
    the file names the holder (host and pid) for the others' message.

    Raises
    ------
    OutputError
        If another process holds it.
    """
    folder = Path(folder)
    lock = _lock_file(folder)
    fd = _flock_same_file(lock)
    if fd is None:
        holder = _lock_holder(lock)
        who = f"{holder[0]}, pid {holder[1]}" if holder else "a process starting up"
        raise OutputError(f"output folder {folder} is being written by another run ({who}; "
                          f"lock {lock}); wait for it or choose another --output")
    os.ftruncate(fd, 0)
    os.write(fd, f"{socket.gethostname()} {os.getpid()}\n".encode())
    _held_locks[str(lock)] = fd
    return lock


def unlock_run_folder(folder):
    """Release this process's lock of ``folder`` (no error if it holds none).

    The file is removed while still locked, so nobody takes a lock on a
    file that is about to disappear (:func:`_flock_same_file`).
    """
    lock = _lock_file(Path(folder))
    fd = _held_locks.pop(str(lock), None)
    if fd is None:
        return
    with contextlib.suppress(FileNotFoundError):
        lock.unlink()
    os.close(fd)


def _manifest_files(folder):
    """The paths (relative, '/'-separated) that the manifest of ``folder`` lists, or an empty set."""
    try:
        files = read_output_json(folder / MANIFEST)["files"]
    except (OutputError, KeyError, TypeError):
        return set()
    if not isinstance(files, list):
        return set()
    return {name for name in files if isinstance(name, str)} | {MANIFEST}


def foreign_entries(folder):
    """Paths in ``folder``, at any depth, that no run or export of ours wrote.

    Ours are the regular files the folder's manifest lists, and the folders
    on their paths. Anything else is foreign: an unlisted file (named
    itself, however deep), a listed name that is now a link, a pipe or a
    folder, an empty folder on no listed path. Links are never followed.
    """
    folder = Path(folder)
    listed = _manifest_files(folder)
    parents = {parent.as_posix() for name in listed for parent in Path(name).parents}
    foreign = []

    def walk(directory, prefix):
        entries = sorted(os.scandir(directory), key=lambda item: item.name)
        if not entries and prefix and prefix.rstrip("/") not in parents:
            foreign.append(prefix)  # an empty folder that no run made
        for entry in entries:
            relative = f"{prefix}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, relative + "/")
            elif not (relative in listed and entry.is_file(follow_symlinks=False)):
                foreign.append(relative)

    walk(folder, "")
    return foreign


def _check_target(folder, overwrite):
    """Refuse a target that is not a folder, or that holds what a new run must not replace.

    A folder whose every file (at every depth) an earlier complete run or
    export of ours listed in its manifest is replaced with ``overwrite``;
    a file that no run of ours wrote is never replaced.
    """
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise OutputError(f"output folder {folder} exists and is not a folder")
    if not folder.exists() or not any(folder.iterdir()):
        return
    foreign = foreign_entries(folder)
    if INCOMPLETE_MARKER in foreign and not (folder / MANIFEST).exists():
        raise OutputError(f"output folder {folder} holds an unfinished run of an older "
                          f"hnn-netpyne ({INCOMPLETE_MARKER}, no manifest listing its files); "
                          "remove the folder by hand or choose another one")
    if foreign:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        raise OutputError(f"output folder {folder} is not empty: it holds files that no "
                          f"hnn-netpyne run wrote ({shown}), which are never replaced (not "
                          "even with --overwrite); move them or choose another folder")
    if not overwrite:
        raise OutputError(f"output folder {folder} is not empty: it holds an earlier run; "
                          "pass --overwrite to replace it, or choose another folder")


def prepare_run_folder(folder, overwrite=False):
    """Lock ``folder`` and create its empty staging folder, marked incomplete.

    The run writes into the staging folder (:func:`staging_folder`);
    :func:`finish_run_folder` moves it into place, so a failed or killed run
    leaves the previous complete output as it was.

    Returns
    -------
    staging : pathlib.Path

    Raises
    ------
    OutputError
        If ``folder`` is not a folder, is not empty (unless ``overwrite``),
        holds files no run wrote, is locked by another run, or cannot be
        written.
    """
    folder = Path(folder)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        lock_run_folder(folder)
    except OSError as err:
        raise OutputError(f"cannot write output folder {folder}: {err.strerror}") from None
    try:  # under the lock: nobody else checks or writes this folder meanwhile
        _check_target(folder, overwrite)
        staging = staging_folder(folder)
        if staging.exists():
            shutil.rmtree(staging)  # left by a run that failed
        staging.mkdir()
        (staging / INCOMPLETE_MARKER).write_text("this run has not finished\n")
    except OSError as err:
        unlock_run_folder(folder)
        raise OutputError(f"cannot write output folder {folder}: {err.strerror}") from None
    except OutputError:
        unlock_run_folder(folder)
        raise
    return staging


def finish_run_folder(folder, files, staging=None):
    """Write the manifest (listing ``files``) and put the complete run in place.

    Parameters
    ----------
    folder : str | pathlib.Path
        The run folder.
    files : list of str
        Names of the files the run wrote.
    staging : str | pathlib.Path | None
        The staging folder the files are in; None if they are in ``folder``.
    """
    folder = Path(folder)
    source = folder if staging is None else Path(staging)
    write_json(source / MANIFEST, {"complete": True, "files": sorted(files)})
    with contextlib.suppress(FileNotFoundError):
        (source / INCOMPLETE_MARKER).unlink()
    if staging is None:
        return
    replaced = folder.parent / f".{folder.name}.replaced"
    if folder.exists():
        shutil.rmtree(replaced, ignore_errors=True)
        os.replace(folder, replaced)
        # Checked once moved aside, where nobody adds files: what was added
        # while the run ran stays, with the earlier run, where it was.
        foreign = foreign_entries(replaced)
        if foreign:
            os.replace(replaced, folder)
            raise OutputError(f"output folder {folder}: files that no hnn-netpyne run wrote "
                              f"appeared while the run ran ({', '.join(foreign[:5])}); it was "
                              "not replaced")
    os.replace(source, folder)
    shutil.rmtree(replaced, ignore_errors=True)
    unlock_run_folder(folder)


@contextlib.contextmanager
def staged_output(folder, overwrite=False):
    """Write an output folder (an export) through a staging folder, under its lock.

    Yields the staging folder; call :func:`finish_run_folder` inside the
    block to put it in place. On an error the staging folder is removed and
    ``folder`` stays as it was.
    """
    staging = prepare_run_folder(folder, overwrite)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        unlock_run_folder(folder)


def check_run_folder(folder):
    """Raise :class:`OutputError` unless ``folder`` holds a complete run."""
    folder = Path(folder)
    if not folder.is_dir():
        raise OutputError(f"{folder} is not a folder")
    if (folder / INCOMPLETE_MARKER).exists() or not (folder / MANIFEST).exists():
        raise OutputError(f"{folder} holds an incomplete run (no manifest); rerun it")
    manifest = read_output_json(folder / MANIFEST)
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise OutputError(f"{folder / MANIFEST}: no list of file names under 'files'")
    missing = [f for f in files if not (folder / f).exists()]
    if missing:
        raise OutputError(f"{folder}: files listed in the manifest are missing: {missing}")
    odd = [f for f in files if not stat.S_ISREG(os.stat(folder / f).st_mode)]
    if odd:
        raise OutputError(f"{folder}: not regular files (a pipe or device is never read): {odd}")
    return manifest


def read_output_json(path):
    """The data of a JSON file of a run folder, read with the limits of :mod:`hnn_netpyne.readers`.

    Raises
    ------
    OutputError
        If it is not a readable regular file of valid JSON within the limits.
    """
    from hnn_netpyne.readers import read_json

    try:
        return read_json(path, MAX_OUTPUT_FILE_BYTES, max_keys=50_000_000)
    except ParameterError as err:
        raise OutputError(str(err)) from None


def _output_text(path):
    from hnn_netpyne.readers import read_text

    try:
        return read_text(path, MAX_OUTPUT_FILE_BYTES)
    except ParameterError as err:
        raise OutputError(str(err)) from None
