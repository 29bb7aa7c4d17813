"""
The credential a certificate PDF carries (``rendering.pdf.attach_credential``), read back out for the check page.

The PDF comes from anyone: its size is capped by the caller, pypdf parses it under tighter limits than its own
(streams, arrays, dictionaries, xref entries), only the catalog's associated files (``/AF``) and its
``/EmbeddedFiles`` name tree are walked (a bounded number of nodes, each once: a loop ends), and the credential's
stream is inflated here with a ceiling, so a small stream that inflates to gigabytes stops at ``max_bytes``.
Every failure is an ``UnreadablePdf`` with a message a person can act on.
"""

from __future__ import annotations

import io
import logging
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pypdf.generic import DictionaryObject, PdfObject, StreamObject

from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

#: Where a PDF's header may start (ISO 32000-2 7.5.2 allows it within the first 1,024 bytes).
HEADER_WINDOW = 1024
#: Nodes of the embedded files' name tree and associated files read at most (a certificate PDF has one file).
MAX_NODES = 64
#: The names and media types of a carried credential (the first match wins; ``credential.json`` first).
CREDENTIAL_NAMES = ("credential.json",)
CREDENTIAL_TYPES = ("application/vc", "application/vc+ld+json", "application/ld+json", "application/json")
#: pypdf's limits for a PDF from anyone (its defaults allow 75 MB per stream).
PYPDF_LIMITS: dict[str, int] = {
    "maximum_declared_stream_length": 8_000_000,
    "zlib_maximum_output_length": 16_000_000,
    "lzw_maximum_output_length": 16_000_000,
    "run_length_maximum_output_length": 16_000_000,
    "stream_decoding_work_maximum_length": 32_000_000,
    "array_maximum_element_count": 10_000,
    "dictionary_maximum_element_count": 10_000,
}


class UnreadablePdf(ValueError):
    """The PDF (or the credential inside it) cannot be read; ``str()`` says why, in the active language."""


def is_pdf(head: bytes) -> bool:
    """Whether ``head`` (the first bytes of a file) is a PDF's beginning."""
    return b"%PDF-" in head[:HEADER_WINDOW]


def credential_text(data: bytes, *, max_bytes: int) -> str | None:
    """
    The JSON text of the credential ``data`` (a PDF) carries; None when it carries none.

    ``UnreadablePdf`` for a file that is not a PDF, a broken or encrypted PDF, a credential over ``max_bytes``
    (once inflated), compressed in a way other than Flate, or not UTF-8.
    """
    if not is_pdf(data):
        raise UnreadablePdf(_("This file is not a PDF."))
    from pypdf import PdfReader, apply_configuration

    try:
        with apply_configuration(**PYPDF_LIMITS):
            reader = PdfReader(io.BytesIO(data), root_object_recovery_limit=1_000, xref_stream_maximum_entries=100_000)
            if reader.is_encrypted:
                raise UnreadablePdf(_("This PDF is encrypted: its credential cannot be read."))
            stream = _credential_stream(reader.trailer["/Root"].get_object())
            if stream is None:
                return None
            filters, encoded = _get(stream, "/Filter"), stream._data  # noqa: SLF001 - the stored bytes, inflated here
    except UnreadablePdf:
        raise
    except Exception as exc:  # hostile input: pypdf raises many kinds on broken files
        log.info("An uploaded PDF could not be read: %r", exc)
        raise UnreadablePdf(_("This PDF is damaged or not a PDF this page can read.")) from exc
    return _decoded(filters, encoded, max_bytes)


def _decoded(filters: PdfObject | None, encoded: bytes, max_bytes: int) -> str:
    """The carried file's text: inflated (Flate or none), at most ``max_bytes``, UTF-8."""
    names = [str(f) for f in (filters if isinstance(filters, list) else [filters] if filters else [])]
    if names not in ([], ["/FlateDecode"]):
        raise UnreadablePdf(_("The credential in this PDF is stored in a way this page cannot read."))
    if names:
        inflater = zlib.decompressobj()
        try:
            encoded = inflater.decompress(encoded, max_bytes + 1)
        except zlib.error as exc:
            raise UnreadablePdf(_("The credential in this PDF is damaged.")) from exc
    if len(encoded) > max_bytes:
        raise UnreadablePdf(
            _("The credential in this PDF is too large: the limit is %(size)s KB.") % {"size": max_bytes // 1024}
        )
    try:
        return encoded.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadablePdf(_("The credential in this PDF is not a text (UTF-8) file.")) from exc


def _credential_stream(catalog: DictionaryObject) -> StreamObject | None:
    """
    The embedded file stream of the credential among the PDF's carried files, or None.

    The best match wins: a file named ``credential.json``, else one whose media type is a credential's, else
    any ``.json`` / ``.jsonld`` file.
    """
    best, best_rank = None, 3
    for name, spec in _file_specs(catalog):
        files = _get(spec, "/EF")
        stream = (_get(files, "/UF") or _get(files, "/F")) if files is not None else None
        if stream is None:
            continue
        media = str(stream.get("/Subtype", ""))[1:].replace("#2F", "/").lower()
        rank = (
            0
            if name.lower() in CREDENTIAL_NAMES
            else 1
            if media in CREDENTIAL_TYPES
            else 2
            if name.lower().endswith((".json", ".jsonld"))
            else 3
        )
        if rank < best_rank:
            best, best_rank = stream, rank
    return best


def _get(dictionary: DictionaryObject, key: str) -> PdfObject | None:
    """``dictionary[key]`` resolved (an indirect object read), or None."""
    value = dictionary.get(key)
    return value.get_object() if value is not None else None


def _file_specs(catalog: DictionaryObject) -> Iterator[tuple[str, DictionaryObject]]:
    """(file name, file specification) of the catalog's associated files and embedded files, bounded, each once."""
    seen: set[int] = set()
    pending = list(_get(catalog, "/AF") or [])
    names_dict = _get(catalog, "/Names")
    tree = names_dict.get("/EmbeddedFiles") if names_dict is not None else None
    nodes = [tree] if tree is not None else []
    budget = MAX_NODES
    while (pending or nodes) and budget > 0:
        budget -= 1
        if nodes:
            node = nodes.pop()
            if _seen(node, seen):
                continue
            node = node.get_object()
            names = list(_get(node, "/Names") or [])
            pending.extend(names[1::2])
            nodes.extend(_get(node, "/Kids") or [])
            continue
        spec = pending.pop()
        if _seen(spec, seen):
            continue
        spec = spec.get_object()
        yield str(spec.get("/UF") or spec.get("/F") or ""), spec


def _seen(obj: PdfObject, seen: set[int]) -> bool:
    """Whether an indirect object was visited already (marks it visited); direct objects are never seen twice."""
    reference = getattr(obj, "indirect_reference", None) or obj
    number = getattr(reference, "idnum", None)
    if number is None:
        return False
    if number in seen:
        return True
    seen.add(number)
    return False
