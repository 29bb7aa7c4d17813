"""
The shipped translations (Spanish, French, Arabic): every source string translated with its placeholders, markup
and every plural form; the compiled catalogs current; the demo host choosing the language per request
(``?lang=``, the language cookie, ``Accept-Language``); and the plugin's pages, rendered in ``es`` and ``ar``, with no
English string of the catalogs left (names, usernames and course titles aside), right to left in Arabic.
"""

from __future__ import annotations

import gettext
import json
import os
import re
import subprocess
import sys

import pytest
import yaml
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cert_manager_plugin.notifications import KINDS, email_context
from devsite import settings as demo_settings
from tests.factories import COURSE_ID
from tests.i18n_pseudo import DOMAINS, ROOT, messages, parse_po, visible_texts
from tests.test_translations import data_of, scene  # noqa: F401 (a fixture)

LOCALE = ROOT / "cert_manager_plugin" / "locale"
SHIPPED = ("es", "fr", "ar")
PLURAL_FORMS = {
    "es": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    # CLDR's Arabic rules (zero, one, two, few 3-10, many 11-99, other), as GNU gettext and Django write them
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
}
#: What must reach a translation unchanged: named and positional placeholders, format fields, %%, tags, entities.
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif%]|\{[^{}]*\}|<[^>]+>|&[#\w]+;")


def catalog(language: str, domain: str) -> tuple[dict, list[dict]]:
    """The header (as a dict) and the entries of a shipped catalog."""
    entries = parse_po(LOCALE / language / "LC_MESSAGES" / f"{domain}.po")
    header = next(e for e in entries if not e["msgid"])["msgstr"][0]
    fields = dict(line.split(": ", 1) for line in header.splitlines() if ": " in line)
    return fields, [e for e in entries if e["msgid"]]


def key(entry: dict) -> tuple:
    return entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


# --- the catalogs ---------------------------------------------------------------------------------------------


def test_the_config_lists_every_shipped_language_and_the_demo_offers_it():
    """conf/locale/config.yaml (what ``make pull_translations`` filters on) = the catalogs = the demo's languages."""
    config = yaml.safe_load((ROOT / "conf" / "locale" / "config.yaml").read_text(encoding="utf-8"))
    on_disk = {p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES" / "django.po").is_file()}
    assert set(config["locales"]) == on_disk >= {"en", *SHIPPED}
    offered = dict(demo_settings.catalog_languages())
    assert set(offered) == {translation.to_language(name) for name in on_disk} and offered["ar"] == "العربيّة"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", SHIPPED)
def test_every_source_string_is_translated_with_its_placeholders(language, domain):
    header, entries = catalog(language, domain)
    assert header["Language"] == language
    assert header["Plural-Forms"] == PLURAL_FORMS[language]
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    nplurals = int(re.match(r"nplurals=(\d+)", PLURAL_FORMS[language]).group(1))
    translated = {key(e): e for e in entries}
    missing, wrong = [], []
    for source in messages(domain):
        entry = translated.get(key(source))
        forms = entry and entry.get("msgstr", {})
        expected = range(nplurals) if source.get("msgid_plural") is not None else range(1)
        if not forms or sorted(forms) != list(expected) or not all(v.strip() for v in forms.values()):
            missing.append(source["msgid"])
            continue
        want = placeholders(source.get("msgid_plural") or source["msgid"])
        wrong += [(source["msgid"], v) for v in forms.values() if placeholders(v) != want]
    assert not missing, f"{len(missing)} untranslated in {language}/{domain}.po, e.g. {missing[:5]}"
    assert not wrong, f"placeholders or markup changed in {language}/{domain}.po: {wrong[:5]}"
    text = (LOCALE / language / "LC_MESSAGES" / f"{domain}.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text.split("\n\n", 1)[1], "a fuzzy entry is not used: review it and drop the flag"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", SHIPPED)
def test_the_compiled_catalog_is_current(language, domain):
    """The .mo Django reads (built by ``pip install`` / ``make compile_translations``) says what the .po says."""
    mo = LOCALE / language / "LC_MESSAGES" / f"{domain}.mo"
    assert mo.is_file(), f"{mo} is missing: run make compile_translations (or pip install -e .)"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.info()["plural-forms"] == PLURAL_FORMS[language]
    _, entries = catalog(language, domain)
    stale = []
    for entry in entries:
        context = entry.get("msgctxt")
        if entry.get("msgid_plural") is None:
            got = compiled.pgettext(context, entry["msgid"]) if context else compiled.gettext(entry["msgid"])
            stale += [entry["msgid"]] if got != entry["msgstr"][0] else []
        else:
            got = compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1)
            stale += [entry["msgid"]] if got not in entry["msgstr"].values() else []
    assert not stale, f"{mo.name} is older than its .po ({stale[:3]}): run make compile_translations"


@pytest.mark.parametrize(("language", "valid"), [("es-419", "Válido"), ("es-es", "Válido"), ("fr-ca", "Valide")])
def test_the_lms_regional_languages_find_the_catalogs(language, valid):
    """The LMS offers es-419, fr-ca, …: gettext falls back from es_419 to es, so they get the shipped words."""
    with translation.override(language):
        assert translation.gettext("Valid") == valid


def test_arabic_plurals_follow_cldr():
    """Zero, one, two, a few (3-10), many (11-99) and other (100-102, ...): the compiled formula picks the form."""
    with (LOCALE / "ar" / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    counts = (0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111, 1000)
    assert [compiled.plural(n) for n in counts] == [0, 1, 2, 3, 3, 4, 4, 5, 5, 3, 4, 5]


#: What an Arabic sentence may embed in Latin letters: names, course titles, ids, links.
DATA_PLACEHOLDER = re.compile(
    r"%\((?:name|learner_name|course_name|course|username|learner|user|course_id|org|web_url|pdf_url|verify_url)\)s"
)


@pytest.mark.parametrize("domain", DOMAINS)
def test_arabic_sentences_isolate_names_titles_ids_and_links(domain):
    """
    "صدرت باسم John Smith (2)." garbles without isolation: each name, title, id or link inside an Arabic sentence is
    a bidi isolate, U+2068 FIRST STRONG ISOLATE ... U+2069 POP DIRECTIONAL ISOLATE (``<bdi>`` as characters, so the
    same string works in HTML, plain-text emails and the scripts' text).
    """
    _, entries = catalog("ar", domain)
    bare = [
        (entry["msgid"], form)
        for entry in entries
        for form in entry["msgstr"].values()
        for match in DATA_PLACEHOLDER.finditer(form)
        if form[match.start() - 1 : match.start()] != "\u2068" or form[match.end() : match.end() + 1] != "\u2069"
    ]
    assert not bare, bare[:5]


# --- the demo host chooses the language per request ------------------------------------------------------------


@pytest.fixture
def demo_languages(settings):
    """The demo host's language middleware and languages (devsite/settings.py), which the test settings leave out."""
    middleware = [m for m in settings.MIDDLEWARE if m not in demo_settings.LANGUAGE_MIDDLEWARE]
    at = middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1
    settings.MIDDLEWARE = middleware[:at] + demo_settings.LANGUAGE_MIDDLEWARE + middleware[at:]
    settings.LANGUAGES = demo_settings.catalog_languages()
    return settings


def html_language(html: str) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]+)" dir="(ltr|rtl)">', html)
    assert match, html[:300]
    return match.group(1), match.group(2)


def test_the_demo_host_chooses_the_language_per_request():
    """
    The demo's settings (devsite/settings.py, not the test variant): LocaleMiddleware after the session (the cookie and
    session are read), before CommonMiddleware, as in the LMS; then ``?lang=``; every catalog offered.
    """
    script = "import json; from devsite import settings as s; print(json.dumps([s.MIDDLEWARE, s.LANGUAGES]))"
    environment = {**os.environ, "CERT_MANAGER_SETTINGS_TYPE": "devstack", "DJANGO_SECRET_KEY": "test"}
    output = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    ).stdout
    order, languages = json.loads(output.splitlines()[-1])
    session = order.index("django.contrib.sessions.middleware.SessionMiddleware")
    locale = order.index("django.middleware.locale.LocaleMiddleware")
    query = order.index("devsite.language.QueryLanguageMiddleware")
    assert session < locale < query < order.index("django.middleware.common.CommonMiddleware")
    assert [code for code, _ in languages] == ["en", "ar", "es", "fr"]


def test_lang_parameter_accept_language_and_the_remembered_choice(client, scene, demo_languages):  # noqa: F811
    web = reverse("cert_manager:certificate-web", kwargs={"verify_uuid": scene["valid"].verify_uuid})
    assert html_language(client.get(web).content.decode()) == ("en", "ltr")
    assert html_language(client.get(web, headers={"accept-language": "fr-FR,fr;q=0.9"}).content.decode()) == (
        "fr",
        "ltr",
    )
    response = client.get(web + "?lang=ar", headers={"accept-language": "es"})
    assert html_language(response.content.decode()) == ("ar", "rtl")
    assert response.cookies[demo_languages.LANGUAGE_COOKIE_NAME].value == "ar"
    assert html_language(client.get(web, headers={"accept-language": "es"}).content.decode()) == ("ar", "rtl")
    assert html_language(client.get(web + "?lang=es").content.decode()) == ("es", "ltr")
    assert html_language(client.get(web + "?lang=xx-unknown").content.decode()) == ("es", "ltr"), "ignored"


# --- the pages in Spanish and Arabic ----------------------------------------------------------------------------


def _catalog_pieces(language: str) -> tuple[frozenset[str], tuple[tuple[str, re.Pattern], ...]]:
    """
    The English strings ``language`` translates differently, as ``english_left`` looks for them: whole one-word
    strings, and literal parts of two words or more with their whole-word patterns (made once per catalog).
    """
    catalog = translation.trans_real.translation(language)
    key = (language, id(catalog))
    cached = _PIECES.get(key)
    if cached is not None:
        return cached
    with translation.override(language):
        sources = []
        for domain in DOMAINS:
            for entry in messages(domain):
                msgid, context = entry["msgid"], entry.get("msgctxt")
                own = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
                if entry.get("msgid_plural") is None and own == msgid:
                    continue  # the same word in both languages ("PDF", "Mode" in French)
                sources.append(msgid)
    wholes, parts = set(), set()
    for msgid in sources:
        split = [p.strip(" .,:;!?()“”\"'…—-") for p in PLACEHOLDER.split(msgid)]
        if len(split) == 1 and split[0] and " " not in split[0]:
            wholes.add(split[0])
        parts |= {p for p in split if len(p.split()) >= 2}
    patterns = tuple((p, re.compile(rf"(?<!\w){re.escape(p)}(?!\w)")) for p in sorted(parts))
    cached = _PIECES[key] = (frozenset(wholes), patterns)
    return cached


_PIECES: dict[tuple[str, int], tuple[frozenset[str], tuple[tuple[str, re.Pattern], ...]]] = {}


def english_left(texts: list[str], data: list[str], language: str) -> list[tuple[str, str]]:
    """
    The (text, English string) pairs where a page still shows a catalog string in English although the language has
    a different translation: a whole one-word string (a label), or a literal part of two words or more.
    """
    values = sorted({str(d) for d in data if d}, key=len, reverse=True)
    wholes, patterns = _catalog_pieces(language)
    found = []
    for text in texts:
        rest = text
        for value in values:
            rest = rest.replace(value, " ")
        words = rest.strip(" .,:;!?()“”\"'…—-")
        if words in wholes:
            found.append((text, words))
        # a substring test first (in C): the pattern only where the words are there at all
        found += [(text, piece) for piece, pattern in patterns if piece in rest and pattern.search(rest)]
    return found


#: Latin words an Arabic page may show: product names, file formats and the data the scene gives the pages.
LATIN_ALLOWED = re.compile(r"\b(?:PDF|CSV|UTF-8|QR|Open edX|edX|JSON|LMS|PNG|JPEG)\b")


def latin_left(texts: list[str], data: list[str]) -> list[str]:
    """Arabic pages: what still has a Latin letter once the data and the allowed product words are removed."""
    values = sorted({str(d) for d in data if d}, key=len, reverse=True)
    left = []
    for text in texts:
        rest = text
        for value in values:
            rest = rest.replace(value, " ")
        if re.search(r"[A-Za-z]", LATIN_ALLOWED.sub(" ", rest)):
            left.append(text)
    return left


def pages(scene) -> dict[str, tuple[object, str]]:  # noqa: F811
    """Each page, with who views it: the learner dashboard, the instructor panel, verify pages, web certificates."""

    def by_uuid(name, cert):
        return reverse(f"cert_manager:{name}", kwargs={"verify_uuid": cert.verify_uuid})

    return {
        "learner dashboard (valid)": (scene["valid"].user, reverse("cert_manager:learner-dashboard")),
        "learner dashboard (not earned)": (scene["failing"].user, reverse("cert_manager:learner-dashboard")),
        "learner dashboard (audit)": (scene["audit"], reverse("cert_manager:learner-dashboard")),
        "instructor panel": (
            scene["instructor"],
            reverse("cert_manager:instructor-panel", kwargs={"course_id": COURSE_ID}),
        ),
        "instructor panel (staff)": (
            scene["staff"],
            reverse("cert_manager:instructor-panel", kwargs={"course_id": COURSE_ID}),
        ),
        "verify page (valid)": (None, by_uuid("certificate-verify", scene["valid"])),
        "verify page (revoked)": (None, by_uuid("certificate-verify", scene["revoked"])),
        "web certificate (valid)": (None, by_uuid("certificate-web", scene["valid"])),
        "web certificate (revoked)": (None, by_uuid("certificate-web", scene["revoked"])),
        "verify page (not earned)": (None, by_uuid("certificate-verify", scene["failing"])),
        "web certificate (not earned)": (None, by_uuid("certificate-web", scene["failing"])),
        "not allowed (a learner on the panel)": (
            scene["audit"],
            reverse("cert_manager:instructor-panel", kwargs={"course_id": COURSE_ID}),
        ),
    }


@pytest.mark.parametrize(("language", "how"), [("es", "lang"), ("ar", "lang"), ("es", "header"), ("ar", "header")])
def test_no_page_shows_an_english_string_in_spanish_or_arabic(
    client,
    scene,  # noqa: F811
    course,
    demo_languages,
    language,
    how,
):
    data = data_of(scene, course)
    found, latin = {}, {}
    for name, (viewer, url) in pages(scene).items():
        client.logout()
        client.cookies.clear()
        if viewer is not None:
            client.force_login(viewer)
        if how == "lang":
            response = client.get(f"{url}?lang={language}")
        else:
            response = client.get(url, headers={"accept-language": f"{language},en;q=0.5"})
        assert response.status_code == (403 if name.startswith("not allowed") else 200), (name, response.status_code)
        html = response.content.decode()
        assert html_language(html) == (language, "rtl" if language == "ar" else "ltr"), name
        texts = visible_texts(html)
        found[name] = english_left(texts, data, language)
        if language == "ar":
            latin[name] = latin_left(texts, data)
        if name == "learner dashboard (valid)":
            assert re.search(r'<h2 class="cm-course-title"[^>]*dir="auto"', html), "a Latin title keeps its direction"
        if name == "verify page (valid)":
            learner = scene["valid"].name
            isolated = f"\u2068{learner}\u2069" if language == "ar" else learner
            assert isolated in html, "the learner's name is a bidi isolate in the Arabic sentence"
    assert not any(found.values()), {k: v for k, v in found.items() if v}
    assert not any(latin.values()), {k: v for k, v in latin.items() if v}


@pytest.mark.parametrize("language", SHIPPED)
def test_the_javascript_catalog_serves_every_script_string_translated(client, db, demo_languages, language):
    """What the panel's and the dashboard's scripts write (rows, dialogs, progress) comes translated."""
    body = client.get(reverse("cert_manager:jsi18n") + f"?lang={language}").content.decode()
    served = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", body, re.S).group(1))
    _, entries = catalog(language, "djangojs")
    expected = {e["msgid"]: e["msgstr"] for e in entries}
    missing = [msgid for msgid in (e["msgid"] for e in messages("djangojs")) if msgid not in served]
    assert not missing, missing[:5]
    for msgid, forms in expected.items():
        value = served[msgid]
        assert (value if isinstance(value, list) else [value]) == [forms[i] for i in sorted(forms)], msgid


def test_the_page_check_finds_english(client, scene, course, demo_languages):  # noqa: F811
    """The checks above can fail: the same pages in English are full of catalog strings and Latin letters."""
    data = data_of(scene, course)
    client.force_login(scene["instructor"])
    for name, (_, url) in pages(scene).items():
        texts = visible_texts(client.get(f"{url}?lang=en").content.decode())
        assert english_left(texts, data, "es") and latin_left(texts, data), name


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", ["es", "ar"])
def test_emails_have_no_english_string(scene, course, kind, language):  # noqa: F811
    """The learner's emails (edx-ace's and the plain Django ones), subject and body, in Spanish and Arabic."""
    cert = scene["valid"] if kind != "revoked" else scene["revoked"]
    data = data_of(scene, course)
    with translation.override(language):
        context = email_context(cert, kind)
        data += [context["web_url"], context["pdf_url"], context["verify_url"], context["issued_date_display"]]
        texts = []
        for template in ("subject.txt", "body.txt", "body.html"):
            text = render_to_string(f"cert_manager_plugin/edx_ace/certificate_{kind}/email/{template}", context)
            texts += visible_texts(text) if template.endswith("html") else text.splitlines()
        for part in ("subject", "body"):
            texts += render_to_string(f"cert_manager_plugin/email/{kind}_{part}.txt", context).splitlines()
    texts = [t for t in texts if t.strip()]
    assert texts and not english_left(texts, data, language)
    if language == "ar":
        assert not latin_left(texts, data)
