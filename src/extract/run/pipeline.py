"""One file in, one :class:`ExtractedDocument` out: read → context → extract → normalise.

:func:`extract_file` never raises for a bad document: whatever goes wrong becomes the
document's ``status`` and one-line ``error``. Only a bug in the configuration
(:class:`ConfigError`) escapes, because it would fail every document alike.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import Counter
from pathlib import Path

from .. import readers
from ..config import Config, load_config
from ..errors import ConfigError, ExtractError
from ..extractors.action_records import build_action
from ..extractors.actions import read_action_drafts
from ..extractors.context import DocContext, build_context
from ..extractors.diagnose import why_no_actions
from ..extractors.inspection import extract_report_recommendations
from ..extractors.issuer import find_issuer
from ..extractors.recommendations import extract_recommendations
from ..extractors.report_info import ReportInfo, read_report_info
from ..model import Document
from ..normalise.owners import build_owner_index, see_reference
from ..outputs.records import (
    Action,
    DocumentRecord,
    ExtractedDocument,
    Owner,
    WarningRecord,
)
from ..settings import Settings

FORMATS = {"text": "text", "docx": "docx", "pdf": "pdf"}
_NOT_A_PLAN_RE = re.compile(
    r"^\s*(?:minutes|notes|agenda|record)\s+of\b|\bstatement of accounts\b|\bannual accounts\b|^\s*minutes\b",
    re.I,
)


def document_id(data: bytes) -> str:
    """Stable id from content: same bytes, same id, whatever the path."""
    return hashlib.sha256(data).hexdigest()[:16]


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def extract_document(doc: Document, config: Config, settings: Settings) -> tuple[list[Action], list, list[Owner], DocContext]:
    """Actions, recommendations and owners of a parsed document."""
    ctx = build_context(doc, config, settings)
    if ctx.title and _NOT_A_PLAN_RE.search(ctx.title):
        return [], [], [], ctx
    report = read_report_info(doc, config, ctx.full_text)
    if report is not None:  # an inspection report: its recommendation sections, nothing else
        ctx.report = report
        return [], extract_report_recommendations(ctx, report), [], ctx
    drafts = read_action_drafts(ctx)
    _drop_banding(ctx, drafts)
    built = [build_action(ctx, d) for d in drafts]
    actions = [a for a, _ in built]
    action_tables = {d.table for d in drafts}
    recs = extract_recommendations(ctx, action_tables)
    owners = _canonical_owners(ctx, actions, [p for _, p in built])
    return actions, recs, owners, ctx


def _drop_banding(ctx: DocContext, drafts: list) -> None:
    """Fills that every row shares are banding or theme shading, not a status."""
    for role in ("ref", "title"):
        fills = [f for d in drafts for f in d.fills.get(role, [])]
        statuses = {ctx.status.from_fill(f) for f in fills} - {None}
        if len(statuses) <= 1 and len(fills) >= 0.8 * max(len(drafts), 1):
            for d in drafts:
                d.fills.pop(role, None)


def _canonical_owners(ctx: DocContext, actions: list[Action], printed: list[list[str]]) -> list[Owner]:
    index = build_owner_index([n for names in printed for n in names], ctx.full_text, ctx.config,
                              ctx.settings.owner_slip_similarity)
    for w in index.warnings:
        ctx.warn("W501", w)
    by_ref = {a.action_ref: a for a in actions}
    for action, names in zip(actions, printed):
        action.owners = list(dict.fromkeys(index.resolve(n) for n in names))
    # "See 2.3" in the owner cell: that action's owners.
    for action in actions:
        if action.owners:
            continue
        ref = see_reference(action.owners_raw) if action.owners_raw else None
        if ref and ref in by_ref:
            action.owners = list(by_ref[ref].owners)
            ctx.warn("W502", f"action {action.action_ref}: owners taken from action {ref} ('{action.owners_raw}')")
    counts: Counter[str] = Counter(o for a in actions for o in a.owners)
    owners = []
    for name in dict.fromkeys(o for a in actions for o in a.owners):
        owners.append(Owner(owner=name, kind=index.kinds.get(name, "person"), aliases=index.aliases.get(name, []), actions=counts[name]))
    return owners


def _doc_type(actions: list, recs: list) -> str:
    if actions and recs:
        return "mixed"
    if actions:
        return "action_plan"
    if recs:
        return "recommendation_matrix"
    return "other"


def _report_fields(record: DocumentRecord, info: ReportInfo) -> None:
    record.doc_type = "inspection_report"
    record.inspectorate, record.report_family, record.setting = info.inspectorate, info.family, info.setting
    record.inspection_start, record.inspection_end = info.inspection_start, info.inspection_end
    record.published, record.report_date, record.judgement = info.published, info.report_date, info.judgement


def extract_file(path: Path, root: Path, settings: Settings | None = None, config: Config | None = None) -> ExtractedDocument:
    """Read and extract one file. Failures become the record's status and error."""
    settings = Settings.resolve(settings)
    config = config or load_config(settings.config_dir)
    started = time.perf_counter()
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    record = DocumentRecord(document_id="", file_name=path.name, source_path=rel, format=_guess_format(path))
    try:
        size = path.stat().st_size
        record.size_bytes = size
        record.document_id = file_digest(path)
        if size > settings.max_file_mb * 1024 * 1024:
            raise ExtractError(f"file is {size / 1e6:.0f} MB, over the {settings.max_file_mb:.0f} MB limit: split it or raise PLAN_EXTRACT_MAX_FILE_MB")
        doc = readers.read(path, rel)
    except ConfigError:
        raise
    except ExtractError as exc:
        record.status = exc.status  # type: ignore[assignment]
        record.error = exc.reason
        record.pages = getattr(exc, "pages", None)
        record.seconds = round(time.perf_counter() - started, 4)
        if not record.document_id:
            record.document_id = hashlib.sha256(rel.encode()).hexdigest()[:16]
        return ExtractedDocument(document=record)
    except OSError as exc:
        record.status = "failed"
        record.error = f"cannot read the file ({exc.strerror or exc.__class__.__name__}): check it exists and is readable"
        record.document_id = record.document_id or hashlib.sha256(rel.encode()).hexdigest()[:16]
        return ExtractedDocument(document=record)
    except Exception as exc:  # a parser bug must cost one document, not the run
        record.status = "failed"
        record.error = f"reader error ({exc.__class__.__name__}: {str(exc)[:120]}): please report this file"
        return ExtractedDocument(document=record)

    record.format = doc.format
    record.pages = doc.pages
    warnings = [WarningRecord(code=w.code, message=w.message, prov=w.prov) for w in doc.warnings]
    try:
        actions, recs, owners, ctx = extract_document(doc, config, settings)
    except ConfigError:
        raise
    except Exception as exc:
        record.status = "failed"
        record.error = f"extractor error ({exc.__class__.__name__}: {str(exc)[:120]}): please report this file"
        record.seconds = round(time.perf_counter() - started, 4)
        return ExtractedDocument(document=record, warnings=warnings)
    warnings += [WarningRecord(code=w.code, message=w.message) for w in ctx.warnings]
    record.title = ctx.title
    record.issuer = find_issuer(doc, ctx.title)
    if ctx.period:
        record.plan_start, record.plan_end = ctx.period
    record.doc_type = _doc_type(actions, recs)  # type: ignore[assignment]
    if isinstance(ctx.report, ReportInfo):
        _report_fields(record, ctx.report)
    record.n_actions = len(actions)
    record.n_recommendations = len(recs)
    record.n_warnings = len(warnings)
    record.status = "partial" if doc.warnings else "ok"
    if not actions and not recs and record.doc_type == "other":
        silent = why_no_actions(ctx)
        if silent:
            warnings.append(WarningRecord(code="W303", message=silent))
            record.n_warnings = len(warnings)
            record.status = "partial"
            record.error = f"W303: {silent}"
    record.seconds = round(time.perf_counter() - started, 4)
    return ExtractedDocument(document=record, actions=actions, recommendations=recs, owners=owners, warnings=warnings)


def failed_record(path: Path, root: Path, reason: str, *, seconds: float | None = None) -> ExtractedDocument:
    """A ``failed`` row for a file whose extraction could not finish (timeout, crash)."""
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    try:
        doc_id = file_digest(path)
    except OSError:
        doc_id = hashlib.sha256(rel.encode()).hexdigest()[:16]
    record = DocumentRecord(document_id=doc_id, file_name=path.name, source_path=rel, format=_guess_format(path),
                            status="failed", error=reason, seconds=round(seconds, 4) if seconds is not None else None)
    return ExtractedDocument(document=record)


_WARM_LOCK = threading.Lock()
_WARMED: set[str] = set()
# The parsers the readers import lazily, by the file suffixes that need them.
_PARSERS = {".pdf": ("pdfplumber.table", "pdfminer.pdfinterp"), ".docx": ("docx",), ".docm": ("docx",),
            ".dotx": ("docx",), ".doc": ("docx",), ".xlsx": ("openpyxl",), ".xlsm": ("openpyxl",)}


def warm_up(settings: Settings | None = None, paths: list[Path] | None = None) -> None:
    """Load configuration, the reader modules and the spaCy pipeline once per process (and
    configuration folder), before forking workers, so each child inherits them instead of
    building its own; and the parsers ``paths`` need (every parser when not given). Safe to call
    from several threads: the second waits for the first."""
    import importlib

    settings = Settings.resolve(settings)
    key = str(settings.config_dir)
    suffixes = {p.suffix.lower() for p in paths} if paths is not None else set(_PARSERS)
    with _WARM_LOCK:
        if key not in _WARMED:
            _warm_up(settings)
            _WARMED.add(key)
        for suffix in suffixes:
            for module in _PARSERS.get(suffix, ()):
                importlib.import_module(module)


def _warm_up(settings: Settings) -> None:
    from ..normalise.dates import find_dates
    from ..normalise.owners import owner_kind

    config = load_config(settings.config_dir)
    readers.readers()
    owner_kind("Warm Up", config)
    find_dates("1 April 2004")
    # One small plan through every stage: patterns compiled and caches filled on first use are
    # then the parent's, shared by every forked child instead of rebuilt (and lost) in each.
    import tempfile

    with tempfile.TemporaryDirectory(prefix="plan-extract-warm-") as tmp:
        path = Path(tmp) / "warm-up.md"
        path.write_text(_WARM_UP_PLAN, encoding="utf-8")
        extract_file(path, Path(tmp), settings, config)


_WARM_UP_PLAN = """# Warm-up Improvement Plan 2004-2005

Outcomes: 1. Safer streets 2. Healthier lives

Ref\tAction\tLead Officer\tTimescale\tSuccess Criteria\tStatus
<b>Theme 1: Housing</b>\t\t\t\t\t
1.1\tReview the allocations policy (LEAOF-5a/b)\tAnn Lee / Head of Housing\tMarch 2005\tPolicy agreed\tGreen
1.2\tPublish the tenants' charter\tBob Kay\tw/c 14 Jan 2005\tCharter published (CSCI)\tAmber

Recommendations

1. Strengthen the scrutiny of housing services (CSCI-2) (1, 2)
"""


def _guess_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("md", "txt", "html", "htm", "markdown", "text"):
        return "text"
    return suffix or "unknown"
