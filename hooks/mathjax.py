"""MkDocs hook: serve MathJax 3 from the site itself, copied from the django-static-mathjax package.

Nothing third-party is committed: the files come from a PyPI package installed at set-up, and
MkDocs copies them into ``assets/mathjax/`` of each language.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

PARTS = ["tex-chtml.js", "output/chtml", "input/tex/extensions", "a11y", "ui", "adaptors"]


@event_priority(-200)  # after mkdocs-static-i18n has localized the file list
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the MathJax files this site loads to the files of the language being built."""
    i18n = config.plugins.get("i18n")
    lang = getattr(i18n, "current_language", None) or "en"
    default = getattr(i18n, "default_language", None) or "en"
    prefix = "" if lang == default else f"{lang}/"
    mathjax = Path(str(resources.files("mathjax") / "static" / "mathjax" / "es5"))
    for part in PARTS:
        root = mathjax / part
        for p in [root] if root.is_file() else sorted(root.rglob("*")):
            if p.is_file():
                rel = "assets/mathjax/" + p.relative_to(mathjax).as_posix()
                f = File.generated(config, rel, abs_src_path=str(p))
                f.dest_uri = prefix + rel
                files.append(f)
    return files
