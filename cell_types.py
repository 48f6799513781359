"""hnn-core's ``net.cell_types`` over the NetPyNE cell rules and synMechParams.

``net.cell_types['L5_pyramidal']['cell_object'].synapses['gabaa']['tau2'] = 2``
records the change in the network, which puts it into the synMechParams
of every spec it builds (``cfg['synMechChanges']``).
"""

from types import SimpleNamespace

from hnn_netpyne.cells import hnn_core_name, hnn_core_names
from hnn_netpyne.cells.registry import cell_type as registered_cell_type
from hnn_netpyne.checks import check_option, validate_type

KINETICS = ("e", "tau1", "tau2")
"""Synapse parameters that can change: reversal (mV), rise and decay (ms)."""
REFERENCE = "https://doi.org/10.7554/eLife.51214"


def cell_metadata(short_name):
    """hnn-core's metadata of a cell type (morphology, excitation, layer, dipole)."""
    pyramidal = short_name.endswith("Pyr")
    return {"morpho_type": "pyramidal" if pyramidal else "basket",
            "electro_type": "excitatory" if pyramidal else "inhibitory",
            "layer": short_name[1], "measure_dipole": pyramidal, "reference": REFERENCE}


class SynapseKinetics(dict):
    """One receptor's kinetics; setting a value records it in the network."""

    def __init__(self, values, label, changes):
        super().__init__(values)
        self._label = label
        self._changes = changes

    def __setitem__(self, key, value):
        check_option("synapse parameter", key, KINETICS)
        validate_type(value, float, key, "a number")
        super().__setitem__(key, float(value))
        self._changes.setdefault(self._label, {})[key] = float(value)


OUR_MECHANISMS = ("ecalegacy", "dipole")
"""Mechanisms of our cell rules that hnn-core's cells do not list (legacy
calcium reversal and dipole recording)."""


def section_dict(cell_type, name, sec):
    """One section of a cell rule as hnn-core's Section.to_dict lays it out."""
    geom = sec["geom"]
    nseg = int(geom["nseg"])
    centres = [(2 * k + 1) / (2 * nseg) for k in range(nseg)]
    mechs = {}
    for mech, values in sec["mechs"].items():
        if mech not in OUR_MECHANISMS:
            mechs[mech] = {f"{key}_{mech}": [centres, list(value)] if isinstance(value, list)
                           else value for key, value in values.items()}
    return {"L": geom["L"], "diam": geom["diam"], "cm": geom["cm"], "Ra": geom["Ra"],
            "end_pts": [list(point[:3]) for point in geom["pt3d"]], "nseg": nseg,
            "v0": sec.get("vinit", -65.0), "mechs": mechs,
            "syns": list(registered_cell_type(cell_type).receptors_on(name))}


class CellView:
    """A cell type as hnn-core's ``cell_object``: name, sections, locations, synapses.

    ``sections[name]`` has hnn-core's Section fields as attributes (``L``,
    ``diam``, ``cm``, ``Ra``, ``end_pts``, ``nseg``, ``v0``, ``mechs``,
    ``syns``); they are read-only views of the cell rule.
    """

    def __init__(self, short_name, rule, syn_mech_params, changes):
        self.name = hnn_core_name(short_name)
        self.sections = {name: SimpleNamespace(**section_dict(short_name, name, sec))
                         for name, sec in rule["secs"].items()}
        self.sect_loc = {loc: list(secs) for loc, secs in rule["secLists"].items()
                         if loc in ("proximal", "distal")}
        prefix = f"{short_name}_"
        self.synapses = {
            label[len(prefix):]: SynapseKinetics(
                {k: v for k, v in mech.items() if k in KINETICS}, label, changes)
            for label, mech in syn_mech_params.items() if label.startswith(prefix)}

    def __repr__(self):
        return f"<Cell | {self.name}, {len(self.sections)} sections>"

    def plot_morphology(self, ax=None, color=None, pos=(0, 0, 0), xlim=(-250, 150),
                        ylim=(-100, 100), zlim=(-100, 1200), show=True):
        """Draw the sections in 3-D (see :func:`hnn_netpyne.cells.morphology_plot.plot_sections`)."""
        from hnn_netpyne.cells.morphology_plot import plot_sections

        return plot_sections(self.sections, ax=ax, color=color, pos=pos, xlim=xlim, ylim=ylim,
                             zlim=zlim, show=show)


def cell_type_views(syn_mech_params, changes, rules):
    """{hnn-core name: {'cell_object': CellView, 'cell_metadata': dict}} of the four types."""
    return {long: {"cell_object": CellView(short, rules[short], syn_mech_params, changes),
                   "cell_metadata": cell_metadata(short)}
            for short, long in hnn_core_names().items()}


__all__ = ["CellView", "cell_type_views"]
