"""MkDocs hook: drop the per-page ``<link rel="alternate">`` tags from each page's head.

mkdocs-static-i18n points ``extra.alternate`` at the same page in the other language, so the
language menu keeps the reader on the page. Material also turns every head link
``rel="alternate"`` into a fetch of ``sitemap.xml`` next to it (meant for links to language
roots), which for per-page links is a 404 and a console error on every page. The menu does
not need the head links, so they are removed; the menu's own links are left as they are.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

_HEAD_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Remove the language alternates from ``<head>`` (the body is untouched)."""
    head, sep, body = output.partition("</head>")
    return _HEAD_ALTERNATE.sub("", head) + sep + body
