"""
Bitstring Status List v1.0: per course, one list for ``suspension`` and one for ``revocation``.

``suspension`` (one index per certificate, shared by its credential versions): set while the certificate is not
valid for a reason that may pass (a grade below passing), cleared when it is downloadable again. ``revocation``
(one index per credential version): set when the certificate is invalidated or deleted, and when a newer version
of the credential is issued (the old one is superseded); never cleared. The bits flip set-based inside the
engine's batch (``on_certificates_written``, connected in ``apps.ready``): one read of the changed certificates'
issued versions, one of the course's lists, one write per list that changed, whatever the batch's size.

Encoding: the bitstring (index 0 is the most significant bit of byte 0), GZIP-compressed, base64url without
padding, with the multibase prefix ``u``. Each list is served as a signed ``BitstringStatusListCredential``.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import secrets
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from ..conf import cm_settings
from ..data import CertificateStatus
from ..links import base_url
from ..sql import column, table
from .contexts import VC_V2
from .keys import issuer_did, signing_key
from .models import CredentialSlot, CredentialVersion, StatusList
from .proof import sign, xsd_datetime

SUSPENSION, REVOCATION = "suspension", "revocation"
PURPOSES: tuple[str, ...] = (SUSPENSION, REVOCATION)
#: Statuses that revoke every version of a certificate's credential, for good.
REVOKING: frozenset[str] = frozenset({CertificateStatus.UNAVAILABLE.value, CertificateStatus.DELETED.value})
#: The one status a credential is valid in.
VALID = CertificateStatus.DOWNLOADABLE.value
STATUS_LIST_PATH = "/cert_manager/credentials/status/{course_key}/{purpose}"
#: GZIP level 6: level 9 took 90 ms on a sparse 262,144-entry list for 4 % fewer bytes (benchmarks/bench_credentials).
GZIP_LEVEL = 6
#: Random tries for an unused index before the allocation searches the block for one.
RANDOM_TRIES = 64


def encode(bits: bytes) -> str:
    """A bitstring as ``encodedList``: ``u`` + base64url (no padding) of its GZIP (no timestamp: stable)."""
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), compresslevel=GZIP_LEVEL, mtime=0)).decode(
        "ascii"
    ).rstrip("=")


def decode(encoded: str) -> bytes:
    """The bitstring of an ``encodedList`` (``ValueError`` when it is not ``u`` + base64url GZIP)."""
    if not encoded.startswith("u"):
        raise ValueError("not a base64url multibase value")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def get_bit(bits: bytes | bytearray, index: int) -> bool:
    """Bit ``index`` (MSB first)."""
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def set_bit(bits: bytearray, index: int, value: bool) -> bool:
    """Set bit ``index`` (MSB first) to ``value``; whether it changed."""
    mask = 0x80 >> (index % 8)
    before = bool(bits[index // 8] & mask)
    if value:
        bits[index // 8] |= mask
    else:
        bits[index // 8] &= ~mask & 0xFF
    return before != value


def status_list_url(course_key: CourseKey | str, purpose: str) -> str:
    """The public URL of a course's list for ``purpose`` (the list credential's ``id``)."""
    return base_url() + STATUS_LIST_PATH.format(course_key=course_key, purpose=purpose)


def status_entry(course_key: CourseKey | str, purpose: str, index: int) -> dict[str, Any]:
    """One ``BitstringStatusListEntry`` of a credential."""
    url = status_list_url(course_key, purpose)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def _new_list(course_key: CourseKey, purpose: str) -> StatusList:
    """An empty list of the configured length (not saved)."""
    length = cm_settings.VC_LIST_LENGTH
    empty = bytes(length // 8)
    return StatusList(course_key=course_key, purpose=purpose, length=length, bits=empty, allocated=empty)


def ensure_lists(course_key: CourseKey) -> None:
    """Create the course's missing lists (a read when both exist; concurrent creators insert each list once)."""
    if StatusList.objects.filter(course_key=course_key).count() < len(PURPOSES):
        StatusList.objects.bulk_create([_new_list(course_key, p) for p in PURPOSES], ignore_conflicts=True)


def lock_lists(course_key: CourseKey) -> dict[str, StatusList]:
    """The course's two lists, locked for this transaction, created when missing."""
    lists = {row.purpose: row for row in StatusList.objects.select_for_update().filter(course_key=course_key)}
    missing = [p for p in PURPOSES if p not in lists]
    if missing:
        StatusList.objects.bulk_create([_new_list(course_key, p) for p in missing], ignore_conflicts=True)
        lists = {row.purpose: row for row in StatusList.objects.select_for_update().filter(course_key=course_key)}
    for row in lists.values():
        row.bits, row.allocated = bytearray(row.bits), bytearray(row.allocated)
    return lists


def take_index(row: StatusList) -> int:
    """
    A random unused index in the list's last block (marked used in memory); a new block once that one is full.

    A block is ``VC_LIST_LENGTH`` entries (the list's first length). Filling one block before opening the next
    keeps a course's set bits together: a block whose credentials were all superseded is all ones and compresses
    to almost nothing, where indices spread over a doubled list would cost their full entropy (42 KB for 100k
    superseded credentials in 262,144 entries). Within its block an index is drawn at random, so it says nothing
    of the order credentials were issued in; the list a verifier downloads is the whole list, whatever the block.
    """
    block = min(cm_settings.VC_LIST_LENGTH, row.length)
    start = row.length - block
    for _ in range(RANDOM_TRIES):
        index = start + secrets.randbelow(block)
        if set_bit(row.allocated, index, True):
            return index
    index = _free_index(row.allocated, start, row.length)
    if index is None:  # the block is full: open the next one
        row.bits.extend(bytes(block // 8))
        row.allocated.extend(bytes(block // 8))
        row.length += block
        return take_index(row)
    set_bit(row.allocated, index, True)
    return index


_FREE_BYTE = re.compile(rb"[^\xff]")


def _free_index(allocated: bytearray, start: int, end: int) -> int | None:
    """
    An unused index in ``[start, end)`` when random draws keep hitting used ones (a nearly full block), or None.

    The first byte with a free bit from a random place on (wrapping round), searched in C; a random free bit of it.
    """
    first, last = start // 8, end // 8
    offset = first + secrets.randbelow(last - first)
    found = _FREE_BYTE.search(allocated, offset, last) or _FREE_BYTE.search(allocated, first, offset)
    if found is None:
        return None
    byte = found.start()
    free = [bit for bit in range(8) if not allocated[byte] & (0x80 >> bit)]
    return byte * 8 + secrets.choice(free)


def save_lists(rows: Iterable[StatusList], *, bits_changed: bool) -> None:
    """Write ``rows`` in one statement; a change of bits moves the version and drops the signed copy."""
    rows = list(rows)
    if not rows:
        return
    now = timezone.now()
    for row in rows:
        row.modified = now
        if bits_changed:
            row.version += 1
            row.signed = ""
        row.bits, row.allocated = bytes(row.bits), bytes(row.allocated)
    StatusList.objects.bulk_update(rows, ["length", "bits", "allocated", "version", "signed", "modified"])


class _Flips(NamedTuple):
    """The indices a batch sets or clears: suspension bits to set, to clear; revocation bits to set."""

    suspend: list[int]
    unsuspend: list[int]
    revoke: list[int]


def _flips(changes: Sequence[Any], versions: Sequence[tuple[int, int, int, int]]) -> _Flips:
    """The writes a batch's changes make on the lists, from their certificates' issued ``versions`` (no query)."""
    now = {c.certificate.pk: (c.certificate.status, c.certificate.revision) for c in changes}
    flips = _Flips([], [], [])
    suspend, unsuspend, revoke = flips
    for cert_id, suspension_index, revision, revocation_index in versions:
        status, current = now[cert_id]
        if status in REVOKING:
            revoke.append(revocation_index)
        elif status == VALID:
            unsuspend.append(suspension_index)  # once per version: setting a clear bit again costs nothing
            if revision != current:  # an older version: superseded
                revoke.append(revocation_index)
        else:
            suspend.append(suspension_index)
    return flips


def _apply(bits: bytearray, indices: list[int], value: bool) -> bool:
    """Set (or clear) ``indices`` in ``bits`` (MSB first); whether any bit changed. A tight loop: 100k a job."""
    before = bytes(bits)
    if value:
        for index in indices:
            bits[index >> 3] |= 0x80 >> (index & 7)
    else:
        for index in indices:
            bits[index >> 3] &= ~(0x80 >> (index & 7)) & 0xFF
    return bits != before


def _versions(certificate_ids: Sequence[int]) -> list[tuple[int, int, int, int]]:
    """
    The issued versions of ``certificate_ids``: (certificate, suspension index, revision, revocation index), one query.

    Hand-written (the tables' names and columns from ``_meta``): a 1,000-learner batch reads up to 1,000 rows, and
    the ORM's per-row work led the receiver's profile.
    """
    v, s = CredentialVersion, CredentialSlot
    cert, placeholders = column(s, "certificate_id"), ", ".join(["%s"] * len(certificate_ids))
    selected = (
        f"s.{cert}, s.{column(s, 'suspension_index')}, v.{column(v, 'revision')}, v.{column(v, 'revocation_index')}"
    )
    joined = f"{table(v)} v INNER JOIN {table(s)} s ON v.{column(v, 'slot_id')} = s.{column(s, 'id')}"
    sql = f"SELECT {selected} FROM {joined} WHERE s.{cert} IN ({placeholders})"  # noqa: S608 - names from _meta
    with connection.cursor() as cursor:
        cursor.execute(sql, [int(i) for i in certificate_ids])
        return cursor.fetchall()


def on_certificates_written(sender: object, course_key: CourseKey, changes: Sequence[Any], **kwargs: Any) -> None:
    """
    The engine's ``certificates_written`` receiver: flip the status bits of a batch's changes, in its transaction.

    At most four queries, whatever the batch's size: the changed certificates' issued versions (none: nothing
    to flip, one query in all), the course's lists (locked), one UPDATE per list whose bits changed. The
    certificates are locked by the batch, so no credential of theirs can be issued between the two reads.
    """
    ids = [c.certificate.pk for c in changes if c.certificate.pk is not None]
    versions = _versions(ids) if ids else []
    if not versions:
        return
    locked = StatusList.objects.select_for_update().filter(course_key=course_key).only("purpose", "bits", "version")
    lists = {row.purpose: row for row in locked}
    flips = _flips(changes, versions)
    changed: dict[str, StatusList] = {}
    for purpose, indices, value in (
        (SUSPENSION, flips.suspend, True),
        (SUSPENSION, flips.unsuspend, False),
        (REVOCATION, flips.revoke, True),
    ):
        row = lists.get(purpose)
        if row is None or not indices:
            continue
        row.bits = row.bits if isinstance(row.bits, bytearray) else bytearray(row.bits)
        if _apply(row.bits, indices, value):
            changed[purpose] = row
    now = timezone.now()
    for row in changed.values():  # one UPDATE per changed list, of its bits only (not its allocations)
        StatusList.objects.filter(pk=row.pk).update(
            bits=bytes(row.bits), version=row.version + 1, signed="", modified=now
        )


def list_credential(course_key: CourseKey, purpose: str) -> dict[str, Any]:
    """
    The signed ``BitstringStatusListCredential`` of a course's list (signed once per version of the bits).

    A course without lists gets an empty list (nothing was ever issued there). ``KeyError`` for another purpose.
    """
    if purpose not in PURPOSES:
        raise KeyError(purpose)
    row = StatusList.objects.filter(course_key=course_key, purpose=purpose).first()
    if row is not None and row.signed:
        return json.loads(row.signed)
    row = row or _new_list(course_key, purpose)
    url = status_list_url(course_key, purpose)
    unsigned = {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(),
        "validFrom": xsd_datetime(row.modified or timezone.now()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode(row.bits),
        },
    }
    signed = sign(unsigned, signing_key())
    if row.pk is not None:
        StatusList.objects.filter(pk=row.pk, version=row.version).update(signed=json.dumps(signed))
    return signed


def allocate(certificate_id: int, course_key: CourseKey, revision: int) -> CredentialVersion:
    """
    The credential version of a certificate's ``revision``: its indices, taken when it is first asked for.

    The caller holds the certificate's row locked (the engine's batches lock it before the lists: same order), in
    its transaction. The new version's bits start clear, the certificate's suspension bit is cleared (it is valid
    now) and the revocation bits of its older versions are set (superseded).
    """
    with transaction.atomic():
        existing = CredentialVersion.objects.filter(slot__certificate_id=certificate_id, revision=revision).first()
        if existing is not None:
            return existing
        lists = lock_lists(course_key)
        lengths = {purpose: row.length for purpose, row in lists.items()}
        slot = CredentialSlot.objects.filter(certificate_id=certificate_id).first()
        if slot is None:
            slot = CredentialSlot.objects.create(
                certificate_id=certificate_id,
                course_key=course_key,
                suspension_index=take_index(lists[SUSPENSION]),
                salt=secrets.token_hex(16),
            )
        version = CredentialVersion.objects.create(
            slot=slot, course_key=course_key, revision=revision, revocation_index=take_index(lists[REVOCATION])
        )
        changed = set_bit(lists[SUSPENSION].bits, slot.suspension_index, False)
        for index in slot.versions.exclude(pk=version.pk).values_list("revocation_index", flat=True):
            changed = set_bit(lists[REVOCATION].bits, index, True) or changed
        grew = any(row.length != lengths[purpose] for purpose, row in lists.items())
        save_lists(lists.values(), bits_changed=changed or grew)
    return version


def statuses(course_key: CourseKey, entries: Sequence[dict[str, Any]]) -> dict[str, bool]:
    """The bits our own lists hold for a credential's ``credentialStatus`` entries, by purpose."""
    rows = {row.purpose: row for row in StatusList.objects.filter(course_key=course_key)}
    out = {}
    for entry in entries:
        row = rows.get(entry.get("statusPurpose"))
        if row is not None:
            out[row.purpose] = get_bit(bytes(row.bits), int(entry.get("statusListIndex", 0)))
    return out
