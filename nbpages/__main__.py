"""Pre-render every tutorial without MkDocs: ``python -m nbpages --out build/docs``.

Writes a copy of the docs folder in which each tutorial's Markdown is replaced by its
rendered page, with its figures (``<name>-<lang>-figure-<k>.png``) and its downloadable
notebook (``<name>-<lang>.ipynb``) beside it. Any static-site tool that reads Markdown can
then build the site from that folder with no notebook step of its own.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tomllib
from pathlib import Path

from . import execution as execute
from . import rendering as render


def render_docs(
    docs: Path,
    out: Path,
    cache: Path,
    only: set[str] | None = None,
    site_url: str | None = None,
    repo_url: str | None = None,
) -> list[Path]:
    """Copy ``docs`` to ``out`` with every tutorial rendered; return the rendered pages."""
    project = tomllib.loads((execute.ROOT / "pyproject.toml").read_text())["project"]
    version = project["version"]
    wheel = f"gdbook-{version}-py3-none-any.whl"
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(docs, out)
    tutorials = [p for p in sorted(docs.rglob("*.md")) if execute.is_tutorial(p)]
    run = [p for p in tutorials if only is None or p.name.split(".")[0] in only]
    done = execute.execute_all(run, docs, cache)
    for path in tutorials:
        nb, results = done.get(path) or (execute.read(path), execute.unexecuted(execute.read(path)))
        lang = execute.language_of(path)
        base = path.name.split(".")[0]
        target = out / path.relative_to(docs)
        names = []
        for k, png in enumerate(render.figures(nb, results), 1):
            names.append(f"{base}-{lang}-figure-{k}.png")
            (target.parent / names[-1]).write_bytes(png)
        notebook = f"{base}-{lang}.ipynb"
        packages = render.requirements(nb)
        note = render.install_note(lang, version, wheel, site_url, repo_url, packages)
        text = render.download_notebook(nb, results, note)
        (target.parent / notebook).write_text(text, encoding="utf-8")
        link = render.download_link(notebook, f"{base}.ipynb", lang)
        page = render.page_markdown(nb, results, names, lang, under_title=link)
        target.write_text(page, encoding="utf-8")
    return [out / p.relative_to(docs) for p in tutorials]


def main(argv: list[str] | None = None) -> int:
    """Command line: see ``python -m nbpages --help``."""
    ap = argparse.ArgumentParser(prog="python -m nbpages", description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=Path, default=Path("docs"), help="the pages (default docs)")
    ap.add_argument("--out", type=Path, required=True, help="folder to write (replaced)")
    ap.add_argument("--cache", type=Path, default=Path(".cache/notebooks"))
    ap.add_argument("--only", help="execute only these tutorials, e.g. adam,rmsprop")
    ap.add_argument("--site-url", help="the published site's address, for install notes")
    ap.add_argument("--repo-url", help="the repository's address, for install notes")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    only = {name.strip() for name in args.only.split(",")} if args.only else None
    try:
        pages = render_docs(args.docs, args.out, args.cache, only, args.site_url, args.repo_url)
    except execute.NotebookError as err:
        print(err, file=sys.stderr)
        return 1
    print(f"rendered {len(pages)} tutorials into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
