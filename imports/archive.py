"""Unpacking uploaded zip archives without trusting them.

A zip from outside can be a bomb (a few KB that inflate to GBs) or carry entries
named ``../../etc/x`` (zip-slip) meant to land outside the extraction folder.
Both are refused before a single byte is written.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

from imports.errors import ImportRefused

# A shapefile compresses maybe 5-10x; 200x is only reached by crafted data.
MAX_RATIO = 200


def _max_unpacked() -> int:
    return getattr(settings, "ARDH_IMPORT_MAX_UNPACKED_BYTES", 2 * 1024**3)


def _safe_name(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    return not p.is_absolute() and ".." not in p.parts and ":" not in p.parts[0] if p.parts else False


def extract_zip(path: Path, dest: Path) -> list[Path]:
    """Check every entry of ``path``, then extract the files into ``dest``; return the extracted paths."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ImportRefused(_("The file is not a valid zip archive."), code="bad_zip") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        for info in infos:
            if not _safe_name(info.filename):
                raise ImportRefused(
                    _("The archive entry %(name)s points outside the archive (zip-slip); refused.")
                    % {"name": info.filename},
                    code="zip_slip",
                )
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
        if total > _max_unpacked() or (total > 10 * 1024**2 and total / packed > MAX_RATIO):
            raise ImportRefused(
                _("The archive would unpack to %(mb).0f MB (%(ratio).0f times its size); refused as a zip bomb.")
                % {"mb": total / 1024**2, "ratio": total / packed},
                code="zip_bomb",
            )
        out = []
        budget = _max_unpacked()
        for info in infos:
            target = dest / PurePosixPath(info.filename.replace("\\", "/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            # Count real bytes too: a header can lie about the uncompressed size.
            with zf.open(info) as src, open(target, "wb") as dst:
                while chunk := src.read(1024 * 1024):
                    budget -= len(chunk)
                    if budget < 0:
                        raise ImportRefused(_("The archive unpacks to more than allowed; refused."), code="zip_bomb")
                    dst.write(chunk)
            out.append(target)
        return out
