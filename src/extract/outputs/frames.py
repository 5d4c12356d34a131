"""The datasets of an output folder as typed pandas DataFrames: :func:`open_datasets`.

>>> ds = open_datasets("outputs")
>>> ds.actions.groupby("status", observed=True).size()

Every ``*.parquet`` of the folder becomes a DataFrame named after its file, typed the same way
(the table is in CONTRACT.md, "pandas"):

- dates (Parquet ``date32``) are ``datetime64[ms]`` (``NaT`` where unknown), timestamps
  ``datetime64[us, UTC]``;
- list columns hold Python lists of strings (``[]`` when empty), not arrays;
- integers are pandas' nullable ``Int32``/``Int64`` (``<NA>`` where unknown), text is ``str``;
- ``status``, ``doc_type``, ``precision`` and ``change`` are categoricals whose categories are
  every value the contract allows, in its order (so counts show zeros, and RAG sorts red first).

The folder's ``schema_version`` is checked first: datasets written under another contract raise
one :class:`~extract.errors.SchemaMismatch` saying what to do, rather than a KeyError later.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import SchemaMismatch, UsageError
from .changes import KINDS
from .records import SCHEMA_VERSION

RAG = ["red", "amber", "green", "blue"]
CATEGORIES: dict[tuple[str, str], list[str]] = {
    ("documents", "status"): ["ok", "partial", "failed", "skipped"],
    ("documents", "doc_type"): ["action_plan", "recommendation_matrix", "mixed", "other"],
    ("actions", "status"): RAG,
    ("recommendations", "status"): RAG,
    ("milestones", "precision"): ["day", "month", "season", "quarter", "term", "year", "financial_year", "range",
                                  "ongoing", "unknown"],
    ("changes", "change"): list(KINDS),
}
_INTS = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype()}


def pandas_dtype(dataset: str, field: pa.Field) -> str:
    """The documented pandas dtype of one column, by its Parquet type (and name, for categoricals)."""
    t = field.type
    if (dataset, field.name) in CATEGORIES:
        return "category"
    if pa.types.is_date(t):
        return "datetime64[ms]"
    if pa.types.is_timestamp(t):
        return f"datetime64[{t.unit}, {t.tz}]" if t.tz else f"datetime64[{t.unit}]"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return "object"
    if t in _INTS:
        return str(_INTS[t])
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "str"
    return np.dtype(t.to_pandas_dtype()).name  # float64, bool


def to_frame(dataset: str, table: pa.Table) -> pd.DataFrame:
    """One dataset's Arrow table as a typed DataFrame (see the module docs)."""
    df = table.to_pandas(date_as_object=False, types_mapper=_INTS.get)
    for f in table.schema:
        if pa.types.is_list(f.type) or pa.types.is_large_list(f.type):
            df[f.name] = pd.Series([[] if v is None else list(v) for v in df[f.name]], index=df.index, dtype=object)
        categories = CATEGORIES.get((dataset, f.name))
        if categories is not None:
            df[f.name] = pd.Categorical(df[f.name].astype(object).where(df[f.name].notna(), None),
                                        categories=categories)
    return df


def to_table(dataset: str, df: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """A DataFrame from :func:`to_frame` back to Arrow with the dataset's schema (to write it again)."""
    return pa.Table.from_pandas(df, schema=schema, preserve_index=False).replace_schema_metadata(schema.metadata)


class Datasets(Mapping[str, pd.DataFrame]):
    """The DataFrames of one output folder, by dataset name: ``ds.actions`` or ``ds["actions"]``."""

    def __init__(self, folder: Path, frames: dict[str, pd.DataFrame], schema_version: str) -> None:
        self.folder = folder
        self.frames = frames
        self.schema_version = schema_version

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def __getattr__(self, name: str) -> pd.DataFrame:
        frames = self.__dict__.get("frames", {})
        if name in frames:
            return frames[name]
        raise AttributeError(f"no dataset {name!r} in {self.__dict__.get('folder')}: have {', '.join(frames)}")

    def __iter__(self) -> Iterator[str]:
        return iter(self.frames)

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v)}" for k, v in self.frames.items())
        return f"Datasets({str(self.folder)!r}, schema {self.schema_version}: {sizes})"


def _version(path: Path) -> str | None:
    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(b"schema_version")
    return raw.decode() if raw else None


def readable(version: str | None, reader: str = SCHEMA_VERSION) -> bool:
    """Datasets of ``version`` can be read by code for ``reader``: same major version, and no
    older minor one (a newer minor version only adds columns)."""
    if not version:
        return False
    try:
        have = [int(x) for x in version.split(".")[:2]]
        want = [int(x) for x in reader.split(".")[:2]]
    except ValueError:
        return False
    return have[0] == want[0] and have[1] >= want[1]


def open_datasets(out: str | Path) -> Datasets:
    """Every dataset of the output folder ``out`` as a typed pandas DataFrame.

    Raises :class:`~extract.errors.SchemaMismatch` when the folder was written under a schema
    version this plan-extract cannot read, and :class:`~extract.errors.UsageError` when it holds
    no datasets.

    Example: ``open_datasets("outputs").actions.explode("owners").owners.value_counts()``
    """
    folder = Path(out)
    paths = sorted(folder.glob("*.parquet"))
    if not (folder / "documents.parquet").exists():
        raise UsageError(f"no documents.parquet in {folder}: give the --out folder of a plan-extract run")
    versions = {p.stem: _version(p) for p in paths}
    # Every dataset a run writes carries its version; a file without one (written by another
    # tool beside them) is read as it is, but documents.parquet must say.
    wrong = {name: v for name, v in versions.items() if (v is not None or name == "documents") and not readable(v)}
    if wrong:
        found = sorted({v or "none" for v in wrong.values()})
        raise SchemaMismatch(
            f"{folder} holds datasets of schema_version {', '.join(found)} ({', '.join(sorted(wrong))}); this plan-extract "
            f"reads {SCHEMA_VERSION}. Run `plan-extract run INPUT_DIR --out {folder}` with this version to rewrite them "
            "(unchanged files come from the cache), or read them with the plan-extract that wrote them "
            "(runs.parquet: extractor_version)")
    frames: dict[str, pd.DataFrame] = {}
    for path in paths:
        frames[path.stem] = to_frame(path.stem, pq.read_table(path))
    return Datasets(folder, frames, versions["documents"] or SCHEMA_VERSION)

