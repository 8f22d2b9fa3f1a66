"""The documentation renders its formulas offline (skipped without the docs extra).

The test builds a one-page project with ``docs/conf.py`` (a few seconds) rather
than the whole documentation (a quarter of a minute on two cores), which
``make docs`` builds in CI.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx", reason="the docs extra is not installed")

ROOT = Path(__file__).resolve().parents[1]

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
