"""Bitstring status lists: encoding, set-based flips in the engine's batch, every transition verified independently."""

from __future__ import annotations

import functools
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cert_manager_plugin import engine
from cert_manager_plugin.credentials import api, status_list
from cert_manager_plugin.credentials.models import CredentialVersion, StatusList
from cert_manager_plugin.models import LearnerRecord
from tests.credentials_support import certificate_of, learner_at, regrade, vc_settings, verdict  # noqa: F401
from tests.factories import COURSE_KEY, CertificateInvalidationFactory, LearnerRecordFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vc_settings", "course")]


def test_encoding_is_gzip_base64url_with_the_u_prefix_and_msb_first():
    bits = bytearray(131_072 // 8)
    assert status_list.set_bit(bits, 0, True) and status_list.set_bit(bits, 131_071, True)
    assert bits[0] == 0x80 and bits[-1] == 0x01
    encoded = status_list.encode(bits)
    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded and "/" not in encoded
    assert status_list.decode(encoded) == bytes(bits)
    assert status_list.set_bit(bits, 0, True) is False, "setting a set bit changes nothing"


def test_indices_are_random_unused_and_a_full_block_opens_the_next():
    row = status_list._new_list(COURSE_KEY, status_list.SUSPENSION)
    row.bits, row.allocated = bytearray(row.bits), bytearray(row.allocated)
    taken = {status_list.take_index(row) for _ in range(200)}
    assert len(taken) == 200 and row.length == 131_072
    assert max(taken) - min(taken) > 65_536, "drawn across the block, not in order"
    row.allocated = bytearray(b"\xff" * (row.length // 8 - 1) + b"\xfb")  # one free index: bit 5 of the last byte
    assert status_list.take_index(row) == 131_069 and row.length == 131_072, "the last free one is found"
    index = status_list.take_index(row)
    assert row.length == 262_144 and len(row.bits) == len(row.allocated) == 262_144 // 8
    assert 131_072 <= index < 262_144 and not status_list.get_bit(row.bits, index), "drawn in the new block"


def test_a_block_fills_before_the_next_opens_so_superseded_bits_stay_small():
    row = status_list._new_list(COURSE_KEY, status_list.REVOCATION)
    row.bits, row.allocated = bytearray(row.bits), bytearray(row.allocated)
    first = [status_list.take_index(row) for _ in range(100_000)]
    assert row.length == 131_072 and max(first) < 131_072, "100k fit one block of 131,072"
    status_list._apply(row.bits, first, True)  # a regrade supersedes them all
    assert len(status_list.encode(row.bits)) <= 20_000
    second = [status_list.take_index(row) for _ in range(100_000)]
    assert row.length == 262_144 and sum(i < 131_072 for i in second) == 31_072, "the first block fills up first"
    status_list._apply(row.bits, second, True)
    assert len(status_list.encode(row.bits)) <= 23_000, "the full first block costs next to nothing"


def test_issue_rise_drop_rise_again_superseded_versions():
    record = learner_at(0.8)
    first = api.credential_for(certificate_of(record).pk)
    assert verdict(first).state == "valid"
    assert api.check_credential(first)["state"] == "valid"

    cert = regrade(record, 0.9, True)  # rise: a new version, the old one superseded
    second = api.credential_for(cert.pk)
    assert second["id"] != first["id"] and second["credentialSubject"]["result"][0]["value"] == "90"
    assert verdict(second).state == "valid"
    assert verdict(first).state == "revoked" and api.check_credential(first)["state"] == "superseded"

    cert = regrade(record, 0.3, False)  # drop below passing: suspended
    assert cert.status == "notpassing"
    assert verdict(second).state == "suspended" and api.check_credential(second)["state"] == "suspended"

    cert = regrade(record, 0.95, True)  # rise again: active (a new version; the suspended one is superseded)
    third = api.credential_for(cert.pk)
    assert verdict(third).state == "valid" and api.check_credential(third)["state"] == "valid"
    assert api.check_credential(second)["state"] == "superseded"
    assert verdict(second).status == {"suspension": False, "revocation": True}


def test_invalidation_revokes_every_version_for_good():
    record = learner_at(0.8)
    credential = api.credential_for(certificate_of(record).pk)
    CertificateInvalidationFactory(certificate=certificate_of(record))
    engine.run(COURSE_KEY, [record.user_id], engine.Intent.job())
    assert certificate_of(record).status == "unavailable"
    assert verdict(credential).state == "revoked" and api.check_credential(credential)["state"] == "revoked"


def test_deletion_revokes():
    record = learner_at(0.8)
    credential = api.credential_for(certificate_of(record).pk)
    engine.run(COURSE_KEY, [record.user_id], engine.Intent.deletion())
    assert certificate_of(record).status == "deleted"
    assert verdict(credential).state == "revoked" and api.check_credential(credential)["state"] == "revoked"


def test_expiry_is_in_the_credential_and_said():
    api.set_valid_for_days(COURSE_KEY, 30)
    record = learner_at(0.8)
    credential = api.credential_for(certificate_of(record).pk)
    assert "validUntil" in credential
    later = timezone.now() + timedelta(days=31)
    assert verdict(credential).state == "valid"
    assert verdict(credential, now=later).state == "expired"
    assert api.check_credential(credential, now=later)["state"] == "expired"


def test_the_flips_cost_the_same_queries_for_3_and_60_learners():
    def batch(n: int, grade: float, passed: bool) -> int:
        records = [LearnerRecordFactory(percent_grade=0.8, passed=True) for _ in range(n)]
        engine.run(COURSE_KEY, [r.user_id for r in records], engine.Intent.job())
        for r in records:
            api.credential_for(certificate_of(r).pk)
        LearnerRecord.objects.filter(pk__in=[r.pk for r in records]).update(percent_grade=grade, passed=passed)
        with CaptureQueriesContext(connection) as ctx:
            engine.run(COURSE_KEY, [r.user_id for r in records], engine.Intent.job())
        assert all(certificate_of(r).status == "notpassing" for r in records)
        return len([q for q in ctx.captured_queries if "statuslist" in q["sql"] or "credentialversion" in q["sql"]])

    assert batch(3, 0.2, False) == batch(60, 0.3, False) == 3


def test_a_course_without_credentials_costs_one_read():
    record = learner_at(0.8)  # a new certificate: nothing could hold an index, no query
    LearnerRecord.objects.filter(pk=record.pk).update(percent_grade=0.3, passed=False)
    with CaptureQueriesContext(connection) as ctx:
        engine.run(COURSE_KEY, [record.user_id], engine.Intent.job())
    assert certificate_of(record).status == "notpassing"
    assert len([q for q in ctx.captured_queries if "credential" in q["sql"] or "statuslist" in q["sql"]]) == 1
    assert not StatusList.objects.exists() and not CredentialVersion.objects.exists()


def test_the_list_credential_is_signed_cached_per_version_and_long_enough():
    record = learner_at(0.8)
    api.credential_for(certificate_of(record).pk)
    first = api.status_list_credential(COURSE_KEY, "suspension")
    assert first["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert len(status_list.decode(first["credentialSubject"]["encodedList"])) * 8 >= 131_072
    assert api.status_list_credential(COURSE_KEY, "suspension") == first, "kept until the bits change"
    regrade(record, 0.2, False)
    assert api.status_list_credential(COURSE_KEY, "suspension") != first
    with pytest.raises(KeyError):
        api.status_list_credential(COURSE_KEY, "refresh")


def test_a_new_list_has_at_least_131072_entries(settings):
    settings.CERT_MANAGER_VC_LIST_LENGTH = 1000
    assert status_list._new_list(COURSE_KEY, status_list.REVOCATION).length == 131_072
    settings.CERT_MANAGER_VC_LIST_LENGTH = 200_001
    assert status_list._new_list(COURSE_KEY, status_list.REVOCATION).length == 200_008
    settings.CERT_MANAGER_VC_LIST_LENGTH = "many"
    assert status_list._new_list(COURSE_KEY, status_list.REVOCATION).length == 131_072


def at_once(*calls) -> list[Exception]:
    """Run each call in its own thread, released together; the errors raised (each thread closes its connection)."""
    barrier, errors = threading.Barrier(len(calls)), []

    def run(call) -> None:
        try:
            barrier.wait(30)
            call()
        except Exception as error:  # noqa: BLE001 - collected for the caller to assert
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return errors


@pytest.mark.django_db(transaction=True)
def test_credentials_issued_at_once_get_distinct_indices_while_a_job_flips_bits():
    if connection.vendor == "sqlite":
        pytest.skip("row locks: a server database (SQLite serializes writers by itself)")
    records = [LearnerRecordFactory(percent_grade=0.8, passed=True) for _ in range(12)]
    engine.run(COURSE_KEY, [r.user_id for r in records], engine.Intent.job())
    first = api.credential_for(certificate_of(records[0]).pk)  # the course's lists exist from here on
    cert_ids = [certificate_of(r).pk for r in records[1:]]

    def regrade_first() -> None:
        LearnerRecord.objects.filter(pk=records[0].pk).update(percent_grade=0.3, passed=False)
        engine.run(COURSE_KEY, [records[0].user_id], engine.Intent.job())

    errors = at_once(*(functools.partial(api.credential_for, pk) for pk in cert_ids), regrade_first)
    assert errors == []
    versions = CredentialVersion.objects.all()
    assert versions.count() == len(records)
    assert len({v.revocation_index for v in versions}) == len(records)
    assert verdict(first).state == "suspended"


@pytest.mark.django_db(transaction=True)
def test_the_first_credentials_of_a_course_issued_at_once_create_its_lists_once():
    if connection.vendor == "sqlite":
        pytest.skip("row locks: a server database (SQLite serializes writers by itself)")
    records = [LearnerRecordFactory(percent_grade=0.8, passed=True) for _ in range(8)]
    engine.run(COURSE_KEY, [r.user_id for r in records], engine.Intent.job())
    cert_ids = [certificate_of(r).pk for r in records]
    errors = at_once(*(functools.partial(api.credential_for, pk) for pk in cert_ids))
    assert errors == []
    assert StatusList.objects.count() == 2 and CredentialVersion.objects.count() == len(records)
