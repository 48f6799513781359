"""Network parameters of the HNN column (NetPyNE's ``netParams``).

Built from ``cfg`` (see cfg.py): cells, populations, synapses,
connectivity and drives of the HNN model, all as plain specifications.
"""

import importlib.util
import sys
from pathlib import Path

from netpyne import specs

from hnn_netpyne.model.spec_safety import check_specs
from hnn_netpyne.model.specs import build_net_params
from hnn_netpyne.runtime.run import prepare_mechanisms

try:
    from __main__ import cfg  # set by init.py / sim.readCmdLineArgs
except ImportError:
    # Imported on its own, as the NetPyNE GUI does. Build cfg from the cfg.py
    # beside this file and register that module as 'cfg': the GUI imports
    # 'cfg' by name next and so gets this very cfg, even when another model's
    # 'cfg' is already in sys.modules or earlier on sys.path.
    _spec = importlib.util.spec_from_file_location(
        "cfg", Path(__file__).resolve().parent / "cfg.py"
    )
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    sys.modules["cfg"] = _module
    cfg = _module.cfg

# NetPyNE's standard script (sim.createSimulateAnalyze) and its GUI (compile
# unticked) load no mechanisms by themselves: compile (cached) and load the
# package's own. Does nothing if they are already loaded.
prepare_mechanisms(cfg)

# NetPyNE's own scripts and its GUI read cfg without this package's entry
# checks: check here too. Where such a script writes is its own choice.
_net_params = build_net_params(cfg)
check_specs(cfg, _net_params, "sim/netParams.py", paths=False)
netParams = specs.NetParams(_net_params)
