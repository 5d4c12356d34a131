"""Refuse zip bombs before any part of an Office package (Word, Excel) is parsed."""

from __future__ import annotations

import zipfile

from ..errors import TooLarge

MAX_PART_BYTES = 200 * 1024 * 1024  # uncompressed size of any one part
MAX_RATIO = 200  # uncompressed / compressed: beyond this a part is a zip bomb, not a document


def check_parts(zf: zipfile.ZipFile, what: str) -> list[zipfile.ZipInfo]:
    """The package's entries, or :class:`TooLarge` naming the first part that unpacks too far.

    ``what`` names the package in the message (``Word package``, ``Excel workbook``).
    """
    infos = zf.infolist()
    for info in infos:
        if info.file_size > MAX_PART_BYTES or (
            info.compress_size and info.file_size > 1_000_000 and info.file_size / info.compress_size > MAX_RATIO
        ):
            raise TooLarge(
                f"{what} part {info.filename} unpacks to {info.file_size / 1e6:.0f} MB "
                f"from {info.compress_size / 1e6:.1f} MB (a zip bomb or a broken file): refused"
            )
    return infos
