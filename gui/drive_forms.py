"""The drives of the editor: the fields of each type, with units, and the
translation between a form row and the Network's ``add_*`` methods.

A row is plain JSON-able data::

    {"name": "evprox1", "type": "evoked",
     "values": {"mu": 26.6, "sigma": 2.5, ...},          # one number or text per field
     "per_type": {"weights_ampa": {"L2_basket": 0.088, ...}, ...}}   # per cell type

Checking is left to the Network's methods (the same checks as scripts and
configuration files); a weight of 0 means "not a target" (no connection).
"""

from collections import namedtuple

from hnn_netpyne.cells import cell_type_names, hnn_core_name, hnn_core_names

Field = namedtuple("Field", "key label unit kind default")
"""One value of a drive: ``kind`` is 'float', 'int', 'optional_float' (blank: none),
'text', 'bool' or a tuple of choices."""

DRIVE_TYPES = ("evoked", "poisson", "bursty", "tonic")
CELL_TYPES = tuple(hnn_core_name(label) for label in cell_type_names())
"""hnn-core's cell type names, in gid order."""

_SEEDS = (Field("event_seed", "event seed", "", "int", 2),
          Field("conn_seed", "connection seed", "", "int", 3))
_SPIKE_COMMON = (Field("location", "location", "", ("proximal", "distal"), "proximal"),
                 Field("space_constant", "space constant", "grid spacings", "float", 3.0),
                 Field("cell_specific", "one drive cell per target cell", "", "bool", True),
                 Field("n_drive_cells", "drive cells (if not one per target)", "", "int", 1))
FIELDS = {
    "evoked": (Field("mu", "mean time", "ms", "float", 25.0),
               Field("sigma", "time SD", "ms", "float", 2.5),
               Field("numspikes", "spikes per drive cell", "", "int", 1))
    + _SPIKE_COMMON + _SEEDS,
    "poisson": (Field("tstart", "start", "ms", "float", 0.0),
                Field("tstop", "stop (blank: end of run)", "ms", "optional_float", None))
    + _SPIKE_COMMON + _SEEDS,
    "bursty": (Field("tstart", "start", "ms", "float", 0.0),
               Field("tstart_std", "start SD", "ms", "float", 0.0),
               Field("tstop", "stop (blank: end of run)", "ms", "optional_float", None),
               Field("burst_rate", "burst rate", "Hz", "float", 10.0),
               Field("burst_std", "burst jitter SD", "ms", "float", 0.0),
               Field("numspikes", "spikes per burst", "", "int", 2),
               Field("spike_isi", "interval within a burst", "ms", "float", 10.0))
    + _SPIKE_COMMON + _SEEDS,
    "tonic": (Field("t0", "start", "ms", "float", 0.0),
              Field("tstop", "stop (blank: end of run)", "ms", "optional_float", None),
              Field("section", "section", "", "text", "soma")),
}
"""The single-valued fields of each drive type."""

PER_TYPE_FIELDS = {
    "spike": (Field("weights_ampa", "AMPA weight", "µS", "float", 0.0),
              Field("weights_nmda", "NMDA weight", "µS", "float", 0.0),
              Field("synaptic_delays", "delay", "ms", "float", 0.1),
              Field("probability", "probability", "0-1", "float", 1.0)),
    "poisson": (Field("rate_constant", "rate", "Hz", "float", 10.0),),
    "tonic": (Field("amplitude", "amplitude", "nA", "float", 0.0),),
}
"""Fields with one value per cell type (columns of the drive's table)."""

# A proximal input that makes the column respond (hnn-core's ERP example, first drive).
_NEW_WEIGHTS_AMPA = {"L2_basket": 0.08831, "L2_pyramidal": 0.01525, "L5_basket": 0.19934,
                     "L5_pyramidal": 0.00865}
_NEW_DELAYS = {"L2_basket": 0.1, "L2_pyramidal": 0.1, "L5_basket": 1.0, "L5_pyramidal": 1.0}


def per_type_fields(drive_type):
    """The per-cell-type fields of ``drive_type``."""
    if drive_type == "tonic":
        return PER_TYPE_FIELDS["tonic"]
    extra = PER_TYPE_FIELDS["poisson"] if drive_type == "poisson" else ()
    return PER_TYPE_FIELDS["spike"] + extra


def new_row(drive_type, name):
    """A row with the default values of ``drive_type`` (a proximal input for drives)."""
    values = {f.key: f.default for f in FIELDS[drive_type]}
    if drive_type == "bursty":
        values["cell_specific"] = False
    per_type = {f.key: {ct: f.default for ct in CELL_TYPES} for f in per_type_fields(drive_type)}
    if drive_type != "tonic":
        per_type["weights_ampa"] = dict(_NEW_WEIGHTS_AMPA)
        per_type["synaptic_delays"] = dict(_NEW_DELAYS)
    return {"name": name, "type": drive_type, "values": values, "per_type": per_type}


def row_call(row):
    """(Network method name, keyword arguments) that add the drive of ``row``."""
    values, per_type = row["values"], row["per_type"]
    if row["type"] == "spike_train":
        return "add_spike_train_drive", dict(row["kwargs"], name=row["name"])
    if row["type"] == "tonic":
        amplitude = dict(per_type["amplitude"])
        return "add_tonic_bias", {"bias_name": row["name"], "amplitude": amplitude,
                                  "t0": values["t0"], "tstop": values["tstop"],
                                  "section": values["section"]}
    kwargs = {k: v for k, v in values.items() if k != "n_drive_cells"}
    kwargs["n_drive_cells"] = "n_cells" if values["cell_specific"] else values["n_drive_cells"]
    targets = [ct for ct in CELL_TYPES
               if per_type["weights_ampa"].get(ct) or per_type["weights_nmda"].get(ct)]
    for key in ("weights_ampa", "weights_nmda"):
        kwargs[key] = {ct: per_type[key][ct] for ct in targets if per_type[key].get(ct)} or None
    for key in ("synaptic_delays", "probability", "rate_constant"):
        if key in per_type:
            kwargs[key] = {ct: per_type[key][ct] for ct in targets}
    if "rate_constant" in kwargs and len(set(kwargs["rate_constant"].values())) <= 1:
        kwargs["rate_constant"] = next(iter(kwargs["rate_constant"].values()), 0.0)
    return f"add_{row['type']}_drive", dict(kwargs, name=row["name"])


def row_of_definition(drive):
    """The row of a drive or bias definition kept by a Network
    (see :mod:`~hnn_netpyne.model.drives`)."""
    long = hnn_core_names()
    if drive["type"] == "spike_train":  # kept as read (its trains come from a file)
        kwargs = {k: drive[k] for k in ("location", "weights_ampa", "weights_nmda",
                                        "synaptic_delays", "space_constant", "probability",
                                        "conn_seed")}
        trains = drive["dynamics"]["spike_times"]
        return {"name": drive["name"], "type": "spike_train", "values": {}, "per_type": {},
                "kwargs": dict(kwargs, spike_data={str(k): t for k, t in enumerate(trains)})}
    row = new_row(drive["type"], drive["name"])
    if drive["type"] == "tonic":
        row["values"].update(t0=drive["t0"], tstop=drive["tstop"], section=drive["section"])
        row["per_type"]["amplitude"] = {ct: drive["amplitude"].get(label, 0.0)
                                        for label, ct in long.items()}
        return row
    dynamics = dict(drive["dynamics"])
    rates = dynamics.pop("rate_constant", None)
    row["values"].update({k: v for k, v in dynamics.items() if k in row["values"]})
    row["values"].update(location=drive["location"], space_constant=drive["space_constant"],
                         cell_specific=drive["cell_specific"], event_seed=drive["event_seed"],
                         conn_seed=drive["conn_seed"])
    if not drive["cell_specific"]:
        row["values"]["n_drive_cells"] = drive["n_drive_cells"]
    for key in ("weights_ampa", "weights_nmda", "synaptic_delays", "probability"):
        row["per_type"][key] = {ct: drive[key].get(label, 0.0 if key.startswith("w") else
                                                   row["per_type"][key][ct])
                                for label, ct in long.items()}
    if rates is not None:
        row["per_type"]["rate_constant"] = {
            ct: (rates.get(label, 10.0) if isinstance(rates, dict) else rates)
            for label, ct in long.items()}
    return row
