"""Sphinx configuration of the sklearn-drsn documentation.

The build and the pages are offline: no intersphinx, no theme outside Sphinx
itself, and MathJax served from ``_static`` instead of a CDN.
Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``.
"""

from __future__ import annotations

import sklearn_drsn

project = "sklearn-drsn"
author = "sklearn-drsn developers"
copyright = "2026, sklearn-drsn developers"
version = release = sklearn_drsn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # Copies MathJax 3 into _static/mathjax and points mathjax_path there, so that
    # formulas render where the docs are read without a network.
    "sphinx-mathjax-offline",
    "numpydoc",
]

templates_path = ["_templates"]
# real_data_results.rst is included into real_data.rst, not a page of its own.
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "user_guide/real_data_results.rst"]
root_doc = "index"
default_role = "literal"

# -- autodoc / autosummary ---------------------------------------------------
# Stubs are written to docs/api/generated/ (git-ignored) on every build.
autosummary_generate = True
autosummary_generate_overwrite = True
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
autodoc_member_order = "bysource"
# Undocumented overrides (e.g. a module's forward) would show torch's generic text.
autodoc_inherit_docstrings = False

# -- numpydoc ------------------------------------------------------------------
# Methods are listed by the autosummary class template, not by numpydoc, which
# would otherwise produce duplicate (and inherited torch/sklearn) stubs.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True


def _skip_member(app, what, name, obj, skip, options):
    """Hide scikit-learn's generated metadata-routing setters (``set_*_request``).

    Their docstrings link to scikit-learn's user guide, which cannot be
    resolved offline; they are standard scikit-learn API, see its docs.
    """
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_member)


# -- HTML ----------------------------------------------------------------------
html_theme = "alabaster"
html_title = f"sklearn-drsn {release}"
html_theme_options = {
    "description": "Deep Residual Shrinkage Networks as scikit-learn estimators",
    "fixed_sidebar": True,
    "page_width": "1100px",
    "sidebar_width": "240px",
}
html_sidebars = {"**": ["about.html", "navigation.html", "relations.html", "searchbox.html"]}
html_show_sourcelink = False
