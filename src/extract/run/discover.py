"""Find the input files of a folder: recursively, in a stable order, without leaving it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Editors and sync tools leave these while a file is being written; they are not documents.
TEMP_SUFFIXES = (".part", ".crdownload", ".tmp", ".swp", ".partial", ".download")


@dataclass(frozen=True)
class Found:
    path: Path
    skip_reason: str | None = None  # set when the file is listed but must not be read


def is_temporary(name: str) -> bool:
    return name.startswith(".") or name.lower().endswith(TEMP_SUFFIXES)


def discover(root: Path, exclude: Path | None = None) -> list[Found]:
    """Every file under ``root`` that a run accounts for, sorted by relative path.

    Hidden and temporary files are ignored. Word lock files (``~$…``) are listed as skipped.
    A symlink is followed only when it points inside ``root``; one that leads outside is
    listed as skipped, so a dropped link can never make a run read elsewhere. ``exclude`` (the
    output folder, when it sits inside the input folder) is never read back as input.
    """
    root = root.resolve()
    skip_dir = exclude.resolve() if exclude is not None else None
    found: list[Found] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(
            d for d in dirnames
            if not d.startswith(".") and not d.startswith("__") and (Path(dirpath) / d).resolve() != skip_dir
        )
        for name in sorted(filenames):
            if is_temporary(name):
                continue
            path = Path(dirpath) / name
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(root):
                    found.append(Found(path, "symlink to a file outside the input folder: not followed; copy the file in instead"))
                    continue
                if not target.exists():
                    found.append(Found(path, "broken symlink: the file it points to does not exist"))
                    continue
            if name.startswith("~$"):
                found.append(Found(path, "Word lock file (~$…): not a document; ignore it"))
                continue
            found.append(Found(path))
    return sorted(found, key=lambda f: f.path.relative_to(root).as_posix())
