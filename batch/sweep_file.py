"""``hnn-netpyne sweep``: a sweep described by a file, with no code in it.

A sweep file is JSON::

    {"network": {"model": "jones_2009", "params": null, "mesh_shape": [10, 10],
                 "drives": "erp"},
     "tstop": 170.0, "dt": 0.025, "n_trials": 1,
     "grid": {"evprox1.weights_ampa.L5_pyramidal": [0.001, 0.002, 0.004]},
     "combinations": true}

with exactly one of ``grid`` (name -> values), ``table`` (a list of
{name: value}) or ``sample`` ({"method": "sobol" | "random", "n_points": N,
"seed": 0, "ranges": {name: [low, high]}}); or a CSV file whose columns are
parameters and whose rows are points, on the default network with the ERP
drives. ``drives`` is 'erp' (hnn-core's ERP drives), 'params' (those
of the parameter file) or 'none'. ``"network": {"config": FILE}`` takes the
whole network, drives included, from an hnn-core network configuration file
(what the GUI saves) instead.

Parameter names say what they set on a drive or bias: ``<drive>.<field>``
(``evprox1.mu``, ``evprox1.event_seed``, ``tonic.t0``) or
``<drive>.<field>.<cell type>`` (``evdist1.weights_nmda.L2_pyramidal``,
``tonic.amplitude.L5_pyramidal``), with the fields of hnn-core's
``add_*_drive`` and ``add_tonic_bias``.
"""

import csv
import json
from pathlib import Path

from hnn_netpyne.errors import ParameterError

_COMMON = ("location", "n_drive_cells", "cell_specific", "weights_ampa", "weights_nmda",
           "space_constant", "synaptic_delays", "probability", "event_seed", "conn_seed")
_DYNAMICS = {"evoked": ("mu", "sigma", "numspikes"),
             "poisson": ("tstart", "tstop", "rate_constant"),
             "bursty": ("tstart", "tstart_std", "tstop", "burst_rate", "burst_std",
                        "numspikes", "spike_isi")}
_SWEEP_KEYS = {"network", "tstop", "dt", "n_trials", "grid", "table", "sample", "combinations"}


def _drive_arguments(drive):
    """The add_*_drive / add_tonic_bias keyword arguments of a drive definition."""
    if drive["type"] == "tonic":
        return {"amplitude": dict(drive["amplitude"]), "t0": drive["t0"],
                "tstop": drive["tstop"], "section": drive["section"]}
    kwargs = {key: drive[key] for key in _COMMON}
    kwargs.update({key: drive["dynamics"][key] for key in _DYNAMICS[drive["type"]]})
    return kwargs


def _set_field(name, kwargs, path, value):
    from hnn_netpyne.model.drives import cell_type_name

    field = path[0]
    if field not in kwargs or len(path) > 2:
        raise ParameterError(f"no such drive field; expected one of {sorted(kwargs)}",
                             key=name, value=value)
    if len(path) == 1:
        kwargs[field] = value
        return
    if not isinstance(kwargs[field], dict):
        raise ParameterError(f"{field} is not per cell type here", key=name, value=value)
    kwargs[field][cell_type_name(path[1])] = value


def set_drive_values(param_values, net):
    """``set_params`` of a file sweep: set ``<drive>.<field>[.<cell type>]`` values.

    The drives and biases of ``net`` are added again, in their order, with
    the given fields changed.
    """
    # The package's own definitions (hnn-core's external_drives view lacks some fields).
    drives = {drive["name"]: drive for drive in net._drives}
    arguments = {name: _drive_arguments(drive) for name, drive in drives.items()}
    for name, value in param_values.items():
        drive, _, rest = name.partition(".")
        if drive not in arguments or not rest:
            raise ParameterError(f"parameter names are <drive>.<field>[.<cell type>] with a "
                                 f"drive of the network {sorted(arguments)}", key=name,
                                 value=value)
        _set_field(name, arguments[drive], rest.split("."), value)
    net.clear_drives()
    for name, drive in drives.items():
        kwargs = arguments[name]
        if drive["type"] == "tonic":
            net.add_tonic_bias(bias_name=name, **kwargs)
        else:
            getattr(net, f"add_{drive['type']}_drive")(name, **kwargs)


def _network(spec):
    from hnn_netpyne.api import Network, add_erp_drives_to_jones_model

    if "config" in spec:
        from hnn_netpyne.network_config import read_network_configuration

        if set(spec) != {"config"}:
            raise ParameterError("network.config gives the whole network; leave out "
                                 "model, params, mesh_shape and drives", key="network",
                                 value=sorted(spec))
        return read_network_configuration(spec["config"])
    spec = dict({"model": "jones_2009", "params": None, "mesh_shape": [10, 10],
                 "drives": "erp"}, **spec)
    unknown = set(spec) - {"model", "params", "mesh_shape", "drives"}
    if unknown or spec["drives"] not in ("erp", "params", "none"):
        key = sorted(unknown)[0] if unknown else "drives"
        raise ParameterError("network takes model, params, mesh_shape and drives "
                             "('erp', 'params' or 'none')", key=f"network.{key}",
                             value=spec.get(key))
    net = Network(spec["params"], add_drives_from_params=spec["drives"] == "params",
                  mesh_shape=tuple(spec["mesh_shape"]), model=spec["model"])
    if spec["drives"] == "erp":
        add_erp_drives_to_jones_model(net)
    return net


def _points(spec, source):
    from hnn_netpyne.batch.grid import grid_points, random_points, sobol_points, table_points

    given = [key for key in ("grid", "table", "sample") if key in spec]
    if len(given) != 1:
        raise ParameterError("give exactly one of grid, table or sample", source=source,
                             key="grid", value=given)
    if "grid" in spec:
        return grid_points(spec["grid"], spec.get("combinations", True))
    if "table" in spec:
        return table_points(spec["table"])
    sample = dict(spec["sample"])
    method = sample.pop("method", "sobol")
    if method not in ("sobol", "random") or set(sample) - {"n_points", "seed", "ranges"}:
        raise ParameterError("sample takes method ('sobol' or 'random'), n_points, seed, ranges",
                             source=source, key="sample", value=spec["sample"])
    sampler = sobol_points if method == "sobol" else random_points
    return sampler(sample.get("ranges"), sample.get("n_points"), sample.get("seed", 0))


def read_sweep_file(path):
    """The network, points and settings of a sweep file (.json, or a .csv table).

    Returns
    -------
    net : hnn_netpyne.api.Network | None
        The network of a JSON file (None for CSV: the caller's default).
    points : list of dict
    settings : dict
        ``tstop``, ``dt``, ``n_trials`` given by the file.
    """
    path = Path(path)
    if not path.is_file():
        raise ParameterError("no such sweep file", source=str(path))
    if path.suffix.lower() == ".csv":
        with open(path, newline="") as handle:
            rows = [{k: _csv_value(v) for k, v in row.items()} for row in csv.DictReader(handle)]
        from hnn_netpyne.batch.grid import table_points

        return None, table_points(rows), {}
    try:
        spec = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ParameterError(f"not a JSON sweep file ({err})", source=str(path)) from err
    if not isinstance(spec, dict) or set(spec) - _SWEEP_KEYS:
        extra = sorted(set(spec) - _SWEEP_KEYS) if isinstance(spec, dict) else spec
        raise ParameterError(f"a sweep file is a JSON object with keys {sorted(_SWEEP_KEYS)}",
                             source=str(path), key="sweep", value=extra)
    settings = {k: spec[k] for k in ("tstop", "dt", "n_trials") if k in spec}
    return _network(spec.get("network", {})), _points(spec, str(path)), settings


def _csv_value(text):
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def add_sweep_arguments(parser):
    """Arguments of ``hnn-netpyne sweep``."""
    parser.add_argument("file", help="sweep file: JSON (network, grid/table/sample) or a CSV table")
    parser.add_argument("--output", default="sweep", help="sweep folder (default: sweep)")
    parser.add_argument("--n-jobs", type=int, default=1,
                        help="worker processes of the local Dask cluster (default 1)")
    parser.add_argument("--scheduler", default=None,
                        help="address of a running Dask scheduler (e.g. from dask-jobqueue)")
    parser.add_argument("--tstop", type=float, default=None, help="simulation length (ms)")
    parser.add_argument("--dt", type=float, default=None, help="time step (ms)")
    parser.add_argument("--trials", type=int, default=None, help="trials per point")
    parser.add_argument("--save-spiking", action="store_true", help="store every point's spikes")
    parser.add_argument("--record-vsec", choices=("soma", "all"), default=None,
                        help="store every point's voltages (mV) at the middle of the soma "
                             "or of every section")
    parser.add_argument("--coreneuron", action="store_true", help="solve with CoreNEURON")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace another sweep's results in the folder")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def cmd_sweep(args, _raw=None):
    """Run the sweep of ``args.file`` into ``args.output``; print the store's path."""
    from hnn_netpyne.batch.batch_simulate import BatchSimulate

    net, points, settings = read_sweep_file(args.file)
    if net is None:  # a CSV table sweeps the default network with the ERP drives
        net = _network({})
    for key, value in (("tstop", args.tstop), ("dt", args.dt), ("n_trials", args.trials)):
        if value is not None:
            settings[key] = value
    batch = BatchSimulate(set_drive_values, net=net, save_folder=args.output,
                          save_outputs=True, save_spiking=args.save_spiking,
                          record_vsec=args.record_vsec or False,
                          save_voltages=args.record_vsec is not None,
                          overwrite=args.overwrite, coreneuron=args.coreneuron, **settings)
    batch.run(points, return_output=False, n_jobs=args.n_jobs, verbose=not args.quiet,
              client=args.scheduler)
    print(Path(args.output) / "sweep.h5")
    return 0
