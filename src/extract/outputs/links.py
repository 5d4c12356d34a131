"""Links between the action rows of plans and the recommendations of inspection reports in the
same run, and the coverage they give (``links.parquet``, ``coverage.parquet``, the review page).

Computed at write time, across documents: :class:`LinkCollector` keeps what linking needs of each
document as the writers stream them (a report's recommendations; a plan's action codes and texts),
then joins them. An action (or a plan's own recommendation) is linked to a report's
recommendation when:

* ``code_column``: a code in its code column (``JAR-3``) is the recommendation's code, joined on
  family and number (``JAR-3a`` falls back to ``JAR-3`` when the report has no ``3a``);
* ``code_in_text``: the same code printed in its text (``… (HMIP-R3)``);
* ``text_match``: its text quotes the recommendation (rapidfuzz partial ratio of the normalised
  texts at least ``link_similarity`` of inspections.yaml), for a report in the same folder.

A plan is matched only with reports of its own setting: a distinctive word of the report's
setting (``Kent`` of ``Kent County Council``) is in the plan's title, its file path or its
action rows, so a folder holding several councils' papers does not cross-link them. A code matches
the report in the plan's own folder first, else any such report of the run; when several reports
fit, the action is linked to each and ``candidates`` says how many. Coverage has
one row per report recommendation (``answered`` or ``unanswered``) and one per action code of a
report family that matches no recommendation (``no_such_recommendation``).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape

import pyarrow as pa
from rapidfuzz import fuzz

from .records import SCHEMA_VERSION, ExtractedDocument

DEFAULT_LINK_SIMILARITY = 90.0
MIN_QUOTE_SHARE = 0.6  # a quote is at least this share of the recommendation's length
# Words of a setting's name that do not tell one council or provider from another.
_GENERIC = {"council", "county", "city", "borough", "district", "metropolitan", "unitary", "authority", "local",
            "area", "partnership", "children", "children's", "children’s", "childrens", "services", "service", "trust", "nhs",
            "foundation", "community", "health", "board", "safeguarding", "the", "of", "and", "for", "youth",
            "offending", "young", "people", "adult", "social", "care", "school", "academy", "college", "limited",
            "ltd", "hospital", "hospitals", "university", "royal", "general", "primary", "secondary", "infant",
            "junior", "provider", "london", "north", "south", "east", "west"}

S, LS, I, D, F = pa.string(), pa.list_(pa.string()), pa.int32(), pa.date32(), pa.float64()
LINK_SCHEMA = pa.schema([
    ("document_id", S), ("source_path", S), ("parent_kind", S), ("parent_ref", S),
    ("report_document_id", S), ("report_path", S), ("rec_id", S), ("code", S), ("family", S),
    ("method", S), ("score", F), ("evidence", S), ("candidates", I),
])
COVERAGE_SCHEMA = pa.schema([
    ("status", S), ("report_document_id", S), ("report_path", S), ("rec_id", S), ("code", S), ("family", S),
    ("group", S), ("due_date", D), ("text", S), ("n_links", I), ("answered_by", LS),
    ("document_id", S), ("source_path", S), ("parent_kind", S), ("parent_ref", S),
])


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


@dataclass
class _Rec:
    report: "_Report"
    rec_id: str
    code: str
    family: str
    label: str | None
    group: str | None
    due: dt.date | None
    text: str
    norm: str


@dataclass
class _Report:
    document_id: str
    path: str
    folder: str
    family: str
    inspectorate: str | None
    report_date: dt.date | None
    judgement: str | None
    place: frozenset[str] = frozenset()  # distinctive words of the setting's name
    recs: list[_Rec] = field(default_factory=list)


@dataclass
class _Citer:
    """An action, or a plan's own recommendation, that may answer a report's recommendation."""

    document_id: str
    path: str
    folder: str
    kind: str  # action | recommendation
    ref: str
    codes: list[tuple[str, str, str, str]]  # (code, family, raw, method)
    texts: list[str]  # normalised texts that may quote a recommendation
    words: frozenset[str] = frozenset()  # words of its document's title, path and rows

    def fits(self, report: _Report) -> bool:
        return not report.place or bool(report.place & self.words)


@dataclass
class LinkCollector:
    """What links need of a run, kept while its documents stream past; then the joins."""

    similarity: float = DEFAULT_LINK_SIMILARITY
    reports: list[_Report] = field(default_factory=list)
    citers: list[_Citer] = field(default_factory=list)
    _links: list[dict] | None = None

    @classmethod
    def from_config(cls) -> "LinkCollector":
        from ..config import load_config
        from ..settings import Settings

        return cls(similarity=load_config(Settings().config_dir).inspections.link_similarity)

    def add(self, doc: ExtractedDocument) -> None:
        d = doc.document
        folder = posixpath.dirname(d.source_path)
        if d.doc_type == "inspection_report":
            rep = _Report(d.document_id, d.source_path, folder, d.report_family or "", d.inspectorate, d.report_date,
                          d.judgement, frozenset(_words(d.setting or "")) - _GENERIC)
            for r in doc.recommendations:
                if r.source != "report" or not r.codes:
                    continue
                due = next((m.date_end for m in r.milestones if m.date_end is not None), None)
                rep.recs.append(_Rec(rep, r.rec_id, r.codes[0], rep.family, r.label, r.group, due, r.text, _norm(r.text)))
            self.reports.append(rep)
            return
        words = frozenset(_words(" ".join([d.title or "", d.source_path.replace("_", " ")]
                                          + [t for a in doc.actions for t in (a.title, a.theme or "", a.owners_raw)]
                                          + [r.text for r in doc.recommendations])))
        for a in doc.actions:
            column = " ".join(s.text for s in a.sources if s.field == "codes")
            codes = [(c.code, c.family, c.raw, "code_column" if c.raw and c.raw in column else "code_in_text")
                     for c in a.code_refs]
            # Where a plan quotes a report: its title, theme, code column, steps, or a column of its own
            # ("Recommendation | Action | …": the quote is kept as the row's notes).
            texts = [a.title, a.theme or ""] + [s.text for s in a.sources if s.field in ("codes", "title", "steps", "notes")]
            self.citers.append(_Citer(d.document_id, d.source_path, folder, "action", a.action_ref,
                                      list(dict.fromkeys(codes)), _texts(texts), words))
        for r in doc.recommendations:
            codes = [(c.code, c.family, c.raw, "code_in_text") for c in r.code_refs]
            self.citers.append(_Citer(d.document_id, d.source_path, folder, "recommendation", r.rec_id,
                                      list(dict.fromkeys(codes)), _texts([r.text]), words))

    # --- joins ---------------------------------------------------------------------------------

    def _reports_for(self, c: _Citer, family: str) -> list[_Report]:
        """Reports of a family and of the plan's setting: in the plan's folder, else anywhere in the run."""
        fits = [r for r in self.reports if r.family == family and c.fits(r)]
        here = [r for r in fits if r.folder == c.folder]
        return here or fits

    def links(self) -> list[dict]:
        if self._links is not None:
            return self._links
        out: list[dict] = []
        for c in self.citers:
            linked: set[tuple[str, str]] = set()
            for code, family, raw, method in c.codes:
                matches = self._by_code(c, code, family)
                for rec in matches:
                    if (rec.report.document_id, rec.rec_id) not in linked:
                        linked.add((rec.report.document_id, rec.rec_id))
                        out.append(_link(c, rec, method, 100.0, raw, len({m.report.document_id for m in matches})))
            for rec, score in self._by_text(c):
                if (rec.report.document_id, rec.rec_id) not in linked:
                    linked.add((rec.report.document_id, rec.rec_id))
                    out.append(_link(c, rec, "text_match", score, rec.text[:200], 1))
        self._links = out
        return out

    def _by_code(self, c: _Citer, code: str, family: str) -> list[_Rec]:
        reports = self._reports_for(c, family)
        for want in dict.fromkeys([code, re.sub(r"(?<=\d)[a-z]$", "", code)]):
            found = [rec for rep in reports for rec in rep.recs if rec.code == want]
            if found:
                return found
        return []

    def _by_text(self, c: _Citer) -> list[tuple[_Rec, float]]:
        out = []
        for rep in self.reports:
            if rep.folder != c.folder:
                continue
            for rec in rep.recs:
                best = 0.0
                for text in c.texts:
                    if len(text) < MIN_QUOTE_SHARE * len(rec.norm) or len(rec.norm) < 20:
                        continue
                    best = max(best, fuzz.partial_ratio(rec.norm, text) if len(text) >= len(rec.norm)
                               else fuzz.ratio(rec.norm, text))
                if best >= self.similarity:
                    out.append((rec, round(best, 1)))
        return out

    def coverage(self) -> list[dict]:
        links = self.links()
        by_rec: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for link in links:
            by_rec[(link["report_document_id"], link["rec_id"])].append(link)
        rows: list[dict] = []
        for rep in self.reports:
            for rec in rep.recs:
                mine = by_rec.get((rep.document_id, rec.rec_id), [])
                rows.append({
                    "status": "answered" if mine else "unanswered", "report_document_id": rep.document_id,
                    "report_path": rep.path, "rec_id": rec.rec_id, "code": rec.code, "family": rec.family,
                    "group": rec.group, "due_date": rec.due, "text": rec.text, "n_links": len(mine),
                    "answered_by": list(dict.fromkeys(f"{k['source_path']}#{k['parent_ref']}" for k in mine)),
                })
        for c in self.citers:
            for code, family, _raw, _method in c.codes:
                if self._reports_for(c, family) and not self._by_code(c, code, family):
                    rows.append({"status": "no_such_recommendation", "code": code, "family": family,
                                 "document_id": c.document_id, "source_path": c.path, "parent_kind": c.kind,
                                 "parent_ref": c.ref, "n_links": 0, "answered_by": []})
        return rows

    def tables(self) -> dict[str, pa.Table]:
        return {"links": _table("links", LINK_SCHEMA, self.links()),
                "coverage": _table("coverage", COVERAGE_SCHEMA, self.coverage())}

    def html(self) -> str:
        """Coverage per report, for the top of the review page (empty when the run has no report)."""
        if not self.reports:
            return ""
        cov = self.coverage()
        parts = ["<h2>Inspection recommendations: coverage</h2>"]
        for rep in self.reports:
            rows = [r for r in cov if r.get("report_document_id") == rep.document_id]
            answered = sum(r["status"] == "answered" for r in rows)
            when = rep.report_date.isoformat() if rep.report_date else "undated"
            parts.append(f"<h3>{escape(rep.path)}</h3><p class=meta>{escape(rep.inspectorate or '')} · {escape(when)}"
                         f"{' · ' + escape(rep.judgement[:80]) if rep.judgement else ''} · "
                         f"<b>{answered} of {len(rows)} recommendations answered</b></p>")
            body = "".join(
                "<tr>" + "".join(f"<td>{v}</td>" for v in (
                    escape(r["code"]), escape(r["group"] or ""), escape(r["due_date"].isoformat() if r["due_date"] else ""),
                    escape(r["text"][:300]), "<br>".join(escape(x) for x in r["answered_by"]),
                    f"<span class='st st-{'ok' if r['status'] == 'answered' else 'failed'}'>{escape(r['status'])}</span>",
                )) + "</tr>" for r in rows)
            parts.append("<table class='sortable coverage'><thead><tr><th>code</th><th>group</th><th>due</th>"
                         f"<th>recommendation</th><th>answered by</th><th>status</th></tr></thead><tbody>{body}</tbody></table>")
        stray = [r for r in cov if r["status"] == "no_such_recommendation"]
        if stray:
            body = "".join(f"<tr><td>{escape(r['source_path'])}</td><td>{escape(r['parent_ref'])}</td><td>{escape(r['code'])}</td></tr>"
                           for r in stray)
            parts.append("<h3>Codes that match no recommendation</h3><table class='sortable coverage'><thead><tr>"
                         f"<th>file</th><th>action</th><th>code</th></tr></thead><tbody>{body}</tbody></table>")
        return "".join(parts)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9][a-z0-9'’]*", text.lower())


def _texts(texts: list[str]) -> list[str]:
    out = []
    for t in texts:
        n = _norm(t or "")
        if n and n not in out:
            out.append(n)
    return out


def _link(c: _Citer, rec: _Rec, method: str, score: float, evidence: str, candidates: int) -> dict:
    return {"document_id": c.document_id, "source_path": c.path, "parent_kind": c.kind, "parent_ref": c.ref,
            "report_document_id": rec.report.document_id, "report_path": rec.report.path, "rec_id": rec.rec_id,
            "code": rec.code, "family": rec.family, "method": method, "score": score, "evidence": evidence,
            "candidates": candidates}


def _table(name: str, schema: pa.Schema, rows: list[dict]) -> pa.Table:
    cols = {f.name: [r.get(f.name) for r in rows] for f in schema}
    meta = {b"schema_version": SCHEMA_VERSION.encode(), b"dataset": name.encode()}
    return pa.Table.from_pydict(cols, schema=schema).replace_schema_metadata(meta)
