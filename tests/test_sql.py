"""The hot-path SQL helpers: ``ids_in`` filters like ``__in`` (also when empty), ``dt_adapter`` memoizes."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from cert_manager_plugin.models import Certificate, CertificateInvalidation, LearnerRecord
from cert_manager_plugin.sql import dt_adapter, ids_in
from tests.factories import CertificateInvalidationFactory, LearnerRecordFactory

pytestmark = pytest.mark.django_db


def test_ids_in_matches_the_orm_in_lookup():
    records = [LearnerRecordFactory() for _ in range(4)]
    wanted = [records[0].user_id, records[2].user_id, 10**9]
    got = ids_in(LearnerRecord.objects.all(), LearnerRecord, "user_id", wanted).values_list("user_id", flat=True)
    assert sorted(got) == sorted(LearnerRecord.objects.filter(user_id__in=wanted).values_list("user_id", flat=True))
    assert sorted(got) == sorted([records[0].user_id, records[2].user_id])


def test_ids_in_with_no_ids_matches_nothing_on_every_database(django_assert_num_queries):
    LearnerRecordFactory()
    User = get_user_model()
    with django_assert_num_queries(0):
        assert list(ids_in(User.objects.all(), User, User._meta.pk.column, [])) == []


def test_ids_in_on_a_joined_table():
    kept = CertificateInvalidationFactory()
    CertificateInvalidationFactory()
    qs = ids_in(
        CertificateInvalidation.objects.filter(certificate__course_key=kept.certificate.course_key),
        Certificate,
        "user_id",
        [kept.certificate.user_id],
    )
    assert list(qs) == [kept]


def test_ids_in_takes_only_integers():
    with pytest.raises(ValueError):
        ids_in(Certificate.objects.all(), Certificate, "user_id", ["1); DROP TABLE x; --"])


def test_dt_adapter_gives_the_backend_value_and_memoizes():
    dt = dt_adapter()
    moment = datetime(2026, 11, 26, 1, 2, 3, tzinfo=UTC)
    assert dt(None) is None
    assert dt(moment) == connection.ops.adapt_datetimefield_value(moment)
    assert dt(moment) is dt(moment)
