"""Editable configuration: code families, column synonyms, status words, outcome frameworks,
nicknames, owner patterns and inspection reports. Each lives in a data file under ``extract/data/``; a user points
``PLAN_EXTRACT_CONFIG_DIR`` (or ``Settings.config_dir``) at a folder holding files of the same
names to replace them. Every file is validated on load; a bad one raises :class:`ConfigError`
naming the file and the entry.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from .errors import ConfigError

DATA_DIR = Path(__file__).parent / "data"
FILES = (
    "code_families.yaml",
    "column_roles.yaml",
    "status_words.yaml",
    "outcome_frameworks.yaml",
    "nicknames.yaml",
    "owner_patterns.jsonl",
    "date_words.yaml",
    "action_words.yaml",
    "inspections.yaml",
)


class CodeFamily(BaseModel):
    family: str
    meaning: str = ""
    aliases: list[str] = Field(default_factory=list)


class CodeFamilies(BaseModel):
    families: list[CodeFamily]


class ColumnRoles(BaseModel):
    fuzzy_min: int = 86
    roles: dict[str, list[str]]
    other_tables: dict[str, list[str]] = Field(default_factory=dict)
    theme_labels: list[str] = Field(default_factory=list)
    total_rows: list[str] = Field(default_factory=list)

    def theme_words(self) -> tuple[str, ...]:
        """Every word that labels a theme: the theme column's header words and ``theme_labels``."""
        words = {w.lower() for w in [*self.roles.get("theme", []), *self.theme_labels] if re.fullmatch(r"[^\W\d_][\w' -]*", w)}
        return tuple(sorted(words, key=lambda w: (-len(w), w)))

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        known = {"ref", "theme", "action", "target", "date", "owner", "partner", "status", "progress", "horizon", "code", "notes"}
        unknown = set(v) - known
        if unknown:
            raise ValueError(f"unknown role(s) {sorted(unknown)}; roles are {sorted(known)}")
        return v


class StatusWords(BaseModel):
    status: dict[str, list[str]]
    colours: dict[str, str]
    colour_alt: dict[str, list[str]] = Field(default_factory=dict)
    max_distance: float = 95


class OutcomeFrameworks(BaseModel):
    min_present: int = 3
    frameworks: dict[str, list[list[str]]]


class Nicknames(BaseModel):
    nicknames: dict[str, list[str]]


class ActionWords(BaseModel):
    min_share: float = 0.35
    verbs: list[str]
    modals: list[str] = Field(default_factory=list)

    def reads_as_action(self, text: str) -> bool:
        """``Develop a …``, ``The Cabinet Office will …``: a verb first, or a modal anywhere."""
        words = re.findall(r"[^\W\d_][\w'’-]*", text.lower())
        if not words:
            return False
        if _verb_set(tuple(self.verbs)).__contains__(words[0]) or (len(words) > 1 and words[0] in ("to", "we") and words[1] in _verb_set(tuple(self.verbs))):
            return True
        low = " " + " ".join(words) + " "
        return any(f" {m} " in low for m in self.modals)


@lru_cache(maxsize=8)
def _verb_set(verbs: tuple[str, ...]) -> frozenset[str]:
    return frozenset(v.lower() for v in verbs)
class Inspectorate(BaseModel):
    name: str
    family: str
    spellings: list[str] = Field(default_factory=list)
    case_sensitive: list[str] = Field(default_factory=list)


class InspectionKind(BaseModel):
    family: str
    pattern: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        return _regex(v)


class ReportGroup(BaseModel):
    pattern: str
    offset: dict[str, int] | None = None  # {"months": 3} or {"days": 0}; None: no due date unless the pattern has n/unit
    prefix: str | None = None
    case_sensitive: bool = False

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        return _regex(v)


class Inspections(BaseModel):
    """``inspections.yaml``: inspectorates, report titles, cover labels, sections and groups."""

    inspectorates: list[Inspectorate]
    kinds: list[InspectionKind] = Field(default_factory=list)
    report_titles: list[str]
    not_report_titles: list[str] = Field(default_factory=list)
    inspection_date_labels: list[str]
    published_labels: list[str]
    setting_words: list[str] = Field(default_factory=list)
    setting_trailers: list[str] = Field(default_factory=list)
    grades: list[str] = Field(default_factory=list)
    overall_labels: list[str] = Field(default_factory=list)
    outcome_labels: list[str] = Field(default_factory=list)
    sections: list[str]
    groups: list[ReportGroup] = Field(default_factory=list)
    numbers: dict[str, int] = Field(default_factory=dict)
    lead_ins: list[str] = Field(default_factory=list)
    addressee: list[str] = Field(default_factory=list)
    addressee_headers: list[str] = Field(default_factory=list)
    text_headers: list[str] = Field(default_factory=list)
    body_words: list[str] = Field(default_factory=list)
    bullets: str = ""
    labels: list[str] = Field(default_factory=list)
    link_similarity: float = Field(default=90.0, ge=50, le=100)

    @field_validator("report_titles", "not_report_titles", "inspection_date_labels", "published_labels",
                     "setting_trailers", "lead_ins", "addressee", "labels")
    @classmethod
    def _patterns_compile(cls, v: list[str]) -> list[str]:
        return [_regex(p) for p in v]


def _regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"bad pattern {pattern!r}: {exc}") from exc
    return pattern


class Config(BaseModel):
    code_families: CodeFamilies
    column_roles: ColumnRoles
    status_words: StatusWords
    outcome_frameworks: OutcomeFrameworks
    nicknames: Nicknames
    owner_patterns: list[dict[str, Any]]
    action_words: ActionWords
    inspections: Inspections
    fingerprint: str  # hash of every file's bytes: part of the extractor version for caching


def yaml_load(text: str) -> Any:
    """``yaml.safe_load`` through libyaml's parser when PyYAML has it (the same data, many times
    faster: configuration is parsed by every command)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


def _path(name: str, override: Path | None) -> Path:
    if override is not None and (override / name).exists():
        return override / name
    return DATA_DIR / name


def _load_yaml(path: Path) -> Any:
    try:
        return yaml_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read configuration: {exc}".splitlines()[0], str(path)) from exc


def _validate(model: type[BaseModel], data: Any, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"invalid entry at {where}: {first['msg']}", str(path)) from exc


def _load_patterns(path: Path) -> list[dict[str, Any]]:
    patterns = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"line {n}: not valid JSON ({exc.msg})", str(path)) from exc
        if not isinstance(entry, dict) or "label" not in entry or "pattern" not in entry:
            raise ConfigError(f"line {n}: a pattern needs 'label' and 'pattern'", str(path))
        patterns.append(entry)
    return patterns


@lru_cache(maxsize=4)
def load_config(override: Path | None = None) -> Config:
    """Load and validate every configuration file once per process."""
    digest = hashlib.sha256()
    paths = {name: _path(name, override) for name in FILES}
    for name in FILES:
        if paths[name].exists():
            digest.update(name.encode() + paths[name].read_bytes())
    return Config(
        code_families=_validate(CodeFamilies, _load_yaml(paths["code_families.yaml"]), paths["code_families.yaml"]),
        column_roles=_validate(ColumnRoles, _load_yaml(paths["column_roles.yaml"]), paths["column_roles.yaml"]),
        status_words=_validate(StatusWords, _load_yaml(paths["status_words.yaml"]), paths["status_words.yaml"]),
        outcome_frameworks=_validate(
            OutcomeFrameworks, _load_yaml(paths["outcome_frameworks.yaml"]), paths["outcome_frameworks.yaml"]
        ),
        nicknames=_validate(Nicknames, _load_yaml(paths["nicknames.yaml"]), paths["nicknames.yaml"]),
        owner_patterns=_load_patterns(paths["owner_patterns.jsonl"]),
        action_words=_validate(ActionWords, _load_yaml(paths["action_words.yaml"]), paths["action_words.yaml"]),
        inspections=_validate(Inspections, _load_yaml(paths["inspections.yaml"]), paths["inspections.yaml"]),
        fingerprint=digest.hexdigest()[:16],
    )
