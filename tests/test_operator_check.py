"""
The operator's check (``cert_manager_check``) on the demo host: its pure parts, its Celery probe and the command.

Inside the LMS-shaped host, tests/lms_host/test_operator_check_in_lms.py runs it against the LMS's own views.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from celery import Celery
from django.core import checks
from django.core.management import CommandError, call_command
from opaque_keys.edx.keys import CourseKey

from cert_manager_plugin import operator_check as oc
from cert_manager_plugin.lms_inspect import WebCertificateState
from cert_manager_plugin.operator_check import celery_workers
from cert_manager_plugin.settings.common import FILTER_STEPS, add_filter_steps
from tests.factories import CertificateFactory, LearnerRecordFactory, UserFactory
from tests.services import require_redis

OTHER_KEY = CourseKey.from_string("course-v1:TestX+CM102+2026")
#: A Redis database no test's worker reads (lms_host/lms.yml: 12, tests/integration: 13, settings probes: 14).
NO_WORKER_REDIS = "redis://127.0.0.1:6379/15"
#: For the tests of what the check does outside an LMS (tests/lms_host/test_operator_check_in_lms.py: inside).
demo_host_only = pytest.mark.skipif(
    os.environ.get("DJANGO_SETTINGS_MODULE", "").startswith("lms.envs."), reason="outside an LMS only"
)


def full_config() -> dict:
    host = SimpleNamespace()
    add_filter_steps(host)
    return host.OPEN_EDX_FILTERS_CONFIG


def codes(findings) -> list[str]:
    return [f.code for f in findings]


# --- a. filter steps ------------------------------------------------------------------------------------------


def test_all_four_steps_present_is_one_ok_line():
    [finding] = oc.check_filter_steps(full_config())
    assert (finding.level, finding.code) == ("ok", "filters.ok")


@pytest.mark.parametrize("filter_type", sorted(FILTER_STEPS))
def test_a_missing_step_is_one_error_naming_it_with_its_fix(filter_type):
    config = full_config()
    config[filter_type]["pipeline"].remove(FILTER_STEPS[filter_type])
    config[filter_type]["pipeline"].append("operator_plugin.steps.Other")
    [finding] = oc.check_filter_steps(config)
    assert (finding.level, finding.code) == ("error", "filters.step_missing")
    assert FILTER_STEPS[filter_type] in finding.message and filter_type in finding.message
    assert FILTER_STEPS[filter_type] in finding.fix and "lms.yml replaces the whole dict" in finding.fix


@pytest.mark.parametrize("form", ["string", "list", "dict of string"])
def test_every_pipeline_form_openedx_filters_accepts_counts(form):
    config = {}
    for filter_type, step in FILTER_STEPS.items():
        config[filter_type] = {"string": step, "list": ["x.Y", step], "dict of string": {"pipeline": step}}[form]
    assert codes(oc.check_filter_steps(config)) == ["filters.ok"]


def test_no_filters_config_at_all_is_four_errors():
    assert codes(oc.check_filter_steps("not a dict")) == ["filters.step_missing"] * 4
    assert codes(oc.check_filter_steps({})) == ["filters.step_missing"] * 4


# --- b. templates ---------------------------------------------------------------------------------------------


def test_the_templates_directory_on_the_mako_dirs_is_ok_as_a_path_or_a_string():
    mako = {"NAME": "mako", "BACKEND": "common.djangoapps.edxmako.backend.Mako"}
    wanted = oc.templates_dir()
    assert (wanted / "cert_manager_plugin" / "instructor_dashboard" / "cert_manager.html").is_file()
    dirs = ["/lms/templates", wanted]
    assert codes(oc.check_templates(dirs, [{**mako, "DIRS": dirs}])) == ["templates.ok"]
    assert codes(oc.check_templates(["/x", f"{wanted}/"], [])) == ["templates.ok"]
    assert codes(oc.check_templates([object(), wanted], [{**mako, "DIRS": object()}])) == ["templates.ok"]


def test_a_missing_templates_directory_is_an_error_with_its_fix():
    [finding] = oc.check_templates(["/lms/templates"], [])
    assert (finding.level, finding.code) == ("error", "templates.missing")
    assert str(oc.templates_dir()) in finding.message and "MAKO_TEMPLATE_DIRS_BASE.append" in finding.fix


@demo_host_only
def test_the_demo_host_has_no_mako_dirs_setting_to_hold_it():
    assert codes(oc.check_templates(None, [])) == ["templates.missing"]


def test_a_mako_engine_whose_dirs_were_replaced_is_an_error():
    mako = {"NAME": "mako", "BACKEND": "common.djangoapps.edxmako.backend.Mako", "DIRS": ["/lms/templates"]}
    django_engine = {"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": []}
    [finding] = oc.check_templates([oc.templates_dir()], [django_engine, mako])
    assert (finding.level, finding.code) == ("error", "templates.engine_dirs")


# --- c. dashboard ---------------------------------------------------------------------------------------------


def test_the_mfe_is_an_info_line_saying_the_tab_leaves_the_mfe():
    found = oc.dashboard_findings(oc.FLAG_OFF, "http://apps.local/instructor-dashboard", "http://lms/cm/")
    assert codes(found) == ["dashboard.mfe"]
    assert found[0].level == "info" and "Certificates tab" in found[0].message and "leaves the MFE" in found[0].message


def test_the_legacy_dashboard_is_an_info_line_naming_its_section():
    found = oc.dashboard_findings(oc.FLAG_ON, None, "http://lms/cm/")
    assert codes(found) == ["dashboard.legacy"] and "Certificates section" in found[0].message


def test_a_flag_on_for_some_names_both_and_a_missing_mfe_address_is_a_warning():
    found = oc.dashboard_findings(oc.FLAG_SOME, "", "http://lms/cm/")
    assert codes(found) == ["dashboard.both", "dashboard.mfe_url_missing"]
    assert found[1].level == "warning" and "INSTRUCTOR_MICROFRONTEND_URL" in found[1].fix


# --- d. web certificates --------------------------------------------------------------------------------------


def state(**overrides) -> WebCertificateState:
    values = {
        "course_key": OTHER_KEY,
        "exists": True,
        "html_view_enabled": True,
        "active_configuration": True,
        "viewable": True,
        "display_behavior": "early_no_info",
    }
    return WebCertificateState(**{**values, **overrides})


def test_a_course_that_redirects_has_no_line():
    assert oc.web_certificate_finding(state()) is None
    [finding] = oc.web_certificate_findings(True, [state(), state()])
    assert (finding.level, finding.code) == ("ok", "web_certificates.ok") and "2 courses" in finding.message


def test_a_course_without_an_active_configuration_is_an_error_with_its_fix():
    finding = oc.web_certificate_finding(state(active_configuration=False))
    assert (finding.level, finding.course_id) == ("error", str(OTHER_KEY))
    assert "no active web certificate configuration" in finding.message
    assert "Settings → Certificates" in finding.fix


def test_a_course_with_its_html_view_off_is_a_warning_and_names_every_reason():
    finding = oc.web_certificate_finding(state(html_view_enabled=False, active_configuration=False))
    assert finding.level == "warning"
    assert "HTML certificate view is off" in finding.message and "no active web certificate" in finding.message
    assert "Certificate Web/HTML View Enabled" in finding.fix and "Settings → Certificates" in finding.fix


@pytest.mark.parametrize(
    ("display", "fields", "words"),
    [
        ("end", {"end": datetime(2030, 6, 1, tzinfo=UTC)}, "after the course ends (2030-06-01"),
        ("end", {}, "has no end date"),
        ("end_with_date", {"available_date": datetime(2031, 1, 2, tzinfo=UTC)}, "available date (2031-01-02"),
        ("end_with_date", {}, "none is set"),
        (None, {}, "to no learner yet"),
    ],
)
def test_a_course_whose_certificates_are_not_viewable_yet_is_an_info_line_saying_until_when(display, fields, words):
    finding = oc.web_certificate_finding(state(viewable=False, display_behavior=display, **fields))
    assert finding.level == "info" and words in finding.message and "early_no_info" in finding.fix


def test_a_course_the_lms_does_not_know_is_a_warning():
    finding = oc.web_certificate_finding(WebCertificateState(course_key=OTHER_KEY, exists=False))
    assert finding.level == "warning" and "no course overview" in finding.message


def test_web_certificates_off_is_one_info_line_and_no_course_is_read():
    [finding] = oc.web_certificate_findings(False, [state(active_configuration=False)])
    assert (finding.level, finding.code) == ("info", "web_certificates.off")
    assert "CERTIFICATES_HTML_VIEW" in finding.fix
    assert codes(oc.web_certificate_findings(True, [])) == ["web_certificates.no_course"]


def test_a_feature_is_read_top_level_first_then_from_features(settings):
    settings.FEATURES = {"CM_TEST_FEATURE": True}
    assert oc.feature("CM_TEST_FEATURE") is True
    settings.CM_TEST_FEATURE = False
    assert oc.feature("CM_TEST_FEATURE") is False
    assert oc.feature("CM_UNSET_FEATURE") is False


@pytest.mark.django_db
def test_the_managed_courses_are_those_with_a_certificate_or_a_learner_record():
    LearnerRecordFactory(user=UserFactory(username="a"))
    LearnerRecordFactory(user=UserFactory(username="b"))
    CertificateFactory(user=UserFactory(username="c"), course_key=OTHER_KEY)
    assert [str(k) for k in oc.managed_course_keys()] == ["course-v1:TestX+CM101+2026", str(OTHER_KEY)]


# --- e. Celery ------------------------------------------------------------------------------------------------


def test_an_eager_app_runs_the_tasks_in_process():
    [finding] = oc.check_celery(Celery("eager", set_as_current=False, config_source={"task_always_eager": True}))
    assert (finding.level, finding.code) == ("info", "celery.eager")


def test_the_queue_is_the_setting_else_the_route_else_the_default(settings):
    def app(**config):
        return Celery("routes", set_as_current=False, broker="memory://", config_source=config)

    settings.CERT_MANAGER_CELERY_QUEUE = None
    assert oc.task_queues(app(task_default_queue="edx.lms.core.default")) == ["edx.lms.core.default"]
    routes = {"cert_manager_plugin.tasks.send_certificate_emails": {"queue": "mail"}}
    routed = app(task_default_queue="edx.lms.core.default", task_routes=routes)
    assert oc.task_queues(routed) == ["edx.lms.core.default", "mail"]
    settings.CERT_MANAGER_CELERY_QUEUE = "certificates"
    assert oc.task_queues(routed) == ["certificates"]


def test_an_unreachable_broker_is_an_error_within_the_timeout():
    app = Celery("down", set_as_current=False, broker="redis://127.0.0.1:1/0")
    started = time.monotonic()
    [finding] = oc.check_celery(app, timeout=1.0)
    assert time.monotonic() - started < 10
    assert (finding.level, finding.code) == ("error", "celery.broker_unreachable")
    assert "127.0.0.1:1/0" in finding.message and "CELERY_BROKER_" in finding.fix


def test_a_broker_no_worker_reads_is_an_error_naming_the_queue_and_the_command():
    require_redis()
    app = Celery("lonely", set_as_current=False, broker=NO_WORKER_REDIS)
    app.conf.task_default_queue = "edx.lms.core.default"
    started = time.monotonic()
    [finding] = oc.check_celery(app, timeout=1.0)
    assert time.monotonic() - started < 10
    assert (finding.level, finding.code) == ("error", "celery.no_worker")
    assert "edx.lms.core.default" in finding.message
    assert "celery --app=lms.celery worker -Q edx.lms.core.default" in finding.fix


def test_worker_replies_are_matched_against_the_queues(monkeypatch):
    app = Celery("replies", set_as_current=False, broker="memory://")
    app.conf.task_default_queue = "edx.lms.core.default"
    replies = {"w1@h": ["edx.lms.core.high"], "w2@h": ["edx.lms.core.default", "other"]}
    monkeypatch.setattr(celery_workers, "_ask_workers", lambda app, timeout: {"replies": replies})
    [finding] = oc.check_celery(app)
    assert (finding.level, finding.code) == ("ok", "celery.ok") and "w2@h" in finding.message
    replies.pop("w2@h")
    [finding] = oc.check_celery(app)
    assert (finding.level, finding.code) == ("error", "celery.queue_unread")
    assert "edx.lms.core.high" in finding.message and "CERT_MANAGER_CELERY_QUEUE" in finding.fix
    monkeypatch.setattr(celery_workers, "_ask_workers", lambda app, timeout: {})
    assert codes(oc.check_celery(app)) == ["celery.broker_timeout"]
    monkeypatch.setattr(
        celery_workers, "_ask_workers", lambda app, timeout: {"error": NotImplementedError("no broadcast")}
    )
    assert codes(oc.check_celery(app)) == ["celery.not_asked"]


# --- f. email -------------------------------------------------------------------------------------------------


def test_the_email_channel_is_the_transactional_one_else_a_fallback_else_none():
    assert codes(oc.email_channel_findings(False, [], [], "", "")) == ["email.off"]
    [ok] = oc.email_channel_findings(True, ["django_email"], ["django_email"], "django_email", "django_email")
    assert ok.code == "email.ok" and "django_email" in ok.message
    [fallback] = oc.email_channel_findings(True, ["django_email"], ["django_email"], "braze_email", "django_email")
    assert (fallback.level, fallback.code) == (
        "warning",
        "email.fallback",
    ) and "django_email instead" in fallback.message
    [none] = oc.email_channel_findings(True, [], ["push_notification"], "django_email", "django_email")
    assert (none.level, none.code) == ("error", "email.no_channel") and "ACE_ENABLED_CHANNELS" in none.fix


def test_only_enabled_email_channels_count():
    assert oc.ace_email_channels(["django_email", "push_notification"]) == ["django_email"]
    assert oc.ace_email_channels(["push_notification", "nope"]) == []


# --- g. JWT ---------------------------------------------------------------------------------------------------


def rsa_key_set() -> str:
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    return json.dumps({"keys": [json.loads(RSAAlgorithm.to_jwk(key))]})


SECRETS = {"JWT_ISSUERS": [{"ISSUER": "i", "AUDIENCE": "a", "SECRET_KEY": "s"}]}


@pytest.mark.parametrize(
    ("jwt_auth", "level", "code"),
    [
        ({**SECRETS, "JWT_PUBLIC_SIGNING_JWK_SET": None}, "warning", "jwt.empty"),
        ({**SECRETS, "JWT_PUBLIC_SIGNING_JWK_SET": ""}, "warning", "jwt.empty"),
        ({"JWT_PUBLIC_SIGNING_JWK_SET": None}, "error", "jwt.no_key"),
        (None, "error", "jwt.no_key"),
        ({**SECRETS, "JWT_PUBLIC_SIGNING_JWK_SET": '{"keys": []}'}, "error", "jwt.unusable"),
        ({**SECRETS, "JWT_PUBLIC_SIGNING_JWK_SET": "{not json"}, "error", "jwt.unusable"),
    ],
)
def test_the_jwt_key_set(jwt_auth, level, code):
    [finding] = oc.jwt_findings(jwt_auth)
    assert (finding.level, finding.code) == (level, code)
    assert "JWT_PUBLIC_SIGNING_JWK_SET" in finding.fix


def test_a_usable_jwt_key_set_is_ok():
    [finding] = oc.jwt_findings({"JWT_PUBLIC_SIGNING_JWK_SET": rsa_key_set()})
    assert (finding.level, finding.code) == ("ok", "jwt.ok") and "1 key" in finding.message


# --- h. ID verification ---------------------------------------------------------------------------------------


def test_the_idv_requirement_on_is_a_warning_saying_the_plugin_does_not_hold_certificates():
    [finding] = oc.idv_findings(True)
    assert (finding.level, finding.code) == ("warning", "idv.on") and "mark_unverified" in finding.message
    assert "Turn it off" in finding.fix
    assert codes(oc.idv_findings(False)) == ["idv.off"]


# --- all together, outside the LMS ----------------------------------------------------------------------------


@demo_host_only
def test_outside_the_lms_the_lms_checks_are_skipped_in_one_line():
    findings = oc.operator_check(timeout=0.5)
    assert [f.check for f in findings] == ["lms", "celery", "jwt"]
    assert findings[0].code == "lms.standalone" and "skipped" in findings[0].message


@demo_host_only
def test_a_check_that_breaks_is_a_warning_and_the_others_still_run(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(oc, "check_jwt", broken)
    findings = oc.operator_check(timeout=0.5)
    assert [f.code for f in findings] == ["lms.standalone", "celery.eager", "jwt.failed"]
    assert findings[-1].level == "warning" and "RuntimeError: boom" in findings[-1].message


@demo_host_only
def test_the_system_check_is_registered_and_silent_outside_the_lms():
    assert oc.check_lms_configuration in checks.registry.registry.get_checks()
    assert oc.check_lms_configuration() == []


def test_the_package_re_exports_its_modules_names_and_logs_under_one_name():
    import logging

    from cert_manager_plugin.operator_check import ace_email

    assert oc.check_celery is celery_workers.check_celery and oc.SENT_TASKS is celery_workers.SENT_TASKS
    assert sorted(oc.__all__) == sorted(set(oc.__all__)) and all(hasattr(oc, name) for name in oc.__all__)
    assert ace_email.log is oc.log is logging.getLogger("cert_manager_plugin.operator_check")


# --- the command ----------------------------------------------------------------------------------------------


@demo_host_only
def test_the_command_prints_one_line_per_finding_and_passes_without_errors(capsys):
    call_command("cert_manager_check")
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4, lines
    assert lines[0].startswith("INFO") and "lms: Not inside an LMS" in lines[0]
    assert lines[1].startswith("INFO") and "celery:" in lines[1]
    assert lines[2].startswith("OK") and "jwt:" in lines[2]
    assert lines[3] == "Errors: 0, warnings: 0."


@demo_host_only
def test_the_command_fails_on_an_error_and_prints_its_fix(settings, capsys):
    settings.JWT_AUTH = {"JWT_PUBLIC_SIGNING_JWK_SET": '{"keys": []}'}
    with pytest.raises(CommandError, match="1 finding at level error or worse") as raised:
        call_command("cert_manager_check")
    assert raised.value.returncode == 1
    [line] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("ERROR")]
    assert "jwt:" in line and " Fix: Set JWT_AUTH" in line


@demo_host_only
def test_the_fail_level_warning_fails_on_a_warning(settings):
    settings.JWT_AUTH = {**SECRETS, "JWT_PUBLIC_SIGNING_JWK_SET": None}
    call_command("cert_manager_check")  # a warning passes the default level
    with pytest.raises(CommandError) as raised:
        call_command("cert_manager_check", "--fail-level", "warning")
    assert raised.value.returncode == 1


@demo_host_only
def test_the_command_speaks_json_for_scripts(settings, capsys):
    settings.JWT_AUTH = {**SECRETS, "JWT_PUBLIC_SIGNING_JWK_SET": None}
    call_command("cert_manager_check", "--format", "json")
    report = json.loads(capsys.readouterr().out)
    assert (report["errors"], report["warnings"], report["failed"], report["fail_level"]) == (0, 1, False, "error")
    [jwt_finding] = [f for f in report["findings"] if f["check"] == "jwt"]
    assert set(jwt_finding) == {"check", "level", "code", "message", "fix", "course_id"}
    assert jwt_finding["code"] == "jwt.empty"


@demo_host_only
def test_a_check_that_cannot_read_the_database_says_to_migrate(monkeypatch):
    from django.db import OperationalError

    def unmigrated(*args, **kwargs):
        raise OperationalError("no such table: waffle_flag")

    monkeypatch.setattr(oc, "check_jwt", unmigrated)
    finding = oc.operator_check(timeout=0.5)[-1]
    assert (finding.level, finding.code) == ("warning", "jwt.database")
    assert "no such table: waffle_flag" in finding.message and "migrate" in finding.fix


def test_the_command_help_is_a_plain_string_argparse_can_print():
    from cert_manager_plugin.management.commands.cert_manager_check import Command

    text = Command().create_parser("manage.py", "cert_manager_check").format_help()
    assert "one line per finding" in text and "--fail-level {warning,error}" in text
