"""``hnn-netpyne gui``: serve the page on this machine (127.0.0.1 by default).

A host other than loopback needs a token: a random one is made and printed
with the address (or give your own in HNN_NETPYNE_GUI_TOKEN).
"""

import ipaddress
import os
import secrets
import signal
import threading

from hnn_netpyne.checks import check_range
from hnn_netpyne.errors import ParameterError

LOOPBACK_NAMES = ("localhost",)
TOKEN_VARIABLE = "HNN_NETPYNE_GUI_TOKEN"


def is_loopback(host):
    """True if ``host`` is a loopback address or 'localhost'."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def add_gui_arguments(parser):
    """The options of ``hnn-netpyne gui``."""
    parser.add_argument("--port", type=int, default=5006, help="port to listen on (default 5006)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; another one needs "
                             "the token printed at start)")
    parser.add_argument("--no-browser", dest="open_browser", action="store_false",
                        help="do not open a browser")
    parser.add_argument("--workspace", default=".",
                        help="the only folder the GUI reads and writes (default: this one)")
    return parser


def serve(workspace, host="127.0.0.1", port=5006, open_browser=True):
    """Serve the GUI until interrupted (blocks)."""
    os.environ.setdefault("BOKEH_RESOURCES", "server")  # no CDN: everything from this server
    import panel as pn

    from hnn_netpyne.gui.app import create_page
    from hnn_netpyne.gui.workspace import Workspace

    check_range("port", port, 0, 65535, integer=True)
    space = Workspace(workspace)
    token = None
    if not is_loopback(host):
        token = os.environ.get(TOKEN_VARIABLE) or secrets.token_urlsafe(24)
        if len(token) < 16:
            raise ParameterError(f"{TOKEN_VARIABLE} must be at least 16 characters",
                                 key=TOKEN_VARIABLE, value="(hidden)")
    shown_host = f"[{host}]" if ":" in host else host
    origins = ["*"] if token else [f"{name}:{port}" for name in ("127.0.0.1", "localhost",
                                                                   shown_host)]
    pn.extension("tabulator", notifications=False)
    address = f"http://{shown_host}:{port}/" + (f"?token={token}" if token else "")
    print(f"hnn-netpyne GUI on {address} (workspace {space.root}); Ctrl-C ends it", flush=True)
    def page():
        return create_page(space, token)

    try:
        server = pn.serve({"/": page}, port=port, address=host, websocket_origin=origins,
                          show=False, title="hnn-netpyne", start=False, threaded=False,
                          verbose=False)
    except OSError as err:
        raise ParameterError(f"cannot listen on {host}:{port} ({err.strerror})", key="port",
                             value=port) from None
    server.start()
    threading.Thread(target=_warm_up, daemon=True).start()
    if open_browser:
        import webbrowser

        webbrowser.open(address)
    server.io_loop.asyncio_loop.add_signal_handler(signal.SIGTERM, server.io_loop.stop)
    try:
        server.io_loop.start()
    finally:  # no worker outlives the server
        from hnn_netpyne.gui.runs import cancel_all

        cancel_all()


def _warm_up():
    """Import what the first page needs, and draw one figure (fonts, PNG encoder), while
    the browser is still on its way."""
    import io

    import matplotlib.pyplot as plt
    import pandas  # noqa: F401

    from hnn_netpyne.analysis import plots, psd, spectrogram  # noqa: F401
    from hnn_netpyne.gui import figures  # noqa: F401
    from hnn_netpyne.network import Network

    Network(mesh_shape=(10, 10))
    fig, ax = plt.subplots(figsize=figures.FIGSIZE_IN)
    ax.plot([0, 1], [0, 1], label="warm-up")
    ax.legend()
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


def cmd_gui(args):
    """The ``hnn-netpyne gui`` command."""
    try:
        import panel  # noqa: F401 -- only to say how to get it
    except ImportError:
        raise ParameterError("the GUI needs its extra: pip install 'hnn-netpyne[gui]'",
                             key="gui", value="panel missing") from None
    serve(args.workspace, args.host, args.port, args.open_browser)
    return 0
