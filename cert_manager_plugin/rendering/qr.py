"""
A fast QR code encoder (ISO/IEC 18004, byte mode) for the verify URL printed on every certificate.

The ``qrcode`` library and ReportLab's own encoder take 3-18 ms a code (they score all eight masks
and run Reed-Solomon through generic polynomial objects): more than the whole 2 ms budget of one
certificate page. A code is an affine function of its data codewords (Reed-Solomon, interleaving,
placement and masking are all linear over GF(2)), so this module precomputes, once per (version,
error-correction level, mask), the all-zero matrix and each data codeword's contribution per nibble
value; one code then costs two table lookups and XORs per codeword (about 0.04 ms), and its PDF
operators come from lazily filled per-byte tables (about 0.1 ms).

The mask is fixed (any of the eight is a valid QR code; the default, 2, gives vertical stripes of the
data area and scans well). The block structure comes from ``qrcode.base.rs_blocks`` (the standard's
table); ``tests/test_rendering_qr.py`` checks every version against the ``qrcode`` library module for
module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from qrcode.base import rs_blocks

#: Error-correction levels: our name -> (``qrcode`` constant, the 2-bit format code of the standard).
EC_LEVELS: dict[str, tuple[int, int]] = {"L": (1, 1), "M": (0, 0), "Q": (3, 3), "H": (2, 2)}
DEFAULT_EC = "M"
DEFAULT_MASK = 2

_MASKS = (
    lambda r, c: (r + c) % 2 == 0,
    lambda r, c: r % 2 == 0,
    lambda r, c: c % 3 == 0,
    lambda r, c: (r + c) % 3 == 0,
    lambda r, c: (r // 2 + c // 3) % 2 == 0,
    lambda r, c: (r * c) % 2 + (r * c) % 3 == 0,
    lambda r, c: ((r * c) % 2 + (r * c) % 3) % 2 == 0,
    lambda r, c: ((r + c) % 2 + (r * c) % 3) % 2 == 0,
)

# GF(256) with the QR polynomial 0x11D: antilog table doubled so EXP[a + b] needs no modulo.
_EXP = [0] * 512
_LOG = [0] * 256
_x = 1
for _i in range(255):
    _EXP[_i] = _x
    _LOG[_x] = _i
    _x <<= 1
    if _x & 0x100:
        _x ^= 0x11D
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]
_BITS8 = [format(b, "08b") for b in range(256)]
_RUNS = re.compile("1+")


class DataTooLong(ValueError):
    """The text does not fit in a version-40 code at this error-correction level."""


@lru_cache(maxsize=64)
def _generator_logs(degree: int) -> tuple[int, ...]:
    """Logs of the Reed-Solomon generator polynomial's coefficients (leading 1 dropped), highest first."""
    coeffs = [1]
    for i in range(degree):  # multiply by (x - a^i)
        nxt = [0] * (len(coeffs) + 1)
        for j, c in enumerate(coeffs):
            nxt[j] ^= c
            if c:
                nxt[j + 1] ^= _EXP[_LOG[c] + i]
        coeffs = nxt
    tail = coeffs[1:]
    if not all(tail):  # never happens for QR degrees; keeps the fast path honest
        raise AssertionError("zero coefficient in RS generator")
    return tuple(_LOG[c] for c in tail)


def _rs_remainder(data: bytes | list[int], degree: int) -> list[int]:
    """The ``degree`` error-correction bytes of one block."""
    glog = _generator_logs(degree)
    rem = [0] * degree
    exp = _EXP
    for byte in data:
        factor = byte ^ rem[0]
        rem = rem[1:]
        rem.append(0)
        if factor:
            lf = _LOG[factor]
            rem = [r ^ exp[lf + g] for r, g in zip(rem, glog, strict=True)]
    return rem


@dataclass(frozen=True)
class _Layout:
    """Everything about a code that does not depend on the data."""

    version: int
    size: int
    base: tuple[str, ...]  # size*size '0'/'1': function patterns, format and version bits; data modules '0'
    order: tuple[int, ...]  # flat indices of the data modules, in placement order
    mask_bits: int  # the mask over ``order``, as an integer of len(order) bits (first module = high bit)
    blocks: tuple[tuple[int, int], ...]  # (total, data) codewords per block
    data_codewords: int


def _alignment_positions(version: int) -> list[int]:
    if version == 1:
        return []
    count = version // 7 + 2
    size = 17 + 4 * version
    step = (version * 8 + count * 3 + 5) // (count * 4 - 4) * 2
    return sorted([6] + [size - 7 - i * step for i in range(count - 1)])


#: A matrix being built: None for a data module not placed yet, else 1 (dark) or 0 (light).
_Grid = list[list[int | None]]


def _put(grid: _Grid, r: int, c: int, dark: bool) -> None:
    """Set one function-pattern module."""
    grid[r][c] = 1 if dark else 0


def _place_timing_and_finders(grid: _Grid, size: int) -> None:
    """The timing patterns (row and column 6), then the three finder patterns with their separators."""
    for i in range(size):
        _put(grid, 6, i, i % 2 == 0)
        _put(grid, i, 6, i % 2 == 0)
    for cr, cc in ((3, 3), (3, size - 4), (size - 4, 3)):
        for dr in range(-4, 5):
            for dc in range(-4, 5):
                r, c = cr + dr, cc + dc
                if 0 <= r < size and 0 <= c < size:
                    _put(grid, r, c, max(abs(dr), abs(dc)) not in (2, 4))


def _place_alignments(grid: _Grid, version: int) -> None:
    """The alignment patterns: every pair of positions except the three corners that hold finders."""
    positions = _alignment_positions(version)
    last = len(positions) - 1
    for i, ar in enumerate(positions):
        for j, ac in enumerate(positions):
            if (i, j) in ((0, 0), (0, last), (last, 0)):
                continue
            for dr in range(-2, 3):
                for dc in range(-2, 3):
                    _put(grid, ar + dr, ac + dc, max(abs(dr), abs(dc)) != 1)


def _format_bits(ec: str, mask: int) -> int:
    """The 15 format bits: EC level and mask, BCH(15,5), XOR 0x5412."""
    fmt = (EC_LEVELS[ec][1] << 3) | mask
    rem = fmt
    for _ in range(10):
        rem = (rem << 1) ^ ((rem >> 9) * 0x537)
    return ((fmt << 10) | rem) ^ 0x5412


def _place_format(grid: _Grid, size: int, bits: int) -> None:
    """Both copies of the format bits (around the top-left finder, and split by the other two), the dark module."""

    def bit(n: int) -> bool:
        return (bits >> n) & 1 == 1

    for i in range(6):
        _put(grid, i, 8, bit(i))
    _put(grid, 7, 8, bit(6))
    _put(grid, 8, 8, bit(7))
    _put(grid, 8, 7, bit(8))
    for i in range(9, 15):
        _put(grid, 8, 14 - i, bit(i))
    for i in range(8):
        _put(grid, 8, size - 1 - i, bit(i))
    for i in range(8, 15):
        _put(grid, size - 15 + i, 8, bit(i))
    _put(grid, size - 8, 8, True)  # the dark module


def _place_version(grid: _Grid, size: int, version: int) -> None:
    """Versions 7 and up: both copies of the 18 version bits, BCH(18,6)."""
    if version < 7:
        return
    rem = version
    for _ in range(12):
        rem = (rem << 1) ^ ((rem >> 11) * 0x1F25)
    vbits = (version << 12) | rem
    for i in range(18):
        dark = (vbits >> i) & 1 == 1
        a, b = size - 11 + i % 3, i // 3
        _put(grid, b, a, dark)
        _put(grid, a, b, dark)


def _data_order(grid: _Grid, size: int) -> list[int]:
    """
    The flat indices of the data modules (those no pattern took) in placement order.

    Two-module columns from the right, upwards and downwards in turn, skipping the vertical timing column.
    """
    order: list[int] = []
    for right in range(size - 1, 0, -2):
        if right <= 6:
            right -= 1
        upward = ((right + 1) & 2) == 0
        for vert in range(size):
            r = size - 1 - vert if upward else vert
            for c in (right, right - 1):
                if grid[r][c] is None:
                    order.append(r * size + c)
    return order


@lru_cache(maxsize=32)
def _layout(version: int, ec: str, mask: int) -> _Layout:
    """Everything about a code of this version, level and mask that does not depend on its data."""
    size = 17 + 4 * version
    grid: _Grid = [[None] * size for _ in range(size)]
    _place_timing_and_finders(grid, size)
    _place_alignments(grid, version)
    _place_format(grid, size, _format_bits(ec, mask))
    _place_version(grid, size, version)
    order = _data_order(grid, size)
    mask_fn = _MASKS[mask]
    mask_str = "".join("1" if mask_fn(p // size, p % size) else "0" for p in order)
    base = tuple("1" if v == 1 else "0" for row in grid for v in row)
    blocks = tuple((b.total_count, b.data_count) for b in rs_blocks(version, EC_LEVELS[ec][0]))
    return _Layout(
        version=version,
        size=size,
        base=base,
        order=tuple(order),
        mask_bits=int(mask_str, 2),
        blocks=blocks,
        data_codewords=sum(d for _, d in blocks),
    )


@lru_cache(maxsize=8)
def _capacities(ec: str) -> tuple[int, ...]:
    """Data codewords of versions 1..40 at ``ec`` (index 0 unused)."""
    return (0, *(sum(b.data_count for b in rs_blocks(v, EC_LEVELS[ec][0])) for v in range(1, 41)))


def choose_version(length: int, ec: str = DEFAULT_EC) -> int:
    """The smallest version holding ``length`` bytes in byte mode."""
    caps = _capacities(ec)
    for version in range(1, 41):
        count_bits = 8 if version < 10 else 16
        if 4 + count_bits + 8 * length <= caps[version] * 8:
            return version
    raise DataTooLong(f"{length} bytes do not fit in a QR code at level {ec}.")


def _data_codewords(data: bytes, version: int, capacity: int) -> bytes:
    """Mode indicator, character count, data, terminator, bit and byte padding, in stream order."""
    n = len(data)
    count_bits = 8 if version < 10 else 16
    nbits = 4 + count_bits + 8 * n
    value = (((0b0100 << count_bits) | n) << (8 * n)) | int.from_bytes(data, "big")
    pad = min(4, capacity * 8 - nbits)
    extra = -(nbits + pad) % 8
    value <<= pad + extra
    nbytes = (nbits + pad + extra) // 8
    filler = bytes((0xEC, 0x11)) * ((capacity - nbytes) // 2 + 1)
    return value.to_bytes(nbytes, "big") + filler[: capacity - nbytes]


def _interleave(layout: _Layout, stream: bytes) -> list[int]:
    """Reed-Solomon per block, then data and ECC codewords interleaved across blocks (the reference path)."""
    data_blocks: list[bytes] = []
    ecc_blocks: list[list[int]] = []
    k = 0
    for total, count in layout.blocks:
        chunk = stream[k : k + count]
        k += count
        data_blocks.append(chunk)
        ecc_blocks.append(_rs_remainder(chunk, total - count))
    out: list[int] = []
    for i in range(max(len(b) for b in data_blocks)):
        out.extend(b[i] for b in data_blocks if i < len(b))
    for i in range(len(ecc_blocks[0])):
        out.extend(b[i] for b in ecc_blocks)
    return out


def _stride(size: int) -> int:
    """Row width in bits of the matrix integer: rows padded to whole bytes."""
    return (size + 7) // 8 * 8


class QrMatrix:
    """
    A QR code without quiet zone.

    ``value`` holds the modules as one integer, row after row, each row padded to ``stride`` bits (whole bytes),
    first module in the highest bit; 1 = dark.
    """

    __slots__ = ("size", "stride", "value", "version")

    def __init__(self, size: int, version: int, value: int):
        self.size = size
        self.version = version
        self.stride = _stride(size)
        self.value = value

    @property
    def rows(self) -> tuple[str, ...]:
        """Each row as a string of '0'/'1'."""
        flat = format(self.value, f"0{self.size * self.stride}b")
        return tuple(flat[i : i + self.size] for i in range(0, self.size * self.stride, self.stride))

    def dark_runs(self) -> list[tuple[int, int, int]]:
        """(row, first column, length) of every horizontal run of dark modules."""
        return [(r, m.start(), m.end() - m.start()) for r, row in enumerate(self.rows) for m in _RUNS.finditer(row)]

    def pdf_operators(self, x: float, y: float, width: float) -> str:
        """
        PDF content-stream operators drawing the code with its lower-left corner at (x, y), ``width`` wide.

        One ``cm`` scales to module units, then every 8-module piece of every row is looked up in a table
        of ready-made ``re`` operators (filled lazily; at most 256 entries per piece) and the whole path
        is filled once: no per-module work and no number formatting per page.
        """
        return self.pdf_operator_bytes(x, y, width).decode("ascii")

    def pdf_operator_bytes(self, x: float, y: float, width: float) -> bytes:
        """``pdf_operators`` as bytes (what a content stream is made of)."""
        scale = width / self.size
        pieces = _pieces(self.size)
        raw = self.value.to_bytes(self.size * self.stride // 8, "big")
        size = self.size
        per_row = self.stride // 8
        ops = [pieces[i][byte] or _fill_piece(pieces, size, per_row, i, byte) for i, byte in enumerate(raw) if byte]
        head = b"q 0 g %.4f 0 0 %.4f %.2f %.2f cm\n" % (scale, scale, x, y)
        return head + b"\n".join(ops) + b"\nf Q"

    def svg(self, *, quiet: int = 4, title: str = "") -> str:
        """A standalone SVG (one path; scales to any size with crisp edges)."""
        full = self.size + 2 * quiet
        path = "".join(f"M{c + quiet} {r + quiet}h{n}v1h-{n}z" for r, c, n in self.dark_runs())
        label = f"<title>{_xml_escape(title)}</title>" if title else ""
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {full} {full}" shape-rendering="crispEdges" '
            f'role="img">{label}<rect width="{full}" height="{full}" fill="#fff"/>'
            f'<path fill="#000" d="{path}"/></svg>'
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, QrMatrix) and (self.size, self.value) == (other.size, other.value)

    def __hash__(self) -> int:
        return hash((self.size, self.value))

    def __repr__(self) -> str:
        return f"QrMatrix(version={self.version}, size={self.size})"


@lru_cache(maxsize=8)
def _pieces(size: int) -> tuple[list[bytes | None], ...]:
    """One lazily filled 256-entry operator table per byte of the matrix (row r, columns 8j..8j+7)."""
    return tuple([None] * 256 for _ in range(size * _stride(size) // 8))


def _fill_piece(pieces: tuple[list[bytes | None], ...], size: int, per_row: int, index: int, byte: int) -> bytes:
    """``re`` operators (module units, origin bottom-left) for the dark runs of one 8-module piece; cached."""
    row, col = divmod(index, per_row)
    yy = size - 1 - row
    ops = " ".join(f"{col * 8 + m.start()} {yy} {m.end() - m.start()} 1 re" for m in _RUNS.finditer(_BITS8[byte]))
    pieces[index][byte] = ops.encode()
    return pieces[index][byte]


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@lru_cache(maxsize=16)
def _tables(version: int, ec: str, mask: int) -> tuple[int, tuple[int, ...], tuple[tuple[tuple[int, ...], ...], ...]]:
    """
    The precomputed encoding tables of one (version, level, mask).

    The code is an affine function of its data codewords (Reed-Solomon, interleaving, placement and the
    mask are all linear over GF(2)), so precompute it once per (version, level, mask): the matrix for
    all-zero data (function patterns, format and version bits, the mask over the data area) and, for each
    data codeword, the matrix change caused by each value of its high and of its low nibble. Encoding is
    then two table lookups and XORs per data codeword.

    Returns (zero-data matrix, data-stream index of each table, tables as (high[16], low[16]) pairs).
    """
    layout = _layout(version, ec, mask)
    size = layout.size
    stride = _stride(size)
    top = size * stride - 1
    bit_at = [1 << (top - (p // size * stride + p % size)) for p in layout.order]
    data_at, ecc_at = _stream_positions(layout.blocks)

    stream_index: list[int] = []
    tables: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    first = 0
    for b, (total, count) in enumerate(layout.blocks):
        responses = _ecc_responses(total - count, count)
        ecc_indices = [ecc_at[(b, e)] for e in range(total - count)]
        for i in range(count):
            unit = _codeword_unit(bit_at, data_at[(b, i)], ecc_indices, responses[i])
            stream_index.append(first + i)
            tables.append(_nibble_tables(unit))
        first += count
    return _zero_matrix(layout, bit_at, top, stride), tuple(stream_index), tuple(tables)


def _stream_positions(
    blocks: tuple[tuple[int, int], ...],
) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]]:
    """Where each (block, data index) and each (block, ecc index) codeword lands in the interleaved stream."""
    data_at: dict[tuple[int, int], int] = {}
    ecc_at: dict[tuple[int, int], int] = {}
    k = 0
    for i in range(max(d for _, d in blocks)):
        for b, (_, count) in enumerate(blocks):
            if i < count:
                data_at[(b, i)] = k
                k += 1
    for i in range(blocks[0][0] - blocks[0][1]):
        for b in range(len(blocks)):
            ecc_at[(b, i)] = k
            k += 1
    return data_at, ecc_at


def _placed(bit_at: list[int], stream_index: int, byte: int) -> int:
    """The matrix bits of codeword ``byte`` at ``stream_index`` of the stream (remainder modules dropped)."""
    out = 0
    first = stream_index * 8
    for bit in range(8):
        if byte & (0x80 >> bit) and first + bit < len(bit_at):
            out |= bit_at[first + bit]
    return out


def _zero_matrix(layout: _Layout, bit_at: list[int], top: int, stride: int) -> int:
    """The code of all-zero data: the function patterns, format and version bits, and the mask over the data."""
    size = layout.size
    zero = 0
    for p, ch in enumerate(layout.base):
        if ch == "1":
            zero |= 1 << (top - (p // size * stride + p % size))
    order_length = len(layout.order)
    for t in range(order_length):
        if (layout.mask_bits >> (order_length - 1 - t)) & 1:
            zero ^= bit_at[t]
    return zero


def _ecc_responses(degree: int, count: int) -> list[list[int]]:
    """
    For each data index ``i`` of a block, the ECC codewords of a block holding 1 at ``i`` and 0 elsewhere.

    Built from the last of the ``count`` data indices backwards, each step feeding one more zero byte through
    the division.
    """
    glog = _generator_logs(degree)
    response = [_EXP[g] for g in glog]
    responses = [response]
    for _ in range(count - 1):
        factor = response[0]
        response = [*response[1:], 0]
        if factor:
            lf = _LOG[factor]
            response = [r ^ _EXP[lf + g] for r, g in zip(response, glog, strict=True)]
        responses.append(response)
    responses.reverse()
    return responses


def _codeword_unit(bit_at: list[int], data_index: int, ecc_indices: list[int], response: list[int]) -> list[int]:
    """
    The matrix change caused by each single bit of one data codeword, high bit first.

    That is the bit itself, and the ECC codewords it changes (``response`` times the bit's value, in GF(256)) at
    ``ecc_indices``.
    """
    unit: list[int] = []
    for bit in range(8):
        value = 0x80 >> bit
        delta = _placed(bit_at, data_index, value)
        lv = _LOG[value]
        for e, one in enumerate(response):
            if one:
                delta ^= _placed(bit_at, ecc_indices[e], _EXP[lv + _LOG[one]])
        unit.append(delta)
    return unit


def _nibble_tables(unit: list[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """From the eight single-bit changes of a codeword: the change of each value of its high and low nibble."""
    high = [0] * 16
    low = [0] * 16
    for v in range(1, 16):
        lowest = v & -v
        n = lowest.bit_length() - 1
        high[v] = high[v ^ lowest] ^ unit[3 - n]
        low[v] = low[v ^ lowest] ^ unit[7 - n]
    return tuple(high), tuple(low)


def _check(text: str | bytes, ec: str, mask: int, version: int | None) -> tuple[bytes, int]:
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    if ec not in EC_LEVELS:
        raise ValueError(f"error-correction level must be one of {', '.join(EC_LEVELS)}")
    if not 0 <= mask < 8:
        raise ValueError("mask must be 0..7")
    needed = choose_version(len(data), ec)
    version = version or needed
    if version < needed:
        raise DataTooLong(f"{len(data)} bytes need version {needed} or higher at level {ec}.")
    return data, version


def encode(
    text: str | bytes, *, ec: str = DEFAULT_EC, mask: int = DEFAULT_MASK, version: int | None = None
) -> QrMatrix:
    """Encode ``text`` (UTF-8) in byte mode at the smallest version that holds it (or ``version``)."""
    data, version = _check(text, ec, mask, version)
    matrix, indices, tables = _tables(version, ec, mask)
    codewords = _data_codewords(data, version, _capacities(ec)[version])
    for i, (high, low) in zip(indices, tables, strict=True):
        byte = codewords[i]
        if byte:
            matrix ^= high[byte >> 4] ^ low[byte & 15]
    return QrMatrix(17 + 4 * version, version, matrix)


def encode_reference(
    text: str | bytes, *, ec: str = DEFAULT_EC, mask: int = DEFAULT_MASK, version: int | None = None
) -> QrMatrix:
    """The direct encoder, step by step as the standard reads (slower, no tables): tests compare both."""
    data, version = _check(text, ec, mask, version)
    layout = _layout(version, ec, mask)
    bits = "".join([_BITS8[c] for c in _interleave(layout, _data_codewords(data, version, layout.data_codewords))])
    n = len(layout.order)
    bits = bits[:n].ljust(n, "0")  # remainder bits are 0 before masking
    masked = format(int(bits, 2) ^ layout.mask_bits, f"0{n}b")
    cells = list(layout.base)
    for pos, ch in zip(layout.order, masked, strict=True):
        cells[pos] = ch
    size = layout.size
    pad = "0" * (_stride(size) - size)
    flat = "".join("".join(cells[r * size : (r + 1) * size]) + pad for r in range(size))
    return QrMatrix(size, version, int(flat, 2))
