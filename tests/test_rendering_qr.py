"""The table-driven QR encoder against the qrcode library, module for module."""

import random
import string

import pytest
import qrcode
from qrcode.util import MODE_8BIT_BYTE, QRData

from cert_manager_plugin.rendering import qr


def reference_rows(text: str, ec: str, mask: int, version: int) -> tuple[str, ...]:
    code = qrcode.QRCode(version=version, error_correction=qr.EC_LEVELS[ec][0], border=0, mask_pattern=mask)
    code.add_data(QRData(text.encode(), mode=MODE_8BIT_BYTE))
    code.make(fit=False)
    return tuple("".join("1" if m else "0" for m in row) for row in code.get_matrix())


def sample(rng: random.Random, ec: str, version: int) -> str:
    capacity = qr._capacities(ec)[version]
    length = max(1, min(capacity - 3, rng.randrange(1, capacity)))
    return "".join(rng.choice(string.ascii_letters + "/:.-") for _ in range(length))


@pytest.mark.parametrize("ec", ["L", "M", "Q", "H"])
def test_reference_encoder_matches_the_qrcode_library_at_every_version(ec):
    rng = random.Random(ec)
    for version in range(1, 41):
        text, mask = sample(rng, ec, version), rng.randrange(8)
        assert qr.encode_reference(text, ec=ec, mask=mask, version=version).rows == reference_rows(
            text, ec, mask, version
        ), (ec, version)


@pytest.mark.parametrize("ec", ["L", "M", "Q", "H"])
def test_table_encoder_matches_the_reference(ec):
    rng = random.Random(ec + "fast")
    for version in (*range(1, 11), 14, 22):  # the verify URL sizes, plus larger codes with version bits
        for mask in (qr.DEFAULT_MASK, rng.randrange(8)):
            text = sample(rng, ec, version)
            fast = qr.encode(text, ec=ec, mask=mask, version=version)
            assert fast == qr.encode_reference(text, ec=ec, mask=mask, version=version), (ec, version, mask)
            assert fast.rows == reference_rows(text, ec, mask, version)


def test_verify_url_uses_the_smallest_version_and_differs_per_certificate():
    a = qr.encode("https://lms.example.org/cert_manager/certificates/0f9e5c3a-3b7e-4a55-9a1e-2d7f4c5b8a91/")
    b = qr.encode("https://lms.example.org/cert_manager/certificates/1f9e5c3a-3b7e-4a55-9a1e-2d7f4c5b8a91/")
    assert a.version == qr.choose_version(86) == 6
    assert a.size == 41 and len(a.rows) == 41 and all(len(r) == 41 for r in a.rows)
    assert a != b


def test_too_long_and_bad_arguments_are_refused():
    with pytest.raises(qr.DataTooLong):
        qr.encode("x" * 3000)
    with pytest.raises(qr.DataTooLong):
        qr.encode("x" * 100, version=1)
    with pytest.raises(ValueError):
        qr.encode("x", ec="Z")
    with pytest.raises(ValueError):
        qr.encode("x", mask=8)


def test_pdf_operators_draw_exactly_the_dark_modules():
    code = qr.encode("https://example.org/x")
    ops = code.pdf_operators(10, 20, 90)
    drawn = set()
    for line in ops.split("\n")[1:-1]:
        parts = line.split()
        for i in range(0, len(parts), 5):
            x, y, w = int(parts[i]), int(parts[i + 1]), int(parts[i + 2])
            assert parts[i + 3 : i + 5] == ["1", "re"]
            drawn.update((code.size - 1 - y, x + k) for k in range(w))
    dark = {(r, c) for r, row in enumerate(code.rows) for c, ch in enumerate(row) if ch == "1"}
    assert drawn == dark
    assert ops.startswith("q 0 g") and ops.endswith("f Q")


def test_svg_has_one_path_with_every_dark_run():
    code = qr.encode("hello")
    svg = code.svg(title="a <b>")
    assert svg.count("<path") == 1 and "a &lt;b&gt;" in svg
    assert svg.count("h") >= len(code.dark_runs())
