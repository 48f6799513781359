"""Simulation-based inference: posteriors over network parameters from a dipole.

:class:`SimulationBasedInference` simulates draws from a prior on Dask
(:mod:`hnn_netpyne.batch`'s workers, each reusing its built network),
trains sbi's neural posterior estimation and samples the posterior for a
dipole; :mod:`.diagnostics` checks it (coverage, recovery error,
posterior predictive checks) and draws its figures. sbi and torch load only
when training or sampling (``pip install 'hnn-netpyne[inference]'``).
"""

from hnn_netpyne.inference.diagnostics import (coverage, plot_posterior, plot_predictive,
                                                predictive_check, recovery)
from hnn_netpyne.inference.simulation_based import SimulationBasedInference
from hnn_netpyne.inference.summary import WaveformSummary

__all__ = ["SimulationBasedInference", "WaveformSummary", "coverage", "plot_posterior",
           "plot_predictive", "predictive_check", "recovery"]
