"""The page: a thin Panel view on :class:`~hnn_netpyne.gui.session.Session`.

Every widget callback goes through :func:`guarded`, so a bad value or file
shows one message beside it and never a traceback or a dead server.
"""

import functools
import time

import panel as pn

from hnn_netpyne.errors import ParameterError
from hnn_netpyne.gui.drive_forms import CELL_TYPES, DRIVE_TYPES, FIELDS, per_type_fields
from hnn_netpyne.gui.session import EXPORT_KINDS, Session, message_of
from hnn_netpyne.gui.state import GAIN_KEYS, MODELS, RunOptions
from hnn_netpyne.model.solver import SOLVERS

CONNECTIVITY_TAB = 2  # its table is filled when first shown (it has ~40 rows to build)
SWEEP_TAB = 6
POLL_MS = 250
"""How often the page asks the running worker for progress."""
FIGURE_DPI = 96


def show(message, text, kind):
    """Show ``text`` in the alert ``message`` ('success' or 'danger')."""
    message.object, message.alert_type, message.visible = text, kind, True


def guarded(message):
    """Decorator: run a callback; any error becomes ``message``'s text (danger)."""
    def wrap(callback):
        @functools.wraps(callback)
        def run(*args, **kwargs):
            try:
                text = callback(*args, **kwargs)
            except Exception as err:  # noqa: BLE001 -- the page must survive any input
                show(message, message_of(err), "danger")
                return None
            if isinstance(text, str):
                show(message, text, "success")
            return text
        return run
    return wrap


def new_message(name):
    """A hidden alert beside a group of widgets (its CSS class names it for tests)."""
    return pn.pane.Alert("", alert_type="info", visible=False, css_classes=[f"msg-{name}"],
                         sizing_mode="stretch_width")


def _labelled(field):
    return f"{field.label} ({field.unit})" if field.unit else field.label


def field_widget(field, value, css_class):
    """The input widget of a drive field (its label carries the unit)."""
    label, css = _labelled(field), {"css_classes": [css_class]}
    if isinstance(field.kind, tuple):
        return pn.widgets.Select(name=label, options=list(field.kind), value=value, width=170,
                                 **css)
    if field.kind == "bool":
        return pn.widgets.Checkbox(name=label, value=bool(value), width=260, **css)
    if field.kind == "int":
        return pn.widgets.IntInput(name=label, value=int(value), width=170, **css)
    if field.kind == "text":
        return pn.widgets.TextInput(name=label, value=str(value), width=170, **css)
    return pn.widgets.FloatInput(name=label, value=value, width=170, **css)


class DriveEditor:
    """The editor of one drive: its fields, a per-cell-type table, Apply and Delete."""

    def __init__(self, page, index):
        self.page, self.index = page, index
        row = page.session.model.drives[index]
        self.row = row
        self.name = pn.widgets.TextInput(name="name", value=row["name"], width=170)
        self.fields = {f.key: field_widget(f, row["values"][f.key], f"drive-{index}-{f.key}")
                       for f in FIELDS.get(row["type"], ())}
        editable = row["type"] in FIELDS  # spike trains read from a file are kept as read
        self.table = {(f.key, ct): pn.widgets.FloatInput(value=row["per_type"][f.key][ct],
                                                         width=110)
                      for f in per_type_fields(row["type"]) for ct in CELL_TYPES
                      if editable}
        self.message = new_message(f"drive-{index}")
        apply = pn.widgets.Button(name="Apply", button_type="primary", width=90,
                                  css_classes=[f"apply-drive-{index}"])
        delete = pn.widgets.Button(name="Delete", button_type="danger", width=90,
                                   css_classes=[f"delete-drive-{index}"])
        apply.on_click(guarded(self.message)(lambda _: self.apply()))
        delete.on_click(guarded(self.message)(lambda _: page.delete_drive(index)))
        self.view = pn.Card(self._body(apply, delete), title=f"{row['name']} ({row['type']})",
                            collapsed=False, sizing_mode="stretch_width",
                            css_classes=[f"drive-card-{index}"])

    def _body(self, apply, delete):
        if self.row["type"] not in FIELDS:
            return pn.Column(pn.pane.Markdown("Spike trains read from a file: kept as read."),
                             pn.Row(delete))
        header = [pn.pane.Markdown("**cell type**", width=120)] + [
            pn.pane.Markdown(f"**{_labelled(f)}**", width=110)
            for f in per_type_fields(self.row["type"])]
        rows = [pn.Row(*header)] + [pn.Row(pn.pane.Markdown(ct, width=120), *[
            self.table[(f.key, ct)] for f in per_type_fields(self.row["type"])])
            for ct in CELL_TYPES]
        note = pn.pane.Markdown("A weight of 0 makes no connection to that cell type.",
                                styles={"font-size": "0.85em", "color": "#555"})
        return pn.Column(pn.FlexBox(self.name, *self.fields.values()), *rows, note,
                         pn.Row(apply, delete), self.message, sizing_mode="stretch_width")

    def apply(self):
        """Check and keep the edited drive."""
        row = {"name": self.name.value.strip(), "type": self.row["type"],
               "values": {k: w.value for k, w in self.fields.items()},
               "per_type": {f.key: {ct: self.table[(f.key, ct)].value for ct in CELL_TYPES}
                            for f in per_type_fields(self.row["type"])}}
        self.page.session.model.update_drive(self.index, row)
        self.view.title = f"{row['name']} ({row['type']})"
        return f"drive {row['name']} applied"


class Page:
    """The tabs of one browser page on one :class:`Session`."""

    def __init__(self, workspace):
        self.session = Session(workspace)
        self.figures_shown_for = None  # the finished run whose figures are up
        self.figures_ready_s = None  # seconds from the run's end to its figures
        self.tabs, self.connections_stale = None, True
        self.tabs = pn.Tabs(("Model", self._model_tab()), ("Drives", self._drives_tab()),
                            ("Connectivity", self._connectivity_tab()),
                            ("Run", self._run_tab()), ("Results", self._results_tab()),
                            ("Data", self._data_tab()), ("Sweep & fit", self._sweep_tab()),
                            ("Export", self._export_tab()),
                            dynamic=False, sizing_mode="stretch_width")
        self.tabs.param.watch(lambda _: self.connections_stale and self.refresh_connections(),
                              "active")
        self.tabs.param.watch(lambda e: e.new == SWEEP_TAB and self._sweep_names(), "active")
        self.view = pn.Column(
            pn.pane.Markdown("## hnn-netpyne: the HNN neocortical column", margin=(0, 10)),
            self.tabs, sizing_mode="stretch_width")

    # --- Model ------------------------------------------------------------------

    def _model_tab(self):
        model = self.session.model
        self.model_select = pn.widgets.Select(name="model", options={v: k for k, v in
                                              MODELS.items()}, value=model.model, width=300)
        self.mesh_x = pn.widgets.IntInput(name="pyramidal cells along x", value=10, width=170,
                                          css_classes=["mesh-x"])
        self.mesh_y = pn.widgets.IntInput(name="pyramidal cells along y", value=10, width=170,
                                          css_classes=["mesh-y"])
        message = new_message("model")
        apply = pn.widgets.Button(name="Use this model", button_type="primary",
                                  css_classes=["apply-model"])
        apply.on_click(guarded(message)(lambda _: self._set_model()))
        self.open_name = pn.widgets.TextInput(name="file in the workspace", width=320,
                                              placeholder="network.json, default.param ...",
                                              css_classes=["open-name"])
        buttons = []
        for kind, text in (("config", "Open network configuration"),
                           ("params", "Open parameter file")):
            button = pn.widgets.Button(name=text, css_classes=[f"open-{kind}"])
            button.on_click(guarded(message)(functools.partial(self._open, kind)))
            buttons.append(button)
        self.save_name = pn.widgets.TextInput(name="save as (in the workspace)",
                                              value="network.json", width=320,
                                              css_classes=["save-name"])
        save = pn.widgets.Button(name="Save network configuration", css_classes=["save-config"])
        save.on_click(guarded(message)(lambda _: self.session.save_configuration(
            self.save_name.value)))
        self.model_summary = pn.pane.Markdown(self._summary(), css_classes=["model-summary"])
        files = pn.pane.Markdown(f"Workspace: `{self.session.workspace.root}`",
                                 styles={"color": "#555"})
        return pn.Column(pn.Row(self.model_select, self.mesh_x, self.mesh_y), apply,
                         pn.layout.Divider(), pn.Row(self.open_name, *buttons),
                         pn.Row(self.save_name, save), files, message, self.model_summary)

    def _summary(self):
        model = self.session.model
        ranges = model.base()._cell_gid_ranges()
        names = ", ".join(row["name"] for row in model.drives) or "none"
        return (f"**{MODELS[model.model]}**, {model.mesh_shape[0]} x {model.mesh_shape[1]} "
                f"pyramidal grid, {sum(len(r) for r in ranges.values())} cells; "
                f"drives: {names}" + (f"; from `{model.source}`" if model.source else ""))

    def _set_model(self):
        self.session.model.set_model(self.model_select.value,
                                     (self.mesh_x.value, self.mesh_y.value))
        self.refresh_model()
        return "model set"

    def _open(self, kind, _event):
        text = self.session.open_file(self.open_name.value, kind)
        self.refresh_model()
        return text

    def refresh_model(self):
        """Show the model and its drives again (after a file was read or the model changed)."""
        model = self.session.model
        self.model_select.value = model.model
        self.mesh_x.value, self.mesh_y.value = model.mesh_shape
        self.model_summary.object = self._summary()
        self.refresh_drives()
        self.refresh_connections()

    # --- Drives -------------------------------------------------------------------

    def _drives_tab(self):
        message = new_message("drives")
        buttons = []
        for kind in DRIVE_TYPES:
            button = pn.widgets.Button(name=f"Add {kind}", css_classes=[f"add-{kind}"])
            button.on_click(guarded(message)(functools.partial(self._add_drive, kind)))
            buttons.append(button)
        self.drive_list = pn.Column(sizing_mode="stretch_width")
        self.refresh_drives()
        return pn.Column(pn.Row(*buttons), message, self.drive_list,
                         sizing_mode="stretch_width")

    def _add_drive(self, kind, _event):
        row = self.session.model.add_drive(kind)
        self.refresh_drives()
        self.model_summary.object = self._summary()
        return f"added {kind} drive {row['name']}"

    def delete_drive(self, index):
        """Remove drive ``index`` and show the list again."""
        self.session.model.delete_drive(index)
        self.refresh_drives()
        self.model_summary.object = self._summary()

    def refresh_drives(self):
        """One editor per drive."""
        drives = self.session.model.drives
        self.drive_list.objects = [DriveEditor(self, k).view for k in range(len(drives))] or [
            pn.pane.Markdown("No drives: add one above, or open a file on the Model tab.")]

    # --- Connectivity -----------------------------------------------------------------

    def _connectivity_tab(self):
        message = new_message("connectivity")
        names = {"e_e": "excitatory to excitatory", "e_i": "excitatory to inhibitory",
                 "i_e": "inhibitory to excitatory", "i_i": "inhibitory to inhibitory"}
        self.gains = {k: pn.widgets.FloatInput(name=f"gain, {names[k]}", value=1.0, width=220)
                      for k in GAIN_KEYS}
        apply = pn.widgets.Button(name="Apply gains", button_type="primary")
        apply.on_click(guarded(message)(lambda _: self._set_gains()))
        self.conn_table = pn.widgets.Tabulator(
            disabled=False, show_index=False, height=420, sizing_mode="stretch_width",
            editors={k: None for k in ("index", "source", "target", "location", "receptor",
                                       "gain", "probability")})
        self.conn_table.on_edit(guarded(message)(self._edit_weight))
        self.synapse_table = pn.widgets.Tabulator(
            disabled=False, show_index=False, height=330, sizing_mode="stretch_width",
            editors={"cell type": None, "receptor": None})
        self.synapse_table.on_edit(guarded(message)(self._edit_synapse))
        return pn.Column(pn.Row(*self.gains.values()), apply, message,
                         pn.pane.Markdown("Cell-to-cell connections: double-click a weight "
                                          "(µS at zero distance) to change it."),
                         self.conn_table,
                         pn.pane.Markdown("Synapse kinetics of each cell type (double-click "
                                          "a value to change it; saved in the network "
                                          "configuration file)."),
                         self.synapse_table, sizing_mode="stretch_width")

    def _edit_synapse(self, event):
        row = self.synapse_table.value.iloc[event.row]
        self.session.model.set_synapse(row["cell type"], row["receptor"], event.column,
                                       event.value)
        return f"{row['cell type']} {row['receptor']}: {event.column} = {event.value:g}"

    def _set_gains(self):
        self.session.model.set_gains({k: w.value for k, w in self.gains.items()})
        return "gains applied"

    def _edit_weight(self, event):
        index = int(self.conn_table.value.iloc[event.row]["index"])
        self.session.model.set_connection_weight(index, event.value)
        return f"connection {index}: weight {event.value:g} µS"

    def refresh_connections(self):
        """Show the base network's connections and gains (once the tab has been opened)."""
        import pandas as pd

        if self.tabs is None or self.tabs.active != CONNECTIVITY_TAB:
            self.connections_stale = True
            return
        self.connections_stale = False
        self.conn_table.value = pd.DataFrame(self.session.model.connection_table())
        self.synapse_table.value = pd.DataFrame(self.session.model.synapse_table())
        model = self.session.model
        gains = dict(model.base().get_global_synaptic_gains(),
                     **{k: v for k, v in model.gains.items() if v is not None})
        for key, widget in self.gains.items():
            widget.value = gains.get(key, 1.0)

    # --- Run ------------------------------------------------------------------------

    def _run_tab(self):
        opts = self.session.options
        self.run_widgets = {
            "tstop": pn.widgets.FloatInput(name="tstop (ms)", value=opts.tstop, width=140),
            "dt": pn.widgets.FloatInput(name="dt (ms)", value=opts.dt, width=140),
            "n_trials": pn.widgets.IntInput(name="trials", value=opts.n_trials, width=140),
            "n_procs": pn.widgets.IntInput(name="MPI processes", value=opts.n_procs, width=140),
            "solver": pn.widgets.Select(name="solver", options=list(SOLVERS),
                                        value=opts.solver, width=140),
            "n_threads": pn.widgets.IntInput(name="threads (0: automatic)", value=0, width=170),
            "label": pn.widgets.TextInput(name="run name", value=self.session.next_label(),
                                          width=140),
        }
        for key, widget in self.run_widgets.items():
            widget.css_classes = [f"run-{key}"]
        self.run_message = new_message("run")
        start = pn.widgets.Button(name="Run", button_type="primary", css_classes=["start-run"])
        cancel = pn.widgets.Button(name="Cancel", button_type="danger",
                                   css_classes=["cancel-run"])
        start.on_click(guarded(self.run_message)(lambda _: self._start()))
        cancel.on_click(guarded(self.run_message)(lambda _: self._cancel()))
        self.progress = pn.indicators.Progress(value=0, max=1000, width=400, bar_color="primary")
        self.progress_text = pn.pane.Markdown("No run yet.", css_classes=["run-progress"])
        self.command = pn.pane.Markdown("", css_classes=["run-command"])
        self.figure_timing = pn.pane.Markdown("", css_classes=["figure-timing"])
        self.run_log = pn.pane.Str("", styles={"font-size": "0.8em", "max-height": "200px",
                                               "overflow": "auto"})
        return pn.Column(pn.FlexBox(*self.run_widgets.values()), pn.Row(start, cancel),
                         self.run_message, self.progress, self.progress_text,
                         self.figure_timing, self.command,
                         self.run_log, sizing_mode="stretch_width")

    def _run_values(self):
        values = {k: w.value for k, w in self.run_widgets.items()}
        values["n_threads"] = values["n_threads"] or None
        return values

    def _start(self):
        run = self.session.start_run(RunOptions(**self._run_values()))
        self.command.object = f"Equivalent command (in the workspace):\n\n`{run.command}`"
        return f"run {run.options.label} started"

    def _cancel(self):
        label = self.session.cancel()
        return f"run {label} cancelled" if label else "no run is going"

    def poll(self):
        """Periodic: show the active (or last) run's progress; figures once it is done."""
        if not self.session.runs:
            return
        run = list(self.session.runs.values())[-1]
        state = run.progress()
        fraction = state["t_ms"] / state["tstop_ms"] if state["tstop_ms"] else 0.0
        done_trials = max(state["trial"] - 1, 0) + fraction
        self.progress.value = int(1000 * min(done_trials / state["n_trials"], 1.0)
                                  if state["status"] == "running" else 1000)
        self.progress_text.object = (
            f"**{run.options.label}: {state['status']}** - trial {max(state['trial'], 1)} of "
            f"{state['n_trials']}: {state['t_ms']:g} of {state['tstop_ms']:g} ms simulated, "
            f"{state['elapsed_s']:.1f} s" + (f" - {state['message']}" if state["message"] else ""))
        self.run_log.object = "\n".join(list(run.log)[-12:])
        if state["status"] == "failed":
            show(self.run_message, state["message"], "danger")
        if state["status"] == "done" and self.figures_shown_for != run.options.label:
            self.figures_shown_for = run.options.label
            self.run_widgets["label"].value = self.session.next_label()
            self.refresh_results(latest=run.options.label)
            self.figures_ready_s = time.monotonic() - run.ended
            self.figure_timing.object = (f"Figures of {run.options.label} drawn "
                                         f"{self.figures_ready_s:.2f} s after the run ended.")

    # --- Results --------------------------------------------------------------------

    def _results_tab(self):
        self.result_runs = pn.widgets.MultiChoice(name="runs (overlay)", options=[], width=300)
        self.layers = pn.widgets.CheckButtonGroup(name="layers", value=["agg"],
                                                  options={"aggregate": "agg", "L2/3": "L2",
                                                           "L5": "L5"})
        self.smooth = pn.widgets.FloatInput(name="smoothing window (ms, 0: none)", value=0.0,
                                            width=200, css_classes=["smooth"])
        self.scale = pn.widgets.FloatInput(name="scale factor", value=1.0, width=140)
        self.results_message = new_message("results")
        show = pn.widgets.Button(name="Redraw", button_type="primary")
        show.on_click(guarded(self.results_message)(lambda _: self.refresh_results()))
        self.dipole_summary = pn.pane.Markdown("", css_classes=["dipole-summary"])
        self.figure_panes = {name: pn.pane.Matplotlib(None, dpi=FIGURE_DPI, tight=True,
                                                      format="png", css_classes=[f"fig-{name}"])
                             for name in ("dipole", "raster", "histogram", "psd",
                                          "spectrogram", "positions")}
        p = self.figure_panes
        self.result_tabs = pn.Tabs(("Dipole", p["dipole"]), ("Spikes", pn.Column(
            p["raster"], p["histogram"])), ("Spectra", pn.Column(p["psd"], p["spectrogram"])),
            ("Cells in 3-D", p["positions"]), dynamic=False)
        self.stale_figures = set()
        self.result_tabs.param.watch(
            guarded(self.results_message)(lambda _: self._draw_shown()), "active")
        return pn.Column(pn.Row(self.result_runs, self.smooth, self.scale),
                         pn.Row(self.layers, show), self.results_message, self.dipole_summary,
                         self.result_tabs)

    def refresh_results(self, latest=None):
        """Draw the dipole of the chosen runs (the latest one added when given) and the
        figures of the sub-tab shown; the other sub-tabs are drawn when opened."""
        from hnn_netpyne.gui import figures

        labels = self.session.finished_labels()
        self.result_runs.options = labels
        chosen = [label for label in self.result_runs.value if label in labels]
        if latest is not None:
            chosen = [latest]
        self.result_runs.value = chosen
        smooth, scale = self.smooth.value or 0.0, self.scale.value or 1.0
        self.figure_panes["dipole"].object = figures.dipole_figure(
            self.session, chosen, self.layers.value, smooth, scale)
        if chosen:
            dipole = self.session.shown_dipole(chosen[-1], smooth, scale)
            peak = int(abs(dipole.data["agg"]).argmax())
            self.dipole_summary.object = (
                f"{chosen[-1]}: aggregate dipole peak {dipole.data['agg'][peak]:.6g} nAm at "
                f"{dipole.times[peak]:.6g} ms ({len(dipole.times)} samples)")
        self.stale_figures = {"Spikes", "Spectra", "Cells in 3-D"}
        self._draw_shown()
        self.refresh_comparison()

    @property
    def _shown_sub_tab(self):
        return ("Dipole", "Spikes", "Spectra", "Cells in 3-D")[self.result_tabs.active]

    def _draw_shown(self):
        """Draw the figures of the Results sub-tab shown, if they are out of date."""
        from hnn_netpyne.gui import figures

        group = self._shown_sub_tab
        if group not in self.stale_figures:
            return
        self.stale_figures.discard(group)
        chosen, p = self.result_runs.value, self.figure_panes
        smooth, scale = self.smooth.value or 0.0, self.scale.value or 1.0
        if group == "Cells in 3-D":
            p["positions"].object = figures.positions_figure(self.session.model.network())
        elif chosen and group == "Spikes":
            p["raster"].object = figures.raster_figure(self.session, chosen[-1])
            p["histogram"].object = figures.histogram_figure(self.session, chosen[-1])
        elif chosen and group == "Spectra":
            p["psd"].object = figures.psd_figure(self.session, chosen, smooth, scale)
            p["spectrogram"].object = figures.spectrogram_figure(self.session, chosen[-1],
                                                                 smooth, scale)

    # --- Data ------------------------------------------------------------------------

    def _data_tab(self):
        self.data_message = new_message("data")
        self.data_name = pn.widgets.TextInput(name="recorded dipole (.txt or .csv)",
                                              width=320, css_classes=["data-name"])
        load = pn.widgets.Button(name="Load recorded dipole", css_classes=["load-data"])
        load.on_click(guarded(self.data_message)(lambda _: self._load_data()))
        self.window = (pn.widgets.FloatInput(name="from (ms, blank: start)", value=None,
                                             width=170),
                       pn.widgets.FloatInput(name="to (ms, blank: end)", value=None, width=170))
        compare = pn.widgets.Button(name="Compare", button_type="primary",
                                    css_classes=["compare"])
        compare.on_click(guarded(self.data_message)(lambda _: self.refresh_comparison()))
        self.comparison = pn.pane.Markdown("Load a recorded dipole and finish a run.",
                                           css_classes=["comparison"])
        self.data_figure = pn.pane.Matplotlib(None, dpi=FIGURE_DPI, tight=True, format="png")
        return pn.Column(pn.Row(self.data_name, load), pn.Row(*self.window, compare),
                         self.data_message, self.comparison, self.data_figure)

    def _load_data(self):
        text = self.session.open_file(self.data_name.value, "data")
        self.refresh_comparison()
        return text

    def refresh_comparison(self):
        """RMSE and correlation of the latest chosen run against the recorded dipole."""
        from hnn_netpyne.gui import figures

        if self.session.data is None:
            return None
        labels = self.result_runs.value or self.session.finished_labels()[-1:]
        smooth, scale = self.smooth.value or 0.0, self.scale.value or 1.0
        self.data_figure.object = figures.dipole_figure(self.session, labels, ["agg"], smooth,
                                                        scale)
        if not labels:
            return None
        result = self.session.compare(labels[-1], smooth, scale, *[w.value for w in self.window])
        self.comparison.object = (
            f"**{labels[-1]}** against **{self.session.data[0]}**: RMSE "
            f"**{result['rmse_nAm']:.6g} nAm**, correlation **{result['correlation']:.6g}** "
            f"over {result['tmin']:g}-{result['tmax']:g} ms ({result['n_samples']} samples)")
        return None

    # --- Sweep ------------------------------------------------------------------------

    def _sweep_tab(self):
        self.sweep_message = new_message("sweep")
        self.sweep_widgets = {
            "parameter": pn.widgets.Select(name="drive parameter", options=[], width=300),
            "values": pn.widgets.TextInput(name="values (comma-separated, in its unit)",
                                           width=300, placeholder="20, 25, 30"),
            "n_jobs": pn.widgets.IntInput(name="local worker processes", value=1, width=170),
            "scheduler": pn.widgets.TextInput(name="Dask scheduler address (blank: local)",
                                              width=300, placeholder="tcp://host:8786"),
            "label": pn.widgets.TextInput(name="sweep name", value="sweep1", width=140)}
        for key, widget in self.sweep_widgets.items():
            widget.css_classes = [f"sweep-{key}"]
        start = pn.widgets.Button(name="Run sweep", button_type="primary",
                                  css_classes=["start-sweep"])
        cancel = pn.widgets.Button(name="Cancel", button_type="danger")
        best = pn.widgets.Button(name="Load best fit into the editor", css_classes=["best"])
        guard = guarded(self.sweep_message)
        start.on_click(guard(lambda _: self._start_sweep()))
        cancel.on_click(guard(lambda _: self.session.sweep and self.session.sweep.cancel()))
        best.on_click(guard(lambda _: self._load_best()))
        self.sweep_progress = pn.pane.Markdown("Sweeps use the Run tab's tstop, dt and "
                                               "trials; each point is scored against the "
                                               "recorded dipole of the Data tab.",
                                               css_classes=["sweep-progress"])
        self.sweep_table = pn.widgets.Tabulator(disabled=True, show_index=False, page_size=15,
                                                pagination="local",
                                                sizing_mode="stretch_width")
        self.sweep_shown = None
        return pn.Column(pn.FlexBox(*self.sweep_widgets.values()), pn.Row(start, cancel, best),
                         self.sweep_message, self.sweep_progress, self.sweep_table,
                         pn.layout.Divider(), self._fit_section(), sizing_mode="stretch_width")

    def _fit_section(self):
        self.fit_message = new_message("fit")
        self.fit_widgets = {
            "low": pn.widgets.FloatInput(name="lowest value", value=None, width=140),
            "high": pn.widgets.FloatInput(name="highest value", value=None, width=140),
            "solver": pn.widgets.Select(name="solver", options=["bayesian", "cobyla"],
                                        width=140),
            "max_iter": pn.widgets.IntInput(name="candidates", value=12, width=140),
            "label": pn.widgets.TextInput(name="fit name", value="fit1", width=140)}
        for key, widget in self.fit_widgets.items():
            widget.css_classes = [f"fit-{key}"]
        start = pn.widgets.Button(name="Fit to the recorded dipole", button_type="primary",
                                  css_classes=["start-fit"])
        cancel = pn.widgets.Button(name="Cancel fit", button_type="danger")
        load = pn.widgets.Button(name="Load fit into the editor", css_classes=["load-fit"])
        guard = guarded(self.fit_message)
        start.on_click(guard(lambda _: self._start_fit()))
        cancel.on_click(guard(lambda _: self.session.fit and self.session.fit.cancel()))
        load.on_click(guard(lambda _: self._load_fit()))
        self.fit_progress = pn.pane.Markdown(
            "The Optimizer fits the drive parameter chosen above (with the worker processes "
            "and scheduler above) to the Data tab's recorded dipole, by RMSE.",
            css_classes=["fit-progress"])
        return pn.Column(pn.pane.Markdown("#### Fit (hnn-netpyne's Optimizer)"),
                         pn.FlexBox(*self.fit_widgets.values()), pn.Row(start, cancel, load),
                         self.fit_message, self.fit_progress)

    def _start_fit(self):
        w, s = self.fit_widgets, self.sweep_widgets
        options = RunOptions(**dict(self._run_values(), label=w["label"].value))
        fit = self.session.start_fit(options, s["parameter"].value,
                                     (w["low"].value, w["high"].value), w["solver"].value,
                                     w["max_iter"].value, s["n_jobs"].value,
                                     s["scheduler"].value)
        return f"fit started: {fit.command}"

    def _load_fit(self):
        fit = self.session.fit
        if fit is None or fit.progress()["status"] != "done":
            raise ParameterError("no finished fit", key="fit", value=None)
        text = self.session.load_sweep_point(fit.best())
        self.refresh_drives()
        return text

    def _sweep_names(self):
        from hnn_netpyne.gui.sweeps import sweepable_names

        self.sweep_widgets["parameter"].options = sweepable_names(self.session.model.drives)

    def _start_sweep(self):
        w = self.sweep_widgets
        try:
            values = [float(v) for v in w["values"].value.split(",") if v.strip()]
        except ValueError:
            raise ParameterError("values must be numbers separated by commas", key="values",
                                 value=w["values"].value) from None
        options = RunOptions(**dict(self._run_values(), label=w["label"].value))
        sweep = self.session.start_sweep(options, w["parameter"].value, values,
                                         w["n_jobs"].value, w["scheduler"].value)
        self.sweep_shown = None
        return f"sweep started: {sweep.command}"

    def _load_best(self):
        rows = [r for r in self.sweep_table.value.to_dict("records") if "RMSE (nAm)" in r
                and r["status"] == "done"] if self.sweep_table.value is not None else []
        if not rows:
            raise ParameterError("no scored sweep point: load a recorded dipole on the Data "
                                 "tab, then finish a sweep", key="sweep", value=None)
        best = min(rows, key=lambda r: r["RMSE (nAm)"])
        text = self.session.load_sweep_point({self.session.sweep.parameter:
                                              best[self.session.sweep.parameter]})
        self.refresh_drives()
        return f"{text} (point {best['point']}, RMSE {best['RMSE (nAm)']:.6g} nAm)"

    def poll_sweep(self):
        """Show the progress of the export, the fit and the sweep, and the sweep's table
        once it is done."""
        import pandas as pd

        exporting = self.session.exporting
        if exporting is not None:
            state = exporting.progress()
            self.export_progress.object = (
                f"**{exporting.label}/: {state['status']}**, {state['elapsed_s']:.1f} s"
                + (f" - {state['message']}" if state["message"] else ""))
        fit = self.session.fit
        if fit is not None:
            state = fit.progress()
            self.fit_progress.object = (
                f"**{fit.label}: {state['status']}** - {state['done']} of {state['n_points']} "
                f"candidates, best RMSE {state['best']:.6g} nAm, {state['elapsed_s']:.1f} s"
                + (f" - {state['message']}" if state["message"] else ""))
        sweep = self.session.sweep
        if sweep is None:
            return
        state = sweep.progress()
        self.sweep_progress.object = (f"**{sweep.label}: {state['status']}** - "
                                      f"{state['done']} of {state['n_points']} points, "
                                      f"{state['elapsed_s']:.1f} s" + (
                                          f" - {state['message']}" if state["message"] else ""))
        if state["status"] == "done" and self.sweep_shown != sweep.label:
            self.sweep_shown = sweep.label
            self.sweep_table.value = pd.DataFrame(self.session.sweep_table(
                self.smooth.value or 0.0, self.scale.value or 1.0,
                *[w.value for w in self.window]))

    # --- Export ----------------------------------------------------------------------

    def _export_tab(self):
        message = new_message("export")
        kind = pn.widgets.Select(name="what", width=340, css_classes=["export-kind"], options={
            "Python script (+ network configuration)": "script",
            "NetPyNE specs (JSON folder)": "netpyne-json", "SONATA circuit (folder)": "sonata"})
        name = pn.widgets.TextInput(name="name in the workspace", value="hnn_model.py",
                                    width=320)
        kind.param.watch(lambda e: setattr(name, "value", "hnn_model.py" if e.new == "script"
                                           else f"export_{e.new.replace('-', '_')}"), "value")
        button = pn.widgets.Button(name="Export", button_type="primary",
                                   css_classes=["export"])
        button.on_click(guarded(message)(lambda _: self.session.export(kind.value, name.value)))
        self.export_progress = pn.pane.Markdown("", css_classes=["export-progress"])
        return pn.Column(pn.Row(kind, name), button, message, self.export_progress,
                         pn.pane.Markdown("Exports use the run options of the Run tab "
                                          "(tstop, dt, trials)."))


def create_page(workspace, token=None):
    """The page of one browser session (checks the token first, if one is required)."""
    if token is not None:
        given = pn.state.session_args.get("token", [b""])[0].decode(errors="replace")
        import hmac

        if not hmac.compare_digest(given, token):
            return pn.pane.Markdown("## Forbidden: open the address with the token printed "
                                    "by `hnn-netpyne gui`.")
    page = Page(workspace)
    pn.state.add_periodic_callback(guarded(page.run_message)(page.poll), period=POLL_MS)
    pn.state.add_periodic_callback(guarded(page.sweep_message)(page.poll_sweep),
                                   period=POLL_MS)
    pn.state.on_session_destroyed(lambda _context: page.session.close())
    return page.view
