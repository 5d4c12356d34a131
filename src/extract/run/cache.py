"""Results cache for incremental runs: one JSON file per (file content, path, extractor version).

A rerun over an unchanged folder reads every result from here and re-extracts nothing; a changed
file (new bytes) or a new extractor (code or configuration changed) misses and is redone. The key
includes the relative path because provenance names the file; a moved file is redone, cheaply.

Why not Prefect's task cache: its key would have to be built the same way, its results live in
Prefect's result storage (pickles under PREFECT_HOME, tied to one server profile), and the folder
watcher and the writers need the results without going through a task run. A content-addressed
folder of JSON is simple to inspect, safe to share between runs and output folders, and to delete.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..config import load_config
from ..outputs.records import SCHEMA_VERSION, ExtractedDocument
from ..settings import Settings

# Failures that depend on the moment, not the file: never cached, always retried.
TRANSIENT = ("timed out after", "ran out of memory", "the reader crashed", "cannot read the file")


def default_cache_dir() -> Path:
    env = os.environ.get("PLAN_EXTRACT_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "plan-extract" / "results"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the package's own source: a code change invalidates every cached result."""
    h = hashlib.sha256()
    package = Path(__file__).parent.parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
    return h.hexdigest()[:16]


def extractor_version(config_dir: Path | None = None) -> str:
    return f"{__version__}+{SCHEMA_VERSION}+{code_fingerprint()}+{load_config(config_dir).fingerprint}"


def content_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cache_key(path: Path, rel: str, version: str) -> str:
    return hashlib.sha256(f"{content_hash(path)}\0{rel}\0{version}".encode()).hexdigest()


class ResultCache:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or default_cache_dir()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def has(self, key: str) -> bool:
        return self._path(key).is_file()

    def get(self, key: str) -> ExtractedDocument | None:
        path = self._path(key)
        try:
            return ExtractedDocument.model_validate_json(path.read_bytes())
        except (OSError, ValueError):
            return None  # absent, or written by an older schema: extract again

    def put(self, key: str, result: ExtractedDocument) -> bool:
        error = result.document.error or ""
        if result.document.status == "failed" and error.startswith(TRANSIENT):
            return False
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(result.model_dump_json().encode())
            os.replace(tmp, path)
            return True
        except OSError:
            return False  # a cache that cannot be written only costs speed


def cache_keys(paths: list[Path], root: Path, version: str) -> dict[Path, str | None]:
    """Each file's cache key (None for a file that cannot be read)."""
    keys: dict[Path, str | None] = {}
    for path in paths:
        try:
            keys[path] = cache_key(path, path.relative_to(root).as_posix(), version)
        except OSError:
            keys[path] = None
    return keys


def pending(paths: list[Path], root: Path, settings: Settings) -> list[Path]:
    """The files a run will have to read: not in the results cache (by the keys the flow uses)."""
    if not settings.cache or settings.full:
        return list(paths)
    cache = ResultCache(settings.cache_dir)
    keys = cache_keys(paths, root, extractor_version(settings.config_dir))
    return [p for p in paths if keys.get(p) is None or not cache.has(keys[p])]
