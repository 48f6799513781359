# Sparse local connectivity in hnn-core 0.6.1's style (as its connectivity
# example does): the local connections cleared and made again with probability
# 0.5, so that some cells connect to themselves. Run as
# `python sparse_autapses.py OUTPUT.npz`.
import sys

import numpy as np

from hnn_netpyne import neymotin_2020_model, simulate_dipole
from hnn_netpyne.network import pick_connection

net = neymotin_2020_model(mesh_shape=(3, 3))
net.clear_connectivity()
for src, target, location, receptor in [('L5_pyramidal', 'L5_pyramidal', 'distal', 'ampa'),
                                        ('L5_pyramidal', 'L2_basket', 'distal', 'ampa'),
                                        ('L2_basket', 'L2_basket', 'soma', 'gabaa'),
                                        ('L2_basket', 'L5_pyramidal', 'soma', 'gabaa')]:
    net.add_connection(src, target, location, receptor, delay=1.0, weight=0.05, lamtha=70,
                       probability=0.5, conn_seed=3)
net.add_evoked_drive('evprox1', mu=10., sigma=2., numspikes=1, location='proximal',
                     weights_ampa={'L5_pyramidal': 0.02, 'L2_basket': 0.02}, event_seed=5)
conn_idx = pick_connection(net, src_gids='L5_pyramidal', target_gids='L5_pyramidal')[0]
autapses = sum(int(src) in targets
               for src, targets in net.connectivity[conn_idx]['gid_pairs'].items())
dpls = simulate_dipole(net, tstop=40., n_trials=1)
np.savez(sys.argv[1], times=dpls[0].times, autapses=autapses,
         **{f'dipole_{layer}': dpls[0].data[layer] for layer in ('agg', 'L2', 'L5')},
         spike_gids=np.array(net.cell_response.spike_gids[0]))
