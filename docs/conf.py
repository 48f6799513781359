"""Sphinx configuration of hnn-netpyne's documentation (built by scripts/docs.sh)."""

import os
import sys
from pathlib import Path

import hnn_netpyne

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS))  # gallery_order

project = "hnn-netpyne"
author = "the hnn-netpyne developers"
copyright = "2026, the hnn-netpyne developers"
release = hnn_netpyne.__version__
version = release

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "sphinx_gallery.gen_gallery",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
templates_path = ["_templates"]
exclude_patterns = ["_build", "gallery", "gallery_order.py"]

myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = set()
default_role = "py:obj"
nitpicky = False


# The examples run while the gallery is built. By default they run short (the
# same lengths as their tests: 60 ms, sweeps and fits on a 4 x 4 grid) so that
# a build takes minutes; HNN_NETPYNE_DOCS_FULL=1 runs them at their own lengths.
EXAMPLE_OUTPUT = DOCS / "_build" / "example_output"
os.environ.setdefault("HNN_NETPYNE_EXAMPLE_OUTPUT", str(EXAMPLE_OUTPUT))
os.environ.setdefault("MPLBACKEND", "Agg")
if not os.environ.get("HNN_NETPYNE_DOCS_FULL"):
    os.environ.setdefault("HNN_NETPYNE_EXAMPLE_TSTOP", "60")
    os.environ.setdefault("HNN_NETPYNE_EXAMPLE_SMALL", "1")

sphinx_gallery_conf = {
    "examples_dirs": str(DOCS.parent / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "gallery_order.ExampleOrder",
    "download_all_examples": False,
    "remove_config_comments": True,
    "min_reported_time": 1,
    "abort_on_example_error": True,
}

html_theme = "pydata_sphinx_theme"
html_title = "hnn-netpyne"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"index": [], "validation": [], "benchmarks": []}
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_show_sourcelink = False
