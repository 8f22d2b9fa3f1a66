"""The documentation: its API page lists the public API, and its formulas render offline.

The rendering tests build a one-page project with ``docs/conf.py`` (a few
seconds) rather than the whole documentation (a quarter of a minute on two
cores), which ``make docs`` builds in CI; they are skipped without Sphinx.
"""

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _api_page_entries():
    """``(module, name)`` for each autosummary entry and ``.. data::`` of docs/api.rst."""
    entries, module, in_autosummary = [], None, False
    for line in (ROOT / "docs" / "api.rst").read_text(encoding="utf-8").splitlines():
        if match := re.match(r"\.\. currentmodule:: (\S+)", line):
            module = match[1]
        elif match := re.match(r"\.\. data:: (\w+)", line):
            entries.append((module, match[1]))
        elif line.startswith(".. autosummary::"):
            in_autosummary = True
        elif in_autosummary and re.match(r"   \w+$", line):
            entries.append((module, line.strip()))
        elif in_autosummary and line and not line.startswith("   "):
            in_autosummary = False
    return entries


def test_api_page_lists_only_public_names():
    for module, name in _api_page_entries():
        assert not any(part.startswith("_") for part in module.split(".")), module
        assert name in importlib.import_module(module).__all__, f"{module}.{name}"


def test_api_page_documents_each_object_at_one_path():
    entries = _api_page_entries()
    assert ("sklearn_drsn.windows", "sliding_windows") in entries
    paths = {}
    for module, name in entries:
        paths.setdefault(id(getattr(importlib.import_module(module), name)), []).append(
            f"{module}.{name}"
        )
    assert [found for found in paths.values() if len(found) > 1] == []


def test_api_page_lists_every_public_name_of_its_modules():
    # A name re-exported by a second module counts as listed where the page lists it.
    entries = _api_page_entries()
    listed = {id(getattr(importlib.import_module(mod), name)) for mod, name in entries}
    for module in {mod for mod, _ in entries}:
        namespace = importlib.import_module(module)
        missing = [
            name
            for name in namespace.__all__
            if name[0] != "_" and id(getattr(namespace, name)) not in listed
        ]
        assert missing == [], module


PAGE = r"""
Title
=====

Inline :math:`y = \operatorname{sign}(x)\max(|x| - \tau, 0)`.

.. math::

   \tau_c = \alpha_c \cdot \operatorname{mean}_i |\tilde x_{c,i}|
"""


@pytest.fixture(scope="module")
def built_page(tmp_path_factory):
    """The HTML of a page with formulas, built with the documentation's configuration."""
    pytest.importorskip("sphinx", reason="the docs extra is not installed")
    tmp = tmp_path_factory.mktemp("docs")
    (tmp / "src").mkdir()
    (tmp / "src" / "index.rst").write_text(PAGE)
    out = tmp / "html"
    # cwd=ROOT puts this checkout's sklearn_drsn first on the path that conf.py imports it from.
    command = [sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html", "-c", str(ROOT / "docs")]
    subprocess.run(
        [*command, str(tmp / "src"), str(out)],
        check=True,
        cwd=ROOT,
    )
    return out, (out / "index.html").read_text(encoding="utf-8")


def _resource_urls(html):
    return re.findall(r"<(?:script|link)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", html)


def test_page_loads_no_script_or_stylesheet_from_the_network(built_page):
    _, html = built_page
    remote = [url for url in _resource_urls(html) if re.match(r"(?:[a-z]+:)?//", url, re.I)]
    assert remote == []


def test_mathjax_is_copied_next_to_the_page(built_page):
    out, html = built_page
    mathjax = [url for url in _resource_urls(html) if "mathjax" in url.lower()]
    assert mathjax, "the page with formulas loads no MathJax"
    for url in mathjax:
        assert (out / url.split("?")[0]).is_file(), url
