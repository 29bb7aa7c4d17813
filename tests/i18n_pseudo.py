"""
A pseudo-locale, compiled at test time from the plugin's own message catalogs.

``cert_manager_plugin/locale/en/LC_MESSAGES/{django,djangojs}.po`` hold every string marked for translation
(``makemessages``; ``tests/test_translations.py`` checks they are current). ``compile_pseudo`` turns each
msgid into ``⟦Ŧĥîš ŵàý⟧``: every ASCII letter replaced by an accented look-alike, placeholders
(``%(name)s``, ``{name}``, ``%s``), HTML tags and entities kept, and writes the ``.mo`` files of language
``PSEUDO`` (no gettext tools needed). A page rendered in that language therefore shows no plain ASCII letter
except in data (names, ids, emails): any left over is a string nobody marked for translation.
"""

from __future__ import annotations

import ast
import re
import struct
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE_LOCALE = ROOT / "cert_manager_plugin" / "locale" / "en" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")
PSEUDO = "xx"
LANGUAGES = [("en", "English"), ("en-us", "English (US)"), (PSEUDO, "Pseudo-locale"), ("ar", "Arabic")]

_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ACCENTED = "àƀçđéƒĝĥîĵķĺɱñöƥɋŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĹṀÑÖƤɊŔŠŢÛṼŴẊÝŽ"
_TABLE = str.maketrans(_PLAIN, _ACCENTED)
#: What must reach the translation unchanged: named and positional placeholders, format fields, tags, entities.
_KEEP = re.compile(r"(%\([^)]+\)[sdif]|%[sdif%]|\{[^{}]*\}|<[^>]+>|&[#\w]+;)")


def pseudo(text: str) -> str:
    """``"Hello %(name)s"`` -> ``"⟦Ĥéĺĺö %(name)s⟧"``."""
    if not text:
        return text
    parts = _KEEP.split(text)
    return "⟦" + "".join(p if _KEEP.fullmatch(p) else p.translate(_TABLE) for p in parts) + "⟧"


def parse_po(path: Path) -> list[dict]:
    """The entries of a ``.po`` file: ``{"msgctxt", "msgid", "msgid_plural", "msgstr": {index: text}}``."""
    entries: list[dict] = []
    entry: dict = {}
    key: tuple | None = None

    def flush() -> None:
        nonlocal entry
        if "msgid" in entry:
            entries.append(entry)
        entry = {}

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            name, index, value = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if name in ("msgctxt", "msgid") and "msgstr" in entry:
                flush()
            if name.startswith("msgstr"):
                key = ("msgstr", int(index or 0))
                entry.setdefault("msgstr", {})[key[1]] = value
            else:
                key = (name,)
                entry[name] = value
        elif line.startswith('"') and key is not None:
            value = ast.literal_eval(line)
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += value
            else:
                entry[key[0]] += value
    flush()
    return entries


def messages(domain: str) -> list[dict]:
    """The entries of the committed source catalog of ``domain`` (without the header)."""
    return [e for e in parse_po(SOURCE_LOCALE / f"{domain}.po") if e["msgid"]]


def write_mo(catalog: dict[str, str], path: Path) -> None:
    """A GNU ``.mo`` file of ``{key: translation}`` (keys may hold a context ``\\x04`` and plurals ``\\x00``)."""
    keys = sorted(catalog, key=lambda k: k.encode("utf-8"))
    ids = [k.encode("utf-8") for k in keys]
    strs = [catalog[k].encode("utf-8") for k in keys]
    count = len(keys)
    header_size = 7 * 4
    ids_table = header_size
    strs_table = ids_table + count * 8
    data_start = strs_table + count * 8
    offsets_ids, offsets_strs, blob = [], [], b""
    for value in ids:
        offsets_ids.append((len(value), data_start + len(blob)))
        blob += value + b"\0"
    for value in strs:
        offsets_strs.append((len(value), data_start + len(blob)))
        blob += value + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, count, ids_table, strs_table, 0, 0)
    out += b"".join(struct.pack("<2I", *pair) for pair in offsets_ids)
    out += b"".join(struct.pack("<2I", *pair) for pair in offsets_strs)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out + blob)


HEADER = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"


def compile_pseudo(locale_dir: Path, language: str = PSEUDO) -> Path:
    """Write ``<locale_dir>/<language>/LC_MESSAGES/{django,djangojs}.mo``; returns ``locale_dir``."""
    for domain in DOMAINS:
        catalog = {"": HEADER}
        for entry in messages(domain):
            key = entry["msgid"]
            if entry.get("msgctxt") is not None:
                key = f"{entry['msgctxt']}\x04{key}"
            if entry.get("msgid_plural") is not None:
                catalog[f"{key}\x00{entry['msgid_plural']}"] = (
                    f"{pseudo(entry['msgid'])}\x00{pseudo(entry['msgid_plural'])}"
                )
            else:
                catalog[key] = pseudo(entry["msgid"])
        write_mo(catalog, locale_dir / language / "LC_MESSAGES" / f"{domain}.mo")
    return locale_dir


@pytest.fixture(scope="session")
def pseudo_locale_dir(tmp_path_factory) -> Path:
    return compile_pseudo(tmp_path_factory.mktemp("pseudo-locale"))


@pytest.fixture
def pseudo_locale(settings, pseudo_locale_dir):
    """
    The host as the LMS runs it (``LocaleMiddleware``: the language comes from the ``django_language`` cookie or
    ``Accept-Language``) with the pseudo-locale and Arabic (right to left) available. Yields the cookie name.
    """
    settings.LOCALE_PATHS = [str(pseudo_locale_dir)]
    settings.LANGUAGES = LANGUAGES
    middleware = list(settings.MIDDLEWARE)
    if "django.middleware.locale.LocaleMiddleware" not in middleware:
        middleware.insert(
            middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
            "django.middleware.locale.LocaleMiddleware",
        )
    settings.MIDDLEWARE = middleware
    return settings.LANGUAGE_COOKIE_NAME


# --- what a page shows ------------------------------------------------------------------------------------------

_SKIPPED_TAGS = {"script", "style", "time", "code"}
_READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Texts(HTMLParser):
    """Text nodes and read-aloud attributes, minus scripts, styles, dates (<time>), code and the API's words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.stack: list[bool] = []  # per open element: is its content skipped?

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        skipped = (self.stack and self.stack[-1]) or tag in _SKIPPED_TAGS
        skipped = skipped or "cm-api-message" in (attributes.get("class") or "").split() or "data-no-l10n" in attributes
        if not skipped:
            for name in _READ_ATTRIBUTES:
                if (attributes.get(name) or "").strip():
                    self.texts.append(attributes[name].strip())
            if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
                self.texts.append(attributes["value"])
        if tag not in _VOID:
            self.stack.append(bool(skipped))

    def handle_endtag(self, tag):
        if tag not in _VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1]:
            return
        if data.strip():
            self.texts.append(data.strip())


def visible_texts(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    return parser.texts


def untranslated(texts: list[str], data) -> list[str]:
    """
    The texts that still hold a plain ASCII letter once every data value (names, usernames, emails, ids, …) is
    removed: in the pseudo-locale every translated letter is accented, so what is left was never translated.
    """
    values = sorted({str(d) for d in data if d}, key=len, reverse=True)
    left = []
    for text in texts:
        rest = text
        for value in values:
            rest = rest.replace(value, " ")
        if re.search(r"[A-Za-z]", rest):
            left.append(text)
    return left
