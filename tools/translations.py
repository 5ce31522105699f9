"""Which Chinese pages follow the current version of their English page.

    .venv/bin/python tools/translations.py              # list pages whose English changed
    .venv/bin/python tools/translations.py adam index   # after bringing these up to date

Each ``x.zh.md`` records in its front matter the hash of the ``x.md`` it translates
(``english_sha256``: under ``jupyter:`` in a tutorial, at the top level elsewhere). When the
English page changes, tests/test_parity.py fails until the Chinese page has been brought up
to date and this command has recorded the new hash. Pages are named by their file stem or
by their path under docs/.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.S)
RECORD = re.compile(r"^\s*english_sha256: *(\S+)\n", re.M)


def english_of(chinese: Path) -> Path:
    return chinese.with_name(chinese.name.removesuffix(".zh.md") + ".md")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def recorded(chinese: Path) -> str | None:
    front = FRONT.match(chinese.read_text(encoding="utf-8"))
    found = RECORD.search(front.group(1)) if front else None
    return found.group(1) if found else None


def stale() -> list[Path]:
    """Chinese pages whose record is not the hash of their English page as it is now."""
    pages = sorted(DOCS.rglob("*.zh.md"))
    return [p for p in pages if recorded(p) != digest(english_of(p))]


def record(chinese: Path) -> None:
    """Write the English page's current hash into the Chinese page's front matter."""
    text = chinese.read_text(encoding="utf-8")
    line = f"english_sha256: {digest(english_of(chinese))}\n"
    front = FRONT.match(text)
    if front is None:
        chinese.write_text(f"---\n{line}---\n\n{text}", encoding="utf-8")
        return
    head = RECORD.sub("", front.group(1))
    indent = "  " if head.startswith("jupyter:") else ""  # a tutorial: notebook metadata
    chinese.write_text(f"---\n{head}{indent}{line}---\n{text[front.end() :]}", encoding="utf-8")


def find(name: str) -> Path:
    """The Chinese page named by its path under docs/ (``api/index``) or an unambiguous stem."""
    pages = sorted(DOCS.rglob("*.zh.md"))
    by_path = [p for p in pages if p.relative_to(DOCS).as_posix().removesuffix(".zh.md") == name]
    by_stem = [p for p in pages if p.name.removesuffix(".zh.md") == name]
    found = by_path or by_stem
    if len(found) != 1:
        names = ", ".join(p.relative_to(DOCS).as_posix() for p in found) or "none"
        sys.exit(f"{name!r} must name one Chinese page (found: {names})")
    return found[0]


def main(argv: list[str]) -> int:
    if argv:
        for name in argv:
            record(find(name))
        return 0
    behind = stale()
    for p in behind:
        print(
            f"{p.relative_to(DOCS)}: its English page changed since it was last brought up to date"
        )
    return 1 if behind else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
