"""The cell types of the HNN column: one record per type, every fact in it.

A :class:`CellType` holds everything that is a fact about a cell type: how
its NetPyNE cell rule and synapses are made, its hnn-core name, where its
somata sit, which receptors each section carries, which layer's dipole it
adds to, whether it is excitatory, its colour in figures, and the delays
HNN's parameter files give its inputs. Specs, drives, runs, figures and
exports read these records and nothing else, so a new cell type is one
:func:`register` call.

The four types of Jones et al. (2009) are registered on import, in
hnn-core's gid order (L2 basket, L2 pyramidal, L5 basket, L5 pyramidal);
further types follow in the order they are registered. Every population
that is not a registered cell type is a drive (:func:`is_drive`).
"""

from dataclasses import dataclass, field
from functools import partial
from types import MappingProxyType

from hnn_netpyne.cells.basket import basket_rule
from hnn_netpyne.cells.pyramidal import l2_pyramidal_rule, l5_pyramidal_rule
from hnn_netpyne.cells.synapses import (
    BASKET_RECEPTORS,
    PYRAMIDAL_RECEPTORS,
    PYRAMIDAL_SOMA_RECEPTORS,
    basket_kinetics,
    pyramidal_kinetics,
    synapse_label,
)
from hnn_netpyne.checks import check_option, check_range, validate_type
from hnn_netpyne.errors import ParameterError

GRIDS = ("pyramidal", "basket")
"""Soma layouts (see :mod:`hnn_netpyne.model.positions`)."""
LAYERS = ("L2", "L5")
"""HNN's layers: L2/3 and L5."""
LEGACY_INPUTS = ("evoked_proximal", "evoked_distal", "poisson")
"""Inputs of HNN parameter files whose synaptic delays are fixed per cell type."""


@dataclass(frozen=True)
class CellType:
    """Every fact about one cell type.

    Parameters
    ----------
    name : str
        Population, cellParams and cellType label (a Python identifier).
    hnn_core_name : str
        hnn-core's name of the type (e.g. ``'L5_basket'``).
    layer : {'L2', 'L5'}
        The layer the type belongs to (HNN's parameter keys use it).
    grid : {'pyramidal', 'basket'}
        Soma layout: every grid point, or HNN's one-in-three basket pattern.
    depth : float
        Soma depth as a fraction of the layer separation (0: L5 pyramidal
        somata, 1: L2/3 pyramidal somata).
    rule : callable
        ``rule(params)`` gives the NetPyNE cellParams rule.
    synapses : callable
        ``synapses(params)`` gives ``{receptor: {'e': mV, 'tau1': ms,
        'tau2': ms}}`` of the type's Exp2Syn receptors.
    receptors : tuple of str
        Receptors on the type's dendrites (every section but the soma).
    soma_receptors : tuple of str
        Receptors on the soma.
    distal_input : bool
        The type has distal sections that drives and pathways can target.
    excitatory : bool
        Excitatory (pyramidal) or inhibitory (basket) cells.
    dipole_layer : str | None
        The layer dipole its cells add to; None for cells without dipoles.
    color : str
        Matplotlib colour of the type in figures.
    legacy_input_delays_ms : mapping | None
        Synaptic delay (ms) of each of :data:`LEGACY_INPUTS` that HNN's
        parameter files declare for the type; None for a type those files
        do not know.
    pathways : tuple of dict
        Local pathways that come with the type (see
        :data:`hnn_netpyne.model.connectivity.LOCAL_PATHWAYS`).
    """

    name: str
    hnn_core_name: str
    layer: str
    grid: str
    depth: float
    rule: object
    synapses: object
    receptors: tuple
    soma_receptors: tuple
    distal_input: bool
    excitatory: bool
    dipole_layer: object
    color: str
    legacy_input_delays_ms: object = None
    pathways: tuple = field(default=())

    def receptors_on(self, section):
        """Receptors that ``section`` of this type carries."""
        return self.soma_receptors if section == "soma" else self.receptors

    @property
    def sonata_layer(self):
        """Layer name in a SONATA node type ('L2/3' or 'L5')."""
        return "L2/3" if self.layer == "L2" else self.layer

    def check(self):
        """Raise :class:`ParameterError` unless every field is usable."""
        validate_type(self.name, str, "name")
        if not self.name.isidentifier():
            raise ParameterError("a cell type name must be an identifier", key="name",
                                 value=self.name)
        validate_type(self.hnn_core_name, str, "hnn_core_name")
        check_option("layer", self.layer, LAYERS)
        check_option("grid", self.grid, GRIDS)
        check_range("depth", self.depth, 0.0, 1.0)
        validate_type(self.rule, "callable", "rule")
        validate_type(self.synapses, "callable", "synapses")
        for receptor in self.receptors + self.soma_receptors:
            check_option("receptors", receptor, PYRAMIDAL_RECEPTORS)
        check_option("dipole_layer", self.dipole_layer, LAYERS + (None,))
        validate_type(self.color, str, "color")
        if self.legacy_input_delays_ms is not None:
            for key, delay in self.legacy_input_delays_ms.items():
                check_option("legacy_input_delays_ms", key, LEGACY_INPUTS)
                check_range(key, delay, 0.0)
        return self


_REGISTRY = {}


def register(cell_type):
    """Add a cell type to the column (after those already registered).

    Parameters
    ----------
    cell_type : CellType
        The new type; its name and hnn-core name must be new.

    Returns
    -------
    cell_type : CellType
    """
    validate_type(cell_type, CellType, "cell_type")
    cell_type.check()
    taken = set(_REGISTRY) | {ct.hnn_core_name for ct in _REGISTRY.values()}
    if cell_type.name in taken or cell_type.hnn_core_name in taken:
        raise ParameterError("a cell type of this name is already registered",
                             key="name", value=cell_type.name)
    _REGISTRY[cell_type.name] = cell_type
    return cell_type


def unregister(name):
    """Remove the cell type ``name`` (a test or a session that added it)."""
    _REGISTRY.pop(cell_type(name).name)


def cell_type(name):
    """The record of ``name`` (our label or hnn-core's, e.g. 'L2_pyramidal').

    Raises
    ------
    ParameterError
        If no such cell type is registered.
    """
    if name in _REGISTRY:
        return _REGISTRY[name]
    for record in _REGISTRY.values():
        if record.hnn_core_name == name:
            return record
    raise ParameterError(
        f"unknown cell type; expected one of {list(_REGISTRY)} or {list(hnn_core_names().values())}",
        key="cell_type", value=name)


def cell_types():
    """Every registered :class:`CellType`, in gid order."""
    return tuple(_REGISTRY.values())


def cell_type_names():
    """Labels of the registered cell types, in gid order."""
    return tuple(_REGISTRY)


def hnn_core_names():
    """Our label -> hnn-core's name of every cell type."""
    return {name: record.hnn_core_name for name, record in _REGISTRY.items()}


def hnn_core_name(label):
    """hnn-core's name of a cell type label ('L2Pyr' -> 'L2_pyramidal'); other labels unchanged."""
    record = _REGISTRY.get(label)
    return label if record is None else record.hnn_core_name


def label_of(name):
    """Our label of a cell type given by either name ('L2_pyramidal' -> 'L2Pyr');
    other names (drives) unchanged."""
    for label, record in _REGISTRY.items():
        if name in (label, record.hnn_core_name):
            return label
    return name


def legacy_cell_types():
    """Labels of the cell types that HNN's parameter files declare inputs for."""
    return tuple(name for name, record in _REGISTRY.items()
                 if record.legacy_input_delays_ms is not None)


def is_drive(population):
    """True if the population labelled ``population`` is a drive, not cells.

    This is the one definition of a drive: every population that is not a
    registered cell type (drives are VecStim spike sources).
    """
    return population not in _REGISTRY


def dipole_populations():
    """Dipole layer -> the cell types whose dipoles it sums."""
    layers = {}
    for record in _REGISTRY.values():
        if record.dipole_layer is not None:
            layers.setdefault(record.dipole_layer, []).append(record.name)
    return layers


def cell_rules(params):
    """The cellParams rule of every cell type, in gid order.

    Parameters
    ----------
    params : dict
        Validated HNN parameter set.
    """
    return {name: record.rule(params) for name, record in _REGISTRY.items()}


def synaptic_mechanisms(params):
    """synMechParams of every cell type and receptor.

    Parameters
    ----------
    params : dict
        Validated HNN parameter set.

    Returns
    -------
    syn_mech_params : dict
        ``<cell type>_<receptor>`` -> ``{'mod': 'Exp2Syn', 'e': mV, 'tau1':
        ms, 'tau2': ms}``.
    """
    mechs = {}
    for name, record in _REGISTRY.items():
        for receptor, kinetics in record.synapses(params).items():
            mechs[synapse_label(name, receptor)] = dict(kinetics, mod="Exp2Syn")
    return mechs


def check_populations(net_params):
    """Raise unless every population is a registered cell type or a drive.

    A cell population whose type is not registered would otherwise fail
    only after the simulation, where its colour or dipole layer is needed.

    Parameters
    ----------
    net_params : dict
        A netParams dictionary.
    """
    for label, pop in net_params["popParams"].items():
        if label in _REGISTRY:
            if pop.get("cellType") != label or label not in net_params["cellParams"]:
                raise ParameterError(f"population {label} needs cellType {label!r} and its "
                                     "cellParams rule", key="popParams", value=label)
        elif pop.get("cellModel") != "VecStim":
            raise ParameterError(
                f"population {label} is neither a registered cell type {list(_REGISTRY)} nor "
                "a VecStim drive; register its type in hnn_netpyne.cells.registry",
                key="popParams", value=label)


_PYRAMIDAL = {"receptors": PYRAMIDAL_RECEPTORS, "soma_receptors": PYRAMIDAL_SOMA_RECEPTORS,
              "grid": "pyramidal", "distal_input": True, "excitatory": True}
_BASKET = {"receptors": BASKET_RECEPTORS, "soma_receptors": BASKET_RECEPTORS,
           "grid": "basket", "synapses": basket_kinetics, "excitatory": False,
           "dipole_layer": None}

# Colours are hnn-core's raster colours (Matplotlib's first four), so that
# figures compare at a glance.
for _record in (
    CellType(name="L2Basket", hnn_core_name="L2_basket", layer="L2", depth=0.8,
             rule=partial(basket_rule, distal_input=True), distal_input=True,
             color="tab:blue", legacy_input_delays_ms=MappingProxyType(
                 {"evoked_proximal": 0.1, "evoked_distal": 0.1, "poisson": 1.0}), **_BASKET),
    CellType(name="L2Pyr", hnn_core_name="L2_pyramidal", layer="L2", depth=1.0,
             rule=l2_pyramidal_rule, synapses=partial(pyramidal_kinetics, "L2Pyr"),
             dipole_layer="L2", color="tab:orange", legacy_input_delays_ms=MappingProxyType(
                 {"evoked_proximal": 0.1, "evoked_distal": 0.1, "poisson": 0.1}), **_PYRAMIDAL),
    CellType(name="L5Basket", hnn_core_name="L5_basket", layer="L5", depth=0.2,
             rule=partial(basket_rule, distal_input=False), distal_input=False,
             color="tab:green", legacy_input_delays_ms=MappingProxyType(
                 {"evoked_proximal": 1.0, "poisson": 1.0}), **_BASKET),
    CellType(name="L5Pyr", hnn_core_name="L5_pyramidal", layer="L5", depth=0.0,
             rule=l5_pyramidal_rule, synapses=partial(pyramidal_kinetics, "L5Pyr"),
             dipole_layer="L5", color="tab:red", legacy_input_delays_ms=MappingProxyType(
                 {"evoked_proximal": 1.0, "evoked_distal": 0.1, "poisson": 1.0}), **_PYRAMIDAL),
):
    register(_record)
