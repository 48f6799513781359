"""Instantiate the model's connParams quickly, with NetPyNE's semantics.

NetPyNE's ``connectCells`` spends most of its time in per-connection Python
bookkeeping (about 30 s for the 191,025 NetCons of the HNN column). The
rules this model declares are of four plain kinds — all-to-all, all-to-all
without self-connections (``convergence`` = n - 1), and explicit
``connList`` — with weights and delays as string expressions of the pre- and
postsynaptic positions. This module reads the same rules, evaluates each
expression once per rule for all pairs with numpy, creates the synapses
through NetPyNE's own ``addSynMech`` (one per section, location and
receptor) and connects with ``ParallelContext.gid_connect``, in NetPyNE's
order. The specs stay the single, declarative description; the result is
the same network (``tests/test_network.py`` checks both paths).
"""

import numpy as np

from hnn_netpyne.errors import SimulationError

_STRING_FUNCTIONS = {"exp": np.exp, "sqrt": np.sqrt, "__builtins__": {}}


def _positions(net_params, pop):
    cells = net_params["popParams"][pop]["cellsList"]
    return np.array([c["x"] for c in cells]), np.array([c["y"] for c in cells])


def _pairs(rule, n_pre, posts, same_pop):
    """(pre index, post index) arrays onto the post indices ``posts``, in NetPyNE's order.

    ``posts`` (ascending) are the postsynaptic cells of this rank, so each
    rank only builds its own share of an all-to-all rule.
    """
    if "connList" in rule:
        pairs = np.array(rule["connList"], dtype=int).reshape(-1, 2)
        keep = ~(same_pop & (pairs[:, 0] == pairs[:, 1]))  # fromListConn skips self
        keep &= np.isin(pairs[:, 1], posts)
        return pairs[keep, 0], pairs[keep, 1]
    if "convergence" in rule and not (same_pop and rule["convergence"] == n_pre - 1):
        raise SimulationError("only convergence = n - 1 within a population is supported")
    post, pre = np.meshgrid(posts, np.arange(n_pre), indexing="ij")
    pre, post = pre.ravel(), post.ravel()
    if "convergence" in rule:
        keep = pre != post
        return pre[keep], post[keep]
    return pre, post


def _evaluate(expression, pre_x, pre_y, post_x, post_y):
    if not isinstance(expression, str):
        return np.full(pre_x.shape, float(expression))
    namespace = dict(_STRING_FUNCTIONS, pre_x=pre_x, pre_y=pre_y, post_x=post_x, post_y=post_y)
    return np.broadcast_to(eval(expression, namespace), pre_x.shape)  # noqa: S307


def _sections(net_params, post_pop, sec):
    rule = net_params["cellParams"][net_params["popParams"][post_pop]["cellType"]]
    return list(rule["secLists"][sec]) if sec in rule["secLists"] else [sec]


def count_netcons(net_params, allow_zero_weight=False):
    """Synaptic NetCons the network of ``net_params`` has, without creating it.

    Parameters
    ----------
    net_params : dict
        A netParams dictionary.
    allow_zero_weight : bool
        Count connections of weight 0 (NetPyNE's ``allowConnsWithWeight0``).

    Returns
    -------
    n_netcons : int
        One per (connection, target section), as :func:`connect_cells` makes.
    """
    total = 0
    for rule in net_params["connParams"].values():
        pre_pop, post_pop = rule["preConds"]["pop"], rule["postConds"]["pop"]
        pre_x, pre_y = _positions(net_params, pre_pop)
        post_x, post_y = _positions(net_params, post_pop)
        pre, post = _pairs(rule, len(pre_x), np.arange(len(post_x)), pre_pop == post_pop)
        weights = _evaluate(rule["weight"], pre_x[pre], pre_y[pre], post_x[post], post_y[post])
        n_pairs = len(pre) if allow_zero_weight else int(np.count_nonzero(weights))
        total += n_pairs * len(_sections(net_params, post_pop, rule["sec"]))
    return total


def connect_cells(sim, net_params):
    """Create every connection of ``net_params['connParams']`` on this rank.

    Parameters
    ----------
    sim : module
        ``netpyne.sim`` after ``createCells``.
    net_params : dict
        The netParams dictionary the network was created from.

    Returns
    -------
    n_netcons : int
        NetCons created on this rank.
    """
    first_gid, start = {}, 0
    for label, pop in net_params["popParams"].items():
        first_gid[label] = start
        start += len(pop["cellsList"])
    local = {cell.gid: cell for cell in sim.net.cells}
    local_gids = np.array(sorted(local), dtype=int)
    allow_zero = sim.cfg.allowConnsWithWeight0
    netcons = sim.net.fastNetCons = []
    for label, rule in net_params["connParams"].items():
        pre_pop, post_pop = rule["preConds"]["pop"], rule["postConds"]["pop"]
        pre_x, pre_y = _positions(net_params, pre_pop)
        post_x, post_y = _positions(net_params, post_pop)
        first = first_gid[post_pop]
        posts = local_gids[(local_gids >= first) & (local_gids < first + len(post_x))] - first
        pre, post = _pairs(rule, len(pre_x), posts, pre_pop == post_pop)
        post_gids = first + post
        args = (pre_x[pre], pre_y[pre], post_x[post], post_y[post])
        weights = _evaluate(rule["weight"], *args) * sim.net.params.scaleConnWeight
        delays = _evaluate(rule["delay"], *args)
        sections = _sections(net_params, post_pop, rule["sec"])
        loc = rule.get("loc", 0.5)
        pre_gids = first_gid[pre_pop] + pre
        synapses = {}
        for pre_gid, post_gid, weight, delay in zip(pre_gids.tolist(), post_gids.tolist(),
                                                    weights.tolist(), delays.tolist()):
            if not allow_zero and weight == 0.0:
                continue
            if post_gid not in synapses:
                cell = local[post_gid]
                synapses[post_gid] = [cell.addSynMech(rule["synMech"], sec, loc)["hObj"]
                                      for sec in sections]
            for syn in synapses[post_gid]:
                netcon = sim.pc.gid_connect(pre_gid, syn)
                netcon.weight[0] = weight
                netcon.delay = delay
                netcons.append(netcon)
        if sim.rank == 0 and sim.cfg.verbose:
            print(f"  {label}: {len(pre_gids) * len(sections)} NetCons on rank 0")
    return len(netcons)


def rule_netcon_values(net_params, label, post_gids=None, scale=1.0, allow_zero_weight=False):
    """Weight (µS) and delay (ms) of every NetCon :func:`connect_cells` makes for one rule.

    Parameters
    ----------
    net_params : dict
        A netParams dictionary.
    label : str
        The connParams rule.
    post_gids : array of int | None
        Postsynaptic gids held (one rank's cells); None takes every cell.
    scale : float
        NetPyNE's ``scaleConnWeight``.
    allow_zero_weight : bool
        Keep connections of weight 0 (NetPyNE's ``allowConnsWithWeight0``).

    Returns
    -------
    weights, delays : np.ndarray
        One value per NetCon, in the order :func:`connect_cells` creates them.
    """
    rule = net_params["connParams"][label]
    pre_pop, post_pop = rule["preConds"]["pop"], rule["postConds"]["pop"]
    pre_x, pre_y = _positions(net_params, pre_pop)
    post_x, post_y = _positions(net_params, post_pop)
    first = 0
    for pop_label, pop in net_params["popParams"].items():
        if pop_label == post_pop:
            break
        first += len(pop["cellsList"])
    posts = np.arange(len(post_x))
    if post_gids is not None:
        gids = np.asarray(post_gids, dtype=int)
        posts = gids[(gids >= first) & (gids < first + len(post_x))] - first
    pre, post = _pairs(rule, len(pre_x), posts, pre_pop == post_pop)
    args = (pre_x[pre], pre_y[pre], post_x[post], post_y[post])
    weights = _evaluate(rule["weight"], *args) * scale
    delays = _evaluate(rule["delay"], *args)
    if not allow_zero_weight:
        keep = weights != 0.0
        weights, delays = weights[keep], delays[keep]
    n_sections = len(_sections(net_params, post_pop, rule["sec"]))
    return np.repeat(weights, n_sections), np.repeat(delays, n_sections)
