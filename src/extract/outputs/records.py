"""The records a run writes: one pydantic model per contract table, and the nested document.

``ExtractedDocument`` is what ``json/<document_id>.json`` holds and what
``schemas/document.schema.json`` is generated from (``plan-extract schema``). The Parquet
tables are flat projections of it (see :mod:`extract.writers`).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from ..model import Provenance

SCHEMA_VERSION = "1.2.0"  # 1.1.0: formats xlsx and csv; provenance sheet and cell; actions' printed_ref, partners, progress, layout. 1.2.0: inspection reports (doc_type inspection_report, report fields, recommendations' source/label/group/addressee, relative_to_report), links and coverage

DocType = Literal["action_plan", "recommendation_matrix", "mixed", "inspection_report", "other"]
Status = Literal["ok", "partial", "failed", "skipped"]
Precision = Literal[
    "day", "month", "season", "quarter", "term", "year", "financial_year", "range", "ongoing", "unknown",
    # A timescale the document defines itself ("Short-term – 2020"): dated from its own legend.
    "legend",
    # A relative timescale ("Short term", "1-2 years") that the document never dates: kept, undated.
    "relative",
    "relative_to_report",
]


class Source(BaseModel):
    """Where one field's value came from: its cells, and the text as printed there."""

    field: str
    text: str
    prov: list[Provenance] = Field(default_factory=list)


class Milestone(BaseModel):
    parent_kind: Literal["action", "recommendation"]
    parent_ref: str
    text: str
    date_raw: str
    date_start: dt.date | None = None
    date_end: dt.date | None = None
    precision: Precision = "unknown"
    year_inferred: bool = False
    prov: list[Provenance] = Field(default_factory=list)


class CodeRef(BaseModel):
    parent_kind: Literal["action", "recommendation"]
    parent_ref: str
    raw: str
    code: str
    family: str
    prov: list[Provenance] = Field(default_factory=list)


class Action(BaseModel):
    action_ref: str
    # The number as printed where it is not unique by itself (numbering that restarts in every
    # group): action_ref is then the printed path, e.g. "1.a/proposed-efforts/3".
    printed_ref: str | None = None
    # The same action across runs and re-issues of its plan; set when the datasets are written
    # (extract.outputs.identity), None in a result that has not been written yet.
    action_key: str | None = None
    # Set with action_key (extract.outputs.overdue): the last date its milestones can mean, and
    # whether its printed status (or a blue fill) says it is complete.
    due_date: dt.date | None = None
    complete: bool | None = None
    theme_ref: str | None = None
    theme: str | None = None
    title: str
    steps: list[str] = Field(default_factory=list)
    targets: list[str] = Field(default_factory=list)
    owners: list[str] = Field(default_factory=list)
    owners_raw: str = ""
    # Supporting / partner bodies (a "Partner Agency" or "Support:" column): not owners.
    partners: list[str] = Field(default_factory=list)
    # The text of a response, update, progress or comments column, one entry per paragraph.
    progress: list[str] = Field(default_factory=list)
    codes: list[str] = Field(default_factory=list)
    status: Literal["red", "amber", "green", "blue"] | None = None
    # Which layout family read it: "table", "record_block", "keyed_paragraphs".
    layout: str = "table"
    page_start: int | None = None
    page_end: int | None = None
    table_index: int | None = None
    row_start: int | None = None
    row_end: int | None = None
    milestones: list[Milestone] = Field(default_factory=list)
    code_refs: list[CodeRef] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)


class Recommendation(BaseModel):
    rec_id: str
    text: str
    codes: list[str] = Field(default_factory=list)
    sections: list[str] = Field(default_factory=list)
    outcomes: list[str] = Field(default_factory=list)
    status: Literal["red", "amber", "green", "blue"] | None = None
    milestones: list[Milestone] = Field(default_factory=list)
    code_refs: list[CodeRef] = Field(default_factory=list)
    variants: list[str] = Field(default_factory=list)  # other printings merged into this one
    sources: list[Source] = Field(default_factory=list)
    # Inspection reports (CONTRACT.md): where the recommendation was printed, its printed label
    # ("3", "R3"; a sequence label "M2" for unnumbered items), its timescale or priority group
    # ("Within three months", "Action the trust MUST take to improve") and the body it is addressed to.
    source: Literal["plan", "report"] = "plan"
    label: str | None = None
    group: str | None = None
    addressee: str | None = None


class Owner(BaseModel):
    owner: str
    kind: Literal["person", "group", "role"]
    aliases: list[str] = Field(default_factory=list)
    actions: int = 0


class WarningRecord(BaseModel):
    """A guess or repair made while extracting: data for review, not log noise."""

    code: str  # W… codes, catalogued in extract.errors_catalogue
    message: str
    prov: Provenance | None = None


class DocumentRecord(BaseModel):
    document_id: str
    file_name: str
    source_path: str
    format: str
    doc_type: DocType = "other"
    title: str | None = None
    pages: int | None = None
    status: Status = "ok"
    error: str | None = None
    schema_version: str = SCHEMA_VERSION
    plan_start: dt.date | None = None
    plan_end: dt.date | None = None
    size_bytes: int | None = None
    n_actions: int = 0
    n_recommendations: int = 0
    n_warnings: int = 0
    seconds: float | None = None
    issuer: str | None = None  # the issuing body as printed near the start (extract.extractors.issuer)
    # The same plan across runs and re-issues (renamed file, typo fixed in the title); set when
    # the datasets are written (extract.outputs.identity).
    document_key: str | None = None
    # Inspection reports only (doc_type inspection_report); None for every other document.
    inspectorate: str | None = None  # "Ofsted", "CQC", "HMI Probation" (inspections.yaml)
    report_family: str | None = None  # the code family of its recommendations: "OFSTED", "JAR"
    setting: str | None = None  # the setting inspected: "Kent County Council"
    inspection_start: dt.date | None = None
    inspection_end: dt.date | None = None
    published: dt.date | None = None
    report_date: dt.date | None = None  # what timescales count from: published, else inspection_end
    judgement: str | None = None  # overall judgement as printed: "Good", "Adequate"


class ExtractedDocument(BaseModel):
    """Everything plan-extract knows about one input file."""

    schema_name: Literal["plan-extract.document"] = "plan-extract.document"
    schema_version: str = SCHEMA_VERSION
    document: DocumentRecord
    actions: list[Action] = Field(default_factory=list)
    recommendations: list[Recommendation] = Field(default_factory=list)
    owners: list[Owner] = Field(default_factory=list)
    warnings: list[WarningRecord] = Field(default_factory=list)
