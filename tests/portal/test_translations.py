"""The Chinese catalogue is complete, well-formed, and covers every msgid in the source.

A string added to the code without a translation fails `test_source_msgids_are_translated`
with the missing msgids listed: run portal/translations/extract.sh, translate them in
portal/translations/zh_CN/LC_MESSAGES/messages.po (see portal/translations/README.md).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "portal" / "translations"
ZH_PO = TRANSLATIONS / "zh_CN" / "LC_MESSAGES" / "messages.po"
EXTRACT = TRANSLATIONS / "extract.sh"

# %(name)s, %(n)d, %s, %5.2f ... (not %%)
_PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>\w+)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<conv>[diouxXeEfFgGcrsa%])"
)


def _read(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh)


@pytest.fixture(scope="module")
def zh() -> Catalog:
    return _read(ZH_PO)


def _messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def _forms(value: object) -> tuple[str, ...]:
    """A msgid or msgstr as its forms: one, or several for a plural entry."""
    if isinstance(value, list | tuple):
        return tuple(str(form) for form in value)
    return (str(value) if value else "",)


def _translated(string: object) -> bool:
    return all(form.strip() for form in _forms(string))


def _placeholders(text: str) -> tuple[set[str], list[str]]:
    named: set[str] = set()
    positional: list[str] = []
    for match in _PLACEHOLDER.finditer(text):
        if match["conv"] == "%":
            continue
        if match["name"]:
            named.add(f"%({match['name']}){match['conv']}")
        else:
            positional.append(f"%{match['conv']}")
    return named, positional


def test_catalogue_is_not_empty(zh: Catalog) -> None:
    assert len(_messages(zh)) > 100


def test_every_message_is_translated_and_not_fuzzy(zh: Catalog) -> None:
    assert not zh.fuzzy, "the catalogue header is fuzzy: pybabel compile would skip it"
    untranslated = [str(m.id) for m in _messages(zh) if not _translated(m.string)]
    fuzzy = [str(m.id) for m in _messages(zh) if m.fuzzy]
    assert not untranslated, "untranslated msgids:\n" + "\n".join(untranslated)
    assert not fuzzy, "fuzzy (check the translation, drop the flag):\n" + "\n".join(fuzzy)


def test_placeholders_match(zh: Catalog) -> None:
    wrong = []
    for message in _messages(zh):
        msgid = _forms(message.id)[0]
        expected = _placeholders(msgid)
        for string in _forms(message.string):
            if _placeholders(string) != expected:
                wrong.append(f"{msgid!r} -> {string!r}")
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_babel_checkers_pass(zh: Catalog) -> None:
    problems = [
        f"{message.id!r}: {'; '.join(str(e) for e in errors)}" for message, errors in zh.check()
    ]
    assert not problems, "\n".join(problems)


def test_source_msgids_are_translated(tmp_path: Path, zh: Catalog) -> None:
    """Extract from the current source with the project's script; every msgid must be in zh_CN."""
    pot = tmp_path / "messages.pot"
    env = {**os.environ, "PYTHON": sys.executable}
    result = subprocess.run(
        ["sh", str(EXTRACT), "--pot-only", str(pot)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"extraction failed:\n{result.stdout}\n{result.stderr}"
    template = _read(pot)
    translated = {m.id for m in _messages(zh) if _translated(m.string)}
    missing = sorted(
        f"{m.id}    ({', '.join(f'{f}:{n}' for f, n in m.locations)})"
        for m in _messages(template)
        if m.id not in translated
    )
    assert len(_messages(template)) > 100, "extraction found almost nothing: babel.cfg broken?"
    assert not missing, (
        "msgids in the source without a zh_CN translation; run portal/translations/extract.sh "
        "and translate them in portal/translations/zh_CN/LC_MESSAGES/messages.po:\n"
        + "\n".join(missing)
    )


def test_flask_babel_finds_the_catalogue(tmp_path: Path, zh: Catalog) -> None:
    """The app's locale codes must reach the catalogue (Babel turns zh_CN into zh_Hans_CN)."""
    from flask import Flask
    from flask_babel import Babel, get_translations

    from portal.locales import LOCALES

    # Build the .mo files the way `pybabel compile -d portal/translations` lays them out.
    for entry in TRANSLATIONS.iterdir():
        po = entry / "LC_MESSAGES" / "messages.po"
        if po.is_file():
            target = tmp_path / entry.name / "LC_MESSAGES"
            target.mkdir(parents=True)
            with (target / "messages.mo").open("wb") as fh:
                write_mo(fh, _read(po))

    for code in LOCALES:
        if code.startswith("en"):
            continue
        app = Flask("translations_probe")
        Babel(
            app,
            locale_selector=lambda code=code: code,
            default_translation_directories=str(tmp_path),
        )
        with app.test_request_context():
            translations = get_translations()
            wrong = [
                m.id
                for m in _messages(zh)
                if isinstance(m.id, str)
                and _translated(m.string)
                and not m.fuzzy
                and translations.gettext(m.id) != m.string
            ]
        assert not wrong, f"locale {code!r} does not load the zh_CN catalogue: {wrong[:5]}"
