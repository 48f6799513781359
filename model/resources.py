"""Will a run fit in this machine's memory? An estimate, checked before building.

Memory is dominated by the NetCons (all-to-all rules: the square of the
cell count) and by the dipole samples kept for every trial. The constants
come from measured runs (``benchmarks/README.md``): the
10 x 10 column (191,025 NetCons) peaks at about 220 MB in one process, the
40 x 40 column (48.5 million NetCons) at about 32 GB over all ranks.
"""

import os

from hnn_netpyne.errors import ParameterError

BASE_BYTES = 100e6
BYTES_PER_NETCON = 660.0
BYTES_PER_SAMPLE = 3 * 8.0  # time, L2 and L5 dipole, float64, per trial
NETCONS_10X10 = 191_025
"""NetCons of HNN's 10 x 10 column; other grids scale with the square of the cells."""


def machine_memory_bytes():
    """Physical memory of this machine (bytes)."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def estimate_bytes(n_netcons, n_samples, n_trials):
    """Estimated peak memory (bytes, all ranks together) of a run."""
    return BASE_BYTES + BYTES_PER_NETCON * n_netcons + BYTES_PER_SAMPLE * n_samples * n_trials


def grid_netcons(n_pyr_x, n_pyr_y):
    """Estimated NetCons of an ``n_pyr_x`` x ``n_pyr_y`` HNN column."""
    return NETCONS_10X10 * (n_pyr_x * n_pyr_y / 100.0) ** 2


def spec_netcons(net_params):
    """Upper bound of the NetCons of ``net_params`` from population sizes alone."""
    sizes = {label: len(pop.get("cellsList") or []) or int(pop.get("numCells", 0))
             for label, pop in net_params["popParams"].items()}
    total = 0
    for rule in net_params.get("connParams", {}).values():
        if "connList" in rule:
            total += len(rule["connList"])
            continue
        pre, post = rule["preConds"].get("pop"), rule["postConds"].get("pop")
        cell_type = net_params["popParams"].get(post, {}).get("cellType")
        sec_lists = net_params.get("cellParams", {}).get(cell_type, {}).get("secLists", {})
        sec = rule.get("sec")
        n_secs = len(sec) if isinstance(sec, list) else len(sec_lists.get(sec, [sec]))
        total += sizes.get(pre, 0) * sizes.get(post, 0) * n_secs
    return total


def check_memory(n_netcons, n_samples, n_trials, source=None, key=None, value=None):
    """Raise :class:`ParameterError` if the estimate exceeds this machine's memory.

    Parameters
    ----------
    n_netcons, n_samples, n_trials : float
        NetCons, time samples per trial and trials of the run.
    source, key, value :
        Where the sizes came from, for the message.
    """
    needed = estimate_bytes(n_netcons, n_samples, n_trials)
    available = machine_memory_bytes()
    if needed > available:
        raise ParameterError(
            f"this run needs about {needed / 1e9:.3g} GB of memory ({n_netcons:.3g} NetCons, "
            f"{n_trials:g} trials of {n_samples:.3g} samples), more than this machine's "
            f"{available / 1e9:.3g} GB; use a smaller grid, fewer trials or a larger dt",
            source, key, value)
    return needed
