"""The declared LMS adapter interface: every adapter satisfies ``LmsAdapter`` and says what it can do."""

from __future__ import annotations

import inspect

import pytest

from cert_manager_plugin import data, lms
from cert_manager_plugin.lms.base import CAPABILITIES, LmsAdapter, LmsCapabilities

ADAPTERS = [lms.StandaloneBackend, lms.EdxPlatformBackend]


def _protocol_methods() -> list[str]:
    return [name for name, value in vars(LmsAdapter).items() if inspect.isfunction(value) and not name.startswith("_")]


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_each_adapter_satisfies_the_protocol(adapter):
    assert isinstance(adapter(), LmsAdapter)
    for name in _protocol_methods():
        declared, implemented = inspect.signature(getattr(LmsAdapter, name)), inspect.signature(getattr(adapter, name))
        assert str(implemented) == str(declared), f"{adapter.__name__}.{name}"
        assert getattr(adapter, name).__doc__, f"{adapter.__name__}.{name} has no docstring"


def test_the_protocol_declares_every_method_callers_use_and_each_capability():
    assert set(_protocol_methods()) >= {
        "find_user",
        "sync_lms_certificates",
        "announce_lms_changes",
        "push_allowlist",
        "web_certificate_config",
    }
    assert set(LmsAdapter.__annotations__) == set(CAPABILITIES), "a capability is an attribute of the Protocol"
    assert CAPABILITIES == tuple(LmsCapabilities.__dataclass_fields__)


def test_an_object_missing_a_method_or_a_capability_is_not_an_adapter():
    assert not isinstance(object(), LmsAdapter)
    capabilities = {name: getattr(lms.StandaloneBackend, name) for name in CAPABILITIES}
    methods = {name: getattr(lms.StandaloneBackend, name) for name in _protocol_methods()}
    assert isinstance(type("Whole", (), {**capabilities, **methods})(), LmsAdapter)
    del capabilities["owns_retirement"]
    assert not isinstance(type("NoRetirement", (), {**capabilities, **methods})(), LmsAdapter)
    del methods["push_invalidation"]
    assert not isinstance(type("NoPush", (), {**capabilities, "owns_retirement": False, **methods})(), LmsAdapter)


def test_the_adapters_are_not_related_by_inheritance():
    assert not issubclass(lms.EdxPlatformBackend, lms.StandaloneBackend)
    assert not issubclass(lms.StandaloneBackend, lms.EdxPlatformBackend)


def test_capabilities_differ_as_the_hosts_do():
    standalone = {name: getattr(lms.StandaloneBackend, name) for name in CAPABILITIES}
    inside = {name: getattr(lms.EdxPlatformBackend, name) for name in CAPABILITIES}
    assert standalone == {
        "inside_lms": False,
        "sends_mail_through_ace": False,
        "owns_retirement": False,
        "writes_lms_certificates": False,
        "has_course_roles_command": True,
    }
    assert inside == {name: not value for name, value in standalone.items()}


def test_capabilities_follow_the_adapter_in_use(settings):
    assert lms.capabilities() == LmsCapabilities(False, False, False, False, True)
    assert lms.inside_lms() is False
    settings.CERT_MANAGER_LMS_BACKEND = "edx_platform"
    assert lms.capabilities() == LmsCapabilities(True, True, True, True, False)
    assert lms.inside_lms() is True
    with pytest.raises(AttributeError):
        lms.capabilities().inside_lms = False  # frozen


def test_the_passing_vocabulary_is_the_plugins():
    assert lms.LMS_PASSING is data.PASSING_STATUSES
    assert lms.lms_grade(0.951, "downloadable") == "0.95"
    assert lms.lms_grade(0.4, "notpassing") == "0.4"
    assert lms.lms_grade(0.0, "notpassing") == "", "what mark_notpassing leaves for a falsy grade"
    assert lms.lms_grade(0.9, "unavailable") == "", "invalidate() passes no grade"


def test_a_web_certificate_configuration_is_frozen_data_with_a_fingerprint_of_what_it_prints():
    from cert_manager_plugin.lms import Signatory, WebCertificateConfig

    one = WebCertificateConfig("Title", (Signatory("Ada", "Dean", "Org", "/s.png"),), "/logo.png")
    assert (
        one.fingerprint()
        == WebCertificateConfig("Title", (Signatory("Ada", "Dean", "Org", "/s.png"),), "/logo.png").fingerprint()
    )
    assert (
        one.fingerprint()
        != WebCertificateConfig("Title", (Signatory("Ada", "Dean", "Org2", "/s.png"),), "/logo.png").fingerprint()
    )
    assert one.fingerprint() != WebCertificateConfig("Title", (), "/logo.png").fingerprint()
    with pytest.raises(AttributeError):
        one.course_title = "Other"  # frozen


def test_standalone_has_no_studio_configuration(course_key):
    assert lms.StandaloneBackend().web_certificate_config(course_key, "verified") is None
    assert lms.StandaloneBackend().course_asset("/asset-v1:Org+C+R+type@asset+block@sig.png") is None
