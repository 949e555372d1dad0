"""The documentation stays true: README.md and docs/*.md against the code.

- every relative link points to a file of the repository (and a heading of it) or
  to a route the app serves;
- every `flask --app portal <command>` the pages name exists, with its options, and
  docs/operations.md names every command of the app;
- every environment variable the pages name is read by the configuration, and
  docs/operations.md names every variable the configuration reads;
- docs/api.md and the OpenAPI document the API serves list the same operations and
  the same error codes; the category codes and template ids are the code's;
- every path of the tree in docs/architecture.md exists.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from core.needs.models import NeedCategory
from core.wings import registry
from donations.api.openapi import document
from donations.wechat.config import DEFAULTS as WECHAT_DEFAULTS
from portal.config import ENVIRONMENT
from sandboxes.wechat.app import DEFAULTS as WECHAT_SANDBOX_DEFAULTS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
API_BASE = "/api/mp/v1"


def pages() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


@dataclass(frozen=True)
class Page:
    path: Path
    prose: str  # fenced code blocks removed
    spans: list[str]  # inline code spans of the prose
    blocks: list[str]  # fenced code blocks

    @property
    def name(self) -> str:
        return str(self.path.relative_to(ROOT))


FENCE = re.compile(r"^```[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
SPAN = re.compile(r"`([^`\n]+)`")


def read(path: Path) -> Page:
    text = path.read_text(encoding="utf-8")
    blocks = FENCE.findall(text)
    prose = FENCE.sub("", text)
    return Page(path, prose, SPAN.findall(prose), blocks)


# -- links --------------------------------------------------------------------------------------

LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = "".join(ch for ch in text if ch in " -" or unicodedata.category(ch)[0] in "LN")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    for line in FENCE.sub("", path.read_text(encoding="utf-8")).splitlines():
        if match := re.match(r"#{1,6}\s+(.*)", line):
            base = slug(match.group(1))
            name, n = base, 0
            while name in found:
                n += 1
                name = f"{base}-{n}"
            found.add(name)
    return found


def link_problems(page: Page, app: Flask) -> Iterator[str]:
    adapter = app.url_map.bind("127.0.0.1")
    for target in LINK.findall(page.prose):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        if path.startswith("/"):
            try:
                adapter.match(path, method="GET")
            except (NotFound, MethodNotAllowed):
                yield f"{page.name}: {target} is not a route the app serves"
            except RequestRedirect:
                continue  # the route exists; werkzeug only adds its trailing slash
            continue
        file = (page.path.parent / path).resolve() if path else page.path
        if (
            not file.exists()
            or ROOT not in file.parents
            or file.parts[len(ROOT.parts)]
            in (
                ".venv",
                "instance",
            )
        ):
            yield f"{page.name}: {target} is not a file of the repository"
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            yield f"{page.name}: {target} names no heading of {file.name}"


def test_every_relative_link_points_to_a_file_or_a_route(app):
    problems = [problem for path in pages() for problem in link_problems(read(path), app)]
    assert problems == []


def test_the_readme_links_every_page_of_the_docs():
    linked = {
        (ROOT / target.partition("#")[0]).resolve()
        for target in LINK.findall(read(ROOT / "README.md").prose)
    }
    assert {page for page in DOCS.glob("*.md")} <= linked


# -- commands -----------------------------------------------------------------------------------

COMMAND = re.compile(r"\bflask(?: --app portal)? ([a-z][a-z0-9-]*)((?: [^\s`]+)*)")


def cli(app: Flask) -> tuple[click.Group, click.Context]:
    group = FlaskGroup(create_app=lambda: app, add_default_commands=True)
    return group, click.Context(group, obj=ScriptInfo(create_app=lambda: app))


def named_commands(page: Page) -> Iterator[tuple[str, list[str]]]:
    """(command, the words after it) for each `flask ...` in a code span or block."""
    for code in [*page.spans, *(line for block in page.blocks for line in block.splitlines())]:
        for match in COMMAND.finditer(code):
            yield match.group(1), match.group(2).split()


def command_problems(page: Page, app: Flask) -> Iterator[str]:
    group, ctx = cli(app)
    for name, words in named_commands(page):
        command = group.get_command(ctx, name)
        if command is None:
            yield f"{page.name}: flask {name} is no command of the app"
            continue
        if isinstance(command, click.Group) and words and not words[0].startswith("-"):
            sub = command.get_command(ctx, words[0])
            if sub is None:
                yield f"{page.name}: flask {name} {words[0]} is no command of the app"
                continue
            command, words = sub, words[1:]
        options = {opt for param in command.params for opt in [*param.opts, *param.secondary_opts]}
        for word in words:
            option = word.split("=", 1)[0]
            if option.startswith("--") and option not in options | {"--help"}:
                yield f"{page.name}: flask {name} has no option {option}"


def test_every_command_the_docs_name_exists_with_its_options(app):
    problems = [problem for path in pages() for problem in command_problems(read(path), app)]
    assert problems == []


def test_operations_names_every_command_of_the_app(app):
    named = {name for name, _ in named_commands(read(DOCS / "operations.md"))}
    # The app's own commands and Flask-Migrate's `db`; Flask's built-ins are Flask's.
    assert set(app.cli.commands) - named == set()


# -- configuration ------------------------------------------------------------------------------

NAME = r"[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]"
ENV_HOLDERS = {"os.environ", "environ", "env", "values"}
# The project's code that reads the environment; tests read it only through conftest.
SOURCES = ("core", "portal", "donations", "jobs_bases", "volunteers", "sandboxes", "bench")


def environment_reads(tree: ast.AST) -> Iterator[str]:
    """Names read from an environment mapping: `env.get("X")`, `env["X"]`, `"X" in env`,
    and the payment sandbox's `text("X")`."""

    def holder(node: ast.expr) -> bool:
        return ast.unparse(node) in ENV_HOLDERS

    def name(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value if re.fullmatch(NAME, node.value) else None
        return None

    for node in ast.walk(tree):
        found = None
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "get" and holder(func.value):
                found = name(node.args[0])
            elif isinstance(func, ast.Name) and func.id == "text":
                found = name(node.args[0])
        elif isinstance(node, ast.Subscript) and holder(node.value):
            found = name(node.slice)
        elif isinstance(node, ast.Compare) and any(
            isinstance(op, ast.In | ast.NotIn) for op in node.ops
        ):
            if holder(node.comparators[0]):
                found = name(node.left)
        if found:
            yield found


def variables_read(app: Flask) -> set[str]:
    """Every variable the configuration reads: the portal's, each wing's settings (as
    `apply_settings` recorded them), and what the code reads from the environment
    directly (make run, the stand-ins, the benchmarks, the tests' database)."""
    read_ = set(ENVIRONMENT) | set(registry(app).settings) | set(WECHAT_SANDBOX_DEFAULTS)
    files = [path for package in SOURCES for path in (ROOT / package).rglob("*.py")]
    for path in [*files, ROOT / "tests" / "conftest.py", ROOT / "gunicorn.conf.py"]:
        read_ |= set(environment_reads(ast.parse(path.read_text(encoding="utf-8"))))
    return read_


def named_variables(page: Page) -> set[str]:
    """Variables a page names: a code span that is one (`X`, or `X_*` for a family), or
    `X=` in code."""
    named = {span for span in page.spans if re.fullmatch(NAME + r"(?:_\*)?", span)}
    for code in [*page.spans, *page.blocks]:
        named |= set(re.findall(rf"\b({NAME})=", code))
    return named


def test_the_configuration_reader_finds_what_the_code_reads(app):
    # The scan must see the devserver's, the wing's and the stand-ins' own reads.
    found = variables_read(app)
    expected = {"PORTAL_PORT", "INSTANCE_PATH", "SANDBOX_WEBHOOK_URL", "SANDBOX_RETRY_SCHEDULE"}
    expected |= {"WECHAT_HOST", "DEVSERVER_LOG_HEALTHZ", "TEST_DATABASE_URL", "EVIDENCE_DIR"}
    assert expected <= found


def test_every_variable_the_docs_name_is_read_by_the_configuration(app):
    read_ = variables_read(app)
    problems = []
    for path in pages():
        for name in sorted(named_variables(read(path))):
            if name.endswith("_*"):
                if not any(known.startswith(name[:-1]) for known in read_):
                    problems.append(f"{path.name}: no variable {name}")
            elif name not in read_:
                problems.append(f"{path.name}: {name} is read by nothing")
    assert problems == []


def test_operations_documents_every_variable_the_configuration_reads(app):
    documented = named_variables(read(DOCS / "operations.md"))
    assert sorted(variables_read(app) - documented) == []


# -- the API ------------------------------------------------------------------------------------

OPERATION = re.compile(r"\b(GET|POST|PATCH|PUT|DELETE) (/[^\s`]*)")
# Calls api.md names that are not operations of the document: the document itself,
# the provider's webhook and the health check.
NOT_OPERATIONS = {("GET", "/openapi.json"), ("POST", "/api/payments/webhook"), ("GET", "/healthz")}


def documented_operations() -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, methods in document()["paths"].items()
        for method in methods
    }


def api_md_operations() -> set[tuple[str, str]]:
    page = read(DOCS / "api.md")
    named = set()
    for span in page.spans:
        for method, path in OPERATION.findall(span):
            named.add((method, path.removeprefix(API_BASE) or "/"))
    return named - NOT_OPERATIONS


def section(page: Path, title: str) -> str:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def table_codes(text: str) -> list[str]:
    """The first cells of a table's rows, when they are code spans."""
    return re.findall(r"^\| `([^`]+)` \|", text, re.M)


def test_api_md_and_the_openapi_document_list_the_same_operations():
    assert sorted(api_md_operations()) == sorted(documented_operations())


def test_api_md_and_the_openapi_document_list_the_same_error_codes():
    schema = document()["components"]["schemas"]["Error"]["properties"]["error"]
    listed = schema["properties"]["code"]["enum"]
    explained = table_codes(section(DOCS / "api.md", "Error codes"))
    assert len(explained) == len(set(explained))
    assert sorted(explained) == sorted(listed)


def test_api_md_lists_the_category_codes_and_the_template_ids():
    categories = table_codes(section(DOCS / "api.md", "Category codes"))
    assert sorted(categories) == sorted(category.value for category in NeedCategory)
    messages = section(DOCS / "api.md", "Subscribe messages")
    templates = {k: v for k, v in WECHAT_DEFAULTS.items() if k.startswith("WECHAT_TEMPLATE_")}
    rows = re.findall(r"^\| `(\w+)` \|[^|]*\| `(\w+)` \| `(\w+)` \|$", messages, re.M)
    assert {setting: template for _kind, template, setting in rows} == templates
    assert all(setting.endswith(kind.upper()) for kind, _template, setting in rows)


# -- the tree -----------------------------------------------------------------------------------


def tree_paths(block: str) -> Iterator[str]:
    """The paths of a tree drawn with ├── and └──, four columns a level."""
    stack: list[str] = []
    for line in block.splitlines():
        match = re.match(r"^((?:│   |    )*)(?:├── |└── )(\S+)", line)
        if not match:
            continue
        depth = len(match.group(1)) // 4
        stack[depth:] = [match.group(2).rstrip("/")]
        yield "/".join(stack)


def test_the_tree_in_architecture_md_exists():
    blocks = [block for block in read(DOCS / "architecture.md").blocks if "├── " in block]
    paths = [path for block in blocks for path in tree_paths(block)]
    assert len(paths) > 50
    assert [path for path in paths if not (ROOT / path).exists()] == []


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("First-in first-out pool attribution", "first-in-first-out-pool-attribution"),
        ("What is encrypted, and how", "what-is-encrypted-and-how"),
        ("`make run` and the stand-ins", "make-run-and-the-stand-ins"),
        ("Needs: from a story to a card", "needs-from-a-story-to-a-card"),
    ],
)
def test_anchors_are_made_as_github_makes_them(heading, anchor):
    assert slug(heading) == anchor
