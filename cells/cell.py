"""A cell as hnn-core describes one: sections, synapses, locations and the section tree.

hnn-core's ``Cell`` both describes a cell and builds it in NEURON. Here it is
the description only: NetPyNE builds every cell from the cell rules (see
:mod:`hnn_netpyne.cells.registry`), so the NEURON-building methods of
hnn-core's ``Cell`` are not offered (docs/guide/hnn_core.md says why).
Lengths and coordinates are in µm, ``cm`` in µF/cm², ``Ra`` in Ω·cm and
``v0`` in mV.
"""

import copy

import numpy as np

from hnn_netpyne.checks import check_option, validate_type
from hnn_netpyne.errors import ParameterError


def node_to_str(node):
    """hnn-core's text form of a section-tree node: ``('soma', 0)`` -> ``'soma,0'``."""
    return f"{node[0]},{node[1]}"


def _node(text):
    name, end = text.split(",")
    return name, int(end)


class Section:
    """One unbranched cable: geometry, passive properties and its 3-D end points.

    Parameters
    ----------
    L, diam : float
        Length and diameter (µm).
    Ra : float
        Axial resistivity (Ω·cm).
    cm : float
        Membrane capacitance (µF/cm²).
    v0 : float
        Initial membrane potential (mV).
    end_pts : list of [x, y, z] | None
        The 3-D points (µm) of the section, first to last.

    Attributes
    ----------
    mechs : dict
        Mechanism -> {parameter: value, or [[x...], [value...]] per segment}.
    syns : list of str
        Receptors on the section.
    nseg : int
        Segments.
    """

    def __init__(self, L, diam, Ra, cm, v0=-65.0, end_pts=None):
        self._L, self._diam, self._Ra, self._cm, self._v0 = L, diam, Ra, cm, v0
        self._end_pts = [list(map(float, point)) for point in (end_pts or [])]
        self.mechs, self.syns, self.nseg = {}, [], 1

    L = property(lambda self: self._L, doc="Length (µm).")
    diam = property(lambda self: self._diam, doc="Diameter (µm).")
    cm = property(lambda self: self._cm, doc="Membrane capacitance (µF/cm²).")
    Ra = property(lambda self: self._Ra, doc="Axial resistivity (Ω·cm).")
    v0 = property(lambda self: self._v0, doc="Initial membrane potential (mV).")
    end_pts = property(lambda self: self._end_pts, doc="3-D points (µm), first to last.")

    def __repr__(self):
        return f"<Section | L={self._L}, diam={self._diam}, cm={self._cm}, Ra={self._Ra}>"

    def to_dict(self):
        """hnn-core's dictionary of the section."""
        return {"L": self._L, "diam": self._diam, "cm": self._cm, "Ra": self._Ra,
                "end_pts": copy.deepcopy(self._end_pts), "nseg": self.nseg, "v0": self._v0,
                "mechs": copy.deepcopy(self.mechs), "syns": list(self.syns)}

    @classmethod
    def from_dict(cls, data):
        """The Section of hnn-core's dictionary (as :meth:`to_dict` makes)."""
        section = cls(data["L"], data["diam"], data["Ra"], data["cm"], data.get("v0", -65.0),
                      data.get("end_pts"))
        section.mechs = copy.deepcopy(data.get("mechs", {}))
        section.syns = list(data.get("syns", []))
        section.nseg = int(data.get("nseg", 1))
        return section


class Cell:
    """A cell's description (hnn-core's constructor and fields).

    Parameters
    ----------
    name : str
        The cell's name.
    pos : tuple of float
        Soma position (x, y, z) in µm.
    sections : dict of str -> Section
        The sections.
    synapses : dict of str -> dict
        Receptor -> ``{'e': mV, 'tau1': ms, 'tau2': ms}``.
    sect_loc : dict of str -> list of str
        'proximal' and 'distal' -> the sections there.
    cell_tree : dict | None
        ``(section, end)`` -> the ``(section, end)`` nodes attached there;
        None for a one-section cell.
    gid : int | None
        The cell's gid in a network.
    """

    def __init__(self, name, pos, sections, synapses, sect_loc, cell_tree=None, gid=None):
        validate_type(name, str, "name", "str")
        for section in sections.values():
            validate_type(section, Section, "sections", "dict of Section")
        self.name, self.pos = name, tuple(pos)
        self.sections, self.synapses = dict(sections), copy.deepcopy(synapses)
        self.sect_loc, self.cell_tree = copy.deepcopy(sect_loc), copy.deepcopy(cell_tree)
        self._gid = None
        if gid is not None:
            self.gid = gid

    def __repr__(self):
        return f"<Cell | {self.name}, {len(self.sections)} sections, gid {self._gid}>"

    @property
    def gid(self):
        """The cell's gid (set once)."""
        return self._gid

    @gid.setter
    def gid(self, gid):
        if isinstance(gid, bool) or not isinstance(gid, (int, np.integer)) or gid < 0:
            raise ParameterError("gid must be a non-negative integer", key="gid", value=gid)
        if self._gid is not None:
            raise ParameterError("this cell's gid is already set", key="gid", value=gid)
        self._gid = int(gid)

    def to_dict(self):
        """hnn-core's dictionary of the cell (as in its network configuration files)."""
        tree = None if self.cell_tree is None else {
            node_to_str(node): [node_to_str(child) for child in children]
            for node, children in self.cell_tree.items()}
        return {"name": self.name, "pos": list(self.pos),
                "sections": {name: sec.to_dict() for name, sec in self.sections.items()},
                "synapses": copy.deepcopy(self.synapses), "cell_tree": tree,
                "sect_loc": copy.deepcopy(self.sect_loc), "gid": self._gid,
                "dipole_pp": [], "vsec": {}, "isec": {}, "ca": {}, "tonic_biases": []}

    @classmethod
    def from_dict(cls, data):
        """The Cell of hnn-core's dictionary (as :meth:`to_dict` or a configuration file has it)."""
        tree = data.get("cell_tree")
        if tree is not None:
            tree = {_node(node): [_node(child) for child in children]
                    for node, children in tree.items()}
        return cls(data["name"], data.get("pos", (0, 0, 0)),
                   {name: Section.from_dict(sec) for name, sec in data["sections"].items()},
                   data["synapses"], data["sect_loc"], tree, data.get("gid"))

    def copy(self):
        """An independent copy."""
        return copy.deepcopy(self)

    def modify_section(self, sec_name, L=None, diam=None, cm=None, Ra=None, v0=None):
        """Change a section's length or diameter (µm), ``cm`` (µF/cm²), ``Ra`` (Ω·cm) or
        ``v0`` (mV); None leaves a value. The end points follow new lengths."""
        check_option("sec_name", sec_name, list(self.sections))
        section = self.sections[sec_name]
        for key, value in (("L", L), ("diam", diam), ("cm", cm), ("Ra", Ra), ("v0", v0)):
            if value is not None:
                validate_type(value, float, key, "a number")
                setattr(section, f"_{key}", value)
        if L is not None:
            self._update_end_pts()

    def _update_end_pts(self):
        """Lay the sections out again from the soma: each keeps its direction and takes
        its length, starting where the tree attaches it."""
        if self.cell_tree is None:
            return
        attached = {child[0] for node, nodes in self.cell_tree.items() for child in nodes
                    if child[0] != node[0]}
        for name in self.sections:
            if name not in attached:
                self._lay_out(name, np.array(self.sections[name].end_pts[0], float))

    def _lay_out(self, name, start):
        section = self.sections[name]
        points = np.array(section.end_pts, float)
        direction = points[-1] - points[0]
        norm = np.linalg.norm(direction)
        end = start + (direction / norm * section.L if norm else direction)
        section._end_pts = [start.tolist(), end.tolist()]
        for end_index, where in ((0, start), (1, end)):
            for child, _ in self.cell_tree.get((name, end_index), []):
                if child != name:
                    self._lay_out(child, where)

    def distance_section(self, target_sec_name, curr_node):
        """Path length (µm) from the node ``curr_node`` (``(section, end)``) to the middle of
        ``target_sec_name`` along the section tree; NaN if it is not below that node."""
        if self.cell_tree is None:
            raise ParameterError("distance_section needs a cell_tree (a one-section cell "
                                 "has none)", key="cell_tree", value=None)
        if curr_node not in self.cell_tree:
            return np.nan
        for child in self.cell_tree[curr_node]:
            if child[0] == target_sec_name:
                return self.sections[target_sec_name].L / 2
        distances = [self.distance_section(target_sec_name, child)
                     + (self.sections[child[0]].L if child[0] == curr_node[0] else 0.0)
                     for child in self.cell_tree[curr_node]]
        found = [d for d in distances if not np.isnan(d)]
        return found[0] if found else np.nan

    def plot_morphology(self, ax=None, color=None, pos=(0, 0, 0), xlim=(-250, 150),
                        ylim=(-100, 100), zlim=(-100, 1200), show=True):
        """Draw the sections in 3-D (see :func:`hnn_netpyne.cells.morphology_plot.plot_sections`)."""
        from hnn_netpyne.cells.morphology_plot import plot_sections

        return plot_sections(self.sections, ax=ax, color=color, pos=pos, xlim=xlim,
                             ylim=ylim, zlim=zlim, show=show)
