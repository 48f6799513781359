"""The results of a sweep: one self-describing HDF5 file, built from a journal.

While a sweep runs, every finished point (done or failed) is written to its
own small HDF5 file in ``<save_folder>/.points/``, first under a temporary
name and then renamed, so a point is either complete or absent: a killed
sweep leaves no half-written point. A resumed sweep with the same points
and settings (the same ``sweep_id``) skips every point found there or in
the store. When the sweep ends, :meth:`SweepStore.consolidate` writes
``<save_folder>/sweep.h5`` (again through a temporary name) and removes
the journal.

``sweep.h5`` holds:

* attributes ``format`` ('hnn-netpyne sweep'), ``format_version``,
  ``sweep_id``, ``settings`` (JSON: tstop, dt, n_trials ...),
  ``param_names`` (JSON) and ``created`` (UTC, ISO 8601);
* ``table/``: one 1-D dataset per column (``point``, each parameter,
  ``status``, ``error`` and the summary statistics), each with a
  ``description`` attribute; :func:`read_table` gives it as a pandas
  DataFrame;
* ``points/<point>/``: the requested outputs of each finished point:
  ``dpl`` (n_trials x 3 x n_times, nAm, layers agg/L2/L5), ``times`` (ms);
  with ``save_spiking``, ``spike_times`` (ms), ``spike_gids`` and
  ``spike_trials``; with ``save_lfp``, ``save_voltages`` or
  ``save_currents``, the electrode potentials (µV) and section traces
  (mV, nA) in the flat layout of a run folder's ``results.npz``
  (``extracellular_names``, ``extracellular_<a>_<trial>``, ``vsec_keys``,
  ``vsec_<trial>`` ...; see :mod:`hnn_netpyne.analysis.recordings`).
"""

import datetime
import json
import re
import shutil
from pathlib import Path

import numpy as np

from hnn_netpyne.analysis.io import OutputError, atomic_write

STORE_NAME = "sweep.h5"
JOURNAL_NAME = ".points"
FORMAT = "hnn-netpyne sweep"
FORMAT_VERSION = 1
COLUMN_DESCRIPTIONS = {
    "point": "index of the point in the sweep",
    "status": "'done', 'failed' or 'pending' (not simulated yet)",
    "error": "why a failed point failed",
    "dpl_peak_nAm": "max |aggregate dipole| of the trial average (nAm, or scaled with postproc)",
    "dpl_peak_time_ms": "time of that peak (ms)",
    "dpl_min_nAm": "minimum of the trial-averaged aggregate dipole",
    "dpl_max_nAm": "maximum of the trial-averaged aggregate dipole",
    "rebuilt": "1 if the worker built the network for this point, 0 if it set values in place",
    "cpu_s": "CPU seconds (user + system) of the worker process for this point",
    "wall_s": "wall seconds of the point on its worker",
}
OUTPUT_UNITS = {"dpl": "nAm", "times": "ms", "spike_times": "ms", "spike_gids": "gid",
                "spike_trials": "trial index", "recorded_gids": "gid"}
# Units of the per-trial recordings, by the prefix of their names.
RECORDING_UNITS = {"extracellular_": "µV", "vsec_": "mV", "isec_": "nA", "ca_": "mM"}


def _h5py():
    try:
        import h5py
    except ImportError as err:  # pragma: no cover - h5py comes with the batch extra
        raise OutputError("sweeps store their results with h5py: pip install "
                          "'hnn-netpyne[batch]'") from err
    return h5py


def _point_name(index):
    return f"{index:07d}"


def _units(name):
    if name.endswith(("_keys", "_names")):
        return ""
    prefixes = [unit for prefix, unit in RECORDING_UNITS.items() if name.startswith(prefix)]
    return OUTPUT_UNITS.get(name, prefixes[0] if prefixes else "")


def _write_outputs(group, outputs):
    for name, array in outputs.items():
        array = np.asarray(array)
        if array.dtype.kind == "U":  # HDF5 holds variable-length UTF-8, not numpy's UCS-4
            array = np.array(array.tolist(), dtype=_h5py().string_dtype()).reshape(array.shape)
        dataset = group.create_dataset(name, data=array)
        dataset.attrs["units"] = _units(name)
    if "dpl" in outputs:
        group["dpl"].attrs["layers"] = ["agg", "L2", "L5"]


def _read_dataset(dataset):
    if _h5py().check_string_dtype(dataset.dtype) is not None:
        return dataset.asstr()[()].astype(str)
    return dataset[()]


def _read_record(group, outputs=True):
    attrs = group.attrs
    record = {"status": str(attrs["status"]), "error": str(attrs["error"]),
              "params": json.loads(attrs["params"]), "summary": json.loads(attrs["summary"])}
    if outputs:
        record["outputs"] = {name: _read_dataset(group[name]) for name in group}
    return record


def _copy_point(source, group):
    """Copy one point's attributes and outputs from an HDF5 group or file into ``group``."""
    group.attrs.update({key: source.attrs[key] for key in ("status", "error", "params",
                                                            "summary")})
    for name in source:
        source.copy(source[name], group, name=name)


class SweepStore:
    """Journal and store of one sweep in ``folder``.

    Parameters
    ----------
    folder : str | pathlib.Path
        The sweep's folder (hnn-core's ``save_folder``).
    sweep_id : str
        Digest of the points and settings; a store or journal of another
        sweep is replaced if ``overwrite``, else refused.
    overwrite : bool
        Replace the results of a different sweep found in ``folder``.
    """

    def __init__(self, folder, sweep_id, overwrite=True):
        self.folder = Path(folder)
        self.path = self.folder / STORE_NAME
        self.journal = self.folder / JOURNAL_NAME
        self.sweep_id = sweep_id
        found = self._found_sweep_ids()
        if found - {sweep_id}:
            if not overwrite:
                other = sorted(found - {sweep_id})[0]
                raise OutputError(f"{self.folder} holds another sweep's results ({other}); "
                                  "choose another save_folder or pass overwrite=True")
            shutil.rmtree(self.journal, ignore_errors=True)
            self.path.unlink(missing_ok=True)
        self.journal.mkdir(parents=True, exist_ok=True)

    def _found_sweep_ids(self):
        """Sweep ids of the store and the journal's points; an unreadable file, or a
        journal file not named as a point, counts as another sweep's."""
        paths = [self.path] if self.path.exists() else []
        if self.journal.is_dir():
            paths += sorted(self.journal.glob("*.h5"))
        return {_sweep_id_of(path, path == self.path) for path in paths}

    def _sources(self):
        """Point -> (file, group) holding it: the journal over an earlier store."""
        h5py = _h5py()
        sources = {}
        if self.path.exists():
            with h5py.File(self.path, "r") as store:
                sources = {int(name): (self.path, f"points/{name}")
                           for name in store.get("points", {})}
        for path in sorted(self.journal.glob("*.h5")):
            sources[int(path.stem)] = (path, "/")
        return sources

    def finished(self):
        """Status, error, parameters and summary of each finished point (done or failed).

        Returns
        -------
        records : dict
            Point -> record (without its outputs; see :func:`read_point`).
        """
        h5py = _h5py()
        records = {}
        for index, (path, name) in self._sources().items():
            with h5py.File(path, "r") as source:
                records[index] = _read_record(source[name], outputs=False)
        return records

    def write_point(self, index, params, record):
        """Journal one finished point (atomically: a temporary file, then a rename)."""
        h5py = _h5py()

        def write(fid):
            with h5py.File(fid, "w") as point:
                point.attrs.update(sweep_id=self.sweep_id, status=record["status"],
                                   error=record["error"], params=json.dumps(params),
                                   summary=json.dumps(record["summary"]))
                _write_outputs(point, record["outputs"])

        atomic_write(self.journal / f"{_point_name(index)}.h5", write, binary=True)

    def consolidate(self, points, settings):
        """Write ``sweep.h5`` from the journal (and an earlier store), then drop the journal.

        Returns
        -------
        path : pathlib.Path
            The store.
        """
        h5py = _h5py()
        sources = self._sources()
        records = self.finished()
        created = datetime.datetime.now(datetime.timezone.utc).isoformat()

        def write(fid):
            with h5py.File(fid, "w") as store:
                store.attrs.update(format=FORMAT, format_version=FORMAT_VERSION,
                                   sweep_id=self.sweep_id, settings=json.dumps(settings),
                                   param_names=json.dumps(list(points[0])), created=created)
                columns = _table_columns(points, records)
                for column, (values, description) in columns.items():
                    dataset = store.create_dataset(f"table/{column}", data=values)
                    dataset.attrs["description"] = description
                store["table"].attrs["columns"] = json.dumps(list(columns))
                for index, (path, name) in sorted(sources.items()):
                    with h5py.File(path, "r") as source:
                        group = store.create_group(f"points/{_point_name(index)}")
                        _copy_point(source[name], group)

        atomic_write(self.path, write, binary=True)
        shutil.rmtree(self.journal, ignore_errors=True)
        return self.path


_POINT_NAME = re.compile(r"[0-9]{7}\.h5")


def _sweep_id_of(path, is_store):
    """The ``sweep_id`` attribute of a store or point file; for a file that is not
    one (unreadable, or a journal file not named as a point), its path."""
    if not is_store and not _POINT_NAME.fullmatch(path.name):
        return f"<not a point: {path}>"
    try:
        with _h5py().File(path, "r") as data:
            return str(data.attrs.get("sweep_id"))
    except OSError:
        return f"<unreadable: {path}>"


def _column_array(values):
    if all(isinstance(v, str) for v in values):
        return np.array(values, dtype=_h5py().string_dtype())
    return np.array(values, dtype=float)


def _table_columns(points, records):
    """Column -> (array, description) of the parameter and summary table."""
    columns = {"point": (np.arange(len(points)), COLUMN_DESCRIPTIONS["point"])}
    for name in points[0]:
        columns[name] = (_column_array([p[name] for p in points]), "parameter value")
    status = [records[i]["status"] if i in records else "pending" for i in range(len(points))]
    errors = [records[i]["error"] if i in records else "" for i in range(len(points))]
    columns["status"] = (_column_array(status), COLUMN_DESCRIPTIONS["status"])
    columns["error"] = (_column_array(errors), COLUMN_DESCRIPTIONS["error"])
    stats = []
    for record in records.values():
        stats += [k for k in record["summary"] if k not in stats]
    for stat in stats:
        values = [records.get(i, {}).get("summary", {}).get(stat, np.nan)
                  for i in range(len(points))]
        description = COLUMN_DESCRIPTIONS.get(stat, "spikes per trial of this population"
                                              if stat.startswith("spikes_") else "statistic")
        columns[stat] = (np.array(values, dtype=float), description)
    return columns


def read_table(path):
    """The parameter and summary table of a sweep store, as a pandas DataFrame."""
    import pandas as pd

    h5py = _h5py()
    with h5py.File(path, "r") as store:
        if store.attrs.get("format") != FORMAT:
            raise OutputError(f"{path} is not an hnn-netpyne sweep store")
        table = store["table"]
        columns = {name: table[name][()] for name in json.loads(table.attrs["columns"])}
    for name, values in columns.items():
        if values.dtype.kind == "O":
            columns[name] = [v.decode() if isinstance(v, bytes) else v for v in values]
    return pd.DataFrame(columns).set_index("point")


def read_point(path, index):
    """The stored outputs, parameters and summary of one point of a sweep store."""
    h5py = _h5py()
    with h5py.File(path, "r") as store:
        name = f"points/{_point_name(index)}"
        if name not in store:
            raise OutputError(f"{path} has no finished point {index}")
        return _read_record(store[name])
