"""A set_params that fails for some draws (importable by Dask's worker processes)."""


def fails_above(net, params):
    """Raise for ``w`` > 1.7, else add a weak proximal drive (weight ``w`` nS onto L5 pyramidal)."""
    if params["w"] > 1.7:  # the test's seeded draws: 1.64, 1.27, 1.04, 1.02, 1.81, 1.91
        raise ValueError("too strong")
    net.add_evoked_drive("ev", mu=5.0, sigma=0.0, numspikes=1, location="proximal",
                         weights_ampa={"L5_pyramidal": params["w"] * 1e-3})
