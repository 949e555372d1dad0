"""Add to a .pot the msgids that reach gettext only at run time.

pybabel sees a string only when it is passed straight to a keyword:
`_("...")`, `_l("...")`, `ValidationFailed("...")`. Some English sentences are
instead gathered in a list and translated where they are shown, e.g. the
reasons returned by `core.needs.services.publication_problems()`, which
needs/detail.html shows as `_(p)` and views/needs.py flashes as `_(reason)`.
This script reads the source and adds those strings, so nobody keeps a list
by hand:

* inside each function named in RUNTIME_LISTS: every string literal that is
  an argument of `.append()` / `.insert()` / `.extend()`, an element of a
  list, tuple or set literal, or a value of a dict literal;
* anywhere in the Python files babel.cfg maps: every string literal in a
  list or tuple written straight into `PublicationRefused([...])`.

Usage (from the repository root; extract.sh runs it):
    python portal/translations/runtime_msgids.py POT_FILE   # edits POT_FILE in place
"""

from __future__ import annotations

import ast
import configparser
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.pofile import read_po, write_po
from babel.util import pathmatch

ROOT = Path(__file__).resolve().parents[2]

# file (relative to the repository root) -> functions whose returned lists hold msgids
RUNTIME_LISTS: dict[str, tuple[str, ...]] = {
    "core/needs/services.py": ("publication_problems",),
}
# exception classes whose first argument is a list of msgids
LIST_KEYWORDS = ("PublicationRefused",)

Found = tuple[str, str, int]  # msgid, file, line


def _strings(node: ast.AST | None) -> Iterator[tuple[str, int]]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        yield node.value, node.lineno
    elif isinstance(node, ast.List | ast.Tuple | ast.Set):
        for element in node.elts:
            yield from _strings(element)


def _in_function(func: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[tuple[str, int]]:
    for node in ast.walk(func):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and (node.func.attr in ("append", "insert", "extend"))
        ):
            for arg in node.args:
                yield from _strings(arg)
        elif isinstance(node, ast.List | ast.Tuple | ast.Set):
            yield from _strings(node)
        elif isinstance(node, ast.Dict):
            for value in node.values:
                yield from _strings(value)


def _list_keyword_calls(tree: ast.AST) -> Iterator[tuple[str, int]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in LIST_KEYWORDS:
                yield from _strings(node.args[0])


def _python_files() -> Iterator[str]:
    """Python files in the order and scope babel.cfg gives them to the extractor."""
    config = configparser.RawConfigParser()
    config.read(ROOT / "babel.cfg", encoding="utf-8")
    sections = [s.split(":", 1) for s in config.sections()]
    mapping = [(method.strip(), pattern.strip()) for method, pattern in sections]
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".", "build/")) or "/." in rel:
            continue
        for method, pattern in mapping:
            if pathmatch(pattern, rel):
                if method == "python":
                    yield rel
                break


def find_runtime_msgids() -> list[Found]:
    found: list[Found] = []
    for rel in _python_files():
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"), filename=rel)
        hits = list(_list_keyword_calls(tree))
        wanted = RUNTIME_LISTS.get(rel, ())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in wanted:
                hits.extend(_in_function(node))
        found.extend((msgid, rel, line) for msgid, line in hits)
    missing = [
        f"{rel}: {name}()"
        for rel, names in RUNTIME_LISTS.items()
        for name in names
        if not (ROOT / rel).exists() or f"def {name}(" not in (ROOT / rel).read_text("utf-8")
    ]
    if missing:
        # A renamed function would silently drop its msgids: fail loudly instead.
        raise SystemExit("runtime_msgids.py: RUNTIME_LISTS is stale: " + ", ".join(missing))
    return found


def add_to_pot(pot_path: Path) -> int:
    with pot_path.open("rb") as fh:
        catalog = read_po(fh)
    found = find_runtime_msgids()
    for msgid, rel, line in found:
        existing = catalog.get(msgid)
        if existing is None:
            catalog.add(
                msgid,
                locations=[(rel, line)],
                auto_comments=["Kept in a list and translated where shown."],
            )
        elif (rel, line) not in existing.locations:
            existing.locations.append((rel, line))
    with pot_path.open("wb") as fh:
        write_po(fh, catalog, width=76)
    return len({msgid for msgid, _, _ in found})


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    count = add_to_pot(Path(sys.argv[1]))
    print(f"runtime_msgids.py: {count} msgids from run-time lists")
