"""Local connectivity of the HNN column as NetPyNE connParams.

Every cell-to-cell pathway of Jones et al. (2009) is all-to-all, with a
weight that falls off and a delay that grows with the in-plane (x-y)
distance d between the two somata:

    weight = A_weight * exp(-(d / lamtha)**2)      (µS)
    delay  = A_delay / exp(-(d / lamtha)**2)       (ms)

Each connection makes one synapse at the middle of every section of the
target location ('proximal', 'distal' or 'soma'); all connections onto a
section and receptor share that one synapse, as in hnn-core.
"""

import re

from hnn_netpyne.cells.registry import cell_type, cell_types
from hnn_netpyne.cells.synapses import synapse_label
from hnn_netpyne.checks import check_range
from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.positions import INPLANE_DISTANCE_UM

DEFAULT_DELAY_MS = 1.0

def _pathway(source, target, loc, receptor, weight, lamtha, autapses=True):
    return {"source": source, "target": target, "loc": loc, "receptor": receptor,
            "weight": weight, "lamtha": lamtha, "autapses": autapses}


# The pathways of HNN's default network. ``weight`` is the parameter that
# holds A_weight (µS) or a number; ``lamtha`` is in grid spacings.
LOCAL_PATHWAYS = (
    _pathway("L2Pyr", "L2Pyr", "proximal", "nmda", "gbar_L2Pyr_L2Pyr_nmda", 3.0, False),
    _pathway("L2Pyr", "L2Pyr", "proximal", "ampa", "gbar_L2Pyr_L2Pyr_ampa", 3.0, False),
    _pathway("L5Pyr", "L5Pyr", "proximal", "nmda", "gbar_L5Pyr_L5Pyr_nmda", 3.0, False),
    _pathway("L5Pyr", "L5Pyr", "proximal", "ampa", "gbar_L5Pyr_L5Pyr_ampa", 3.0, False),
    _pathway("L2Basket", "L2Pyr", "soma", "gabaa", "gbar_L2Basket_L2Pyr_gabaa", 50.0),
    _pathway("L2Basket", "L2Pyr", "soma", "gabab", "gbar_L2Basket_L2Pyr_gabab", 50.0),
    _pathway("L5Basket", "L5Pyr", "soma", "gabaa", "gbar_L5Basket_L5Pyr_gabaa", 70.0),
    _pathway("L5Basket", "L5Pyr", "soma", "gabab", "gbar_L5Basket_L5Pyr_gabab", 70.0),
    _pathway("L2Pyr", "L5Pyr", "proximal", "ampa", "gbar_L2Pyr_L5Pyr", 3.0),
    _pathway("L2Pyr", "L5Pyr", "distal", "ampa", "gbar_L2Pyr_L5Pyr", 3.0),
    _pathway("L2Basket", "L5Pyr", "distal", "gabaa", "gbar_L2Basket_L5Pyr", 50.0),
    _pathway("L2Pyr", "L2Basket", "soma", "ampa", "gbar_L2Pyr_L2Basket", 3.0),
    _pathway("L2Basket", "L2Basket", "soma", "gabaa", "gbar_L2Basket_L2Basket", 20.0),
    _pathway("L5Basket", "L5Basket", "soma", "gabaa", "gbar_L5Basket_L5Basket", 20.0, False),
    _pathway("L5Pyr", "L5Basket", "soma", "ampa", "gbar_L5Pyr_L5Basket", 3.0),
    _pathway("L2Pyr", "L5Basket", "soma", "ampa", "gbar_L2Pyr_L5Basket", 3.0),
)


def pathway_label(pathway):
    """connParams label of a pathway: ``<source>_<target>_<loc>_<receptor>``."""
    return "_".join(pathway[k] for k in ("source", "target", "loc", "receptor"))


_DISTANCE = "sqrt((post_x - pre_x)**2 + (post_y - pre_y)**2)"


def _number(value, what):
    """Format a checked finite float for a NetPyNE string expression."""
    return repr(check_range(what, value))


def weight_expression(a_weight_uS, lamtha, inplane_um=INPLANE_DISTANCE_UM):
    """NetPyNE string function of the distance-dependent weight (µS).

    ``lamtha`` is in units of the grid spacing ``inplane_um`` (µm); the
    distance uses the pre- and postsynaptic somata's x and y.
    """
    lam = _number(lamtha * inplane_um, "lamtha")
    return f"{_number(a_weight_uS, 'weight')} * exp(-({_DISTANCE}**2) / ({lam}**2))"


def delay_expression(a_delay_ms, lamtha, inplane_um=INPLANE_DISTANCE_UM):
    """NetPyNE string function of the distance-dependent delay (ms)."""
    lam = _number(lamtha * inplane_um, "lamtha")
    return f"{_number(a_delay_ms, 'delay')} / exp(-({_DISTANCE}**2) / ({lam}**2))"


_DELAY_AT_ZERO = re.compile(r"\s*([0-9.eE+-]+)\s*/\s*exp\(")


def spec_min_delay_ms(net_params, none_ms=10.0):
    """The shortest synaptic delay (ms) the connParams of ``net_params`` can give.

    A rule's delay is a number or a :func:`delay_expression`, whose least
    value is its delay at zero distance. Rules with other expressions are
    left out (the runner checks NEURON's own value). ``none_ms`` if no rule
    gives a delay (NEURON's longest exchange interval here).
    """
    default = net_params.get("defaultDelay", DEFAULT_DELAY_MS)
    delays = [none_ms]
    for rule in net_params.get("connParams", {}).values():
        delay = rule.get("delay", default) if isinstance(rule, dict) else None
        if isinstance(delay, str):
            match = _DELAY_AT_ZERO.match(delay)
            delay = float(match.group(1)) if match else None
        if isinstance(delay, (int, float)) and not isinstance(delay, bool):
            delays.append(float(delay))
    return min(delays)


def target_sections(cell_rules, target, loc):
    """Sections of ``target`` that location ``loc`` names.

    ``loc`` is a section list ('proximal', 'distal') or a section name.
    """
    rule = cell_rules[target]
    if loc in rule["secLists"]:
        return list(rule["secLists"][loc])
    if loc in rule["secs"]:
        return [loc]
    raise ParameterError(
        f"location {loc!r} is not defined for {target} cells; expected one of "
        f"{sorted(rule['secLists']) + sorted(rule['secs'])}"
    )


def _receptor_sections(cell_rules, target, loc, receptor):
    """Sections of ``target`` at ``loc``, checked to carry ``receptor``."""
    sections = target_sections(cell_rules, target, loc)
    for sec in sections:
        if receptor not in cell_type(target).receptors_on(sec):
            raise ParameterError(
                f"receptor {receptor!r} does not exist on section {sec!r} of {target} cells"
            )
    return sections


def connection_rule(cell_rules, source, target, loc, receptor, weight_uS, lamtha,
                    delay_ms=DEFAULT_DELAY_MS, conn_list=None, exclude_self=False,
                    n_source_cells=None, inplane_um=INPLANE_DISTANCE_UM):
    """One NetPyNE connParams rule of an HNN pathway.

    Parameters
    ----------
    cell_rules : dict
        The cellParams rules, to resolve ``loc`` into sections.
    source, target : str
        Presynaptic and postsynaptic population labels.
    loc : str
        Target location: a section list or a section name.
    receptor : str
        'ampa', 'nmda', 'gabaa' or 'gabab'.
    weight_uS, delay_ms : float
        Weight and delay at zero distance.
    lamtha : float
        Space constant, in grid spacings.
    conn_list : list of [int, int] | None
        Explicit (pre index, post index) pairs; None connects all to all.
    exclude_self : bool
        Leave out each cell's connection onto itself (same population).
    n_source_cells : int | None
        Size of the source population, needed with ``exclude_self``.
    inplane_um : float
        Grid spacing (µm), the unit of ``lamtha``.

    Returns
    -------
    rule : dict
        A JSON-serialisable connParams entry.
    """
    sections = _receptor_sections(cell_rules, target, loc, receptor)
    rule = {
        "preConds": {"pop": source},
        "postConds": {"pop": target},
        "synMech": synapse_label(target, receptor),
        "sec": loc,
        # One synapse per section: the simConfig's connRandomSecFromList and
        # distributeSynsUniformly are False (see build_sim_config). They are not
        # repeated here: NetPyNE's validator (run by the GUI) rejects them in rules.
        "synsPerConn": len(sections),
        "weight": weight_expression(weight_uS, lamtha, inplane_um),
        "delay": delay_expression(delay_ms, lamtha, inplane_um),
    }
    if len(sections) == 1:
        # Several sections take NetPyNE's default, the middle of each.
        rule["loc"] = 0.5
    if conn_list is not None:
        rule["connList"] = [[int(pre), int(post)] for pre, post in conn_list]
    elif exclude_self:
        # NetPyNE's convergent rule with n-1 sources picks every other cell.
        rule["convergence"] = n_source_cells - 1
    return rule


def local_connectivity(params, cell_rules, pop_sizes, pathways=LOCAL_PATHWAYS,
                       inplane_um=INPLANE_DISTANCE_UM):
    """connParams of all cell-to-cell pathways.

    Parameters
    ----------
    params : dict
        Validated HNN parameter set (weights ``gbar_*`` in µS).
    cell_rules : dict
        The cellParams rules.
    pop_sizes : dict of str -> int
        Number of cells per population.
    pathways : sequence of dict
        Pathway table (default: HNN's default network); the pathways that
        registered cell types bring are added to it.
    inplane_um : float
        Grid spacing (µm).

    Returns
    -------
    conn_params : dict
        :func:`pathway_label` -> connParams rule.
    """
    rules = {}
    for path in tuple(pathways) + tuple(p for ct in cell_types() for p in ct.pathways):
        weight = path["weight"]
        same_pop = path["source"] == path["target"]
        rules[pathway_label(path)] = connection_rule(
            cell_rules,
            path["source"],
            path["target"],
            path["loc"],
            path["receptor"],
            params[weight] if isinstance(weight, str) else weight,
            path["lamtha"],
            exclude_self=same_pop and not path["autapses"],
            n_source_cells=pop_sizes[path["source"]], inplane_um=inplane_um,
        )
    return rules


AUTAPSE_TOLERANCE_UM = 1e-6
"""Half-width (µm) of the position window that picks one cell for its own autapse rule."""


def _one_cell(population, xyz):
    """NetPyNE conditions that select the one cell of ``population`` at ``xyz`` (µm)."""
    conds = {"pop": population}
    for axis, value in zip("xyz", xyz):
        conds[axis] = [value - AUTAPSE_TOLERANCE_UM, value + AUTAPSE_TOLERANCE_UM]
    return conds


def _autapse_rules(label, definition, rule, positions):
    """The rules of a pair list that holds autapses: NetPyNE's connList never connects a
    cell to itself, so each autapse is its own all-to-all rule between that cell and
    itself (the package's cfg allows self-connections); the list keeps the other pairs."""
    pairs = definition["pairs"]
    rules = {}
    others = [pair for pair in pairs if pair[0] != pair[1]]
    if others:
        rules[label] = dict(rule, connList=[[int(p), int(q)] for p, q in others])
    for index in sorted({int(p) for p, q in pairs if p == q}):
        conds = _one_cell(definition["source"], positions[definition["source"]][index])
        rules[f"{label}_autapse_{index}"] = dict(
            {k: v for k, v in rule.items() if k != "connList"}, preConds=conds,
            postConds=dict(conds))
    return rules


def connectivity_rules(definitions, cell_rules, pop_sizes, inplane_um=INPLANE_DISTANCE_UM,
                       positions=None):
    """connParams of explicit connection definitions (``cfg['connectivity']``).

    Parameters
    ----------
    definitions : list of dict
        ``source``, ``target``, ``loc``, ``receptor``, ``weight`` (µS),
        ``delay`` (ms), ``lamtha`` (grid spacings), ``autapses`` and
        ``pairs`` (None: all-to-all; else [[pre index, post index], ...]).
    cell_rules : dict
        The cellParams rules.
    pop_sizes : dict of str -> int
        Number of cells per population.
    inplane_um : float
        Grid spacing (µm).
    positions : dict of str -> list of (x, y, z) | None
        The cells' positions (µm, the popParams' cellsList), needed for pair
        lists that connect a cell to itself (see :func:`_autapse_rules`).

    Returns
    -------
    conn_params : dict
        :func:`pathway_label` (numbered from the second use) -> connParams rule.
    """
    rules = {}
    for definition in definitions:
        label = base = pathway_label(definition)
        copies = 1
        while label in rules:
            copies += 1
            label = f"{base}_{copies}"
        same_pop = definition["source"] == definition["target"]
        rule = connection_rule(
            cell_rules, definition["source"], definition["target"], definition["loc"],
            definition["receptor"], definition["weight"], definition["lamtha"],
            delay_ms=definition["delay"], conn_list=definition["pairs"],
            exclude_self=same_pop and not definition["autapses"],
            n_source_cells=pop_sizes[definition["source"]], inplane_um=inplane_um,
        )
        if same_pop and definition["pairs"] and any(p == q for p, q in definition["pairs"]):
            rules.update(_autapse_rules(label, definition, rule, positions))
        else:
            rules[label] = rule
    return rules
