"""``python -m hnn_netpyne.gui.fit_worker FIT.json``: hnn-netpyne's Optimizer on a model the
GUI saved, against a recorded dipole; writes the best values as JSON.

FIT.json (written by :class:`hnn_netpyne.gui.sweeps.Fit`, paths relative to the folder
the worker runs in)::

    {"config": "gui_fits/fit1.network.json", "data": "recorded.csv",
     "constraints": {"evoked1.mu": [10, 40]}, "tstop": 60, "dt": 0.025, "n_trials": 1,
     "solver": "bayesian", "max_iter": 20, "n_jobs": 1, "scheduler": "",
     "result": "gui_fits/fit1.result.json"}
"""

import json
import sys

from hnn_netpyne.errors import HNNNetpyneError


def _set_params(net, params):
    from hnn_netpyne.batch.sweep_file import set_drive_values

    set_drive_values(params, net)


def fit(spec):
    """Run the fit of ``spec`` (the FIT.json data); the best values {name: value}."""
    from hnn_netpyne.analysis.dipole import Dipole
    from hnn_netpyne.analysis.io import write_json
    from hnn_netpyne.batch.optimize import Optimizer
    from hnn_netpyne.gui.compare import read_recorded_dipole
    from hnn_netpyne.network_config import read_network_configuration

    net = read_network_configuration(spec["config"])
    target = Dipole(*read_recorded_dipole(spec["data"]))
    constraints = {name: tuple(bounds) for name, bounds in spec["constraints"].items()}
    optimizer = Optimizer(net, spec["tstop"], constraints, _set_params,
                          solver=spec["solver"], max_iter=spec["max_iter"],
                          n_jobs=spec["n_jobs"], client=spec["scheduler"] or None,
                          dt=spec["dt"])
    optimizer.fit(target=target, n_trials=spec["n_trials"])
    best = dict(zip(constraints, optimizer.opt_params_))
    write_json(spec["result"], {"params": best, "objective": optimizer.obj_})
    print(f"best objective {optimizer.obj_[-1]:.6g}: {best}", flush=True)
    return best


def main(argv=None):
    """Run the fit of the file named in ``argv``; the exit status."""
    from hnn_netpyne.readers import read_json

    argv = sys.argv[1:] if argv is None else argv
    try:
        fit(read_json(argv[0]))
    except HNNNetpyneError as err:
        print(f"hnn-netpyne error: {err}", flush=True)
        return 2
    except (KeyError, IndexError, TypeError) as err:
        print(f"hnn-netpyne error: malformed fit file ({type(err).__name__}: {err})", flush=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
