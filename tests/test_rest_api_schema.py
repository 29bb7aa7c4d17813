"""
The OpenAPI schema: valid (drf-spectacular's validator, no generator warnings: ``spectacular --validate
--fail-on-warn``) and true to the live API (schemathesis calls every GET operation through the WSGI app and
checks status codes, content types and bodies against the schema).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema
from edx_rest_framework_extensions.auth.jwt.tests.utils import generate_jwt
from hypothesis import HealthCheck, given, settings
from rest_framework.test import APIClient

from cert_manager_plugin import lms
from tests.factories import COURSE_ID
from tests.rest_api_support import PREFIX, world  # noqa: F401

SCHEMA_URL = f"{PREFIX}/schema/"
OPERATIONS = {
    ("/courses/{course_id}/settings", "get"),
    ("/courses/{course_id}/settings", "patch"),
    ("/courses/{course_id}/settings/preview", "post"),
    ("/courses/{course_id}/settings/apply", "post"),
    ("/courses/{course_id}/settings/undo", "get"),
    ("/courses/{course_id}/settings/undo", "post"),
    ("/courses/{course_id}/certificates", "get"),
    ("/courses/{course_id}/certificates", "delete"),
    ("/courses/{course_id}/certificates/{username}", "get"),
    ("/courses/{course_id}/certificates/{username}", "delete"),
    ("/courses/{course_id}/certificates/{username}/revisions", "get"),
    ("/courses/{course_id}/certificates/{username}/regenerate", "post"),
    ("/courses/{course_id}/learners/{username}/history", "get"),
    ("/courses/{course_id}/jobs", "get"),
    ("/courses/{course_id}/jobs", "post"),
    ("/courses/{course_id}/jobs/{job_id}", "get"),
    ("/courses/{course_id}/jobs/{job_id}", "delete"),
    ("/courses/{course_id}/jobs/{job_id}/download", "get"),
    ("/courses/{course_id}/exceptions", "get"),
    ("/courses/{course_id}/exceptions", "post"),
    ("/courses/{course_id}/exceptions/{username}", "delete"),
    ("/courses/{course_id}/exceptions/bulk", "post"),
    ("/courses/{course_id}/invalidations", "get"),
    ("/courses/{course_id}/invalidations", "post"),
    ("/courses/{course_id}/invalidations/bulk", "post"),
    ("/courses/{course_id}/invalidations/{invalidation_id}", "delete"),
    ("/courses/{course_id}/export", "post"),
    ("/courses/{course_id}/me/certificate", "get"),
    ("/courses/{course_id}/me/certificate", "post"),
    ("/me/certificates", "get"),
    ("/verify/{verify_uuid}", "get"),
    # verifiable credentials (issue 16)
    ("/courses/{course_id}/certificates/{username}/credential", "get"),
    ("/courses/{course_id}/me/certificate/credential", "get"),
    ("/courses/{course_id}/credentials/settings", "get"),
    ("/courses/{course_id}/credentials/settings", "patch"),
    ("/credentials/issuer", "get"),
    ("/credentials/issuer/did.json", "get"),
    ("/credentials/achievements/{course_id}", "get"),
    ("/credentials/status/{course_id}/{purpose}", "get"),
    # certificate designs (issue 17)
    ("/courses/{course_id}/design", "get"),
    ("/courses/{course_id}/design/versions", "get"),
    ("/courses/{course_id}/design/versions", "post"),
    ("/courses/{course_id}/design/versions/{number}", "get"),
    ("/courses/{course_id}/design/assets", "post"),
    ("/courses/{course_id}/design/preview", "post"),
    ("/courses/{course_id}/design/apply", "get"),
    ("/courses/{course_id}/design/apply", "post"),
}
#: The public operations: no sign-in, so no 401 to document.
PUBLIC_PATHS = {
    "/verify/{verify_uuid}",
    "/credentials/issuer",
    "/credentials/issuer/did.json",
    "/credentials/achievements/{course_id}",
    "/credentials/status/{course_id}/{purpose}",
}


@pytest.fixture
def openapi(db) -> dict:
    response = APIClient().get(SCHEMA_URL, HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_without_warnings(openapi):
    GENERATOR_STATS.reset()
    validate_schema(openapi)
    # regenerate to collect the generator's warnings and errors (what --fail-on-warn fails on)
    APIClient().get(SCHEMA_URL)
    assert not GENERATOR_STATS, GENERATOR_STATS._warn_cache | GENERATOR_STATS._error_cache


def test_schema_documents_every_endpoint(openapi):
    found = {
        (path.removeprefix(PREFIX), method)
        for path, ops in openapi["paths"].items()
        for method in ops
        if method in {"get", "post", "patch", "put", "delete"}
    }
    assert found == OPERATIONS


def test_every_operation_documents_its_bodies_and_errors(openapi):
    for path, ops in openapi["paths"].items():
        for method, op in ops.items():
            if method not in {"get", "post", "patch", "delete"}:
                continue
            assert any(code.startswith("2") for code in op["responses"]), (path, method)
            if path.removeprefix(PREFIX) not in PUBLIC_PATHS:
                assert "401" in op["responses"], (path, method)
            if "/courses/" in path:
                assert {"400", "403", "404"} <= set(op["responses"]), (path, method)
            if method in {"post", "patch"} and not path.endswith("me/certificate"):
                assert "requestBody" in op, (path, method)
    schemes = openapi["components"]["securitySchemes"]
    assert {"jwtAuth", "sessionAuth"} <= set(schemes)


def test_spectacular_command_validates_and_fails_on_warnings(tmp_path):
    """The host-wide ``manage.py spectacular --validate --fail-on-warn`` passes with the plugin loaded."""
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    if lms.inside_lms():  # the LMS's own SPECTACULAR_SETTINGS keep only its enrollment API in the global schema
        assert "/api/cert_manager/" not in out.read_text()
    else:
        assert "/api/cert_manager/v1/courses/{course_id}/certificates" in out.read_text()


def get_operations(schema) -> list:
    """The schema's GET operations (schemathesis' own pytest plugin needs pytest < 9, so we drive hypothesis)."""
    operations = [result.ok() for result in schema.include(method="GET").get_all_operations()]
    assert len(operations) == sum(1 for _, method in OPERATIONS if method == "get")
    return operations


def run_operation(operation, examples: int, **call_kwargs) -> None:
    """Generate ``examples`` requests for one operation, call the WSGI app and validate each response."""

    @given(case=operation.as_strategy(path_parameters=call_kwargs.pop("path_parameters", None)))
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case) -> None:
        case.call_and_validate(**call_kwargs)

    check()


@pytest.fixture(autouse=True)
def keep_db_connection():
    """Like Django's test client: the WSGI app must not close the test's database connection after a request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def live_schema():
    return schemathesis.openapi.from_wsgi(SCHEMA_URL + "?format=json", WSGIHandler())


def test_get_endpoints_conform_to_the_schema(world):  # noqa: F811
    """Every GET operation, signed in as the course instructor, answers as documented (any parameters)."""
    headers = {"Authorization": f"JWT {generate_jwt(world.instructor)}"}
    for operation in get_operations(live_schema()):
        params = {p.name for p in operation.path_parameters}
        fixed = {"course_id": COURSE_ID} if "course_id" in params else None
        run_operation(operation, 15, headers=headers, path_parameters=fixed)


def test_get_endpoints_conform_with_any_course_id(world):  # noqa: F811
    """Random course ids give the documented 400/404, never a 5xx."""
    headers = {"Authorization": f"JWT {generate_jwt(world.instructor)}"}
    for operation in get_operations(live_schema()):
        # a string the schema allows may still not be a CourseKey: 400 invalid_course_key is documented
        run_operation(operation, 5, headers=headers, excluded_checks=[schemathesis.checks.positive_data_acceptance])


def test_get_endpoints_conform_when_anonymous(world):  # noqa: F811
    """Anonymous callers get the documented 401 (or the public verify answer), never a 5xx."""
    for operation in get_operations(live_schema()):
        run_operation(operation, 5)
