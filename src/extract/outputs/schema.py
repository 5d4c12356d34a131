"""The JSON Schema of ``json/<document_id>.json``, generated from the pydantic models."""

from __future__ import annotations

import json
from pathlib import Path

from .records import ExtractedDocument


def document_schema() -> dict:
    schema = ExtractedDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://plan-extract/schemas/document.schema.json"
    return schema


def schema_text() -> str:
    return json.dumps(document_schema(), indent=2, sort_keys=True) + "\n"


def write_schema(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema_text(), encoding="utf-8")
