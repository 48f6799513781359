"""Optimizer: objectives, bad arguments, and a fit that recovers known drive values."""

import sys
from pathlib import Path

import numpy as np
import pytest

from hnn_netpyne.analysis.dipole import Dipole
from hnn_netpyne.batch import BatchSimulate, Optimizer
from hnn_netpyne.batch.optimize import band_power_objective, dipole_rmse
from hnn_netpyne.errors import ParameterError

sys.path.insert(0, str(Path(__file__).parent))
import batch_fit_problem as problem  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _dipole(values, dt=0.025):
    times = np.arange(len(values)) * dt
    return Dipole(times, {"agg": values, "L2": values, "L5": values})


def test_objectives():
    t = np.arange(40001) * 0.025  # 1 s
    wave = np.sin(2 * np.pi * 20.0 * t / 1000.0)
    assert dipole_rmse(_dipole(wave), _dipole(wave), tstop=1000.0) == 0.0
    assert dipole_rmse(_dipole(wave + 0.5), _dipole(wave), tstop=1000.0) == pytest.approx(0.5)
    # a target sampled twice as coarsely is resampled, not misaligned
    coarse = Dipole(t[::2], {k: wave[::2] for k in Dipole.LAYERS})
    assert dipole_rmse(_dipole(wave), coarse, tstop=1000.0) < 5e-3
    # all the power of a 20 Hz sine lies in 15-25 Hz
    assert band_power_objective(_dipole(wave), [(15.0, 25.0)], 1.0) < -0.95
    assert band_power_objective(_dipole(wave), [(40.0, 60.0)], 1.0) > -0.05


@pytest.mark.parametrize("kwargs, match", [
    ({"solver": "cma"}, "key 'solver'"),
    ({"obj_fun": "dipole_corr"}, "key 'obj_fun'"),
    ({"constraints": {"prox_mu": (5.0, 1.0)}}, "key 'prox_mu'"),
    ({"initial_params": {"prox_mu": 30.0, "prox_weight": 2e-4, "dist_mu": 27.0}},
     "key 'prox_mu', value 30.0"),
    ({"max_iter": 0}, "key 'max_iter'"),
    ({"coreneuron": "yes"}, "key 'coreneuron', value 'yes'"),
    ({"n_threads": 0}, "key 'n_threads', value 0"),
])
def test_bad_optimizer_arguments(kwargs, match):
    arguments = dict(initial_net=problem.small_network(), tstop=problem.TSTOP,
                     constraints=problem.CONSTRAINTS, set_params=problem.set_params)
    arguments.update(kwargs)
    with pytest.raises(ParameterError, match=match):
        Optimizer(**arguments)


@pytest.mark.slow
def test_fit_recovers_known_drive_values():
    net = problem.small_network()
    target = BatchSimulate(lambda params, n: problem.set_params(n, params), net=net,
                           tstop=problem.TSTOP).run([problem.TRUE], verbose=False)
    target_dpl = target["simulated_data"][0][0]["dpl"][0]
    optimizer = Optimizer(net, problem.TSTOP, problem.CONSTRAINTS, problem.set_params,
                          solver="cobyla", max_iter=40, n_jobs=1)
    optimizer.fit(target=target_dpl, verbose=False)
    for name, value in zip(problem.CONSTRAINTS, optimizer.opt_params_):
        assert value == pytest.approx(problem.TRUE[name], rel=0.05), name
    assert len(optimizer.obj_) == 40 and optimizer.obj_[-1] < 0.05 * optimizer.obj_[0]
    assert np.all(np.diff(optimizer.obj_) <= 0)
    # only the first candidate built the network; the rest were set in place
    assert [s["rebuilt"] for s in optimizer.summaries_].count(1.0) == 1
    assert optimizer.net_.external_drives["prox"]["dynamics"]["mu"] == optimizer.opt_params_[0]
    fig = optimizer.plot_convergence(show=False)
    assert fig.axes[0].get_xlabel() == "Number of simulations"
