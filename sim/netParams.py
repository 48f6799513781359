"""Network parameters of the HNN column (NetPyNE's ``netParams``).

Built from ``cfg`` (see cfg.py): cells, populations, synapses,
connectivity and drives of the HNN model, all as plain specifications.
"""

import importlib.util
from pathlib import Path

from netpyne import specs

from hnn_netpyne.model.specs import build_net_params

try:
    from __main__ import cfg  # set by init.py / sim.readCmdLineArgs
except ImportError:
    # Imported on its own (e.g. by the NetPyNE GUI): load cfg.py beside this file
    # under a unique name, so a stale module called 'cfg' is never picked up.
    _spec = importlib.util.spec_from_file_location(
        "hnn_netpyne_sim_cfg", Path(__file__).resolve().parent / "cfg.py"
    )
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    cfg = _module.cfg

netParams = specs.NetParams(build_net_params(cfg))
