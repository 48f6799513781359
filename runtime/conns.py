"""NetPyNE's per-cell ``conns`` lists, kept compact.

NetPyNE describes every synaptic connection of a cell by one ``Dict`` in
``cell.conns`` (``preGid``, ``sec``, ``loc``, ``synMech``, ``weight``,
``delay``, ``label``, ``preLoc``, ``hObj``); its gather, save and analysis
(``plotConn``, ``plot2Dnet``, ``plotShape``, the printed connection count)
read them. For the 191,025 NetCons of the HNN column those Dicts would cost
about 0.4 kB each. :class:`CellConns` holds the same entries as arrays (22
bytes per NetCon) and makes each Dict when it is read.
"""

from collections.abc import Sequence

import numpy as np

from hnn_netpyne.errors import SimulationError


class CellConns(Sequence):
    """The ``conns`` of one cell: a read-only sequence of NetPyNE conn Dicts.

    Entries made by the fast connector come first, as arrays; entries that
    NetPyNE itself appends (rules it connects, NetStim stimuli) follow as
    its own Dicts. A Dict read from the array part is made anew on each
    read: change a connection through its NetCon (``conn['hObj']``).

    Parameters
    ----------
    pre_gids : numpy.ndarray of int
        Presynaptic gid of each NetCon.
    weights, delays : numpy.ndarray of float
        Weight (µS, scaled as NetPyNE scales it) and delay (ms) of each NetCon.
    kinds : numpy.ndarray of int
        Index into ``kind_table`` of each NetCon.
    kind_table : list of tuple
        ``(sec, loc, synMech, label)`` shared by many NetCons.
    netcons : numpy.ndarray of hoc NetCon | None
        The NetCons themselves (None once pickled: hoc objects do not travel).
    extra : list of dict
        Entries NetPyNE appended.
    """

    __slots__ = ("pre_gids", "weights", "delays", "kinds", "kind_table", "netcons", "extra")

    def __init__(self, pre_gids, weights, delays, kinds, kind_table, netcons=None, extra=()):
        self.pre_gids = pre_gids
        self.weights = weights
        self.delays = delays
        self.kinds = kinds
        self.kind_table = kind_table
        self.netcons = netcons
        self.extra = list(extra)

    def __len__(self):
        return len(self.pre_gids) + len(self.extra)

    def _entry(self, index):
        from netpyne.specs import Dict

        sec, loc, syn_mech, label = self.kind_table[self.kinds[index]]
        entry = Dict()
        # dict.update skips Dict's per-value conversion: every value is plain.
        dict.update(entry, preGid=int(self.pre_gids[index]), sec=sec, loc=loc, synMech=syn_mech,
                    weight=float(self.weights[index]), delay=float(self.delays[index]),
                    label=label, preLoc=0.5)
        if self.netcons is not None:
            dict.__setitem__(entry, "hObj", self.netcons[index])
        return entry

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n_fast = len(self.pre_gids)
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("conns index out of range")
        return self._entry(index) if index < n_fast else self.extra[index - n_fast]

    def __iter__(self):
        for index in range(len(self.pre_gids)):
            yield self._entry(index)
        yield from self.extra

    def append(self, entry):
        """Add a conn Dict (NetPyNE's ``addConn`` does this)."""
        self.extra.append(entry)

    def __reduce__(self):
        # NEURON's NetCons cannot be pickled (MPI gather, pickle files).
        return (CellConns, (self.pre_gids, self.weights, self.delays, self.kinds,
                            self.kind_table, None, [_without_hoc(e) for e in self.extra]))

    def to_list(self):
        """Plain list of conn dicts without NEURON objects, as NetPyNE saves them."""
        return [_without_hoc(entry) for entry in self]


def _without_hoc(entry):
    return {k: v for k, v in entry.items() if not k.startswith("h")}


class ConnRecorder:
    """Collects the fast connector's NetCons rule by rule, then hands each cell its conns.

    Rules are kept per pair; they are expanded to one entry per NetCon one
    field at a time, so that building the conns costs little peak memory.
    """

    def __init__(self):
        self.rules = []
        self.netcons = []
        self.kind_table = []

    def add(self, label, syn_mech, sections, locs, pre_gids, post_gids, weights, delays,
            netcons):
        """Record one rule's NetCons, made pair by pair and section by section within a pair."""
        first_kind = len(self.kind_table)
        self.kind_table += [(sec, loc, syn_mech, label) for sec, loc in zip(sections, locs)]
        self.rules.append({"post": post_gids.astype(np.int32), "pre": pre_gids.astype(np.int32),
                           "weight": weights, "delay": delays, "first_kind": first_kind,
                           "n_secs": len(sections)})
        self.netcons += netcons

    def _field(self, name, order):
        """One field of every NetCon, in ``order``."""
        if name == "kind":
            parts = [np.tile(np.arange(r["first_kind"], r["first_kind"] + r["n_secs"],
                                       dtype=np.int32), len(r["pre"])) for r in self.rules]
        else:
            parts = [np.repeat(r[name], r["n_secs"]) for r in self.rules]
        values = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        return values if order is None else values[order]

    def assign(self, cells):
        """Give every local cell a :class:`CellConns` (keeping entries NetPyNE made)."""
        post = self._field("post", None)
        if len(post) != len(self.netcons):
            raise SimulationError(f"{len(self.netcons)} NetCons made, {len(post)} recorded")
        order = np.argsort(post, kind="stable")
        post = post[order]
        pre, weight, delay, kind = (self._field(name, order)
                                    for name in ("pre", "weight", "delay", "kind"))
        # An object array reorders the NetCons without a Python int per index.
        netcons = np.fromiter(self.netcons, dtype=object, count=len(self.netcons))[order]
        self.rules, self.netcons = [], []
        for cell in cells:
            start, stop = np.searchsorted(post, [cell.gid, cell.gid + 1])
            cell.conns = CellConns(pre[start:stop], weight[start:stop], delay[start:stop],
                                   kind[start:stop], self.kind_table, netcons[start:stop],
                                   extra=cell.conns)


def netcons_of(cells):
    """Every synaptic NetCon of ``cells``, from their conns (fast or NetPyNE-made)."""
    found = []
    for cell in cells:
        conns = cell.conns
        if isinstance(conns, CellConns):
            found += conns.netcons.tolist()
            found += [c["hObj"] for c in conns.extra if c.get("hObj") is not None]
        else:
            found += [c["hObj"] for c in conns if c.get("hObj") is not None]
    return found
