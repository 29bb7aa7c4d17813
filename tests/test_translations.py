"""
Translations: the catalogs are current (``makemessages`` finds nothing new), every page, email and label is
translated (pseudo-locale: no plain word left), the JavaScript catalog serves the scripts' strings, and a
right-to-left language lays the pages out right to left.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cert_manager_plugin import labels
from cert_manager_plugin.models import CertificateException, CertificateInvalidation, CourseCertificateSettings
from cert_manager_plugin.notifications import KINDS, email_context
from tests import i18n_pseudo
from tests.factories import (
    COURSE_ID,
    COURSE_KEY,
    CertificateFactory,
    CourseRoleFactory,
    LearnerRecordFactory,
    UserFactory,
)
from tests.i18n_pseudo import DOMAINS, PSEUDO, ROOT, messages, parse_po, pseudo, untranslated, visible_texts
from tests.services import require

pseudo_locale = i18n_pseudo.pseudo_locale  # fixtures
pseudo_locale_dir = i18n_pseudo.pseudo_locale_dir

PANEL = reverse("cert_manager:instructor-panel", kwargs={"course_id": COURSE_ID})
DASHBOARD = reverse("cert_manager:learner-dashboard")
MAKEMESSAGES = (
    "cd cert_manager_plugin && DJANGO_SETTINGS_MODULE=devsite.test_settings django-admin makemessages -l en "
    "-d django --add-location=file -i 'templates/cert_manager_plugin/instructor_dashboard/*' && "
    "DJANGO_SETTINGS_MODULE=devsite.test_settings django-admin makemessages -l en -d djangojs --add-location=file"
)


def keys(entries) -> set[tuple]:
    return {(e.get("msgctxt"), e["msgid"], e.get("msgid_plural")) for e in entries if e["msgid"]}


# --- the catalogs ------------------------------------------------------------------------------------------


def test_makemessages_runs_clean_and_finds_nothing_new(tmp_path, monkeypatch):
    """A fresh ``makemessages`` of a copy of the package finds exactly the committed catalogs' strings."""
    require("gettext (xgettext)", bool(shutil.which("xgettext")), "apt-get install gettext")
    copy = tmp_path / "cert_manager_plugin"
    shutil.copytree(
        ROOT / "cert_manager_plugin", copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "migrations")
    )
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    ignore = ["templates/cert_manager_plugin/instructor_dashboard/*"]  # Mako (the LMS includes it), not Django
    call_command("makemessages", locale=["en"], domain="django", ignore_patterns=ignore, verbosity=0)
    call_command("makemessages", locale=["en"], domain="djangojs", verbosity=0)
    for domain in DOMAINS:
        fresh = keys(parse_po(copy / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"))
        committed = keys(messages(domain))
        assert fresh == committed, (
            f"{domain}.po is out of date: new {sorted(fresh - committed, key=str)[:10]}, "
            f"gone {sorted(committed - fresh, key=str)[:10]}. Run: make extract_translations (that is: {MAKEMESSAGES})"
        )


def test_catalogs_hold_the_pages_scripts_and_labels():
    django = {e["msgid"] for e in messages("django")}
    js = {e["msgid"] for e in messages("djangojs")}
    assert {"Valid", "Generate all certificates", "Certificate verification", "Learner requests"} <= django
    assert "Hello %(learner_name)s," in django, "the emails are marked"
    assert {"Start the job", "Choose at least one learner group.", "Job %(id)s started: %(kind)s."} <= js


def test_pseudo_translation_keeps_placeholders_markup_and_plurals():
    assert pseudo("Hello %(name)s") == "⟦Ĥéĺĺö %(name)s⟧"
    assert pseudo("offered by {org}") == "⟦öƒƒéŕéđ ƀý {org}⟧"
    assert pseudo("for <strong>%(course)s</strong> &amp; 5%%") == "⟦ƒöŕ <strong>%(course)s</strong> &amp; 5%%⟧"
    assert not re.search(r"[A-Za-z]", pseudo("Every learner, every Status").strip("⟦⟧"))


# --- labels --------------------------------------------------------------------------------------------------


def test_every_label_is_translated(pseudo_locale):
    with translation.override(PSEUDO):
        for group, words in labels.panel_labels().items():
            for code, text in words.items():
                assert text.startswith("⟦") and text.endswith("⟧"), (group, code, text)
        assert labels.public_status_label("downloadable", was_issued=True) == pseudo("Valid")
        translated = [str(v) for v in labels.CSV_COLUMN_LABELS.values()]
    with translation.override("en"):
        assert labels.panel_labels()["statuses"]["downloadable"] == "Valid"
        assert translated == [pseudo(str(v)) for v in labels.CSV_COLUMN_LABELS.values()]


# --- pages in the pseudo-locale -------------------------------------------------------------------------------


@pytest.fixture
def scene(course):
    """A course with every kind of row a page shows: valid, revoked, not earned, audit, an exception."""
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, self_generation_enabled=True)
    instructor = UserFactory(username="prof", first_name="Minerva", last_name="McGonagall")
    CourseRoleFactory(user=instructor, role="instructor")
    staff = UserFactory(username="aide", first_name="Argus", last_name="Filch")
    CourseRoleFactory(user=staff, role="staff")
    valid = CertificateFactory(user=UserFactory(username="hermione"), grade=0.95)
    LearnerRecordFactory(user=valid.user)
    revoked = CertificateFactory(
        user=UserFactory(username="draco"), status="unavailable", source="invalidation", grade=0.91
    )
    CertificateInvalidation.objects.create(certificate=revoked, notes="Copied the essay", invalidated_by=instructor)
    failing = CertificateFactory(user=UserFactory(username="neville"), status="notpassing", grade=0.3, issued_date=None)
    LearnerRecordFactory(user=failing.user, passed=False, percent_grade=0.3)
    audit = UserFactory(username="luna")
    LearnerRecordFactory(user=audit, mode="audit")
    CertificateException.objects.create(user=audit, course_key=COURSE_KEY, notes="Medical leave", granted_by=instructor)
    requester = UserFactory(username="ron")
    LearnerRecordFactory(user=requester)
    return {
        "instructor": instructor,
        "staff": staff,
        "valid": valid,
        "revoked": revoked,
        "failing": failing,
        "audit": audit,
        "requester": requester,
    }


def data_of(scene, course) -> list[str]:
    """Every value a page may show that is data, not words: names, usernames, emails, ids, notes."""
    values = [course.display_name, COURSE_ID, course.org, "Copied the essay", "Medical leave"]
    for item in scene.values():
        user = getattr(item, "user", item)
        values += [user.username, user.email, user.get_full_name(), user.first_name, user.last_name]
        if hasattr(item, "verify_uuid"):
            values += [str(item.verify_uuid), item.name]
    return values


def page_texts(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code in (200, 403), (url, response.status_code)
    html = response.content.decode()
    assert f'<html lang="{PSEUDO}"' in html, "the page is in the pseudo-locale"
    return visible_texts(html)


def test_no_page_has_an_untranslated_word_in_the_pseudo_locale(client, scene, course, pseudo_locale):
    client.cookies[pseudo_locale] = PSEUDO
    data = data_of(scene, course)
    urls = {}

    def web(name, cert):
        return reverse(f"cert_manager:{name}", kwargs={"verify_uuid": cert.verify_uuid})

    for cert in ("valid", "revoked", "failing"):
        urls[f"web certificate ({cert})"] = web("certificate-web", scene[cert])
        urls[f"verify page ({cert})"] = web("certificate-verify", scene[cert])
    found = {}
    for name, url in urls.items():
        found[name] = untranslated(page_texts(client, url), data)
    for who in ("instructor", "staff"):
        client.force_login(scene[who])
        found[f"panel ({who})"] = untranslated(page_texts(client, PANEL), data)
    for who in ("valid", "failing", "audit", "requester"):
        client.force_login(getattr(scene[who], "user", scene[who]))
        found[f"dashboard ({who})"] = untranslated(page_texts(client, DASHBOARD), data)
    client.force_login(scene["audit"])
    found["not allowed"] = untranslated(page_texts(client, PANEL), data)
    assert not any(found.values()), {k: v for k, v in found.items() if v}


def test_the_panel_config_carries_translated_words(client, scene, pseudo_locale):
    client.cookies[pseudo_locale] = PSEUDO
    client.force_login(scene["instructor"])
    html = client.get(PANEL).content.decode()
    config = json.loads(html.split('id="cm-config">', 1)[1].split("</script>", 1)[0])
    assert config["language"] == PSEUDO
    assert config["labels"]["statuses"]["downloadable"] == pseudo("Valid")
    assert config["labels"]["kinds"]["generate_all"] == pseudo("Generate all certificates")
    assert all(group["label"].startswith("⟦") and group["help"].startswith("⟦") for group in config["groups"])


def test_exception_reasons_are_translated(client, scene, pseudo_locale):
    client.cookies[pseudo_locale] = PSEUDO
    client.force_login(scene["instructor"])
    url = reverse("cert_manager:instructor-exception-status", kwargs={"course_id": COURSE_ID})
    luna = client.get(url).json()["learners"]["luna"]
    assert luna["state"] == "blocked" and luna["reason"] == "mode_not_eligible"
    assert luna["message"].startswith("⟦") and not untranslated([luna["message"]], [])


def test_the_javascript_catalog_serves_every_script_string(client, pseudo_locale):
    client.cookies[pseudo_locale] = PSEUDO
    response = client.get(reverse("cert_manager:jsi18n"))
    assert response.status_code == 200 and "javascript" in response["Content-Type"]
    body = response.content.decode()
    for entry in messages("djangojs"):
        assert json.dumps(entry["msgid"]) in body, entry["msgid"]
    assert json.dumps(pseudo("Start the job")) in body
    english = client.get(reverse("cert_manager:jsi18n"), headers={"cookie": f"{pseudo_locale}=en"}).content.decode()
    assert json.dumps(pseudo("Start the job")) not in english


@pytest.mark.parametrize("kind", KINDS)
def test_emails_are_translated(scene, course, kind, pseudo_locale):
    cert = scene["valid"] if kind != "revoked" else scene["revoked"]
    data = data_of(scene, course)
    with translation.override(PSEUDO):
        context = email_context(cert, kind)
        data += [context["web_url"], context["pdf_url"], context["verify_url"], context["issued_date_display"]]
        texts = []
        for template in ("subject.txt", "body.txt", "body.html"):
            html = render_to_string(f"cert_manager_plugin/edx_ace/certificate_{kind}/email/{template}", context)
            texts += visible_texts(html) if template.endswith("html") else [line for line in html.splitlines() if line]
        for part in ("subject", "body"):
            texts += render_to_string(f"cert_manager_plugin/email/{kind}_{part}.txt", context).splitlines()
    texts = [t for t in texts if t.strip()]
    assert texts and not untranslated(texts, data)


# --- right to left ------------------------------------------------------------------------------------------


def test_a_right_to_left_language_lays_the_pages_out_right_to_left(client, scene, pseudo_locale):
    client.cookies[pseudo_locale] = "ar"
    client.force_login(scene["instructor"])
    panel = client.get(PANEL).content.decode()
    assert '<html lang="ar" dir="rtl">' in panel
    assert 'class="cm-panel" id="cm-panel" lang="ar" dir="rtl"' in panel, "the panel keeps its direction inside the LMS"
    web = reverse("cert_manager:certificate-web", kwargs={"verify_uuid": scene["valid"].verify_uuid})
    assert 'dir="rtl"' in client.get(web).content.decode()
    client.cookies[pseudo_locale] = "en"
    assert '<html lang="en" dir="ltr">' in client.get(web).content.decode()


def test_dates_follow_the_language(scene, pseudo_locale):
    from cert_manager_plugin.rendering.html import local_date, local_percent

    moment = timezone.now().replace(year=2026, month=11, day=26) - timedelta(hours=0)
    with translation.override("en"):
        assert local_date(moment) == "Nov. 26, 2026" and local_percent(0.855) == "85.5%"
    with translation.override("de"):
        assert local_date(moment) == "26. November 2026" and local_percent(0.855) == "85,5%"
