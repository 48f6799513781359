"""Parameter sweeps from the page: ``hnn-netpyne sweep`` on the model saved now,
its points scored against the recorded dipole, and a point loaded back."""

import copy
import json
import re

from hnn_netpyne.analysis.io import atomic_write
from hnn_netpyne.checks import check_range
from hnn_netpyne.errors import ParameterError
from hnn_netpyne.gui.drive_forms import FIELDS, per_type_fields
from hnn_netpyne.gui.runs import Worker

SWEEPS_FOLDER = "gui_sweeps"
FITS_FOLDER = "gui_fits"
"""Workspace folder of the fits: ``<label>.json`` (fit file), ``<label>.network.json``
and ``<label>.result.json`` (the best values)."""
"""Workspace folder of the sweeps: ``<label>.json`` (sweep file), ``<label>.network.json``
and ``<label>/`` (the sweep folder with ``sweep.h5``)."""
MAX_SWEEP_POINTS = 10_000


def sweepable_names(rows):
    """``<drive>.<field>[.<cell type>]`` of every numeric field of the drive rows."""
    names = []
    for row in rows:
        if row["type"] not in FIELDS:
            continue
        names += [f"{row['name']}.{f.key}" for f in FIELDS[row["type"]]
                  if f.kind in ("float", "int", "optional_float")]
        names += [f"{row['name']}.{f.key}.{cell}" for f in per_type_fields(row["type"])
                  for cell in row["per_type"][f.key]]
    return names


def apply_point(rows, values):
    """Drive rows with the sweep point's ``values`` ({name: value}) set."""
    rows = copy.deepcopy(rows)
    by_name = {row["name"]: row for row in rows}
    for name, value in values.items():
        drive, field, *cell = name.split(".")
        row = by_name.get(drive)
        if row is None:
            raise ParameterError("no such drive in the editor", key=name, value=value)
        if cell:
            row["per_type"][field][cell[0]] = value
        else:
            row["values"][field] = value
    return rows


def _check_parameter(state, name):
    if name not in sweepable_names(state.drives):
        raise ParameterError("choose a drive parameter of the editor", key="parameter",
                             value=name)


class Sweep(Worker):
    """A sweep of one parameter over given values, in a worker process.

    Parameters
    ----------
    workspace : Workspace
        Where its files go.
    state : ModelState
        The model (saved now).
    options : RunOptions
        tstop, dt and trials of every point, and the label.
    name : str
        The parameter, one of :func:`sweepable_names`.
    values : list of float
        Its values.
    n_jobs : int
        Local Dask worker processes (when no scheduler is given).
    scheduler : str
        Address of a running Dask scheduler ('' for a local cluster).
    """

    progress_pattern = re.compile(r"sweep:.*?\|\s*(\d+)/(\d+)")

    def __init__(self, workspace, state, options, name, values, n_jobs=1, scheduler=""):
        options = options.checked()
        _check_parameter(state, name)
        if not values or len(values) > MAX_SWEEP_POINTS:
            raise ParameterError(f"give 1 to {MAX_SWEEP_POINTS} values", key="values",
                                 value=values)
        values = [check_range(name, v) for v in values]
        check_range("worker processes", n_jobs, 1, 256, integer=True)
        workspace.path(SWEEPS_FOLDER).mkdir(exist_ok=True)
        label = options.label
        config = workspace.path(f"{SWEEPS_FOLDER}/{label}.network.json")
        sweep_file = workspace.path(f"{SWEEPS_FOLDER}/{label}.json")
        self.folder = workspace.path(f"{SWEEPS_FOLDER}/{label}")
        self.parameter = name
        state.save_configuration(config)
        spec = {"network": {"config": workspace.relative(config)}, "tstop": options.tstop,
                "dt": options.dt, "n_trials": options.n_trials, "grid": {name: values}}
        atomic_write(sweep_file, lambda fid: json.dump(spec, fid, indent=1))
        arguments = ["sweep", workspace.relative(sweep_file), "--output",
                     workspace.relative(self.folder), "--n-jobs", str(n_jobs), "--overwrite"]
        if scheduler.strip():
            arguments += ["--scheduler", scheduler.strip()]
        super().__init__(workspace, arguments, label)

    def progress(self):
        """A snapshot: status, points done, points, message."""
        state = self._snapshot()
        with self._lock:
            return dict(state, done=self.step, n_points=self.n_steps)

    def table(self, data=None, smooth_ms=0.0, scale=1.0, tmin=None, tmax=None):
        """The finished sweep's points: parameter, status and, with a recorded dipole
        ``data`` = (times ms, nAm), the RMSE (nAm) and correlation of each point."""
        from hnn_netpyne.analysis.dipole import Dipole, average_dipoles
        from hnn_netpyne.analysis.figures import plotted_smooth_window
        from hnn_netpyne.batch.store import STORE_NAME, read_point, read_table
        from hnn_netpyne.gui.compare import compare_dipoles

        path = self.folder / STORE_NAME
        rows = []
        for point, entry in read_table(path).iterrows():
            row = {"point": int(point), self.parameter: entry[self.parameter],
                   "status": entry["status"]}
            if data is not None and entry["status"] == "done":
                outputs = read_point(path, int(point))["outputs"]
                trials = [Dipole(outputs["times"], trial.T) for trial in outputs["dpl"]]
                avg = trials[0] if len(trials) == 1 else average_dipoles(trials)
                avg.postprocess(plotted_smooth_window(smooth_ms, avg), scale)
                score = compare_dipoles(avg.times, avg.data["agg"], *data, tmin, tmax)
                row.update({"RMSE (nAm)": score["rmse_nAm"], "correlation": score["correlation"]})
            rows.append(row)
        return rows


class Fit(Worker):
    """hnn-netpyne's Optimizer fitting one drive parameter to the recorded dipole.

    Parameters
    ----------
    workspace, state, options
        As for :class:`Sweep`.
    name : str
        The parameter, one of :func:`sweepable_names`.
    bounds : (float, float)
        Its lowest and highest value.
    data_name : str
        The recorded dipole's file (workspace-relative).
    solver : {'bayesian', 'cobyla'}
        The Optimizer's solver.
    max_iter : int
        Candidates simulated in all.
    n_jobs, scheduler
        As for :class:`Sweep`.
    """

    progress_pattern = re.compile(r"(\d+)/(\d+) candidates, best objective ([-\d.e+]+)")
    module = "hnn_netpyne.gui.fit_worker"

    def __init__(self, workspace, state, options, name, bounds, data_name, solver="bayesian",
                 max_iter=20, n_jobs=1, scheduler=""):
        from hnn_netpyne.batch.optimize import SOLVERS
        from hnn_netpyne.checks import check_option

        options = options.checked()
        _check_parameter(state, name)
        low = check_range("lowest value", bounds[0])
        high = check_range("highest value", bounds[1], low, low_open=True)
        check_option("solver", solver, SOLVERS)
        check_range("candidates", max_iter, 1, MAX_SWEEP_POINTS, integer=True)
        check_range("worker processes", n_jobs, 1, 256, integer=True)
        workspace.path(FITS_FOLDER).mkdir(exist_ok=True)
        label = options.label
        config = workspace.path(f"{FITS_FOLDER}/{label}.network.json")
        fit_file = workspace.path(f"{FITS_FOLDER}/{label}.json")
        self.result_path = workspace.path(f"{FITS_FOLDER}/{label}.result.json")
        self.parameter = name
        state.save_configuration(config)
        spec = {"config": workspace.relative(config), "data": data_name,
                "constraints": {name: [low, high]}, "tstop": options.tstop, "dt": options.dt,
                "n_trials": options.n_trials, "solver": solver, "max_iter": max_iter,
                "n_jobs": n_jobs, "scheduler": scheduler.strip(),
                "result": workspace.relative(self.result_path)}
        atomic_write(fit_file, lambda fid: json.dump(spec, fid, indent=1))
        super().__init__(workspace, [workspace.relative(fit_file)], label)

    def progress(self):
        """A snapshot: status, candidates done, candidates, best objective (nAm), message."""
        state = self._snapshot()
        with self._lock:
            return dict(state, done=self.step, n_points=self.n_steps, best=self.amount)

    def best(self):
        """The best values found ({name: value}) of the finished fit."""
        from hnn_netpyne.readers import read_json

        return read_json(self.result_path)["params"]
