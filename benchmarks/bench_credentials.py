"""
Credential measures: signing one credential (uncached and from the per-revision copy), encoding a status list
and its size for a 100k-learner course, and the status bits flipping inside a regenerate job.
"""

from __future__ import annotations

import os
import random
import secrets
import statistics
import time

from django.conf import settings
from opaque_keys.edx.keys import CourseKey

from benchmarks import population


def _p(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` in milliseconds, 3 decimals."""
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 3)


def _course(tag: str) -> CourseKey:
    """A fresh course (a ``StandaloneCourse`` row) for one measure."""
    from cert_manager_plugin.standalone_host.models import StandaloneCourse

    course_key = CourseKey.from_string(f"course-v1:BenchVC+{tag}+{int(time.time() * 1000) % 10**9}")
    StandaloneCourse.objects.create(course_key=course_key, display_name=f"Bench credentials {tag}")
    return course_key


def _demo_settings() -> None:
    """A demo signing key and a base URL, as the tests use."""
    settings.CERT_MANAGER_VC_DEMO_KEY = True
    settings.CERT_MANAGER_BASE_URL = settings.CERT_MANAGER_BASE_URL or "https://lms.example.com"
    from cert_manager_plugin.conf import cm_settings

    cm_settings.reload()


def sign_credential(args) -> list[dict]:
    """One credential on request: built and signed (first ask of a revision), then from its kept copy."""
    from cert_manager_plugin.credentials import credential, keys, proof
    from cert_manager_plugin.models import Certificate

    _demo_settings()
    n = 50 if args.quick else 300
    course_key = _course("sign")
    ids = population.users(n, f"vc{course_key.run}_")
    population.issued_certificates(course_key, ids)
    cert_ids = list(Certificate.objects.filter(course_key=course_key).values_list("pk", flat=True))
    uncached, cached, sign_only = [], [], []
    key = keys.signing_key()
    for pk in cert_ids:
        start = time.perf_counter()
        issued = credential.issue_credential(pk)
        uncached.append(time.perf_counter() - start)
        start = time.perf_counter()
        credential.issue_credential(pk)
        cached.append(time.perf_counter() - start)
        unsigned = {k: v for k, v in issued.items() if k != "proof"}
        start = time.perf_counter()
        proof.sign(unsigned, key)
        sign_only.append(time.perf_counter() - start)
    return [
        {
            "measure": "sign_credential",
            "credentials": n,
            "cached_p50_ms": _p(cached, 0.5),
            "cached_p95_ms": _p(cached, 0.95),
            "uncached_p50_ms": _p(uncached, 0.5),
            "uncached_p95_ms": _p(uncached, 0.95),
            "sign_only_p50_ms": _p(sign_only, 0.5),
            "sign_only_p95_ms": _p(sign_only, 0.95),
            "uncached_includes": "allocation (locks, 2 indices), build, RDFC-1.0 x2, Ed25519, save",
            "bars": {"cached_p95_ms": 2},
        }
    ]


def pdf_with_credential(args) -> list[dict]:
    """
    One certificate PDF (``render_certificate_pdf``): the public copy, the owner's copy carrying the credential the
    first time (the credential built and signed) and later (its kept copy), and the bytes the attachment adds.
    """
    from cert_manager_plugin.models import Certificate
    from cert_manager_plugin.rendering.pdf import render_certificate_pdf

    _demo_settings()
    n = 20 if args.quick else 100
    course_key = _course("pdf")
    population.issued_certificates(course_key, population.users(n, f"vp{course_key.run}_"))
    certificates = list(Certificate.objects.filter(course_key=course_key))
    render_certificate_pdf(certificates[0])  # fonts and layout loaded once, as in a running process
    times: dict[str, list[float]] = {"plain": [], "first": [], "kept": []}
    sizes: dict[str, int] = {}
    for cert in certificates:
        for kind, attach in (("plain", False), ("first", True), ("kept", True)):
            start = time.perf_counter()
            data = render_certificate_pdf(cert, with_credential=attach)
            times[kind].append(time.perf_counter() - start)
            sizes[kind] = len(data)
    row: dict = {"measure": "pdf_with_credential", "pdfs": n}
    for kind, values in times.items():
        row[f"{kind}_p50_ms"], row[f"{kind}_p95_ms"] = _p(values, 0.5), _p(values, 0.95)
    row["plain_bytes"], row["with_credential_bytes"] = sizes["plain"], sizes["kept"]
    row["first_includes"] = "the credential built and signed (its first ask); kept: one query"
    return [row]


def encode_status_list(args) -> list[dict]:
    """
    Encoding a list, and its encoded size for 100k learners with 1 %, 10 %, 25 % or all bits set, spread uniformly.

    A uniform spread is the worst case for a given number of set bits (gzip is within 1 % of its entropy); the
    allocator keeps a course's bits in as few blocks as it can (``status_list_sizes``).
    """
    from cert_manager_plugin.credentials import status_list

    rng = random.Random(7)
    learners = 100_000
    rows = []
    for length, share in ((131_072, 0.01), (131_072, 0.10), (131_072, 0.25), (262_144, 0.10), (262_144, 1.0)):
        bits = bytearray(length // 8)
        for index in rng.sample(range(length), int(learners * share)):
            status_list.set_bit(bits, index, True)
        times = []
        for _ in range(5 if args.quick else 20):
            start = time.perf_counter()
            encoded = status_list.encode(bits)
            times.append(time.perf_counter() - start)
        rows.append(
            {
                "measure": "encode_status_list",
                "entries": length,
                "learners": learners,
                "bits_set": int(learners * share),
                "spread": "uniform",
                "encode_median_ms": round(statistics.median(times) * 1000, 3),
                "encode_max_ms": round(max(times) * 1000, 3),
                "encoded_bytes": len(encoded),
                "bars": {"encode_ms": 50, "encoded_bytes_100k": 20_000},
            }
        )
    return rows


def status_list_sizes(args) -> list[dict]:
    """
    The revocation list of a 100k-learner course as the allocator fills it, after whole-course regrades.

    Not a synthetic spread: the indices come from ``status_list.take_index`` as issuing would draw them. Stage
    ``issued``: 100k credentials, none revoked; ``superseded``: a regrade set their 100k bits; ``reissued``: the
    100k new versions were fetched (indices drawn, no new bit set); ``superseded_twice``: another regrade.
    """
    from cert_manager_plugin.credentials import status_list
    from cert_manager_plugin.credentials.models import StatusList

    learners = 10_000 if args.quick else 100_000
    empty = bytes(131_072 // 8)
    row = StatusList(purpose=status_list.REVOCATION, length=131_072, bits=bytearray(empty), allocated=bytearray(empty))
    rows, generation = [], []

    def measure(stage: str) -> None:
        start = time.perf_counter()
        encoded = status_list.encode(row.bits)
        rows.append(
            {
                "measure": "status_list_sizes",
                "stage": stage,
                "learners": learners,
                "entries": row.length,
                "bits_set": int.from_bytes(bytes(row.bits), "big").bit_count(),
                "encoded_bytes": len(encoded),
                "encode_ms": round((time.perf_counter() - start) * 1000, 3),
                "bars": {"encoded_bytes_100k": 20_000, "encode_ms": 50},
            }
        )

    for stage in ("issued", "superseded", "reissued", "superseded_twice"):
        if stage in ("issued", "reissued"):
            generation = [status_list.take_index(row) for _ in range(learners)]
        else:
            status_list._apply(row.bits, generation, True)  # noqa: SLF001 - the receiver's own loop
        measure(stage)
    return rows


def _allocate_all(course_key: CourseKey) -> int:
    """A credential version (revision 1) for every certificate of the course, indices at random (bulk)."""
    from cert_manager_plugin.credentials import status_list
    from cert_manager_plugin.credentials.models import CredentialSlot, CredentialVersion
    from cert_manager_plugin.models import Certificate

    cert_ids = list(Certificate.objects.filter(course_key=course_key).values_list("pk", flat=True))
    lists = status_list.lock_lists(course_key)
    slots, versions = [], []
    for pk in cert_ids:
        slots.append(
            CredentialSlot(
                certificate_id=pk,
                course_key=course_key,
                suspension_index=status_list.take_index(lists[status_list.SUSPENSION]),
                salt=secrets.token_hex(16),
            )
        )
    CredentialSlot.objects.bulk_create(slots, batch_size=population.BATCH)
    slot_ids = dict(CredentialSlot.objects.filter(course_key=course_key).values_list("certificate_id", "pk"))
    for pk in cert_ids:
        index = status_list.take_index(lists[status_list.REVOCATION])
        versions.append(
            CredentialVersion(slot_id=slot_ids[pk], course_key=course_key, revision=1, revocation_index=index)
        )
    CredentialVersion.objects.bulk_create(versions, batch_size=population.BATCH)
    status_list.save_lists(lists.values(), bits_changed=True)
    return len(cert_ids)


def regenerate_with_status_flips(args) -> list[dict]:
    """A regenerate job (every grade moves: a new version each) with and without the status list receiver."""
    from cert_manager_plugin import api, engine
    from cert_manager_plugin.credentials import status_list
    from cert_manager_plugin.credentials.models import StatusList
    from cert_manager_plugin.models import GenerationJob

    n = 10_000 if args.quick else int(os.environ.get("BENCH_VC_LEARNERS", "100000"))
    seconds, in_receiver = {}, []

    def timed(*a, **kw) -> None:
        """The receiver, its time kept."""
        start = time.perf_counter()
        status_list.on_certificates_written(*a, **kw)
        in_receiver.append(time.perf_counter() - start)

    for flips in (False, True):
        course_key = _course(f"flip{int(flips)}")
        ids = population.users(n, f"vf{course_key.run}_")
        population.passing_records(course_key, ids)
        population.issued_certificates(course_key, ids, grade=lambda i: 0.5)
        _allocate_all(course_key)
        engine.certificates_written.disconnect(dispatch_uid="cert_manager_plugin.credentials.status_list")
        if flips:
            engine.certificates_written.connect(timed, dispatch_uid="bench.timed_status_list", weak=False)
        try:
            start = time.perf_counter()
            job = api.submit_job(course_key, "regenerate", statuses=["received"])
            seconds[flips] = time.perf_counter() - start
        finally:
            engine.certificates_written.disconnect(dispatch_uid="bench.timed_status_list")
            engine.certificates_written.connect(
                status_list.on_certificates_written, dispatch_uid="cert_manager_plugin.credentials.status_list"
            )
        job = GenerationJob.objects.get(pk=job.pk)
        assert job.state == "succeeded" and job.changed == n, (job.state, job.changed, job.error)
        revocation = StatusList.objects.get(course_key=course_key, purpose=status_list.REVOCATION)
        set_bits = int.from_bytes(bytes(revocation.bits), "big").bit_count()
        assert set_bits == (n if flips else 0), set_bits
    return [
        {
            "measure": "regenerate_with_status_flips",
            "learners": n,
            "seconds_without_flips": round(seconds[False], 3),
            "seconds_with_flips": round(seconds[True], 3),
            "overhead_percent": round((seconds[True] / seconds[False] - 1) * 100, 1),
            # the receiver's own time, measured around it: the overhead without the noise of two separate jobs
            "receiver_seconds": round(sum(in_receiver), 3),
            "receiver_calls": len(in_receiver),
            "receiver_share_percent": round(sum(in_receiver) / (seconds[True] - sum(in_receiver)) * 100, 1),
            "bars": {"overhead_percent_max": 10},
        }
    ]


MEASURES = [sign_credential, pdf_with_credential, encode_status_list, status_list_sizes, regenerate_with_status_flips]
