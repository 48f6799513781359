"""SONATA data files: nodes, edges and spikes (HDF5), types tables (CSV).

Everything is written with h5py, following the SONATA developer guide
(AllenInstitute/sonata, docs/SONATA_DEVELOPER_GUIDE.md); the edge indices
are written by libsonata itself, so they are in the layout libsonata and
bmtk read (uncompressed).
"""

import csv

import numpy as np

SONATA_VERSION = (0, 1)
SONATA_MAGIC = 0x0A7A
SPIKE_SORTING = {"none": 0, "by_id": 1, "by_time": 2}


def _require(module):
    """Import h5py or libsonata, with the install hint when missing."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as err:  # pragma: no cover - depends on the installation
        from hnn_netpyne.errors import HNNNetpyneError

        raise HNNNetpyneError(
            f"the SONATA export needs {module}: pip install 'hnn-netpyne[sonata]'"
        ) from err


def _stamp(h5file):
    """The two top-level attributes every SONATA HDF5 file carries."""
    h5file.attrs.create("version", np.array(SONATA_VERSION, dtype=np.uint32))
    h5file.attrs.create("magic", np.uint32(SONATA_MAGIC))


def _write_group(population, kind, type_ids, attributes, name):
    """A population's type ids, its one group ("0") and that group's attributes.

    ``kind`` is 'node' or 'edge'; every attribute has one value per member.
    """
    n = len(type_ids)
    population.create_dataset(f"{kind}_type_id", data=type_ids)
    population.create_dataset(f"{kind}_group_id", data=np.zeros(n, dtype=np.uint32))
    population.create_dataset(f"{kind}_group_index", data=np.arange(n, dtype=np.uint64))
    group = population.create_group("0")
    for key, values in attributes.items():
        values = np.asarray(values)
        if len(values) != n:
            raise ValueError(f"{kind} attribute {key!r} of {name!r} has {len(values)} values, "
                             f"expected {n}")
        group.create_dataset(key, data=values)


def write_nodes(path, populations):
    """Write node populations, each with one node type and one group.

    Parameters
    ----------
    path : pathlib.Path
        HDF5 file to create.
    populations : dict
        Population name -> ``{'node_type_id': int, 'attributes': {name:
        array}}``; every attribute array has one value per node, in node id
        order (ids are 0..n-1).
    """
    h5py = _require("h5py")
    with h5py.File(path, "w") as h5:
        _stamp(h5)
        root = h5.create_group("nodes")
        for name, pop in populations.items():
            n = len(next(iter(pop["attributes"].values())))
            grp = root.create_group(name)
            grp.create_dataset("node_id", data=np.arange(n, dtype=np.uint64))
            _write_group(grp, "node", np.full(n, pop["node_type_id"], dtype=np.uint64),
                         pop["attributes"], name)


def write_edges(path, populations):
    """Write edge populations (one group each) and their indices into a new HDF5 file.

    ``populations`` maps a population name to ``{'source': population,
    'target': population, 'n_source_nodes': int, 'n_target_nodes': int,
    'source_node_id', 'target_node_id', 'edge_type_id': arrays,
    'attributes': {name: array}}``.
    """
    h5py = _require("h5py")
    libsonata = _require("libsonata")
    with h5py.File(path, "w") as h5:
        _stamp(h5)
        root = h5.create_group("edges")
        for name, pop in populations.items():
            grp = root.create_group(name)
            src = grp.create_dataset("source_node_id",
                                     data=np.asarray(pop["source_node_id"], dtype=np.uint64))
            src.attrs["node_population"] = pop["source"]
            tgt = grp.create_dataset("target_node_id",
                                     data=np.asarray(pop["target_node_id"], dtype=np.uint64))
            tgt.attrs["node_population"] = pop["target"]
            _write_group(grp, "edge", np.asarray(pop["edge_type_id"], dtype=np.uint32),
                         pop["attributes"], name)
    # libsonata writes source_to_target and target_to_source itself (bmtk
    # requires them; libsonata cannot read compressed ones).
    for name, pop in populations.items():
        libsonata.EdgePopulation.write_indices(str(path), name, int(pop["n_source_nodes"]),
                                               int(pop["n_target_nodes"]), False)
    # The guide and libsonata name the first index dataset node_id_to_ranges,
    # bmtk (1.2) reads node_id_to_range: a hard link serves both, no copy.
    with h5py.File(path, "a") as h5:
        for name in populations:
            for direction in ("source_to_target", "target_to_source"):
                index = h5[f"edges/{name}/indices/{direction}"]
                index["node_id_to_range"] = index["node_id_to_ranges"]


def write_spikes(path, populations):
    """Write a new SONATA spikes file at ``path``, sorted by time.

    ``populations`` maps a population name to its (spike times in ms, node
    ids), in any order.
    """
    h5py = _require("h5py")
    sorting = h5py.enum_dtype(SPIKE_SORTING, basetype=np.uint8)
    with h5py.File(path, "w") as h5:
        _stamp(h5)
        root = h5.create_group("spikes")
        for name, (times, node_ids) in populations.items():
            times = np.asarray(times, dtype=np.float64)
            node_ids = np.asarray(node_ids, dtype=np.uint64)
            order = np.lexsort((node_ids, times))
            grp = root.create_group(name)
            grp.attrs.create("sorting", SPIKE_SORTING["by_time"], dtype=sorting)
            ts = grp.create_dataset("timestamps", data=times[order])
            ts.attrs["units"] = "ms"
            grp.create_dataset("node_ids", data=node_ids[order])


def write_types_csv(path, rows):
    """Write a node or edge types table in SONATA's space-separated CSV.

    Parameters
    ----------
    path : pathlib.Path
        File to create.
    rows : list of dict
        One dict per type; all dicts have the same keys, in column order.
        ``None`` is written as NULL.
    """
    columns = list(rows[0])
    with open(path, "w", newline="") as fid:
        writer = csv.writer(fid, delimiter=" ", quotechar='"', lineterminator="\n",
                            quoting=csv.QUOTE_MINIMAL)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["NULL" if row[c] is None else row[c] for c in columns])
