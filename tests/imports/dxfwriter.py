"""A tiny DXF (R12 ASCII) writer for tests: closed polylines with bulges, TEXT labels, blocks and INSERTs."""

from __future__ import annotations

from pathlib import Path


def _pairs(*items) -> list[str]:
    return [str(v) for v in items]


def polyline(points, *, layer="PARCELS", bulges=None) -> list[str]:
    out = _pairs(0, "POLYLINE", 8, layer, 66, 1, 10, 0.0, 20, 0.0, 70, 1)
    for i, (x, y) in enumerate(points):
        out += _pairs(0, "VERTEX", 8, layer, 10, f"{x:.4f}", 20, f"{y:.4f}")
        if bulges and bulges.get(i):
            out += _pairs(42, bulges[i])
    return out + _pairs(0, "SEQEND", 8, layer)


def text(x, y, value, *, layer="NUMBERS") -> list[str]:
    return _pairs(0, "TEXT", 8, layer, 10, f"{x:.4f}", 20, f"{y:.4f}", 40, 1.5, 1, value)


def insert(name, x, y, *, layer="PARCELS") -> list[str]:
    return _pairs(0, "INSERT", 8, layer, 2, name, 10, f"{x:.4f}", 20, f"{y:.4f}")


def write(path: Path, entities: list[str], blocks: dict[str, list[str]] | None = None) -> Path:
    lines: list[str] = _pairs(0, "SECTION", 2, "HEADER", 9, "$ACADVER", 1, "AC1009", 0, "ENDSEC")
    if blocks:
        lines += _pairs(0, "SECTION", 2, "BLOCKS")
        for name, body in blocks.items():
            lines += _pairs(0, "BLOCK", 8, 0, 2, name, 70, 0, 10, 0.0, 20, 0.0, 3, name) + body + _pairs(0, "ENDBLK")
        lines += _pairs(0, "ENDSEC")
    lines += _pairs(0, "SECTION", 2, "ENTITIES") + entities + _pairs(0, "ENDSEC", 0, "EOF")
    path.write_text("\n".join(lines) + "\n")
    return path
