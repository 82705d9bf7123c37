"""Map label glyphs (SDF protobufs, 256 code points per file) rendered from a local TrueType font.

MapLibre draws labels from signed-distance-field glyph ranges fetched from the
style's ``glyphs`` URL. Public glyph servers are a CDN, which Ardh may not use, and no
npm package ships Arabic glyph ranges, so we render them here from DejaVu Sans
(Debian's fonts-dejavu-core; it covers Arabic including the presentation forms
U+FB50-FDFF and U+FE70-FEFF that the RTL text plugin shapes words into).
Each range is rendered once and kept on disk.

The format is the one MapLibre reads: ``glyphs { fontstack { name, range, glyph* } }``,
each glyph an SDF bitmap with a 3-pixel border at 24 px, with its metrics.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import ImageFont

SIZE = 24  # px: the size every GL renderer assumes for glyph PBFs
BORDER = 3
RADIUS = 8.0
CUTOFF = 0.25
FONTS = {
    "DejaVu Sans": "DejaVuSans.ttf",
    "DejaVu Sans Bold": "DejaVuSans-Bold.ttf",
}
RANGE = re.compile(r"^(\d{1,5})-(\d{1,5})$")


class GlyphError(ValueError):
    pass


# --- protobuf encoding (three message types; not worth a dependency)
def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field_varint(tag: int, n: int) -> bytes:
    return _varint(tag << 3) + _varint(n)


def _field_sint(tag: int, n: int) -> bytes:
    return _field_varint(tag, (n << 1) ^ (n >> 63))


def _field_bytes(tag: int, data: bytes) -> bytes:
    return _varint((tag << 3) | 2) + _varint(len(data)) + data


# --- rendering
def _sdf(mask: np.ndarray) -> np.ndarray:
    """Signed distance field of a glyph coverage mask (0..255), padded by BORDER, as MapLibre expects."""
    padded = np.pad(mask, BORDER)
    inside = padded >= 128
    h, w = padded.shape
    ys, xs = np.mgrid[0:h, 0:w]
    coords = np.stack([ys.ravel(), xs.ravel()], axis=1).astype(np.float32)

    def distance_to(points: np.ndarray) -> np.ndarray:
        if not len(points):
            return np.full(h * w, RADIUS * 2, dtype=np.float32)
        d = np.sqrt(((coords[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
        return d.min(axis=1)

    inner_pts = coords[inside.ravel()]
    outer_pts = coords[~inside.ravel()]
    signed = np.where(inside.ravel(), -distance_to(outer_pts), distance_to(inner_pts))
    values = np.clip(np.round(255 - 255 * (signed / RADIUS + CUTOFF)), 0, 255).astype(np.uint8)
    return values.reshape(h, w)


def _glyph(font: ImageFont.FreeTypeFont, code: int, ascent: int) -> bytes | None:
    char = chr(code)
    if code < 32 or 0xD800 <= code <= 0xDFFF:
        return None
    advance = round(font.getlength(char))
    mask, (left, offset_top) = font.getmask2(char, mode="L")
    width, height = mask.size
    msg = _field_varint(1, code)
    if width and height:
        bitmap = np.asarray(mask, dtype=np.uint8).reshape(height, width)
        msg += _field_bytes(2, _sdf(bitmap).tobytes())
    top = ascent - offset_top  # bitmap top above the baseline
    msg += _field_varint(3, width) + _field_varint(4, height)
    msg += _field_sint(5, left) + _field_sint(6, top) + _field_varint(7, advance)
    return msg


def font_dir() -> Path:
    return Path(settings.ARDH_GLYPH_FONT_DIR)


@lru_cache(maxsize=4)
def _font(name: str) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_dir() / FONTS[name]), SIZE, layout_engine=ImageFont.Layout.BASIC)


def render_range(fontstack: str, start: int) -> bytes:
    font = _font(fontstack)
    ascent, _descent = font.getmetrics()
    glyphs = b"".join(_field_bytes(3, g) for code in range(start, start + 256) if (g := _glyph(font, code, ascent)))
    stack = _field_bytes(1, fontstack.encode()) + _field_bytes(2, f"{start}-{start + 255}".encode()) + glyphs
    return _field_bytes(1, stack)


def glyph_range(fontstack: str, range_: str) -> bytes:
    """The PBF for ``<fontstack>/<start>-<end>.pbf``; a comma-separated stack uses its first known font."""
    names = [n.strip() for n in fontstack.split(",")]
    name = next((n for n in names if n in FONTS), None)
    if name is None:
        known = ", ".join(FONTS)
        message = _("Unknown font stack %(stack)r; fonts: %(fonts)s.")
        raise GlyphError(message % {"stack": fontstack[:80], "fonts": known})
    m = RANGE.match(range_)
    if not m or int(m[1]) % 256 or int(m[2]) != int(m[1]) + 255 or int(m[2]) > 0xFFFF:
        raise GlyphError(
            _("Bad glyph range %(range)r: expected N-(N+255), N a multiple of 256 below 65536.")
            % {"range": range_[:20]}
        )
    start = int(m[1])
    path = Path(settings.ARDH_TILE_CACHE_DIR) / "glyphs" / name / f"{start}.pbf"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = render_range(name, start)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return data
