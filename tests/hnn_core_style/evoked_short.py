# A short script in hnn-core 0.6.1's style (no main guard, hnn-core's keywords):
# three evoked drives on a 3 x 3 grid, somatic voltages, spike files written and
# read back, a smoothed dipole. Run as `python evoked_short.py OUTPUT.npz`; the
# same calls on hnn-core are in validation/make_hnn_core_script_references.py.
import sys
import tempfile
import os.path as op

import numpy as np

import hnn_netpyne as hnn_core
from hnn_netpyne import neymotin_2020_model, read_spikes, simulate_dipole
from hnn_netpyne.viz import plot_dipole

net = neymotin_2020_model(mesh_shape=(3, 3))
net.add_evoked_drive(
    'evdist1', mu=20.0, sigma=3.0, numspikes=1, location='distal',
    weights_ampa={'L2_basket': 0.006562, 'L2_pyramidal': 7e-6, 'L5_pyramidal': 0.1423},
    weights_nmda={'L2_basket': 0.019482, 'L2_pyramidal': 0.004317,
                  'L5_pyramidal': 0.080074},
    synaptic_delays={'L2_basket': 0.1, 'L2_pyramidal': 0.1, 'L5_pyramidal': 0.1},
    event_seed=274)
net.add_evoked_drive(
    'evprox1', mu=10.0, sigma=2.0, numspikes=1, location='proximal',
    weights_ampa={'L2_basket': 0.08831, 'L2_pyramidal': 0.01525, 'L5_basket': 0.19934,
                  'L5_pyramidal': 0.00865},
    synaptic_delays={'L2_basket': 0.1, 'L2_pyramidal': 0.1, 'L5_basket': 1.,
                     'L5_pyramidal': 1.},
    event_seed=544)
dpls = simulate_dipole(net, tstop=40., record_vsec='soma', n_trials=1)
smoothed = dpls[0].copy().smooth(window_len=5.0).scale(3000)
plot_dipole(smoothed, show=False)
with tempfile.TemporaryDirectory() as folder:
    net.cell_response.write(op.join(folder, 'spk_%d.txt'))
    with open(op.join(folder, 'spk_0.txt')) as fid:
        spike_lines = fid.read()
    read_back = read_spikes(op.join(folder, 'spk_*.txt'))
read_back.plot_spikes_raster(show=False)
gid = net.gid_ranges['L5_pyramidal'][0]
np.savez(sys.argv[1], times=dpls[0].times,
         **{f'dipole_{layer}': dpls[0].data[layer] for layer in ('agg', 'L2', 'L5')},
         smoothed_agg=smoothed.data['agg'], vsoma_L5=net.cell_response.vsec[0][gid]['soma'],
         spike_lines=np.array(spike_lines), version=np.array(hnn_core.__name__))
