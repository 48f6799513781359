"""hnn-core's ``Network``, recorded as plain data and turned into NetPyNE specs.

A :class:`Network` records what the model is: the parameter file, model
variant and grid, the drives (:mod:`hnn_netpyne.network_drives`), the
connectivity entries (hnn-core's ``net.connectivity``,
:mod:`hnn_netpyne.network_connectivity`), cell positions and changed
synapse kinetics.
:meth:`Network.to_netpyne` turns that into the ``simConfig`` and
``netParams`` dictionaries of :mod:`hnn_netpyne.model.specs`; nothing else
builds the network.
"""

import copy
import json

import numpy as np

from hnn_netpyne import network_connectivity as _conn
from hnn_netpyne.cell_types import cell_type_views
from hnn_netpyne.cells import hnn_core_name
from hnn_netpyne.checks import validate_type
from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.legacy_drives import drives_from_params
from hnn_netpyne.model.params import load_params
from hnn_netpyne.model.positions import (
    INPLANE_DISTANCE_UM,
    LAYER_SEPARATION_UM,
    cell_positions,
    check_mesh_shape,
    column_origin,
)
from hnn_netpyne.model.specs import (
    build_net_params,
    build_sim_config,
    cell_specs,
    population_sizes,
)
from hnn_netpyne.model.variants import model_variant
from hnn_netpyne.network_connectivity import ConnectivityMethods
from hnn_netpyne.network_drives import DriveMethods
from hnn_netpyne.param_values import Params, _parameter_source

__all__ = ["Network", "pick_connection"]

pick_connection = _conn.pick_connection


class Network(DriveMethods, ConnectivityMethods):
    """An HNN network: parameters, model variant, grid and drives.

    Make one with :func:`jones_2009_model`, :func:`neymotin_2020_model` or
    :func:`law_2021_model` rather than directly.

    Parameters
    ----------
    params : str | pathlib.Path | dict | None
        Parameter file or values; None reads HNN's ``default.json``.
    add_drives_from_params : bool
        Also use the drives declared in the parameter file (HNN GUI style).
    legacy_mode : bool
        Must be False: hnn-core's legacy drive wiring is not reproduced.
    mesh_shape : (int, int)
        Pyramidal cells along x and y in each layer.
    pos_dict : dict | None
        hnn-core's cell positions (µm); accepted when they are this grid's
        (change the spacing with :meth:`set_cell_positions`).
    cell_types : dict of str -> Cell | None
        hnn-core's cells; accepted when they are this model's (see
        :func:`hnn_netpyne.cells_default.pyramidal`); custom cells are not available.
    model : str
        Model variant, see :mod:`hnn_netpyne.model.variants`.

    Attributes
    ----------
    cell_response : CellResponse | None
        Spikes and section recordings of the last :func:`simulate_dipole` run.
    rec_arrays : dict of str -> ExtracellularArray
        Electrode arrays (see :meth:`add_electrode_array`), with the
        potentials of the last run.
    """

    def __init__(self, params=None, add_drives_from_params=False, legacy_mode=False,
                 mesh_shape=(10, 10), pos_dict=None, cell_types=None, *,
                 model="neymotin_2020"):
        if legacy_mode:
            raise ParameterError("legacy_mode=True (hnn-core's HNN-GUI drive wiring) is not "
                                 "supported; use legacy_mode=False", key="legacy_mode",
                                 value=legacy_mode)
        if not isinstance(add_drives_from_params, bool):
            raise ParameterError("add_drives_from_params must be True or False",
                                 key="add_drives_from_params", value=add_drives_from_params)
        self._param_file, self._param_overrides = _parameter_source(params)
        self._params = load_params(self._param_file, self._param_overrides)
        self._mesh_shape = check_mesh_shape(mesh_shape)
        self._model = model
        model_variant(model)  # fails now, not at simulation time, on a bad model name
        self._drives = []
        if add_drives_from_params:
            self._drives = drives_from_params(self._params, population_sizes(self._mesh_shape))
        self._connectivity = None  # None: the model's own pathways, made on first use
        self._syn_changes = {}
        self._cell_positions = {}  # set_cell_positions' distances (µm), if changed
        self._events = {}
        self.cell_response = None
        self.rec_arrays = {}
        self.to_netpyne()
        self._check_given_layout(pos_dict, cell_types)

    def _check_given_layout(self, pos_dict, cell_types):
        """Refuse hnn-core positions or cells other than this network's own (one line)."""
        if pos_dict is not None:
            ours = self.pos_dict
            for name, positions in pos_dict.items():
                if name not in ours or not np.allclose(np.asarray(positions, float),
                                                       np.asarray(ours[name], float)):
                    raise ParameterError("positions other than the model's grid are not "
                                         "available (set_cell_positions changes its spacing)",
                                         key=f"pos_dict/{name}", value=name)
        if cell_types is not None:
            from hnn_netpyne.network_io import cell_types_dict

            ours = cell_types_dict(self.to_netpyne()[1])
            for name, cell in cell_types.items():
                theirs = cell.to_dict() if hasattr(cell, "to_dict") else cell
                mine = ours.get(name, {}).get("cell_object")
                keys = ("sections", "synapses", "cell_tree", "sect_loc")
                if mine is None or any(json.dumps(mine[k], sort_keys=True) !=
                                       json.dumps(theirs.get(k), sort_keys=True)
                                       for k in keys):
                    raise ParameterError("cells other than the model's are not available",
                                         key=f"cell_types/{name}", value=name)

    def __repr__(self):
        names = [d["name"] for d in self._drives]
        return (f"<Network | {self._model}, {self._mesh_shape[0]} x {self._mesh_shape[1]} "
                f"pyramidal grid, drives {names}>")

    @property
    def params(self):
        """Copy of the validated parameter values."""
        values = {k: v for k, v in self._params.items() if k != "_source"}
        return Params(values, self._param_file)


    @property
    def threshold(self):
        """Spike threshold (mV) of every cell's NetCons."""
        return float(self._params["threshold"])

    @property
    def gid_ranges(self):
        """Population -> range of gids, in hnn-core's names and order (cells, then drives)."""
        ranges = self._cell_gid_ranges()
        for name, entry in self._drive_layout()["drives"].items():
            ranges[name] = range(entry["gid_start"], entry["gid_start"] + entry["n_cells"])
        return ranges

    def _spacing(self):
        """(in-plane grid spacing, layer separation) in µm."""
        return (self._cell_positions.get("inplane_distance", INPLANE_DISTANCE_UM),
                self._cell_positions.get("layer_separation", LAYER_SEPARATION_UM))

    def set_cell_positions(self, *, inplane_distance=None, layer_separation=None):
        """Change the grid spacing and the layer separation (hnn-core's signature).

        Parameters
        ----------
        inplane_distance : float | None
            Distance (µm) between neighbouring pyramidal somata; space
            constants scale with it, so weights and delays stay the same.
        layer_separation : float | None
            Depth (µm) of the L2/3 pyramidal somata above L5's.
        """
        for key, value in (("inplane_distance", inplane_distance),
                           ("layer_separation", layer_separation)):
            if value is None:
                continue
            validate_type(value, float, key, "a number of µm")
            if not value > 0:
                raise ParameterError(f"{key} must be positive", key=key, value=value)
            self._cell_positions[key] = float(value)

    @property
    def pos_dict(self):
        """Population -> list of (x, y, z) soma positions (µm); drives sit at the origin."""
        inplane, layer = self._spacing()
        origin = tuple(column_origin(self._mesh_shape, inplane, layer))
        positions = {hnn_core_name(label): [tuple(p) for p in pos]
                     for label, pos in cell_positions(self._mesh_shape, layer, inplane).items()}
        for name, entry in self._drive_layout()["drives"].items():
            positions[name] = [origin] * entry["n_cells"]
        positions["origin"] = origin
        return positions

    @property
    def cell_types(self):
        """hnn-core's cell types: {name: {'cell_object', 'cell_metadata'}}.

        Setting ``cell_object.synapses[receptor][key]`` (``e`` mV, ``tau1``,
        ``tau2`` ms) changes that synapse of the cell type in the specs.
        """
        rules, syn_mechs = cell_specs(self._params, model_variant(self._model),
                                      self._syn_changes)
        return cell_type_views(syn_mechs, self._syn_changes, rules)

    @property
    def connectivity(self):
        """hnn-core's connectivity entries: cell-to-cell ones (editable in place),
        then the drives' (copies)."""
        return self._cell_connectivity() + self._drive_connectivity()

    def gid_to_type(self, gid):
        """The population (hnn-core name) of ``gid``, or None."""
        return _conn.gid_to_type(gid, self.gid_ranges)

    def filter_cell_types(self, **metadata_filters):
        """Names of the cell types whose ``cell_metadata`` match every filter."""
        return [name for name, cell in self.cell_types.items()
                if all(cell["cell_metadata"].get(k, object()) == v
                       for k, v in metadata_filters.items())]

    def copy(self):
        """An independent copy of the network (without its cell response)."""
        new = copy.deepcopy(self)
        new.cell_response = None
        return new

    def plot_cells(self, ax=None, show=True):
        """Plot the soma positions of every cell type and the drives' origin in 3-D."""
        from hnn_netpyne.analysis.network_plots import plot_cell_positions

        return plot_cell_positions(self.pos_dict, ax=ax, show=show,
                                   inplane_um=self._spacing()[0])

    def to_dict(self, write_output=False):
        """The network as the dictionary of hnn-core's configuration file.

        ``write_output`` must be False (see :func:`hnn_netpyne.network_io.network_to_dict`).
        """
        from hnn_netpyne.network_io import network_to_dict

        return network_to_dict(self, write_output)

    def write_configuration(self, fname, overwrite=True):
        """Write the network as an hnn-core network configuration file (JSON); see
        :func:`hnn_netpyne.network_io.write_network_configuration`."""
        from hnn_netpyne.network_io import write_network_configuration

        write_network_configuration(self, fname, overwrite=overwrite)

    def add_electrode_array(self, name, electrode_pos, *, conductivity=0.3, method="psa",
                            min_distance=0.5):
        """Add extracellular electrodes (hnn-core's signature).

        Parameters
        ----------
        name : str
            Unique name of the array.
        electrode_pos : tuple | list of tuple
            Contact positions (x, y, z) in µm.
        conductivity : float
            Conductivity (S/m) of the infinite homogeneous medium.
        method : 'psa' | 'lsa'
            Each segment as a point source at its centre or as a line source.
        min_distance : float
            Smallest source-to-contact distance used (µm).
        """
        from hnn_netpyne.analysis.extracellular import ExtracellularArray
        from hnn_netpyne.model.recordings import check_electrode_array

        if name in self.rec_arrays:
            raise ParameterError(f"an electrode array named {name!r} exists already",
                                 key="name", value=name)
        spec = check_electrode_array({"name": name, "positions": electrode_pos,
                                      "conductivity": conductivity, "method": method,
                                      "minDistance": min_distance})
        self.rec_arrays[name] = ExtracellularArray(
            spec["positions"], conductivity=spec["conductivity"], method=method,
            min_distance=spec["minDistance"])

    def _electrode_specs(self):
        """The cfg ``extracellularArrays`` entries of :attr:`rec_arrays`."""
        return [{"name": name, "positions": [list(p) for p in arr.positions],
                 "conductivity": arr.conductivity, "method": arr.method,
                 "minDistance": arr.min_distance} for name, arr in self.rec_arrays.items()]

    def to_netpyne(self, tstop=None, dt=None, n_trials=None, *, coreneuron=None, n_threads=None,
                   solver=None, output_dir="output", record_soma_voltage=False, record_vsec=False,
                   record_isec=False, record_ca=False):
        """The NetPyNE specifications of this network.

        Parameters
        ----------
        tstop, dt : float | None
            Simulation length and time step (ms); None takes the parameter file's.
        n_trials : int | None
            Trials; None takes the parameter file's ``N_trials``.
        coreneuron : bool | None
            True solves with CoreNEURON, False with NEURON's solver (as
            ``solver``); None leaves the choice to ``solver``.
        n_threads : int | None
            Threads per process (the same results); None: the free cores per process.
        solver : 'coreneuron' | 'neuron' | None
            None applies the rule of :mod:`hnn_netpyne.model.solver`
            (CoreNEURON unless the run records somatic voltages).
        output_dir : str
            Run folder of a run started from these specs.
        record_soma_voltage : bool
            Record every cell's somatic potential.
        record_vsec, record_isec, record_ca : False | 'soma' | 'all'
            Section recordings (see :func:`hnn_netpyne.simulate_dipole`); the
            electrode arrays of :attr:`rec_arrays` are always part of the specs.

        Returns
        -------
        cfg : dict
            simConfig fields plus the HNN fields (``paramFile``,
            ``paramOverrides``, ``model``, ``meshShape``, ``drives``,
            ``connectivity``, ``synMechChanges`` ...).
        net_params : dict
            netParams: cells, populations, synapses, connections, drives.
        """
        cfg = build_sim_config(
            "params", param_file=self._param_file, tstop=tstop, dt=dt, n_trials=n_trials,
            model=self._model, mesh_shape=self._mesh_shape, drives=copy.deepcopy(self._drives),
            param_overrides=self._param_overrides, coreneuron=coreneuron, n_threads=n_threads,
            solver=solver,
            output_dir=output_dir, record_soma_voltage=record_soma_voltage,
            record_vsec=record_vsec, record_isec=record_isec, record_ca=record_ca,
            electrode_arrays=self._electrode_specs(),
        )
        cfg.update(preset=None, drivesFromParams=False, connectivity=self._definitions(),
                   synMechChanges=copy.deepcopy(self._syn_changes),
                   cellPositions=dict(self._cell_positions))
        return cfg, build_net_params(cfg)
