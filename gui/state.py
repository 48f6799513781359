"""What the editor holds: the model, its drives, gains, connection weights and
probabilities, electrode arrays, and the run options; every change is checked by building the Network it describes."""

import copy
from dataclasses import asdict, dataclass, field
from typing import Optional

from hnn_netpyne.checks import check_option, check_range
from hnn_netpyne.errors import HNNNetpyneError, ParameterError
from hnn_netpyne.gui.drive_forms import new_row, row_call, row_of_definition
from hnn_netpyne.model.solver import SOLVERS

MODELS = {"jones_2009": "Jones 2009 / Neymotin 2020", "law_2021": "Law 2021 (beta events)",
          "calcium": "Jones 2009 with L5 calcium dynamics"}
"""Model name -> what the page calls it."""
GAIN_KEYS = ("e_e", "e_i", "i_e", "i_i")
CONFIG_SUFFIXES = (".json",)
PARAM_SUFFIXES = (".json", ".param")
SYNAPSE_COLUMNS = {"e": "reversal e (mV)", "tau1": "rise tau1 (ms)", "tau2": "decay tau2 (ms)"}
"""Synapse kinetics -> their column in the editor (hnn-core's cell synapse parameters)."""


@dataclass
class RunOptions:
    """The options of a run, as ``hnn-netpyne run`` takes them."""

    tstop: float = 170.0  # ms
    dt: float = 0.025  # ms
    n_trials: int = 1
    n_procs: int = 1  # MPI processes
    solver: str = "neuron"
    n_threads: Optional[int] = None
    label: str = "run1"

    def checked(self):
        """A copy with every value checked (the command line's ranges)."""
        from hnn_netpyne.runtime.options import check_n_procs

        check_range("tstop", self.tstop, 0.0, 1e7, low_open=True)
        check_range("dt", self.dt, 0.0, self.tstop, low_open=True)
        check_range("n_trials", self.n_trials, 1, 10_000, integer=True)
        check_n_procs(self.n_procs)
        check_option("solver", self.solver, SOLVERS)
        if self.n_threads is not None:
            check_range("n_threads", self.n_threads, 1, 1024, integer=True)
        if not self.label.isidentifier():
            raise ParameterError("run names are letters, digits and '_' (no leading digit)",
                                 key="label", value=self.label)
        return RunOptions(**asdict(self))

    def cli_arguments(self):
        """The ``hnn-netpyne run`` options of these settings (but the network and folder)."""
        args = ["--tstop", f"{self.tstop:g}", "--dt", f"{self.dt:g}",
                "--trials", str(self.n_trials), "--solver", self.solver]
        if self.n_threads:
            args += ["--threads", str(self.n_threads)]
        if self.n_procs > 1:
            args += ["--np", str(self.n_procs)]
        return args


@dataclass
class ModelState:
    """The editor's model: a base network (cells, connectivity) plus drive rows."""

    model: str = "jones_2009"
    mesh_shape: tuple = (10, 10)
    drives: list = field(default_factory=list)
    gains: dict = field(default_factory=dict)
    source: str = ""  # the file the base network came from, as shown
    _base: object = None

    def base(self):
        """The network without drives (built on first use)."""
        from hnn_netpyne.network import Network

        if self._base is None:
            self._base = Network(mesh_shape=self.mesh_shape, model=self.model)
        return self._base

    def set_model(self, model, mesh_shape):
        """Choose a model and grid; drives are kept, connection edits and electrode
        arrays are lost."""
        from hnn_netpyne.model.positions import check_mesh_shape

        check_option("model", model, list(MODELS))
        mesh_shape = tuple(check_mesh_shape(tuple(mesh_shape)))
        old = (self.model, self.mesh_shape, self._base)
        self.model, self.mesh_shape, self._base = model, mesh_shape, None
        try:
            self.network()
        except HNNNetpyneError:
            self.model, self.mesh_shape, self._base = old
            raise
        self.source = ""

    def network(self, drives=None, gains=None):
        """The Network of the state (or of other drive rows or gains)."""
        net = self.base().copy()
        for row in self.drives if drives is None else drives:
            method, kwargs = row_call(row)
            try:
                getattr(net, method)(**kwargs)
            except (HNNNetpyneError, TypeError) as err:
                raise ParameterError(f"drive {row['name']!r}: {err}") from None
        chosen = {k: v for k, v in (self.gains if gains is None else gains).items()
                  if v is not None}
        net.set_global_synaptic_gains(**chosen)
        return net

    # --- drives ---------------------------------------------------------------

    def _new_name(self, drive_type):
        names = {row["name"] for row in self.drives}
        prefix = {"evoked": "evoked", "poisson": "poisson", "bursty": "bursty",
                  "tonic": "tonic"}[drive_type]
        return next(f"{prefix}{k}" for k in range(1, 10_000) if f"{prefix}{k}" not in names)

    def add_drive(self, drive_type):
        """Add a drive of ``drive_type`` with default values; its row."""
        check_option("drive type", drive_type, ("evoked", "poisson", "bursty", "tonic"))
        row = new_row(drive_type, self._new_name(drive_type))
        self.replace_drives(self.drives + [row])
        return row

    def update_drive(self, index, row):
        """Replace drive ``index`` by ``row`` if the network still builds."""
        rows = list(self.drives)
        rows[index] = copy.deepcopy(row)
        if sum(r["name"] == row["name"] for r in rows) > 1:
            raise ParameterError("another drive has this name", key="name", value=row["name"])
        self.replace_drives(rows)

    def delete_drive(self, index):
        """Remove drive ``index``."""
        self.drives = self.drives[:index] + self.drives[index + 1:]

    def replace_drives(self, rows):
        """Take ``rows`` as the drives if the network builds with them."""
        self.network(drives=rows)
        self.drives = rows

    def set_gains(self, gains):
        """Set the global synaptic gains (e_e, e_i, i_e, i_i) if valid."""
        gains = {k: gains.get(k) for k in GAIN_KEYS}
        self.network(gains=gains)
        self.gains = gains

    def connection_table(self):
        """Rows (index, source, target, location, receptor, weight µS, gain, probability)
        of the cell-to-cell connections."""
        conns = self.base()._cell_connectivity()
        return [{"index": k, "source": c["src_type"], "target": c["target_type"],
                 "location": c["loc"], "receptor": c["receptor"],
                 "weight (µS)": c["nc_dict"]["A_weight"], "gain": c["nc_dict"]["gain"],
                 "probability": c["probability"]} for k, c in enumerate(conns)]

    def set_connection_weight(self, index, weight_uS):
        """Set the weight (µS at zero distance) of cell-to-cell connection ``index``."""
        weight_uS = check_range("weight", weight_uS, 0.0)
        conns = self.base()._cell_connectivity()
        check_range("connection index", index, 0, len(conns) - 1, integer=True)
        conns[index]["nc_dict"]["A_weight"] = weight_uS

    def set_connection_probability(self, index, probability):
        """Keep ``probability`` (0-1] of the all-to-all pairs of cell-to-cell connection
        ``index``, drawn as the API's ``add_connection(..., probability, conn_seed=index)``
        draws them (the same checks)."""
        base = self.base()
        conns = base._cell_connectivity()
        check_range("connection index", index, 0, len(conns) - 1, integer=True)
        old = conns.pop(index)
        nc = old["nc_dict"]
        try:
            base.add_connection(old["src_type"], old["target_type"], old["loc"],
                                old["receptor"], nc["A_weight"], nc["A_delay"], nc["lamtha"],
                                gain=nc["gain"], allow_autapses=bool(old["allow_autapses"]),
                                probability=probability, conn_seed=index)
        except (HNNNetpyneError, TypeError):
            conns.insert(index, old)
            raise
        conns.insert(index, conns.pop())

    def synapse_table(self):
        """Rows (cell type, receptor, e mV, tau1 ms, tau2 ms) of every cell synapse."""
        rows = []
        for cell, entry in self.base().cell_types.items():
            for receptor, kinetics in entry["cell_object"].synapses.items():
                rows.append({"cell type": cell, "receptor": receptor,
                             **{SYNAPSE_COLUMNS[k]: v for k, v in kinetics.items()}})
        return rows

    def set_synapse(self, cell, receptor, column, value):
        """Set a synapse's reversal (mV) or time constant (ms), named by its table column."""
        key = {v: k for k, v in SYNAPSE_COLUMNS.items()}.get(column)
        check_option("synapse column", column, list(SYNAPSE_COLUMNS.values()))
        synapses = self.base().cell_types[cell]["cell_object"].synapses
        check_option("receptor", receptor, list(synapses))
        if key != "e":
            check_range(column, value, 0.0, low_open=True)
        synapses[receptor][key] = value

    # --- electrodes ----------------------------------------------------------

    def laminar_positions(self, x_um, y_um, z_top_um, z_bottom_um, n_contacts):
        """Contacts (x, y, z) in µm of a laminar array: ``n_contacts`` equally spaced
        from ``z_top_um`` down to ``z_bottom_um`` at (``x_um``, ``y_um``)."""
        import numpy as np

        n_contacts = check_range("contacts", n_contacts, 2, 1000, integer=True)
        x_um, y_um = check_range("x", x_um), check_range("y", y_um)
        top = check_range("top z", z_top_um)
        bottom = check_range("bottom z", z_bottom_um, high=top, high_open=True)
        return [(x_um, y_um, float(z)) for z in np.linspace(top, bottom, n_contacts)]

    def add_laminar_array(self, name, positions, conductivity=0.3, method="psa"):
        """Add an electrode array (the API's ``add_electrode_array``) to the model."""
        self.base().add_electrode_array(name.strip(), positions, conductivity=conductivity,
                                        method=method)

    def delete_electrode_array(self, name):
        """Remove electrode array ``name``."""
        check_option("electrode array", name, list(self.base().rec_arrays))
        del self.base().rec_arrays[name]

    def electrode_table(self):
        """Rows (name, contacts, x µm, y µm, z from/to µm, conductivity S/m, method)."""
        return [{"name": name, "contacts": len(arr.positions),
                 "x (µm)": arr.positions[0][0], "y (µm)": arr.positions[0][1],
                 "top z (µm)": arr.positions[0][2], "bottom z (µm)": arr.positions[-1][2],
                 "conductivity (S/m)": arr.conductivity, "method": arr.method}
                for name, arr in self.base().rec_arrays.items()]

    # --- files ---------------------------------------------------------------

    def _take(self, net, source):
        """Use ``net``'s cells and connectivity as the base and its drives as rows."""
        rows = [row_of_definition(d) for d in net._drives]
        base = net.copy()
        base.clear_drives()
        self.model, self.mesh_shape = net._model, tuple(net._mesh_shape)
        self._base, self.drives, self.source = base, rows, source
        self.gains = {}

    def load_configuration(self, path, shown_name):
        """Read an hnn-core network configuration file (``read_network_configuration``)."""
        from hnn_netpyne.network_config import read_network_configuration

        self._take(read_network_configuration(path), shown_name)

    def load_params(self, path, shown_name):
        """Read an HNN parameter file (.json/.param) with the drives it declares."""
        from hnn_netpyne.network import Network

        net = Network(str(path), add_drives_from_params=True, mesh_shape=self.mesh_shape,
                      model=self.model)
        self._take(net, shown_name)

    def save_configuration(self, path):
        """Write the whole state as an hnn-core network configuration file."""
        self.network().write_configuration(path)
