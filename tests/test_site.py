"""The built site: strict build, every page in both languages, links, offline, size, notebooks."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import nbformat
import pytest
from conftest import REPO_URL, SITE_URL

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGE_BUDGET = 300 * 1024


def doc_pages() -> list[str]:
    """Output folders of the English pages: '' for the home page, 'tutorials/adam/' ..."""
    out = []
    for p in sorted(DOCS.rglob("*.md")):
        if p.name.endswith(".zh.md"):
            continue
        rel = p.relative_to(DOCS).with_suffix("").as_posix()
        out.append("" if rel == "index" else rel.removesuffix("/index") + "/")
    return out


# A term only that page has, in each language: (page folder, English term, Chinese term).
PAGE_TERMS = [
    ("tutorials/gradient-descent/", "step size too large", "步长过大"),
    ("tutorials/momentum/", "critical momentum", "临界动量"),
    ("tutorials/rmsprop/", "root mean square propagation", "均方根传播"),
    ("tutorials/nesterov/", "brake", "刹车"),
    ("tutorials/adagrad/", "only shrinks", "只会缩小"),
    ("tutorials/adadelta/", "unit-correct", "单位一致"),
    ("tutorials/adam/", "learning rate is a distance", "关掉偏差校正"),
    ("tutorials/adamax/", "gradient spike", "尖峰"),
    ("tutorials/nadam/", "look-ahead term", "前瞻项"),
    ("tutorials/amsgrad/", "non-convergence", "在线优化问题"),
    ("tutorials/training-a-model/", "raw grey levels", "原始灰度"),
    ("tutorials/schedules/", "effective sample size", "有效样本数"),
    ("comparison/", "quasi-Newton", "拟牛顿法"),
    ("questions/", "compass search", "罗盘搜索"),
]

TUTORIALS = sorted(p.stem for p in (DOCS / "tutorials").glob("*.md") if ".zh" not in p.name)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) and not (tag == "link" and a.get("rel") in ("canonical", "alternate")):
                self.refs.append((tag, a[key]))


@pytest.fixture(scope="module")
def parsed(site):
    pages = {}
    for html in site.rglob("*.html"):
        parser = Links()
        parser.feed(html.read_text(encoding="utf-8"))
        pages[html] = parser
    return pages


def test_strict_build_has_no_warnings(build):
    assert build.returncode == 0, build.log[-5000:]
    assert not re.search(r"^(WARNING|ERROR)", build.log, re.M), build.log[-5000:]


@pytest.mark.parametrize("lang", ["", "zh/"])
def test_every_page_is_built_in_both_languages(site, lang):
    for page in doc_pages():
        assert (site / lang / page / "index.html").is_file(), f"missing {lang}{page}"


def test_internal_links_and_anchors_resolve(site, parsed):
    broken = []
    for html, parser in parsed.items():
        base = "/" + html.relative_to(site).as_posix()
        for tag, ref in parser.refs:
            url = urlparse(urljoin(base, ref))
            if url.scheme in ("http", "https", "mailto", "data") or ref.startswith("//"):
                continue
            target = site / unquote(url.path).lstrip("/")
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{base}: {tag} {ref}")
            elif url.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else set()
                if unquote(url.fragment) not in ids:
                    broken.append(f"{base}: {ref} (no anchor)")
    assert not broken, "\n".join(broken[:40])


def test_no_resource_from_another_host(site, parsed):
    """Scripts, styles, images and fonts all come from the site itself."""
    external = []
    for html, parser in parsed.items():
        for tag, ref in parser.refs:
            if tag in ("script", "link", "img", "iframe", "source") and re.match(
                r"(https?:)?//", ref
            ):
                external.append(f"{html.relative_to(site)}: {tag} {ref}")
    assert not external, "\n".join(external[:20])
    for css in site.rglob("*.css"):
        assert not re.search(r"@import\s+url\(\s*['\"]?https?:", css.read_text(errors="ignore"))


def test_no_cell_writes_to_stderr(site):
    """Warnings (a missing CJK glyph, an unexpected divergence) would show up as stderr blocks."""
    noisy = [p.relative_to(site) for p in site.rglob("index.html") if "nb-stderr" in p.read_text()]
    assert noisy == []


def test_chinese_headings_have_chinese_anchors(site, parsed):
    ids = parsed[site / "zh" / "tutorials" / "adam" / "index.html"].ids
    assert any(re.search(r"[\u4e00-\u9fff]", i) for i in ids), sorted(ids)[:20]
    assert "" not in ids


def test_no_unresolved_cross_reference(site):
    """A [text][gdbook.x] reference that autorefs could not resolve stays as raw text."""
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert not re.search(r"\]\[gdbook\.", text), html.relative_to(site)


def test_api_pages_document_every_optimizer_in_both_languages(parsed, site):
    for lang in ("", "zh/"):
        ids = parsed[site / lang / "api" / "optimizers" / "index.html"].ids
        for name in ["GradientDescent", "Momentum", "Nesterov", "AdaGrad", "RMSProp",
                     "Adadelta", "Adam", "AdaMax", "Nadam", "AMSGrad"]:  # fmt: skip
            assert f"gdbook.optimizers.{name}" in ids


def test_tutorial_text_links_to_the_api(site):
    html = (site / "tutorials" / "adam" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="\.\./\.\./api/optimizers/#gdbook\.optimizers\.Adam"', html)
    html = (site / "zh" / "tutorials" / "adam" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="\.\./\.\./api/optimizers/#gdbook\.optimizers\.Adam"', html)


@pytest.mark.parametrize("lang", ["", "zh/"])
@pytest.mark.parametrize("page", TUTORIALS + ["comparison", "questions"])
def test_page_weight_within_budget(site, parsed, lang, page):
    html = site / lang / ("tutorials/" if page in TUTORIALS else "") / page / "index.html"
    total = html.stat().st_size
    for tag, ref in parsed[html].refs:
        if tag == "img" and not ref.startswith("data:"):
            total += (html.parent / unquote(ref)).stat().st_size
    assert total <= PAGE_BUDGET, f"{lang}{page}: {total / 1024:.0f} KB"


@pytest.mark.parametrize("lang", ["", "zh/"])
def test_tutorial_figures_are_separate_pngs(site, lang):
    pngs = sorted((site / lang / "tutorials" / "adam").glob("figure-*.png"))
    assert len(pngs) >= 3
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)


def pages_containing(site, term: str, lang: str) -> set[str]:
    """Pages of one language whose indexed title or text contains ``term``."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    found = set()
    for d in index["docs"]:
        if d["location"].startswith("zh/") != (lang == "zh/"):
            continue
        text = (d["title"] + " " + d["text"]).replace("\u200b", "").lower()
        text = re.sub(r"<[^>]+>", " ", text)
        if term.lower() in (text.replace(" ", "") if lang else re.sub(r"\s+", " ", text)):
            found.add(d["location"].split("#")[0])
    return found


@pytest.mark.parametrize("page,en,zh", PAGE_TERMS, ids=[p[0] for p in PAGE_TERMS])
def test_each_page_has_a_term_of_its_own_in_both_languages(site, page, en, zh):
    assert pages_containing(site, en, "") == {page}
    assert pages_containing(site, zh, "zh/") == {"zh/" + page}


@pytest.mark.parametrize("lang", ["", "zh/"])
@pytest.mark.parametrize("page", TUTORIALS)
def test_every_tutorial_offers_its_notebook(site, lang, page):
    nb = nbformat.read(site / lang / "tutorials" / page / f"{page}.ipynb", as_version=4)
    nbformat.validate(nb)
    html = (site / lang / "tutorials" / page / "index.html").read_text(encoding="utf-8")
    assert f'download="{page}.ipynb"' in html


def test_site_url_gives_the_sitemap_and_canonical_links(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert f"{SITE_URL}tutorials/adam/" in locs and f"{SITE_URL}zh/tutorials/adam/" in locs
    assert all(loc.startswith(SITE_URL) for loc in locs)
    for lang in ("", "zh/"):
        html = (site / lang / "tutorials" / "adam" / "index.html").read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{SITE_URL}{lang}tutorials/adam/">' in html


def test_edit_links_point_at_each_page_source(site):
    for lang, src in (("", "adam.md"), ("zh/", "adam.zh.md")):
        html = (site / lang / "tutorials" / "adam" / "index.html").read_text(encoding="utf-8")
        assert f'href="{REPO_URL}/edit/main/docs/tutorials/{src}"' in html
        assert 'data-md-component="source"' not in html  # no request to the code host's API


def test_unconfigured_build_invents_no_address():
    """Without GDBOOK_SITE_URL / GDBOOK_REPO_URL there is no canonical, edit or repo link."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GDBOOK_")}
    code = "from mkdocs.config import load_config; c = load_config('mkdocs.yml'); "
    code += "print(c.site_url, c.repo_url, c.edit_uri)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    assert out.split() == ["None", "None", "None"]


def test_404_page_in_both_languages(site):
    html = (site / "404.html").read_text(encoding="utf-8")
    assert "Page not found" in html and "页面不存在" in html
    assert f'href="{SITE_URL}"' in html and f'href="{SITE_URL}zh/"' in html
    # a 404 page is served at any depth: its assets need absolute addresses
    assert re.search(r'src="/assets/javascripts/bundle\.[0-9a-f]+\.min\.js"', html)


@pytest.mark.parametrize("lang", ["", "zh/"])
def test_the_site_serves_the_wheel_it_was_built_with(site, lang):
    import zipfile

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wheel = site / lang / "downloads" / f"gdbook-{project['version']}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as z:
        for src in sorted((ROOT / "gdbook").glob("*.py")):
            assert z.read(f"gdbook/{src.name}") == src.read_bytes()
        meta = z.read(f"gdbook-{project['version']}.dist-info/METADATA").decode()
    assert "Requires-Dist: mplfonts" in meta and 'extra == "zh"' in meta
    assert "License-Expression: MIT" in meta


OUTPUT_BLOCK = re.compile(
    r'<div class="nb-output"[^>]*>\s*<div class="highlight"><pre>(.*?)</pre>', re.S
)
TABLE = re.compile(r'<div class="nb-markdown">(.*?)</div>', re.S)  # tables that cells made


def printed_blocks(html: str) -> list[str]:
    from html import unescape

    return [unescape(re.sub(r"<[^>]+>", "", b)) for b in OUTPUT_BLOCK.findall(html)]


def looks_like_a_text_table(block: str) -> bool:
    """Three or more lines in a row with three or more columns set apart by runs of spaces."""
    run = 0
    for line in block.splitlines():
        cols = re.split(r"\s{2,}", line.strip())
        row = len(cols) >= 3 and not line.lstrip().startswith(">") and "[" not in line
        run = run + 1 if row else 0
        if run >= 3:
            return True
    return False


def test_looks_like_a_text_table():
    assert looks_like_a_text_table("lr    steps   f\n0.1   12      1e-3\n0.2   9       2e-4\n")
    assert not looks_like_a_text_table(">0 f([ 0.1  0.2]) = 0.5\n>1 f([ 0.1  0.2]) = 0.5\n" * 2)
    assert not looks_like_a_text_table("first step: 0.1\nlast step: 0.2\nsteps: 3\n")


@pytest.mark.parametrize("lang", ["", "zh/"])
@pytest.mark.parametrize("page", TUTORIALS + ["comparison", "questions"])
def test_results_are_rendered_tables_not_printed_columns(site, lang, page):
    html = site / lang / ("tutorials/" if page in TUTORIALS else "") / page / "index.html"
    blocks = printed_blocks(html.read_text(encoding="utf-8"))
    assert not [b for b in blocks if looks_like_a_text_table(b)]


# Latin words allowed in Chinese output: names of optimizers, functions, variants, code.
NAMES = {
    "GradientDescent", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adadelta", "Adam",
    "AdaMax", "Nadam", "AMSGrad", "AdamW", "SGD", "torch", "optax", "PyTorch", "Keras",
    "TensorFlow", "NumPy", "SciPy", "BFGS", "gdbook", "sphere", "booth", "rosenbrock", "beale",
    "himmelblau", "rastrigin", "saddle", "quadratic", "parabola", "Rosenbrock", "Beale",
    "Booth", "Himmelblau", "Rastrigin", "Reddi", "Kingma", "Dozat", "Zeiler", "Hinton",
    "Duchi", "Polyak", "Sutskever", "paper", "original", "nan", "inf", "lr", "eps", "rho",
    "beta", "mu",
}  # fmt: skip


@pytest.mark.parametrize("page", TUTORIALS + ["comparison", "questions"])
def test_chinese_output_has_no_english_words(site, page):
    html = site / "zh" / ("tutorials/" if page in TUTORIALS else "") / page / "index.html"
    text = html.read_text(encoding="utf-8")
    shown = printed_blocks(text)
    shown += [
        re.sub(r"<[^>]+>", " ", t) for t in TABLE.findall(text.split('class="md-content"')[1])
    ]
    words = set()
    for block in shown:
        block = re.sub(r"\bf\(|\[[^\]]*\]|\b\d+(\.\d+)?e[-+]?\d+\b", " ", block)
        words |= {w for w in re.findall(r"[A-Za-z]{2,}", block) if w not in NAMES}
    assert not words, sorted(words)
