"""JWTs are accepted only when a key this server knows signed them, with or without a public key set."""

import json

import jwt
import pytest
from edx_rest_framework_extensions.auth.jwt.tests.utils import generate_jwt
from rest_framework.test import APIClient

from cert_manager_plugin.rest_api import authentication
from tests.rest_api_support import course_url, world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_public_keys(settings):
    settings.JWT_AUTH = {**settings.JWT_AUTH, "JWT_PUBLIC_SIGNING_JWK_SET": None}


@pytest.mark.parametrize(
    ("value", "configured"),
    [
        (None, False),
        ("", False),
        ('{"keys": []}', False),
        ("not json", False),
        (json.dumps({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}), True),
    ],
)
def test_a_key_set_counts_only_when_it_holds_a_key(settings, value, configured):
    settings.JWT_AUTH = {**settings.JWT_AUTH, "JWT_PUBLIC_SIGNING_JWK_SET": value}
    assert authentication.public_signing_keys_configured() is configured


def test_the_signature_is_checked_against_every_issuer_secret(settings):
    settings.JWT_AUTH = {
        **settings.JWT_AUTH,
        "JWT_ISSUERS": [{"ISSUER": "a", "AUDIENCE": "x", "SECRET_KEY": "first"}, {"SECRET_KEY": "second"}, {}],
    }
    authentication.check_symmetric_signature(jwt.encode({"sub": "1"}, "second", algorithm="HS256"))
    with pytest.raises(jwt.InvalidSignatureError):
        authentication.check_symmetric_signature(jwt.encode({"sub": "1"}, "third", algorithm="HS256"))


def test_without_public_keys_the_hosts_own_jwt_still_works(world, no_public_keys):  # noqa: F811
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"JWT {generate_jwt(world.instructor)}")
    assert client.get(course_url("settings")).status_code == 200


def test_without_public_keys_a_token_signed_elsewhere_is_a_401(world, no_public_keys, settings):  # noqa: F811
    issuer = settings.JWT_AUTH["JWT_ISSUERS"][0]
    payload = jwt.decode(
        generate_jwt(world.instructor), issuer["SECRET_KEY"], algorithms=["HS256"], audience=issuer["AUDIENCE"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"JWT {jwt.encode(payload, 'someone-elses-key', algorithm='HS256')}")
    response = client.get(course_url("settings"))
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"
