"""hnn-core's connectivity entries over the NetPyNE connection rules.

A Network keeps its cell-to-cell connections as hnn-core 0.6.1 lists them
(``net.connectivity``): one dict per pathway and receptor with
``src_type``, ``target_type``, ``gid_pairs`` ({src gid: [target gids]}),
``loc``, ``receptor``, ``nc_dict`` (``A_weight`` µS, ``A_delay`` ms,
``lamtha`` in grid spacings, ``threshold`` mV, ``gain``), ``allow_autapses``
and ``probability``. :func:`connection_definitions` turns them into the
plain definitions the specs builder reads (``cfg['connectivity']``): an
all-to-all pathway stays one distance rule, any other becomes an explicit
``connList``.
"""

from collections import defaultdict

import numpy as np

from hnn_netpyne.cells import hnn_core_name, label_of
from hnn_netpyne.checks import check_option, validate_type
from hnn_netpyne.errors import HNNNetpyneError, ParameterError
from hnn_netpyne.model.connectivity import DEFAULT_DELAY_MS, connectivity_rules
from hnn_netpyne.model.gids import cell_gid_ranges
from hnn_netpyne.model.positions import cell_positions
from hnn_netpyne.model.specs import cell_specs, population_sizes
from hnn_netpyne.model.variants import model_variant, variant_pathways

LOCATIONS = ("proximal", "distal", "soma")
RECEPTORS = ("ampa", "nmda", "gabaa", "gabab")


def new_connection(src_type, target_type, gid_pairs, loc, receptor, weight, delay, lamtha,
                   threshold, gain=1.0, allow_autapses=True, probability=1.0):
    """One connectivity entry in hnn-core's layout (gids as Python ints)."""
    targets = sorted({t for tgts in gid_pairs.values() for t in tgts})
    return {"src_type": src_type, "target_type": target_type,
            "src_gids": sorted(gid_pairs), "num_srcs": len(gid_pairs),
            "target_gids": targets, "num_targets": len(targets),
            "gid_pairs": {int(s): [int(t) for t in tgts] for s, tgts in gid_pairs.items()},
            "loc": loc, "receptor": receptor,
            "nc_dict": {"A_delay": delay, "A_weight": weight, "lamtha": lamtha,
                        "threshold": threshold, "gain": gain},
            "allow_autapses": allow_autapses, "probability": probability}


def all_pairs(src_gids, target_gids, allow_autapses):
    """{src gid: [target gids]} of an all-to-all pattern."""
    return {s: [t for t in target_gids if allow_autapses or t != s] for s in src_gids}


def pathway_connections(pathways, params, gid_ranges, threshold):
    """hnn-core's connectivity entries of a model's pathway table."""
    conns = []
    for path in pathways:
        weight = path["weight"]
        weight = float(params[weight]) if isinstance(weight, str) else float(weight)
        src, tgt = hnn_core_name(path["source"]), hnn_core_name(path["target"])
        pairs = all_pairs(gid_ranges[src], gid_ranges[tgt], path["autapses"])
        conns.append(new_connection(src, tgt, pairs, path["loc"], path["receptor"], weight,
                                    DEFAULT_DELAY_MS, float(path["lamtha"]), threshold,
                                    allow_autapses=path["autapses"]))
    return conns


def prune_pairs(gid_pairs, probability, conn_seed):
    """Keep round(n * probability) of the pairs, drawn as hnn-core draws them.

    ``numpy.random.default_rng(conn_seed).choice`` picks, without
    replacement, indices into the pairs flattened source by source; sources
    left without targets are dropped.
    """
    validate_type(probability, float, "probability")
    if not 0.0 < probability < 1.0:
        raise ParameterError("probability must be in (0, 1)", key="probability",
                             value=probability)
    flat = [(s, t) for s, targets in gid_pairs.items() for t in targets]
    rng = np.random.default_rng(conn_seed)
    keep = set(rng.choice(range(len(flat)), int(np.round(len(flat) * probability)),
                          replace=False).tolist())
    pruned = defaultdict(list)
    for idx, (s, t) in enumerate(flat):
        if idx in keep:
            pruned[s].append(t)
    return dict(pruned)


def check_gids(gids, gid_ranges, valid, name, same_type=True):
    """A list of gids from a population name, a gid, a range or a list (hnn-core's rules)."""
    validate_type(gids, (int, list, range, str, type(None)), name,
                   "an int, list, range, str or None")
    if gids is None:
        return []
    if isinstance(gids, str):
        check_option(name, gids, valid)
        return list(gid_ranges[gids])
    gids = [gids] if isinstance(gids, int) else list(gids)
    if gids and all(isinstance(g, str) for g in gids):
        return [gid for pop in gids for gid in gid_ranges[check_option(name, pop, valid)]]
    first = gid_to_type(gids[0], gid_ranges) if gids else None
    for gid in gids:
        validate_type(gid, int, name)
        kind = gid_to_type(gid, gid_ranges)
        if kind is None or (same_type and kind != first):
            raise ParameterError("gids must exist and be of one population" if same_type
                                 else "gid is in no population", key=name, value=gid)
    return [int(g) for g in gids]


def gid_to_type(gid, gid_ranges):
    """The population of ``gid``, or None."""
    for name, gids in gid_ranges.items():
        if gid in gids:
            return name
    return None


def pick_connection(net, src_gids=None, target_gids=None, loc=None, receptor=None):
    """Indices into ``net.connectivity`` matching every given criterion (hnn-core's).

    Parameters
    ----------
    net : Network
        The network.
    src_gids, target_gids : str | int | range | list | None
        Population names or gids (several populations allowed).
    loc, receptor : str | list of str | None
        Locations ('proximal', 'distal', 'soma') and receptors.

    Returns
    -------
    indices : list of int
        Sorted; empty if a criterion matches nothing.
    """
    ranges = net.gid_ranges
    srcs = set(check_gids(src_gids, ranges, list(ranges), "src_gids", same_type=False))
    tgts = set(check_gids(target_gids, ranges, list(net.cell_types), "target_gids",
                          same_type=False))
    locs = _string_list(loc, LOCATIONS, "loc")
    receptors = _string_list(receptor, RECEPTORS, "receptor")
    picks = []
    for idx, conn in enumerate(net.connectivity):
        if ((srcs and not srcs & set(conn["src_gids"]))
                or (tgts and not tgts & set(conn["target_gids"]))
                or (locs and conn["loc"] not in locs)
                or (receptors and conn["receptor"] not in receptors)):
            continue
        picks.append(idx)
    return picks


def _string_list(value, valid, name):
    validate_type(value, (str, list, type(None)), name, "a str, list or None")
    values = [] if value is None else [value] if isinstance(value, str) else list(value)
    for item in values:
        check_option(name, item, valid)
    return values


def _index_pairs(conn, gid_ranges):
    """(pre index, post index) pairs of a connectivity entry, in gid_pairs order."""
    src0, tgt0 = min(gid_ranges[conn["src_type"]]), min(gid_ranges[conn["target_type"]])
    return [[int(s) - src0, int(t) - tgt0] for s, targets in conn["gid_pairs"].items()
            for t in targets]


def connection_definition(conn, gid_ranges, threshold):
    """The specs builder's definition of one connectivity entry.

    Returns
    -------
    definition : dict
        ``source``, ``target`` (NetPyNE labels), ``loc``, ``receptor``,
        ``weight`` (µS, gain applied), ``delay`` (ms), ``lamtha`` (grid
        spacings), ``autapses`` and ``pairs`` (None for all-to-all, else
        [[pre index, post index], ...]).
    """
    nc = conn["nc_dict"]
    if nc["threshold"] != threshold:
        raise ParameterError(f"a connection threshold other than the network's ({threshold} "
                             "mV) is not available", key="threshold", value=nc["threshold"])
    src, tgt = conn["src_type"], conn["target_type"]
    same = src == tgt
    pairs = _index_pairs(conn, gid_ranges)
    n_src, n_tgt = len(gid_ranges[src]), len(gid_ranges[tgt])
    full = {"autapses": True, "pairs": None}
    if len(pairs) == n_src * n_tgt and len({tuple(p) for p in pairs}) == len(pairs):
        pass
    elif (same and len(pairs) == n_src * (n_src - 1)
          and all(p != q for p, q in pairs) and len({tuple(p) for p in pairs}) == len(pairs)):
        full["autapses"] = False
    else:  # a cell connected to itself gets a rule of its own (model/connectivity.py)
        full = {"autapses": same and any(p == q for p, q in pairs), "pairs": pairs}
    return dict(full, source=label_of(src), target=label_of(tgt),
                loc=conn["loc"], receptor=conn["receptor"],
                weight=float(nc["A_weight"]) * float(nc["gain"]), delay=float(nc["A_delay"]),
                lamtha=float(nc["lamtha"]))


class ConnectivityMethods:
    """The connectivity part of :class:`~hnn_netpyne.network.Network` (a mixin): the
    cell-to-cell entries, add_connection, clearing and global gains."""

    def _cell_gid_ranges(self):
        """Cell type (hnn-core name) -> range of gids."""
        sizes = population_sizes(self._mesh_shape)
        return {hnn_core_name(label): gids for label, gids in cell_gid_ranges(sizes).items()}

    def _model_connectivity(self):
        """The connectivity entries of the model's own pathways."""
        pathways = variant_pathways(model_variant(self._model))
        return pathway_connections(pathways, self._params, self._cell_gid_ranges(),
                                         self.threshold)

    def _cell_connectivity(self):
        if self._connectivity is None:
            self._connectivity = self._model_connectivity()
        return self._connectivity

    def _definitions(self):
        """The cell-to-cell connection definitions for the specs, or None when they
        are the model's own pathways unchanged."""
        if self._connectivity is None:
            return None
        ranges, threshold = self._cell_gid_ranges(), self.threshold
        ours = [connection_definition(c, ranges, threshold) for c in self._connectivity]
        model = [connection_definition(c, ranges, threshold)
                 for c in self._model_connectivity()]
        return None if ours == model else ours

    def add_connection(self, src_gids, target_gids, loc, receptor, weight, delay, lamtha,
                       threshold=None, gain=1.0, allow_autapses=True, probability=1.0,
                       conn_seed=None):
        """Add a cell-to-cell connection (hnn-core's signature).

        Parameters
        ----------
        src_gids, target_gids : str | int | range | list of int
            A cell type ('L2_pyramidal' ...) or gids of one cell type; every
            source connects to every target.
        loc : str
            'proximal', 'distal', 'soma' or a section name of the target.
        receptor : str
            'ampa', 'nmda', 'gabaa' or 'gabab'.
        weight, delay : float
            Weight (µS) and delay (ms) at zero distance.
        lamtha : float
            Space constant (grid spacings) of the distance fall-off.
        threshold : float | None
            Must be None or the network's spike threshold (mV).
        gain : float
            Factor on the weight (>= 0).
        allow_autapses : bool
            Allow a cell to connect to itself.
        probability : float
            Fraction of the pairs kept, drawn as hnn-core draws them.
        conn_seed : int | None
            Seed of that draw.
        """
        ranges = self._cell_gid_ranges()
        cell_names = list(ranges)
        srcs = check_gids(src_gids, ranges, cell_names, "src_gids")
        tgts = check_gids(target_gids, ranges, cell_names, "target_gids")
        validate_type(allow_autapses, bool, "allow_autapses")
        for name, value in (("weight", weight), ("delay", delay), ("lamtha", lamtha),
                            ("gain", gain)):
            validate_type(value, float, name, "a number")
        if gain < 0:
            raise ParameterError("gain must be >= 0", key="gain", value=gain)
        threshold = self.threshold if threshold is None else threshold
        pairs = all_pairs(srcs, tgts, allow_autapses)
        if probability != 1.0:
            pairs = prune_pairs(pairs, probability, conn_seed)
        conn = new_connection(
            self.gid_to_type(srcs[0]), self.gid_to_type(tgts[0]), pairs, loc, receptor,
            float(weight), float(delay), float(lamtha), threshold, gain=float(gain),
            allow_autapses=allow_autapses, probability=probability)
        rules = cell_specs(self._params, model_variant(self._model))[0]
        connections = self._cell_connectivity()
        connections.append(conn)
        try:
            definition = connection_definition(conn, ranges, self.threshold)
            inplane, layer = self._spacing()
            connectivity_rules([definition], rules, population_sizes(self._mesh_shape),
                               positions=cell_positions(self._mesh_shape, layer, inplane))
        except HNNNetpyneError:
            connections.pop()
            raise

    def clear_connectivity(self):
        """Remove every cell-to-cell connection (drives keep theirs)."""
        self._connectivity = []

    def _gain_picks(self):
        """Connection type ('e_e', 'e_i', 'i_e', 'i_i') -> indices into the cell connectivity."""
        types = {name: cell["cell_metadata"]["electro_type"][0]
                 for name, cell in self.cell_types.items()}
        picks = {}
        for idx, conn in enumerate(self._cell_connectivity()):
            key = f"{types[conn['src_type']]}_{types[conn['target_type']]}"
            picks.setdefault(key, []).append(idx)
        return picks

    def set_global_synaptic_gains(self, e_e=None, e_i=None, i_e=None, i_i=None, copy=False):
        """Set the gain of every excitatory/inhibitory -> excitatory/inhibitory
        cell-to-cell connection (drives unchanged); None leaves a type as it is.

        Returns
        -------
        net : Network | None
            A changed copy if ``copy``; otherwise this network is changed.
        """
        validate_type(copy, bool, "copy")
        net = self.copy() if copy else self
        picks = net._gain_picks()
        for key, gain in (("e_e", e_e), ("e_i", e_i), ("i_e", i_e), ("i_i", i_i)):
            if gain is None:
                continue
            validate_type(gain, float, key, "a number")
            if gain < 0:
                raise ParameterError("synaptic gains must be >= 0", key=key, value=gain)
            for idx in picks.get(key, []):
                net._connectivity[idx]["nc_dict"]["gain"] = float(gain)
        return net if copy else None

    def get_global_synaptic_gains(self):
        """Gain of the first connection of each type ('e_e', 'e_i', 'i_e', 'i_i')."""
        connections, picks = self._cell_connectivity(), self._gain_picks()
        return {key: connections[picks[key][0]]["nc_dict"]["gain"]
                for key in ("e_e", "e_i", "i_e", "i_i") if key in picks}
