"""``hnn-netpyne infer``: train a posterior from a spec file, sample it for a data file.

An inference spec is JSON::

    {"network": {"model": "jones_2009", "mesh_shape": [3, 3], "drives": "erp"},
     "tstop": 80.0, "dt": 0.05,
     "prior": {"evprox1.weights_ampa.L5_pyramidal": [0.001, 0.1],
               "evdist1.mu": [50.0, 75.0]},
     "log_uniform": ["evprox1.weights_ampa.L5_pyramidal"],
     "n_simulations": 600, "n_held_out": 50, "seed": 0}

``network`` and the parameter names are those of a sweep file
(:mod:`hnn_netpyne.batch.sweep_file`: ``<drive>.<field>[.<cell type>]``).
``hnn-netpyne infer train SPEC --output FOLDER`` writes into FOLDER:
``spec.json`` (the spec), ``simulations/`` and ``held_out/`` (sweep
stores; a killed run resumes), ``posterior.npz`` and, with
``n_held_out`` > 0, ``diagnostics.json`` (coverage, SBC ranks, recovery
error). ``hnn-netpyne infer sample FOLDER DATA.txt`` writes into
``FOLDER/sample_<data name>/`` ``samples.csv``, ``summary.json`` (median
and central 90 % interval of each parameter), ``posterior_pairs.png`` and,
with ``--predictive N``, ``predictive.png``.
"""

import csv
import json
import shutil
from pathlib import Path

import numpy as np

from hnn_netpyne.errors import ParameterError

SPEC_NAME, POSTERIOR_NAME, DIAGNOSTICS_NAME = "spec.json", "posterior.npz", "diagnostics.json"
_SPEC_KEYS = {"network", "tstop", "dt", "prior", "log_uniform", "n_simulations", "n_held_out",
              "seed", "n_components", "density_estimator"}
_REQUIRED = ("prior", "n_simulations")


def drive_params(net, params):
    """A spec's ``set_params(net, params)``: ``batch.sweep_file.set_drive_values``."""
    from hnn_netpyne.batch.sweep_file import set_drive_values

    set_drive_values(params, net)


def read_spec(path):
    """The checked spec of an inference spec file (a dict)."""
    from hnn_netpyne.readers import read_json

    spec = read_json(path)
    if not isinstance(spec, dict) or set(spec) - _SPEC_KEYS:
        extra = sorted(set(spec) - _SPEC_KEYS) if isinstance(spec, dict) else spec
        raise ParameterError(f"an inference spec is a JSON object with keys {sorted(_SPEC_KEYS)}",
                             source=str(path), key="spec", value=extra)
    for key in _REQUIRED:
        if key not in spec:
            raise ParameterError("the spec needs this key", source=str(path), key=key)
    return spec


def inference_of_spec(spec, folder, client=None, overwrite=False):
    """The :class:`SimulationBasedInference` a spec describes, storing in ``folder``."""
    from hnn_netpyne.batch.sweep_file import _network
    from hnn_netpyne.inference.simulation_based import SimulationBasedInference

    return SimulationBasedInference(
        _network(spec.get("network", {})), spec.get("tstop", 170.0), spec["prior"],
        drive_params, dt=spec.get("dt", 0.025), log_uniform=spec.get("log_uniform", []),
        client=client, save_folder=folder, seed=spec.get("seed", 0),
        density_estimator=spec.get("density_estimator", "maf"),
        n_components=spec.get("n_components", 10), overwrite=overwrite)


def cmd_train(args):
    """Simulate, train and (with held-out simulations) diagnose; print the posterior's path."""
    from hnn_netpyne.analysis.io import atomic_write
    from hnn_netpyne.inference.diagnostics import coverage

    spec = read_spec(args.spec)
    folder = Path(args.output)
    folder.mkdir(parents=True, exist_ok=True)
    sbi = inference_of_spec(spec, folder, args.scheduler, args.overwrite)
    atomic_write(folder / SPEC_NAME, lambda fid: json.dump(spec, fid, indent=1))
    sbi.simulate(spec["n_simulations"], n_jobs=args.n_jobs, verbose=not args.quiet)
    sbi.train()
    sbi.save(folder / POSTERIOR_NAME)
    if spec.get("n_held_out", 0):
        result = coverage(sbi, spec["n_held_out"], n_jobs=args.n_jobs, verbose=not args.quiet)
        result["n_failed_training_simulations"] = len(sbi.errors_)
        atomic_write(folder / DIAGNOSTICS_NAME, lambda fid: json.dump(result, fid, indent=1))
        print(f"coverage of the 90 % interval on {result['n_held_out']} held-out simulations: "
              + ", ".join(f"{k} {v:.2f}" for k, v in result["coverage"]["0.9"].items()))
    print(folder / POSTERIOR_NAME)
    return 0


def cmd_sample(args):
    """Sample the posterior of a trained folder for a data file; print the output folder."""
    import matplotlib

    matplotlib.use("Agg")
    from hnn_netpyne.analysis.dipole import read_dipole
    from hnn_netpyne.inference import diagnostics
    from hnn_netpyne.inference.simulation_based import SimulationBasedInference

    folder = Path(args.folder)
    spec = read_spec(folder / SPEC_NAME)
    data = read_dipole(args.data)
    output = Path(args.output or folder / f"sample_{Path(args.data).stem}")
    if output.exists() and not args.overwrite:
        raise ParameterError("the output folder exists; pass --overwrite to replace it",
                             key="--output", value=str(output))
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    template = inference_of_spec(spec, output, args.scheduler, overwrite=True)
    sbi = SimulationBasedInference.load(folder / POSTERIOR_NAME, net=template.net,
                                        set_params=drive_params, client=args.scheduler,
                                        save_folder=output)
    samples = sbi.sample(data, args.n_samples)
    _write_samples(output, samples)
    diagnostics.plot_posterior(samples, sbi.prior, show=False).savefig(
        output / "posterior_pairs.png", dpi=120)
    if args.predictive:
        times, dipoles = diagnostics.predictive_check(sbi, data, args.predictive,
                                                      n_jobs=args.n_jobs, verbose=not args.quiet)
        diagnostics.plot_predictive(times, dipoles, data, show=False).savefig(
            output / "predictive.png", dpi=120)
    print(output)
    return 0


def _write_samples(output, samples):
    """samples.csv (one row per sample) and summary.json (median, 5 % and 95 % quantiles)."""
    names = list(samples)
    with open(output / "samples.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        writer.writerows(np.column_stack([samples[n] for n in names]).tolist())
    summary = {n: dict(zip(("q05", "median", "q95"),
                           np.quantile(samples[n], [0.05, 0.5, 0.95]).tolist())) for n in names}
    (output / "summary.json").write_text(json.dumps(summary, indent=1))


def add_infer_arguments(parser):
    """Sub-commands ``train`` and ``sample`` of ``hnn-netpyne infer``."""
    sub = parser.add_subparsers(dest="infer_command", required=True)
    train = sub.add_parser("train", help="simulate prior draws and train the posterior")
    train.add_argument("spec", help="inference spec (JSON: network, prior, n_simulations ...)")
    train.add_argument("--output", default="inference", help="folder (default: inference)")
    train.add_argument("--overwrite", action="store_true",
                       help="replace another spec's simulations in the folder")
    train.set_defaults(func=cmd_train)
    sample = sub.add_parser("sample", help="sample the posterior for a dipole file")
    sample.add_argument("folder", help="a folder written by 'hnn-netpyne infer train'")
    sample.add_argument("data", help="dipole .txt (time in ms, then agg[, L2, L5] in nAm, "
                                     "raw scale, on the simulations' times)")
    sample.add_argument("--n-samples", type=int, default=1000, help="samples (default 1000)")
    sample.add_argument("--predictive", type=int, default=0, metavar="N",
                        help="simulate N posterior draws and plot them over the data")
    sample.add_argument("--output", default=None,
                        help="output folder (default: FOLDER/sample_<data name>)")
    sample.add_argument("--overwrite", action="store_true", help="replace the output folder")
    sample.set_defaults(func=cmd_sample)
    for command in (train, sample):
        command.add_argument("--n-jobs", type=int, default=1,
                             help="worker processes of the local Dask cluster (default 1)")
        command.add_argument("--scheduler", default=None,
                             help="address of a running Dask scheduler (e.g. dask-jobqueue's)")
        command.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser
