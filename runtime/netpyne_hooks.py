"""NetPyNE's own ``sim.create`` / ``sim.simulate`` on the HNN specs, as hnn-netpyne runs them.

NetPyNE's standard script (``sim.createSimulateAnalyze(netParams, cfg)``)
builds and runs the specs of ``sim/netParams.py`` with NetPyNE's own
functions. :func:`install` (called by ``netParams.py``) makes three of them
do, for an HNN simConfig (one with hnn-netpyne's ``fastConnect`` field),
what :mod:`hnn_netpyne.runtime.run` does:

- ``Network.createCells``: then every section gets its rule's exact length
  (:func:`hnn_netpyne.runtime.geometry.set_rule_lengths`), and the run
  length is checked against the one the drives were drawn for
  (:func:`check_drive_duration`).
- ``Network.connectCells``: with ``cfg.fastConnect`` (the default) the
  connections are made by :func:`hnn_netpyne.runtime.connect.connect_cells`,
  which gives NetPyNE's connections for the same specs, many times
  faster; ``cfg.fastConnect = False`` uses NetPyNE's own connector.
- ``sim.gatherData``: the HNN dipole (renormalised, smoothed and scaled as
  the runner's)
  goes into ``allSimData['dipoleSum']``, where ``sim.analysis.plotDipole``
  reads it (:func:`recorded_dipole_sum`).

A simConfig without ``fastConnect`` (any other NetPyNE model in the same
process) goes through NetPyNE's functions unchanged.
"""

from hnn_netpyne.errors import ParameterError

_ORIGINAL = {}
_connecting = []  # non-empty while connect_cells runs: its own calls go to NetPyNE


def _is_hnn(sim):
    return getattr(getattr(sim, "cfg", None), "fastConnect", None) is not None


def built_duration_ms(net_params):
    """The run length (ms) the drives of ``net_params`` were drawn for; None without drives.

    Read from the drives' ``hnnEvents`` (:func:`hnn_netpyne.model.drives.event_spec`),
    which NetPyNE's ``createPops`` moves into the population's ``params``.
    """
    specs = [pop.get("hnnEvents") or (pop.get("params") or {}).get("hnnEvents")
             for pop in net_params["popParams"].values()]
    lengths = [spec["tstop"] for spec in specs if isinstance(spec, dict)]
    return max(lengths) if lengths else None


def check_drive_duration(duration_ms, net_params):
    """Raise ParameterError if the drives of ``net_params`` end before ``duration_ms``.

    netParams is built from cfg: its drive events are those of
    ``cfg.duration`` as it was when netParams was built (hnn-core draws them
    for its tstop). A shorter run simulates the first part of that run; a
    longer one would have no drive events after the built length.

    Returns
    -------
    built_ms : float | None
        The built length (:func:`built_duration_ms`).
    """
    built = built_duration_ms(net_params)
    if built is not None and float(duration_ms) > built + 1e-9:
        raise ParameterError(
            f"cfg.duration is {float(duration_ms):g} ms but netParams' drives were drawn for "
            f"{built:g} ms; set cfg.duration before netParams is built (imported)",
            key="duration", value=duration_ms)
    return built


def _create_cells(self):
    from netpyne import sim

    if not _is_hnn(sim):
        return _ORIGINAL["createCells"](self)
    from hnn_netpyne.runtime.geometry import set_rule_lengths

    built = check_drive_duration(sim.cfg.duration, vars(self.params))
    cells = _ORIGINAL["createCells"](self)
    if sim.rank == 0 and built is not None and sim.cfg.duration < built - 1e-9:
        print(f"  netParams' drives were drawn for {built:g} ms: simulating the first "
              f"{sim.cfg.duration:g} ms of that run", flush=True)
    set_rule_lengths(sim)
    return cells


def _connect_cells(self):
    from netpyne import sim

    if _connecting or not (_is_hnn(sim) and sim.cfg.fastConnect):
        return _ORIGINAL["connectCells"](self)
    from hnn_netpyne.runtime.connect import connect_cells

    sim.timing("start", "connectTime")
    if sim.rank == 0:
        print("Making connections (hnn-netpyne's connector)...")
    _connecting.append(True)
    try:
        connect_cells(sim, vars(self.params))
    finally:
        _connecting.pop()
    n_contacts = sum(len(cell.conns) for cell in self.cells)
    n_conns = sum(len({conn["preGid"] for conn in cell.conns}) for cell in self.cells)
    print(f"  Number of connections on node {sim.rank}: {n_conns} ")
    print(f"  Number of synaptic contacts on node {sim.rank}: {n_contacts} ")
    sim.pc.barrier()
    sim.timing("stop", "connectTime")
    if sim.rank == 0 and sim.cfg.timing:
        print(f"  Done; cell connection time = {sim.timingData['connectTime']:.2f} s.")
    return [cell.conns for cell in self.cells]


def _gather_data(*args, **kwargs):
    from netpyne import sim

    gathered = _ORIGINAL["gatherData"](*args, **kwargs)
    # hnn-netpyne's runner (it records hnnTimeVector) stores its trial average itself.
    if (_is_hnn(sim) and sim.rank == 0 and sim.cfg.recordDipolesHNN
            and not hasattr(sim.net, "hnnTimeVector")):
        sim.allSimData["dipoleSum"] = recorded_dipole_sum(sim)
    return gathered


def recorded_dipole_sum(sim):
    """The HNN dipole of NetPyNE's own run (rank 0, after ``gatherData``), as the runner gives it.

    NetPyNE's gather sums every pyramidal cell's raw dipole (fAm) per layer
    into ``allSimData['dipole']``; this is that one trial renormalised,
    smoothed and scaled (:func:`hnn_netpyne.runtime.run.netpyne_dipole_sum`), in nA µm.
    """
    import numpy as np

    from hnn_netpyne.runtime.run import netpyne_dipole_sum

    raw = sim.allSimData["dipole"]
    layers = {layer: np.asarray(raw[layer], dtype=float) for layer in ("L2", "L5")}
    times = np.arange(len(layers["L2"])) * float(sim.cfg.dt)
    return netpyne_dipole_sum(vars(sim.cfg), vars(sim.net.params),
                              {"times": times, "dipoles": [layers]})


def install():
    """Let NetPyNE's createCells, connectCells and gatherData run HNN specs as
    hnn-netpyne does (see the module's description); once per process."""
    if _ORIGINAL:
        return
    from netpyne import sim
    from netpyne.network import Network

    _ORIGINAL.update(createCells=Network.createCells, connectCells=Network.connectCells,
                     gatherData=sim.gatherData)
    Network.createCells = _create_cells
    Network.connectCells = _connect_cells
    sim.gatherData = _gather_data
