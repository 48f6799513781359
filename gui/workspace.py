"""The folder the GUI may read and write: every path it touches is checked here."""

from pathlib import Path

from hnn_netpyne.errors import ParameterError


class Workspace:
    """A folder; names given on the page are resolved inside it, never outside.

    Parameters
    ----------
    root : str | pathlib.Path
        The folder (``--workspace``, default the current folder).
    """

    def __init__(self, root):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise ParameterError("the workspace must be an existing folder", key="workspace",
                                 value=str(root))

    def path(self, name, suffixes=None):
        """The path of ``name`` (relative to the workspace, or absolute inside it).

        Raises
        ------
        ParameterError
            If the name is empty, leads outside the workspace (``..``, a
            symbolic link, another absolute path) or has none of ``suffixes``.
        """
        text = str(name or "").strip()
        if not text or "\x00" in text:
            raise ParameterError("give a file name", key="file", value=text)
        path = (self.root / text).resolve()
        if path != self.root and self.root not in path.parents:
            raise ParameterError(f"files must be inside the workspace {self.root}",
                                 key="file", value=text)
        if suffixes and path.suffix.lower() not in suffixes:
            raise ParameterError(f"expected a file ending in {' or '.join(suffixes)}",
                                 key="file", value=text)
        return path

    def relative(self, path):
        """``path`` as shown on the page: relative to the workspace."""
        return str(Path(path).resolve().relative_to(self.root))
