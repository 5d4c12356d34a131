"""Tunable settings, validated once. Pass a dict or a Settings; environment variables prefixed
``PLAN_EXTRACT_`` set the defaults (``PLAN_EXTRACT_TIMEOUT_S=300``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_TIMEOUT_S = 180.0
DEFAULT_MAX_FILE_MB = 200.0
DEFAULT_MAX_PAGES = 2000
DEFAULT_MAX_CELLS = 500_000  # spreadsheet cells (values or styles) in one workbook or CSV file
DEFAULT_MAX_MEMORY_MB = 3072.0
DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))
DEFAULT_MIN_ACTIONS = 2
DEFAULT_REC_MERGE_SIMILARITY = 90.0
DEFAULT_OWNER_SLIP_SIMILARITY = 85.0


def _env(name: str, default: Any) -> Any:
    raw = os.environ.get(f"PLAN_EXTRACT_{name}")
    if raw is None:
        return default
    return type(default)(raw) if default is not None else raw


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    timeout_s: float = Field(default_factory=lambda: _env("TIMEOUT_S", DEFAULT_TIMEOUT_S), gt=0)
    max_file_mb: float = Field(default_factory=lambda: _env("MAX_FILE_MB", DEFAULT_MAX_FILE_MB), gt=0)
    max_pages: int = Field(default_factory=lambda: _env("MAX_PAGES", DEFAULT_MAX_PAGES), gt=0)
    max_cells: int = Field(default_factory=lambda: _env("MAX_CELLS", DEFAULT_MAX_CELLS), gt=0)
    max_memory_mb: float = Field(default_factory=lambda: _env("MAX_MEMORY_MB", DEFAULT_MAX_MEMORY_MB), ge=0)
    isolate: bool = Field(default_factory=lambda: _env("ISOLATE", "1") not in ("0", "false", "no"))
    workers: int = Field(default_factory=lambda: _env("WORKERS", DEFAULT_WORKERS), ge=1, le=64)
    cache: bool = Field(default_factory=lambda: _env("CACHE", "1") not in ("0", "false", "no"))
    cache_dir: Path | None = Field(default_factory=lambda: _env("CACHE_DIR", None) and Path(_env("CACHE_DIR", "")))
    full: bool = False  # re-extract every file, ignoring cached results
    min_actions: int = Field(default=DEFAULT_MIN_ACTIONS, ge=1)
    rec_merge_similarity: float = Field(default=DEFAULT_REC_MERGE_SIMILARITY, ge=50, le=100)
    owner_slip_similarity: float = Field(default=DEFAULT_OWNER_SLIP_SIMILARITY, ge=50, le=100)
    config_dir: Path | None = Field(default_factory=lambda: _env("CONFIG_DIR", None) and Path(_env("CONFIG_DIR", "")))

    @classmethod
    def resolve(cls, value: "Settings | dict[str, Any] | None") -> "Settings":
        if value is None:
            return cls()
        if isinstance(value, Settings):
            return value
        return cls(**value)
