# A sweep in hnn-core 0.6.1's style from a plain script: no `if __name__ ==
# "__main__":` guard, hnn-core's module path and keywords, two points on a 3 x 3
# grid. Run as `python sweep_noguard.py OUTPUT.npz`.
import sys

import numpy as np

from hnn_netpyne import neymotin_2020_model
from hnn_netpyne.batch_simulate import BatchSimulate


def set_params(param_values, net=None):
    net.add_evoked_drive('evprox', mu=10., sigma=2., numspikes=1, location='proximal',
                         weights_ampa={'L2_pyramidal': param_values['weight'],
                                       'L5_pyramidal': param_values['weight']},
                         event_seed=2)


def summary_func(results):
    return [{'peak': np.max(result['dpl'][0].copy().smooth(window_len=5.).data['agg'])}
            for result in results]


net = neymotin_2020_model(mesh_shape=(3, 3))
batch_simulation = BatchSimulate(net=net, set_params=set_params, summary_func=summary_func,
                                 tstop=20.)
results = batch_simulation.run({'weight': [0.001, 0.01]}, n_jobs=2, combinations=False,
                               backend='loky', verbose=False)
dipoles = [data['dpl'][0].data['agg'] for data in results['simulated_data'][0]]
weights = [data['param_values']['weight'] for data in results['simulated_data'][0]]
np.savez(sys.argv[1], peaks=[s['peak'] for s in results['summary_statistics'][0]],
         dipoles=np.array(dipoles)[np.argsort(weights)], weights=np.sort(weights))
