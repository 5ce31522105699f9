"""What a reader sees: Debian's Chromium, driven by Playwright, against the site on 127.0.0.1."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from conftest import recording, without_mathjax
from test_site import DOCS, PAGE_TERMS, doc_pages

PAGES = [lang + page for lang in ("", "zh/") for page in doc_pages()]

# Searches a reader makes: (language prefix, query, a page it must find). Each page's own
# term (PAGE_TERMS: found on that page only, see test_site.py), and Adam's key idea.
SEARCHES = [
    *[("", en, page) for page, en, _ in PAGE_TERMS],
    *[("zh/", zh, "zh/" + page) for page, _, zh in PAGE_TERMS],
    ("", "bias correction", "tutorials/adam/"),
    ("zh/", "偏差校正", "zh/tutorials/adam/"),
]


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = recording(context.new_page())
    yield pg
    context.close()


@pytest.fixture()
def page_without_math(browser):
    """A page whose MathJax is an empty script, for tests of navigation, not of typesetting.

    Typesetting takes about 1.4 s of each page load; the math of every page, in both
    languages, is checked by test_page_loads_clean_offline_with_math_and_figures.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    without_mathjax(context)
    yield context.new_page()
    context.close()


def wait_for_math(pg):
    pg.wait_for_function(
        "() => !document.querySelector('.arithmatex') || "
        "(window.MathJax && MathJax.startup && MathJax.startup.document && "
        "document.querySelectorAll('.arithmatex mjx-container').length > 0)",
        timeout=20000,
    )
    pg.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_clean_offline_with_math_and_figures(page, server, path):
    response = page.goto(f"{server}/{path}", wait_until="load")
    assert response.status == 200
    wait_for_math(page)
    # every image loads and has a size (figures are lazy: load them as a reader scrolling would)
    page.evaluate(
        "() => Promise.all([...document.images].map(i => { i.loading = 'eager';"
        " return i.decode().catch(() => null); }))"
    )
    broken = page.evaluate(
        "() => [...document.images]"
        ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
    )
    assert broken == []
    # math rendered: no span left with raw TeX, no visible \( or $$ in the text
    raw = page.evaluate(
        "() => [...document.querySelectorAll('.arithmatex')]"
        ".filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 60))"
    )
    assert raw == []
    text = page.inner_text("article")
    assert "\\(" not in text and "$$" not in text
    assert page.errors == []
    hosts = {urlparse(u).hostname for u in page.requests if not u.startswith(("data:", "blob:"))}
    assert hosts <= {"127.0.0.1"}, hosts


def test_tutorial_shows_rendered_math_and_figures(page, server):
    page.goto(f"{server}/tutorials/adam/")
    wait_for_math(page)
    assert page.locator("article mjx-container").count() > 10
    assert page.locator("article img.nb-figure").count() >= 3
    code_blocks = page.locator("article div.highlight").count()
    assert code_blocks > 5
    # every code block has a copy button (Material 9.8 markup)
    assert page.locator("article button[data-md-type='copy']").count() >= code_blocks


SWITCHED = [p for p in doc_pages() if p.startswith("tutorials/")] + ["comparison/", "questions/"]


@pytest.mark.parametrize("path", SWITCHED)
def test_language_switcher_keeps_the_page(page_without_math, server, path):
    page = page_without_math
    page.goto(f"{server}/{path}")
    title_en = page.inner_text("article h1")
    page.hover(".md-header__option .md-select")
    page.click("a[hreflang='zh']")
    page.wait_for_load_state("load")
    assert urlparse(page.url).path == f"/zh/{path}"
    assert page.locator("html").get_attribute("lang").startswith("zh")
    assert re.search(r"[\u4e00-\u9fff]", page.inner_text("article"))
    page.hover(".md-header__option .md-select")
    page.click("a[hreflang='en']")
    page.wait_for_load_state("load")
    assert urlparse(page.url).path == f"/{path}"
    assert page.inner_text("article h1") == title_en


@pytest.fixture(scope="module")
def search(browser, server):
    """``search(lang, query)``: type a query in the header's search box, as a reader does,
    and return the linked pages of all its results.

    One page per language is kept open for all searches (the index is built once per page
    load, as in a reader's tab); before each query the box is cleared and the old results
    are gone.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pages = {}

    def run(lang: str, query: str) -> list[str]:
        if lang not in pages:
            pages[lang] = context.new_page()
            pages[lang].goto(f"{server}/{lang}")
            pages[lang].click("input.md-search__input")  # wide screen: the box is in the header
        page = pages[lang]
        box = page.locator("input.md-search__input")
        box.fill("")
        box.press("End")
        page.wait_for_function("() => !document.querySelector('.md-search-result__item')")
        box.fill(query)
        box.press("End")  # Material searches on key events
        page.wait_for_selector(".md-search-result__item", timeout=15000)
        # Material renders results in batches as the list is scrolled: scroll until all are there
        count = -1
        while count != page.locator(".md-search-result__item").count():
            count = page.locator(".md-search-result__item").count()
            page.locator(".md-search-result__item").last.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
        assert box.input_value() == query
        links = page.eval_on_selector_all(".md-search-result__item a", "e => e.map(a => a.href)")
        return [urlparse(u).path.lstrip("/") for u in links]

    yield run
    context.close()


@pytest.mark.parametrize("lang,query,expected", SEARCHES, ids=[f"{s[0]}{s[1]}" for s in SEARCHES])
def test_search_finds_the_page(search, lang, query, expected):
    assert expected in search(lang, query)


def test_dark_theme_toggle(page, server):
    page.goto(f"{server}/tutorials/adam/")
    before = page.get_attribute("body", "data-md-color-scheme")
    page.click("label.md-header__button[for^='__palette']:visible")
    after = page.get_attribute("body", "data-md-color-scheme")
    assert {before, after} == {"default", "slate"}


def test_home_page_links_every_tutorial(page, server):
    page.goto(f"{server}/")
    hrefs = page.eval_on_selector_all("article a", "els => els.map(e => e.getAttribute('href'))")
    for md in sorted((DOCS / "tutorials").glob("*.md")):
        if ".zh" not in md.name:
            assert any(re.search(rf"tutorials/{md.stem}/?$", h or "") for h in hrefs), md.stem
