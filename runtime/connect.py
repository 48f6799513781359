"""Instantiate connParams quickly, with exactly NetPyNE 1.1.1's semantics.

NetPyNE's ``connectCells`` spends most of its time in per-connection Python
bookkeeping (about 30 s for the 191,025 NetCons of the HNN column). This
module builds the same network faster: for each rule it selects the pairs
as NetPyNE does — all to all, ``probability``, ``convergence``,
``divergence`` or ``connList``, drawing from NetPyNE's own Random123
streams with NetPyNE's seeds, so the pairs are NetPyNE's — evaluates the
weight and delay expressions once per rule for all pairs with numpy,
creates the synapses through NetPyNE's ``addSynMech`` and connects with
``ParallelContext.gid_connect``. Every cell's ``conns`` then lists its
connections as NetPyNE's would (see :mod:`hnn_netpyne.runtime.conns`).

A rule with a key outside NetPyNE's connParams schema is an error naming
the rule and the key. A rule using a NetPyNE key or combination this module
does not implement (``shape``, ``plast``, lists of synMechs, random section
choice, string ``convergence``, ``rand`` in an expression, ...) is connected
by NetPyNE's own ``connectCells``, rule by rule, so no key is ever ignored.
"""

import ast
from numbers import Number

import numpy as np

from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.expressions import CONSTANTS, FUNCTIONS, check_spec_expressions, evaluate
from hnn_netpyne.model.gids import gid_ranges
from hnn_netpyne.model.specs import PACKAGE_CONNECT_CFG
from hnn_netpyne.runtime.conns import ConnRecorder

NETPYNE_RULE_KEYS = frozenset({
    "preConds", "postConds", "probability", "connFunc", "convergence", "divergence",
    "connList", "synMech", "weight", "synMechWeightFactor", "delay", "synMechDelayFactor",
    "loc", "synMechLocFactor", "synsPerConn", "sec", "disynapticBias", "shape", "plast",
    "weightIndex", "gapJunction", "preSec", "preLoc", "threshold",
    # Read by NetPyNE's connector although its validator rejects them in rules.
    "distributeSynsUniformly", "connRandomSecFromList",
})
"""Keys a NetPyNE 1.1.1 connParams rule may hold."""

FAST_RULE_KEYS = frozenset({
    "preConds", "postConds", "probability", "convergence", "divergence", "connList",
    "synMech", "weight", "delay", "loc", "synsPerConn", "sec",
})
"""Keys this module implements; rules with others go through NetPyNE."""

CONNECTIVITY_KEYS = ("probability", "convergence", "divergence", "connList")
"""In NetPyNE's order of precedence: the first one present decides the pairs."""

EXPRESSION_FUNCTIONS = dict(FUNCTIONS, **CONSTANTS)
"""Functions and constants a weight, delay or probability may use (the grammar's)."""

POSITION_VARIABLES = ("pre_x", "pre_y", "pre_z", "post_x", "post_y", "post_z", "dist_x",
                      "dist_y", "dist_z", "dist_3D", "dist_2D")
_SYN_MECH_NAMES = ("mod", "label", "selfNetCon", "loc")
# NetPyNE turns these words into draws from its per-pair random stream.
_RANDOM_WORDS = ("binomial", "discunif", "erlang", "geometric", "hypergeo", "negexp", "normal",
                 "poisson", "uniform", "weibull", "rand")


def _evaluate(expression, variables, shape):
    """Value of a number or string expression for every pair, as an array of ``shape``.

    ``variables`` maps the names an expression may use (positions in µm,
    distances, numeric netParams entries) to arrays or numbers. This is the
    only place where a connection's string is evaluated: parsed into the
    whitelisted grammar of :mod:`hnn_netpyne.model.expressions`, never ``eval``.
    """
    if not isinstance(expression, str):
        return np.full(shape, float(expression))
    arrays = {name: np.broadcast_to(np.asarray(value, dtype=float), shape)
              for name, value in variables.items()}
    return evaluate(expression, rule="connParams expression", **arrays)


def _expression_names(expression):
    """Names an expression refers to (None if it does not parse)."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return None
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _fast_expression(value, known):
    """Whether a rule value can be evaluated here exactly as NetPyNE evaluates it."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, Number):
        return True
    if not isinstance(value, str) or any(word in value for word in _RANDOM_WORDS):
        return False
    names = _expression_names(value)
    return names is not None and names <= known


class CellTable:
    """gid and soma position (µm) of every cell, from the netParams' cellsList entries."""

    def __init__(self, net_params):
        self.pops = {}
        for label, (start, stop) in gid_ranges(net_params).items():
            cells = net_params["popParams"][label].get("cellsList")
            xyz = None
            if cells is not None and all(all(k in c for k in "xyz") for c in cells):
                xyz = np.array([[c["x"], c["y"], c["z"]] for c in cells], dtype=float).reshape(-1, 3)
            self.pops[label] = (start, stop - start, xyz)

    def select(self, conds):
        """(gids, positions) of the cells matching ``{'pop': name or list}`` and, as NetPyNE
        reads them, position windows ``'x'``/``'y'``/``'z'``: [low, high) (µm); by gid;
        None if unknown."""
        windows = {axis: conds[axis] for axis in "xyz" if axis in conds}
        if "pop" not in conds or set(conds) - {"pop"} - set(windows):
            return None
        names = conds["pop"] if isinstance(conds["pop"], list) else [conds["pop"]]
        chosen = sorted((self.pops[n] for n in names if n in self.pops), key=lambda p: p[0])
        if any(xyz is None for _, _, xyz in chosen):
            return None
        gids = np.concatenate([np.arange(s, s + n) for s, n, _ in chosen] + [np.zeros(0, int)])
        xyz = np.concatenate([xyz for _, _, xyz in chosen] + [np.zeros((0, 3))])
        for axis, (low, high) in windows.items():
            inside = (xyz[:, "xyz".index(axis)] >= low) & (xyz[:, "xyz".index(axis)] < high)
            gids, xyz = gids[inside], xyz[inside]
        return gids.astype(np.int64), xyz


def check_rule_keys(net_params):
    """Raise ParameterError for a connParams key NetPyNE 1.1.1 does not know, or for a
    string outside the expression grammar (a rule NetPyNE connects would ``eval`` it)."""
    check_spec_expressions(net_params)
    for label, rule in net_params.get("connParams", {}).items():
        unknown = sorted(set(rule) - NETPYNE_RULE_KEYS)
        if unknown:
            raise ParameterError(
                f"connParams rule {label!r}: {unknown[0]!r} is not a NetPyNE connParams key "
                f"(expected one of {sorted(NETPYNE_RULE_KEYS)})",
                key=f"connParams.{label}.{unknown[0]}", value=rule[unknown[0]])


def connect_settings(cfg, net_params):
    """What the connector reads from NetPyNE's SimConfig and NetParams objects."""
    return {
        "allow_self": bool(cfg.allowSelfConns),
        "allow_zero": bool(cfg.allowConnsWithWeight0),
        "seed": cfg.seeds["conn"],
        "random_sec": bool(cfg.connRandomSecFromList),
        "uniform": bool(cfg.distributeSynsUniformly),
        "one_syn": bool(cfg.oneSynPerNetcon),
        "scale": net_params.scaleConnWeight,
        "scale_models": net_params.scaleConnWeightModels,
        "default_weight": net_params.defaultWeight,
        "default_delay": net_params.defaultDelay,
        # NetPyNE offers every numeric netParams entry to string functions.
        "numbers": {k: v for k, v in vars(net_params).items() if isinstance(v, Number)},
        "cell_params": net_params.cellParams,
        "syn_mechs": net_params.synMechParams,
        "pop_params": net_params.popParams,
    }


def _targets(label, rule, post_pops, settings):
    """(sections, locs) of one connection's synapses as NetPyNE places them, or the key it cannot."""
    cell_types = {settings["pop_params"][p].get("cellType") for p in post_pops}
    cell_rule = settings["cell_params"].get(next(iter(cell_types))) if len(cell_types) == 1 else None
    if cell_rule is None or not cell_rule.get("secs"):
        return "postConds"
    secs, sec_lists = cell_rule["secs"], cell_rule.get("secLists") or {}
    sec = rule.get("sec")
    if isinstance(sec, str) and sec in secs:
        labels = [sec]
    elif isinstance(sec, str) and sec in sec_lists:
        labels = list(sec_lists[sec])
    elif isinstance(sec, list) and sec and all(isinstance(s, str) for s in sec):
        labels = list(sec)
    else:
        return "sec"
    if any(s not in secs or isinstance(secs[s].get("weightNorm"), list) for s in labels):
        return "sec"
    n, loc = rule.get("synsPerConn", 1), rule.get("loc")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        return "synsPerConn"
    if loc is not None and (isinstance(loc, bool) or not isinstance(loc, Number)):
        return "loc"
    if n == 1:
        if len(labels) > 1 and settings["random_sec"]:
            return "connRandomSecFromList"
        return [labels[0]], [0.5 if loc is None else loc]
    if len(labels) == 1:
        if loc is not None:
            raise ParameterError(f"connParams rule {label!r}: one 'loc' with synsPerConn > 1; "
                                 "give a list of locations or none", key="loc", value=loc)
        return labels * n, [i / n + 1 / n / 2 for i in range(n)]  # NetPyNE's spread
    if settings["uniform"] or settings["random_sec"]:
        return "distributeSynsUniformly" if settings["uniform"] else "connRandomSecFromList"
    if n != len(labels):
        raise ParameterError(f"connParams rule {label!r}: synsPerConn must equal the number of "
                             f"sections {labels}", key="synsPerConn", value=n)
    return labels, [0.5 if loc is None else loc] * n


def _plan(label, rule, table, settings):
    """How to connect one rule here, or the key that sends it to NetPyNE's connectCells."""
    extra = sorted(set(rule) - FAST_RULE_KEYS)
    if extra:
        return extra[0]
    if settings["one_syn"] or isinstance(settings["scale_models"], dict):
        return "oneSynPerNetcon" if settings["one_syn"] else "scaleConnWeightModels"
    pre, post = table.select(rule["preConds"]), table.select(rule["postConds"])
    if pre is None or post is None:
        return "preConds" if pre is None else "postConds"
    syn_mech = rule.get("synMech")
    mech = settings["syn_mechs"].get(syn_mech) if isinstance(syn_mech, str) else None
    # Pointer (gap junction) mechanisms and string-function parameters need NetPyNE.
    if mech is None or "pointerParams" in mech or any(
            isinstance(v, str) for k, v in mech.items() if k not in _SYN_MECH_NAMES):
        return "synMech"
    present = [k for k in CONNECTIVITY_KEYS if k in rule]
    mode = present[0] if present else "full"
    if mode == "connList" and (isinstance(rule.get("sec"), list) or isinstance(rule.get("loc"), list)):
        return "sec" if isinstance(rule.get("sec"), list) else "loc"  # one per connection
    post_pops = rule["postConds"]["pop"]
    targets = _targets(label, rule, post_pops if isinstance(post_pops, list) else [post_pops],
                       settings)
    if isinstance(targets, str):
        return targets
    known = set(POSITION_VARIABLES) | set(settings["numbers"]) | set(EXPRESSION_FUNCTIONS)
    values = {k: rule.get(k, settings[f"default_{k}"]) for k in ("weight", "delay")}
    for key, value in values.items():
        per_conn = mode == "connList" and isinstance(value, list)
        if per_conn and (len(value) != len(rule["connList"])
                         or not all(_fast_expression(v, set()) for v in value)):
            return key
        if not per_conn and not _fast_expression(value, known):
            return key
    if mode in ("convergence", "divergence") and not _fast_expression(rule[mode], set()):
        return mode
    if mode == "probability" and not _fast_expression(rule[mode], known):
        return mode
    return {"label": label, "rule": rule, "mode": mode, "ignored": present[1:], "pre": pre,
            "post": post, "synMech": syn_mech, "sections": targets[0], "locs": targets[1],
            **values}


def _stream(seed_a, seed_b, seed_conn):
    """NEURON's Random123 stream that NetPyNE draws from for these seeds."""
    from neuron import h

    rand = h.Random()
    rand.Random123(seed_a, seed_b, seed_conn)
    return rand


def _not_self(pre_gids, post_gids, pre_idx, post_idx):
    keep = pre_gids[pre_idx] != post_gids[post_idx]
    return pre_idx[keep], post_idx[keep]


def _all_pairs(n_pre, local_posts):
    """Every pre index with every local post index, post by post (NetPyNE's order)."""
    post_idx, pre_idx = np.meshgrid(local_posts, np.arange(n_pre), indexing="ij")
    return pre_idx.ravel(), post_idx.ravel()


def _sample(rand, n_wanted, n_from):
    """NetPyNE's randUniqueInt: ``n_wanted + 1`` distinct indices, the last a spare."""
    from netpyne.network.conn import randUniqueInt

    return randUniqueInt(rand, n_wanted + 1, 0, n_from - 1)


def _chosen(sample, count, gids, own_gid):
    """Indices NetPyNE keeps from a sample: its spare replaces the cell's own gid."""
    chosen = {sample[count] if gids[i] == own_gid else i for i in sample[:count]}
    return sorted(i for i in chosen if gids[i] != own_gid)


def _sample_size_and_hash(plan, key, drawn_from):
    """NetPyNE's sample size for ``key`` (capped at n - 1) and its hash of the cells sampled."""
    from netpyne import sim

    gids = plan[drawn_from][0]
    count = max(min(int(round(plan["rule"][key])), len(gids) - 1), 0)
    return count, sim.hashList(gids.tolist())


def _convergent(plan, local_posts, seed):
    """Each local post cell takes ``convergence`` distinct pre cells (NetPyNE's draw)."""
    pre_gids, post_gids = plan["pre"][0], plan["post"][0]
    n_pre = len(pre_gids)
    count, pre_hash = _sample_size_and_hash(plan, "convergence", "pre")
    pre_set = set(pre_gids.tolist())
    pre_idx, post_idx = [], []
    for post in local_posts.tolist():
        own = int(post_gids[post])
        if count == n_pre - 1 and own in pre_set:
            chosen = [i for i in range(n_pre) if pre_gids[i] != own]  # every other cell
        else:
            chosen = _chosen(_sample(_stream(pre_hash, own, seed), count, n_pre), count,
                             pre_gids, own)
        pre_idx += chosen
        post_idx += [post] * len(chosen)
    return np.array(pre_idx, dtype=int), np.array(post_idx, dtype=int)


def _divergent(plan, local_posts, seed):
    """Each pre cell reaches ``divergence`` distinct post cells (NetPyNE's draw)."""
    pre_gids, post_gids = plan["pre"][0], plan["post"][0]
    n_post = len(post_gids)
    count, post_hash = _sample_size_and_hash(plan, "divergence", "post")
    local = set(local_posts.tolist())
    pairs = []
    for pre, own in enumerate(pre_gids.tolist()):
        sample = _sample(_stream(post_hash, own, seed), count, n_post)
        pairs += [(i, pre) for i in _chosen(sample, count, post_gids, own) if i in local]
    pairs.sort()
    post_idx, pre_idx = (np.array(p, dtype=int) for p in zip(*pairs)) if pairs else (
        np.zeros(0, int), np.zeros(0, int))
    return pre_idx, post_idx


def _probable(plan, local_posts, settings):
    """Pairs whose NetPyNE uniform draw is at most their probability."""
    from neuron import h
    from netpyne import sim

    pre_gids, post_gids = plan["pre"][0], plan["post"][0]
    rand = _stream(sim.hashList(pre_gids.tolist()), sim.hashList(post_gids.tolist()),
                   settings["seed"])
    vector = h.Vector(len(pre_gids) * len(post_gids))
    rand.uniform(0, 1)
    vector.setrand(rand)
    draws = np.array(vector).reshape(len(pre_gids), len(post_gids))  # a copy: vector goes
    pre_idx, post_idx = _all_pairs(len(pre_gids), local_posts)
    probability = _evaluate(plan["rule"]["probability"],
                            _variables(plan, pre_idx, post_idx, settings), pre_idx.shape)
    keep = probability >= draws[pre_idx, post_idx]
    return pre_idx[keep], post_idx[keep]


def _listed(plan, local_posts):
    """connList pairs (indices into the gid-sorted pre and post cells) onto local cells."""
    pairs = np.array(plan["rule"]["connList"], dtype=int).reshape(-1, 2)
    n_pre, n_post = len(plan["pre"][0]), len(plan["post"][0])
    bad = np.flatnonzero((pairs < 0).any(axis=1) | (pairs[:, 0] >= n_pre) | (pairs[:, 1] >= n_post))
    if len(bad):
        raise ParameterError(f"connParams rule {plan['label']!r}: connList entry {int(bad[0])} "
                             f"is outside the {n_pre} pre and {n_post} post cells",
                             key="connList", value=pairs[bad[0]].tolist())
    keep = np.isin(pairs[:, 1], local_posts)
    keep &= plan["pre"][0][pairs[:, 0]] != plan["post"][0][pairs[:, 1]]  # never self
    return pairs[keep, 0], pairs[keep, 1], np.flatnonzero(keep)


def _variables(plan, pre_idx, post_idx, settings):
    """Position variables (µm) of the pairs, as NetPyNE names them, and netParams numbers."""
    pre, post = plan["pre"][1][pre_idx], plan["post"][1][post_idx]
    delta = np.abs(pre - post)
    names = dict(settings["numbers"])
    names.update(pre_x=pre[:, 0], pre_y=pre[:, 1], pre_z=pre[:, 2], post_x=post[:, 0],
                 post_y=post[:, 1], post_z=post[:, 2], dist_x=delta[:, 0], dist_y=delta[:, 1],
                 dist_z=delta[:, 2], dist_3D=np.sqrt((delta ** 2).sum(axis=1)),
                 dist_2D=np.sqrt(delta[:, 0] ** 2 + delta[:, 2] ** 2))
    return names


def rule_pairs(plan, local_posts, settings):
    """Pairs, weights (µS, scaled) and delays (ms) of a planned rule onto local post cells.

    Returns
    -------
    pre_gids, post_gids, weights, delays : numpy.ndarray
        One entry per connection (each makes one NetCon per target section).
    """
    mode, pre_gids, post_gids = plan["mode"], plan["pre"][0], plan["post"][0]
    listed = None
    if mode == "connList":
        pre_idx, post_idx, listed = _listed(plan, local_posts)
    elif mode == "convergence":
        pre_idx, post_idx = _convergent(plan, local_posts, settings["seed"])
    elif mode == "divergence":
        pre_idx, post_idx = _divergent(plan, local_posts, settings["seed"])
    elif mode == "probability":
        pre_idx, post_idx = _probable(plan, local_posts, settings)
    else:
        pre_idx, post_idx = _all_pairs(len(pre_gids), local_posts)
    if mode in ("full", "probability") and not settings["allow_self"]:
        pre_idx, post_idx = _not_self(pre_gids, post_gids, pre_idx, post_idx)
    names = _variables(plan, pre_idx, post_idx, settings)
    values = []
    for key in ("weight", "delay"):
        value = plan[key]
        if isinstance(value, list):  # one per connList entry
            values.append(np.asarray(value, dtype=float)[listed])
        else:
            values.append(_evaluate(value, names, pre_idx.shape))
    weights, delays = values[0] * settings["scale"], values[1]
    if not settings["allow_zero"]:
        keep = weights != 0.0
        pre_idx, post_idx, weights, delays = pre_idx[keep], post_idx[keep], weights[keep], delays[keep]
    return pre_gids[pre_idx], post_gids[post_idx], weights, delays


def _netpyne_connect(sim, labels):
    """Connect the rules ``labels`` with NetPyNE's own connectCells, and only them."""
    every_rule = sim.net.params.connParams
    subset = type(every_rule)()
    for label in labels:
        subset[label] = every_rule[label]
    sim.net.params.connParams = subset
    try:
        sim.net.connectCells()
    finally:
        sim.net.params.connParams = every_rule


def _make_netcons(sim, plan, local, pre_gids, post_gids, weights, delays):
    """Synapses (shared per cell, section and location) and one NetCon per pair and section."""
    targets = list(zip(plan["sections"], plan["locs"]))
    synapses, netcons = {}, []
    for pre_gid, post_gid, weight, delay in zip(pre_gids.tolist(), post_gids.tolist(),
                                                weights.tolist(), delays.tolist()):
        if post_gid not in synapses:
            cell = local[post_gid]
            synapses[post_gid] = [cell.addSynMech(plan["synMech"], sec, loc)["hObj"]
                                  for sec, loc in targets]
        for syn in synapses[post_gid]:
            netcon = sim.pc.gid_connect(pre_gid, syn)
            netcon.weight[0] = weight
            netcon.delay = delay
            netcons.append(netcon)
    return netcons


def connect_cells(sim, net_params):
    """Create every connection of ``net_params['connParams']`` on this rank.

    Rules this module implements are connected here; any other rule by
    NetPyNE's ``connectCells`` (a whole network with ``subConnParams``,
    which rewrites connections after they are made, goes through NetPyNE
    entirely). Every cell's ``conns`` then lists its connections.

    Parameters
    ----------
    sim : module
        ``netpyne.sim`` after ``createCells``.
    net_params : dict
        The netParams dictionary the network was created from.

    Returns
    -------
    n_netcons : int
        NetCons created on this rank by this module (NetPyNE's excluded).
    """
    check_rule_keys(net_params)
    cfg = sim.cfg
    if sim.net.params.subConnParams or not (cfg.createPyStruct and cfg.createNEURONObj):
        sim.net.connectCells()
        return 0
    settings = connect_settings(cfg, sim.net.params)
    table = CellTable(net_params)
    local = {cell.gid: cell for cell in sim.net.cells}
    local_gids = np.array(sorted(local), dtype=np.int64)
    recorder, by_netpyne = ConnRecorder(), []
    for label, rule in net_params["connParams"].items():
        plan = _plan(label, rule, table, settings)
        if isinstance(plan, str):
            by_netpyne.append(label)
            if sim.rank == 0 and cfg.verbose:
                print(f"  {label}: connected by NetPyNE's connectCells (key {plan!r})")
            continue
        if plan["ignored"] and sim.rank == 0:
            print(f"  connParams rule {label!r}: NetPyNE connects by {plan['mode']!r} and "
                  f"ignores {plan['ignored']}", flush=True)
        local_posts = np.flatnonzero(np.isin(plan["post"][0], local_gids))
        pairs = rule_pairs(plan, local_posts, settings)
        netcons = _make_netcons(sim, plan, local, *pairs)
        recorder.add(label, plan["synMech"], plan["sections"], plan["locs"], *pairs, netcons)
    n_netcons = len(recorder.netcons)
    if by_netpyne:
        _netpyne_connect(sim, by_netpyne)
    recorder.assign(sim.net.cells)
    return n_netcons


def count_netcons(net_params, allow_zero_weight=False, cfg=None):
    """Synaptic NetCons the network of ``net_params`` has, without creating it.

    Parameters
    ----------
    net_params : dict
        A netParams dictionary.
    allow_zero_weight : bool
        Count connections of weight 0 (NetPyNE's ``allowConnsWithWeight0``).
    cfg : dict | None
        simConfig fields; None takes the package's (:data:`PACKAGE_CONNECT_CFG`).

    Returns
    -------
    n_netcons : int
        One per (connection, target section), as :func:`connect_cells` makes.
    """
    from netpyne import specs

    check_rule_keys(net_params)
    sim_cfg = specs.SimConfig(dict(cfg or PACKAGE_CONNECT_CFG,
                                   allowConnsWithWeight0=allow_zero_weight))
    settings = connect_settings(sim_cfg, specs.NetParams(net_params))
    table = CellTable(net_params)
    total = 0
    for label, rule in net_params["connParams"].items():
        plan = _plan(label, rule, table, settings)
        if isinstance(plan, str):
            raise ParameterError(f"connParams rule {label!r} is connected by NetPyNE (key "
                                 f"{plan!r}): build the network to count it", key=plan)
        pre_gids = rule_pairs(plan, np.arange(len(plan["post"][0])), settings)[0]
        total += len(pre_gids) * len(plan["sections"])
    return total


def rule_connections(net_params, label, settings, post_gids=None):
    """Connections :func:`connect_cells` makes for one rule, in the order it makes them.

    Parameters
    ----------
    net_params : dict
        A netParams dictionary.
    label : str
        The connParams rule.
    settings : dict
        :func:`connect_settings` of the simConfig and netParams.
    post_gids : array of int | None
        Postsynaptic gids held (one rank's cells); None takes every cell.

    Returns
    -------
    pairs : tuple of numpy.ndarray | None
        ``pre_gids, post_gids, weights`` (µS, scaled) and ``delays`` (ms), one
        entry per connection; None for a rule NetPyNE's connectCells connects.
    n_sections : int
        NetCons per connection (one per target section).
    """
    plan = _plan(label, net_params["connParams"][label], CellTable(net_params), settings)
    if isinstance(plan, str):
        return None, 0
    posts = np.arange(len(plan["post"][0]))
    if post_gids is not None:
        posts = np.flatnonzero(np.isin(plan["post"][0], post_gids))
    return rule_pairs(plan, posts, settings), len(plan["sections"])
