"""One page's session: the model being edited, its runs, their results and the
recorded data; every action the page offers is a method here."""

from hnn_netpyne.errors import HNNNetpyneError, ParameterError
from hnn_netpyne.gui.compare import DATA_SUFFIXES, compare_dipoles, read_recorded_dipole
from hnn_netpyne.gui.runs import RUNS_FOLDER, Run, check_finished
from hnn_netpyne.gui.state import CONFIG_SUFFIXES, PARAM_SUFFIXES, ModelState, RunOptions

EXPORT_KINDS = ("script", "netpyne-json", "sonata")
SCRIPT_TEMPLATE = '''"""Reproduces the hnn-netpyne GUI model {label!r}: run it in the workspace."""
from hnn_netpyne import read_network_configuration, simulate_dipole

net = read_network_configuration({config!r})
dipoles = simulate_dipole(net, tstop={tstop!r}, dt={dt!r}, n_trials={n_trials!r},
                          solver={solver!r}, n_threads={n_threads!r})
for k, dipole in enumerate(dipoles, start=1):
    dipole.write(f"{label}_dipole_{{k}}.txt")
'''


class Session:
    """What one browser page works on.

    Parameters
    ----------
    workspace : Workspace
        The only folder read or written.
    """

    def __init__(self, workspace):
        self.workspace = workspace
        self.model = ModelState()
        self.options = RunOptions()
        self.runs = {}  # label -> Run, in start order
        self._results = {}  # label -> read_run_folder's dict
        self.data = None  # (name, times ms, nAm) of a recorded dipole
        self.sweep = None  # the last sweep started
        self.fit = None  # the last fit started
        self.exporting = None  # the last export to a folder

    # --- runs -----------------------------------------------------------------

    def next_label(self):
        """A run name not used yet in this session or the workspace."""
        taken = set(self.runs)
        return next(f"run{k}" for k in range(1, 100_000) if f"run{k}" not in taken
                    and not (self.workspace.root / RUNS_FOLDER / f"run{k}").exists())

    def start_run(self, options):
        """Start a run of the current model with ``options``; the Run."""
        options = options.checked()
        active = self.active_run()
        if active is not None:
            raise ParameterError(f"run {active.options.label} is still running; cancel it "
                                 "or wait", key="label", value=options.label)
        run = Run(self.workspace, self.model, options)
        self.runs[options.label] = run
        self._results.pop(options.label, None)
        self.options = options
        return run

    def active_run(self):
        """The run still going, or None."""
        return next((r for r in self.runs.values() if r.progress()["status"] == "running"),
                    None)

    def cancel(self):
        """Cancel the active run (if any); its label or None."""
        run = self.active_run()
        if run is None:
            return None
        run.cancel()
        return run.options.label

    def finished_labels(self):
        """Labels of the runs that finished well, in start order."""
        return [label for label, run in self.runs.items()
                if run.progress()["status"] == "done"]

    def results(self, label):
        """The results of finished run ``label`` (read once from its run folder)."""
        from hnn_netpyne.analysis.figures import read_run_folder

        if label not in self._results:
            if label not in self.runs:
                raise ParameterError("no such run", key="run", value=label)
            self._results[label] = read_run_folder(check_finished(self.runs[label]))
        return self._results[label]

    def shown_dipole(self, label, smooth_ms, scale):
        """Trial-averaged dipole (nAm) of run ``label``, smoothed (ms, 0: not) and scaled."""
        from hnn_netpyne.analysis.dipole import average_dipoles
        from hnn_netpyne.analysis.figures import plotted_smooth_window

        dipoles = self.results(label)["dipoles"]
        avg = dipoles[0].copy() if len(dipoles) == 1 else average_dipoles(dipoles)
        return avg.postprocess(plotted_smooth_window(smooth_ms, avg), scale)

    # --- sweeps ----------------------------------------------------------------

    def start_sweep(self, options, name, values, n_jobs=1, scheduler=""):
        """Start a sweep of drive parameter ``name`` over ``values``; the Sweep."""
        from hnn_netpyne.gui.sweeps import Sweep

        if self.sweep is not None and self.sweep.progress()["status"] == "running":
            raise ParameterError(f"sweep {self.sweep.label} is still running; cancel it "
                                 "or wait", key="sweep", value=options.label)
        self.sweep = Sweep(self.workspace, self.model, options, name, values, n_jobs,
                           scheduler)
        return self.sweep

    def sweep_table(self, smooth_ms, scale, tmin=None, tmax=None):
        """The finished sweep's points, scored against the recorded dipole if loaded."""
        if self.sweep is None or self.sweep.progress()["status"] != "done":
            raise ParameterError("no finished sweep", key="sweep", value=None)
        data = None if self.data is None else self.data[1:]
        return self.sweep.table(data, smooth_ms, scale, tmin, tmax)

    def start_fit(self, options, name, bounds, solver="bayesian", max_iter=20, n_jobs=1,
                  scheduler=""):
        """Start fitting drive parameter ``name`` within ``bounds`` to the recorded dipole."""
        from hnn_netpyne.gui.sweeps import Fit

        if self.data is None:
            raise ParameterError("load a recorded dipole (Data tab) to fit to", key="data",
                                 value=None)
        if self.fit is not None and self.fit.progress()["status"] == "running":
            raise ParameterError(f"fit {self.fit.label} is still running; cancel it or wait",
                                 key="fit", value=options.label)
        self.fit = Fit(self.workspace, self.model, options, name, bounds, self.data[0], solver,
                       max_iter, n_jobs, scheduler)
        return self.fit

    def load_sweep_point(self, values):
        """Put a sweep point's parameter values ({name: value}) into the editor."""
        from hnn_netpyne.gui.sweeps import apply_point

        self.model.replace_drives(apply_point(self.model.drives, values))
        return "loaded " + ", ".join(f"{k} = {v:g}" for k, v in values.items())

    # --- files ----------------------------------------------------------------

    def open_file(self, name, kind):
        """Read workspace file ``name`` as 'config', 'params' or 'data'; a message."""
        suffixes = {"config": CONFIG_SUFFIXES, "params": PARAM_SUFFIXES,
                    "data": DATA_SUFFIXES}[kind]
        path = self.workspace.path(name, suffixes)
        if kind == "config":
            self.model.load_configuration(path, name)
            return f"read network configuration {name}: {len(self.model.drives)} drives"
        if kind == "params":
            self.model.load_params(path, name)
            return f"read parameter file {name}: {len(self.model.drives)} drives"
        times, nAm = read_recorded_dipole(path)
        self.data = (name, times, nAm)
        return f"read recorded dipole {name}: {len(times)} samples, {times[0]:g}-{times[-1]:g} ms"

    def save_configuration(self, name):
        """Write the model as an hnn-core network configuration file; a message."""
        path = self.workspace.path(name, CONFIG_SUFFIXES)
        self.model.save_configuration(path)
        return f"saved {self.workspace.relative(path)}"

    def compare(self, label, smooth_ms, scale, tmin=None, tmax=None):
        """RMSE and correlation of run ``label``'s shown dipole against the recorded data."""
        if self.data is None:
            raise ParameterError("load a recorded dipole first", key="data", value=None)
        dipole = self.shown_dipole(label, smooth_ms, scale)
        _, times, nAm = self.data
        return compare_dipoles(dipole.times, dipole.data["agg"], times, nAm, tmin, tmax)

    # --- exports ----------------------------------------------------------------

    def export(self, kind, name):
        """Export the model: a Python script (at once; a message), or NetPyNE JSON or a
        SONATA circuit (in a worker, :attr:`exporting`; a message that it started)."""
        from hnn_netpyne.gui.runs import Worker

        if kind == "script":
            return self._export_script(name)
        if kind not in EXPORT_KINDS:
            raise ParameterError("unknown export", key="export", value=kind)
        if self.exporting is not None and self.exporting.progress()["status"] == "running":
            raise ParameterError(f"the export to {self.exporting.label} is still running",
                                 key="export", value=name)
        outdir = self.workspace.path(name)
        config = self.workspace.path(f"{name}.network.json")
        self.model.save_configuration(config)
        arguments = [{"netpyne-json": "export-json", "sonata": "export-sonata"}[kind],
                     self.workspace.relative(outdir), "--network-config",
                     self.workspace.relative(config), "--overwrite"]
        self.exporting = Worker(self.workspace, arguments, self.workspace.relative(outdir))
        return f"exporting: {self.exporting.command}"

    def _export_script(self, name):
        from hnn_netpyne.analysis.io import atomic_write

        options = self.options.checked()
        script = self.workspace.path(name, (".py",))
        config = script.with_suffix(".json")
        self.model.save_configuration(config)
        text = SCRIPT_TEMPLATE.format(label=script.stem, config=config.name,
                                      tstop=options.tstop, dt=options.dt,
                                      n_trials=options.n_trials, solver=options.solver,
                                      n_threads=options.n_threads)
        atomic_write(script, lambda fid: fid.write(text))
        return f"wrote {self.workspace.relative(script)} and {config.name}"

    def close(self):
        """Cancel what still runs (the page was closed)."""
        for worker in list(self.runs.values()) + [self.sweep, self.fit, self.exporting]:
            if worker is not None:
                worker.cancel()


def message_of(err):
    """The one line shown for a failed action."""
    if isinstance(err, HNNNetpyneError):
        return str(err)
    return f"{type(err).__name__}: {err}"
