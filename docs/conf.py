"""Sphinx configuration of the dsrnn documentation.

Build (from the repository root)::

    DSRNN_EXAMPLES_FAST=1 python -m sphinx -W --keep-going -b html docs docs/_build/html

``DSRNN_EXAMPLES_FAST=1`` makes every gallery example train briefly (each runs
in well under a minute; the reconstructions are then rough). Without it the
examples run at full size (up to several minutes each, 10 to 20 minutes in all
on two CPU cores). ``-D plot_gallery=0`` skips running the examples altogether.
"""

import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))  # document the checkout, installed or not

import dsrnn  # noqa: E402

# The examples read this variable themselves (sphinx-gallery runs them in this
# process, so they see the environment of the build); it is reported here.
FAST = os.environ.get("DSRNN_EXAMPLES_FAST", "0") not in ("", "0")
print(f"dsrnn docs: gallery examples run in {'fast' if FAST else 'full-size'} mode "
      "(DSRNN_EXAMPLES_FAST)")

# -- Project ------------------------------------------------------------------
project = "dsrnn"
author = "the dsrnn developers"
copyright = "2025, the dsrnn developers"
release = dsrnn.__version__
version = ".".join(release.split(".")[:2])

# -- General --------------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb",
                    "auto_examples/*.py", "auto_examples/*.zip"]
default_role = "obj"
nitpicky = False
# Module docstrings list their references without citing them in the text.
suppress_warnings = ["ref.citation"]

# -- autodoc / autosummary / numpydoc -----------------------------------------
autosummary_generate = True
autosummary_ignore_module_all = False  # modules list what their __all__ exports
autodoc_default_options = {"inherited-members": False}
autodoc_typehints = "none"  # the numpydoc docstrings give the types
numpydoc_show_class_members = False  # the class template lists the methods
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- sphinx-gallery ------------------------------------------------------------
sys.path.insert(0, str(DOCS))  # gallery_order.py: the order of the examples

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",  # run every plot_*.py
    "within_subsection_order": "gallery_order.ExampleOrder",
    "plot_gallery": "True",
    "doc_module": ("dsrnn",),  # API pages list the examples that use an object
    "backreferences_dir": "generated/backreferences",
    "image_scrapers": ("matplotlib",),
    "reset_modules": ("matplotlib",),
    "capture_repr": ("_repr_html_",),
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,  # a failing example fails the build
    "min_reported_time": 0,
    "show_memory": False,
    "download_all_examples": False,
    "remove_config_comments": True,
}

# -- HTML --------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"dsrnn {release}"
html_static_path = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_context = {"default_mode": "light"}
