"""The network's cells in 3-D, coloured by membrane potential, and its animation
(hnn-core's ``NetworkPlotter``).

Every section of every cell is one line at the cell's soma position (µm);
after ``simulate_dipole(..., record_vsec='all')`` each line takes the colour
of its section's potential (mV, mapped from ``vmin``..``vmax``) at
``time_idx`` of trial ``trial_idx``. Without those recordings the cells are
drawn uncoloured and :meth:`NetworkPlotter.export_movie` refuses.
"""

import numpy as np

from hnn_netpyne.errors import ParameterError


def _number(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise ParameterError(f"{name} must be a number", key=name, value=value)
    return value


def _limits(name, value):
    if not isinstance(value, tuple) or len(value) != 2:
        raise ParameterError(f"{name} must be a (low, high) tuple (µm)", key=name, value=value)
    return value


class NetworkPlotter:
    """Cells of ``net`` in 3-D coloured by section potential (hnn-core's arguments).

    Parameters
    ----------
    net : Network
        The network (simulated with ``record_vsec='all'`` for colours).
    ax : mpl_toolkits.mplot3d.Axes3D | None
        Axes; a new figure if None.
    vmin, vmax : float
        Potentials (mV) at the two ends of the colour map.
    bg_color : str
        Background colour.
    colorbar : bool
        Draw a colour bar.
    voltage_colormap : str
        Matplotlib colour map.
    elev, azim : float
        View angles (degrees).
    xlim, ylim, zlim : tuple of float
        Axis limits (µm).
    trial_idx, time_idx : int
        The trial and time sample shown.
    """

    def __init__(self, net, ax=None, vmin=-100, vmax=50, bg_color="black", colorbar=True,
                 voltage_colormap="viridis", elev=10, azim=-500, xlim=(-200, 3100),
                 ylim=(-200, 3100), zlim=(-300, 2200), trial_idx=0, time_idx=0):
        import matplotlib.pyplot as plt

        self.net = net
        self._vmin, self._vmax = _number("vmin", vmin), _number("vmax", vmax)
        self._elev, self._azim = _number("elev", elev), _number("azim", azim)
        self._xlim, self._ylim, self._zlim = (_limits("xlim", xlim), _limits("ylim", ylim),
                                              _limits("zlim", zlim))
        self._bg_color, self._voltage_colormap = bg_color, voltage_colormap
        self._trial_idx, self._time_idx = trial_idx, time_idx
        self.times = None if net.cell_response is None else net.cell_response.times
        if ax is None:
            self.fig = plt.figure()
            ax = self.fig.add_subplot(projection="3d")
        else:
            self.fig = ax.figure
        self.ax = ax
        self._sections = self._draw_cells()
        self._cbar = None
        self._apply_view()
        self.colorbar = colorbar
        if self._recorded():
            self._color_sections()

    # --- drawing ------------------------------------------------------------

    def _draw_cells(self):
        """Draw every section of every cell; return (gid, section) per drawn line."""
        drawn = []
        for name, entry in self.net.cell_types.items():
            cell = entry["cell_object"]
            for index, gid in enumerate(self.net.gid_ranges[name]):
                x, y, z = self.net.pos_dict[name][index]
                # hnn-core's view: the grid's y along the plot's z, layers up the plot's y
                cell.plot_morphology(ax=self.ax, show=False, pos=(x, z, y), xlim=self._xlim,
                                     ylim=self._ylim, zlim=self._zlim)
                drawn += [(gid, section) for section in cell.sections]  # one line each
        self.ax.axis("off")
        return drawn

    def _recorded(self):
        """True when every drawn section has a recorded potential."""
        response = self.net.cell_response
        if response is None or not response.vsec or not response.vsec[0]:
            return False
        trial = response.vsec[0]
        return all(section in trial.get(gid, {}) for gid, section in self._sections)

    def _potentials(self):
        """Potentials (mV), sections x times, of trial ``trial_idx``."""
        trial = self.net.cell_response.vsec[self._trial_idx]
        return np.array([trial[gid][section] for gid, section in self._sections])

    def _color_sections(self, time_idx=None):
        import matplotlib.pyplot as plt

        colormap = plt.get_cmap(self._voltage_colormap)
        values = self._potentials()[:, self._time_idx if time_idx is None else time_idx]
        shades = colormap((values - self._vmin) / (self._vmax - self._vmin))
        for line, shade in zip(self.ax.lines, shades):
            line.set_color(shade)

    def _apply_view(self):
        self.ax.set_facecolor(self._bg_color)
        self.ax.set_xlim(self._xlim)
        self.ax.set_ylim(self._ylim)
        self.ax.set_zlim(self._zlim)
        self.ax.view_init(self._elev, self._azim)

    def _refresh(self):
        self._apply_view()
        if self._recorded():
            self._color_sections()
        if self._cbar is not None:
            self.colorbar = False
            self.colorbar = True

    # --- hnn-core's properties -----------------------------------------------

    def _view_property(name, check):  # noqa: N805 -- builds the properties below
        def getter(self):
            return getattr(self, f"_{name}")

        def setter(self, value):
            setattr(self, f"_{name}", check(name, value))
            self._refresh()

        return property(getter, setter, doc=f"hnn-core's ``{name}`` (redraws when set).")

    xlim = _view_property("xlim", _limits)
    ylim = _view_property("ylim", _limits)
    zlim = _view_property("zlim", _limits)
    elev = _view_property("elev", _number)
    azim = _view_property("azim", _number)
    vmin = _view_property("vmin", _number)
    vmax = _view_property("vmax", _number)
    bg_color = _view_property("bg_color", lambda name, value: str(value))
    voltage_colormap = _view_property("voltage_colormap", lambda name, value: str(value))
    del _view_property

    def _index(self, name, value, size):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
                or not 0 <= value < size:
            raise ParameterError(f"{name} must be an index below {size}", key=name, value=value)
        return int(value)

    @property
    def trial_idx(self):
        """The trial shown."""
        return self._trial_idx

    @trial_idx.setter
    def trial_idx(self, trial_idx):
        trials = len(self.net.cell_response.vsec) if self._recorded() else 1
        self._trial_idx = self._index("trial_idx", trial_idx, trials)
        self._refresh()

    @property
    def time_idx(self):
        """The time sample shown."""
        return self._time_idx

    @time_idx.setter
    def time_idx(self, time_idx):
        samples = len(self.times) if self._recorded() else 1
        self._time_idx = self._index("time_idx", time_idx, samples)
        self._refresh()

    @property
    def colorbar(self):
        """Whether the colour bar is drawn."""
        return self._cbar is not None

    @colorbar.setter
    def colorbar(self, colorbar):
        import matplotlib.colors
        import matplotlib.pyplot as plt

        if self._cbar is not None:
            self._cbar.remove()
            self._cbar = None
        if colorbar:
            mappable = plt.cm.ScalarMappable(
                cmap=self._voltage_colormap,
                norm=matplotlib.colors.Normalize(vmin=self._vmin, vmax=self._vmax))
            self._cbar = self.fig.colorbar(mappable, ax=self.ax, label="Membrane potential (mV)")

    # --- the movie -------------------------------------------------------------

    def export_movie(self, fname, fps=30, dpi=300, decim=10, interval=30, frame_start=0,
                     frame_stop=None, writer="pillow"):
        """Write the potentials over time as a movie (e.g. a GIF with 'pillow').

        Parameters
        ----------
        fname : str
            The file.
        fps, dpi : int
            Frames per second and resolution.
        decim : int
            Every ``decim``-th time sample is a frame.
        interval : int
            Delay between frames (ms) of the animation.
        frame_start, frame_stop : int | None
            First and last time sample (None: to the end).
        writer : str
            Matplotlib movie writer.
        """
        from matplotlib.animation import FuncAnimation

        if not self._recorded():
            raise ParameterError("simulate with simulate_dipole(net, ..., record_vsec='all') "
                                 "before making a movie", key="record_vsec", value=None)
        frames = range(frame_start, len(self.times) if frame_stop is None else frame_stop, decim)
        animation = FuncAnimation(self.fig, lambda t: self._color_sections(t), frames=frames,
                                  interval=interval)
        animation.save(fname, writer=writer, fps=fps, dpi=dpi)
