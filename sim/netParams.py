"""Network parameters of the HNN column (NetPyNE's ``netParams``).

Built from ``cfg`` (cfg.py) when this file is imported: the parameter file
(``cfg.paramFile``), the model variant, the grid and the preset's drives,
whose events are drawn for ``cfg.duration`` as it is now. The model itself
lives in the package (``hnn_netpyne/model/specs.py`` builds these specs).
"""

from netpyne import specs

from hnn_netpyne.model.spec_safety import check_specs
from hnn_netpyne.model.specs import build_net_params
from hnn_netpyne.runtime import netpyne_hooks
from hnn_netpyne.runtime.run import prepare_mechanisms

try:
    from __main__ import cfg  # init.py's, or your script's ``from cfg import cfg``
except ImportError:
    # Imported on its own, as the NetPyNE GUI does: the cfg.py beside this file.
    from hnn_netpyne.runtime.entry_config import sibling_cfg

    cfg = sibling_cfg(__file__)

# NetPyNE loads no mechanisms itself: compile (cached) and load the package's.
prepare_mechanisms(cfg)
# NetPyNE's own sim.create/simulate run these specs as hnn-netpyne does: exact
# section lengths, its fast connector (cfg.fastConnect) and the HNN dipole in
# simData['dipoleSum'] for sim.analysis.plotDipole (hnn_netpyne/runtime/netpyne_hooks.py).
netpyne_hooks.install()

net_params = build_net_params(cfg)
# NetPyNE's own scripts and its GUI read cfg without this package's entry
# checks: check here too. Where such a script writes is its own choice.
check_specs(cfg, net_params, "sim/netParams.py", paths=False)

netParams = specs.NetParams(net_params)
# netParams.cellParams        L2Basket, L2Pyr, L5Basket, L5Pyr: sections (µm), 3-D points,
#                             mechanisms and the HNN dipole mechanisms of each cell type
# netParams.popParams         the four cell types, each cell at its grid position (cellsList);
#                             one VecStim population per drive: its spike times (spkTimes, ms)
#                             and how every trial redraws them (hnnEvents)
# netParams.synMechParams     Exp2Syn per cell type and receptor (L2Pyr_ampa, ..., L5Pyr_gabab)
# netParams.connParams        cell-to-cell pathways (pre_post_target_receptor) and drive rules
#                             (drive_cell_receptor): weights (µS) and delays (ms) fall off with
#                             distance as string functions of pre_x/post_x...
# netParams.stimSourceParams  tonic biases (IClamp, nA), with stimTargetParams
# netParams.defaultThreshold  spike threshold (mV, HNN's 0 mV)
