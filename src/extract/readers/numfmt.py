"""Cell values printed as their number format shows them, as Excel would print them.

A date cell becomes the text its format prints (``31/03/2025`` for ``dd/mm/yyyy``, ``Mar-25`` for
``mmm-yy``), so spreadsheet dates go through the same date grammar as dates typed in a Word table;
a number keeps the decimals its format shows (``2.10`` for ``0.00``: a reference ``2.10`` is not
``2.1``). Excel's locale-dependent built-in formats (the short date, id 14) and the system long
date are configured in ``data/sheets.yaml``.

Only what plans use is covered: date and time codes, fixed decimals, thousands separators, percent,
literal text and currency; anything else prints as Excel's General format would.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

SETTINGS_FILE = Path(__file__).resolve().parents[1] / "data" / "sheets.yaml"


@dataclass(frozen=True)
class SheetSettings:
    locale_formats: dict[int, str]
    system_long_date: str
    system_time: str
    month_names: tuple[str, ...]
    day_names: tuple[str, ...]
    heading_font_size: float
    unnamed_sheets: tuple[str, ...]
    csv_encodings: tuple[str, ...]
    csv_delimiters: tuple[str, ...]
    csv_sample_bytes: int


@lru_cache(maxsize=1)
def sheet_settings() -> SheetSettings:
    data = yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))
    csv = data.get("csv", {})
    months = tuple(data["month_names"])
    days = tuple(data["day_names"])
    if len(months) != 12 or len(days) != 7:
        raise ValueError(f"{SETTINGS_FILE}: month_names needs 12 names and day_names 7")
    return SheetSettings(
        locale_formats={int(k): str(v) for k, v in (data.get("locale_formats") or {}).items()},
        system_long_date=str(data.get("system_long_date", "d mmmm yyyy")),
        system_time=str(data.get("system_time", "hh:mm:ss")),
        month_names=months,
        day_names=days,
        heading_font_size=float(data.get("heading_font_size", 13)),
        unnamed_sheets=tuple(data.get("unnamed_sheets", [])),
        csv_encodings=tuple(csv.get("encodings", ["utf-8", "cp1252", "latin-1"])),
        csv_delimiters=tuple(csv.get("delimiters", [",", ";", "\t", "|"])),
        csv_sample_bytes=int(csv.get("sample_bytes", 65536)),
    )


def format_value(value: Any, fmt: str | None, fmt_id: int | None = None, settings: SheetSettings | None = None) -> str:
    """``value`` as a cell with number format ``fmt`` (built-in id ``fmt_id``) prints it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    settings = settings or sheet_settings()
    if fmt_id is not None and fmt_id in settings.locale_formats:
        fmt = settings.locale_formats[fmt_id]
    fmt = fmt or "General"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return format_date(value, fmt, settings)
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, (int, float)):
        return format_number(float(value) if isinstance(value, float) else value, fmt)
    return str(value)


# --- dates --------------------------------------------------------------------------------------

_DATE_TOKEN_RE = re.compile(
    r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]|am/pm|a/p|yyyy|yyy|yy|y|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|\.0+|.',
    re.I,
)


def _sections(fmt: str) -> list[str]:
    """A format's sections (positive;negative;zero;text), ``;`` inside quotes kept."""
    out, cur, quoted, escaped = [], [], False, False
    for ch in fmt:
        if escaped:
            cur.append(ch)
            escaped = False
        elif ch == "\\":
            cur.append(ch)
            escaped = True
        elif ch == '"':
            quoted = not quoted
            cur.append(ch)
        elif ch == ";" and not quoted:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def format_date(value: dt.datetime | dt.date | dt.time, fmt: str, settings: SheetSettings) -> str:
    section = _sections(fmt)[0]
    upper = section.upper()
    if "[$-F800]" in upper:
        section = settings.system_long_date
    elif "[$-F400]" in upper:
        section = settings.system_time
    if section.strip().lower() in ("general", ""):
        section = "dd/mm/yyyy" if not isinstance(value, dt.time) else "hh:mm"
        if isinstance(value, dt.datetime) and value.time() != dt.time(0):
            section += " hh:mm"
    if isinstance(value, dt.datetime):
        d: dt.date | None = value.date()
        t: dt.time | None = value.time()
    elif isinstance(value, dt.date):
        d, t = value, dt.time(0)
    else:
        d, t = None, value
    tokens = _DATE_TOKEN_RE.findall(section)
    twelve = any(tok.lower() in ("am/pm", "a/p") for tok in tokens)
    out: list[str] = []
    last_code = ""
    for i, tok in enumerate(tokens):
        low = tok.lower()
        nxt = next((x.lower() for x in tokens[i + 1 :] if x[:1].isalpha() or x.startswith("[")), "")
        if tok.startswith('"'):
            out.append(tok[1:-1])
        elif tok.startswith("\\"):
            out.append(tok[1:])
        elif tok.startswith("_"):
            out.append(" ")
        elif tok.startswith("*") or tok.startswith("["):
            continue
        elif low[0] == "y" and d is not None:
            out.append(f"{d.year % 100:02d}" if len(low) <= 2 else f"{d.year:04d}")
            last_code = "y"
        elif low[0] == "m" and len(low) <= 2 and (last_code == "h" or nxt[:1] == "s") and t is not None:
            out.append(f"{t.minute:02d}" if len(low) == 2 else str(t.minute))
            last_code = "n"
        elif low[0] == "m" and d is not None:
            name = settings.month_names[d.month - 1]
            out.append({1: str(d.month), 2: f"{d.month:02d}", 3: name[:3], 4: name, 5: name[:1]}[min(len(low), 5)])
            last_code = "m"
        elif low[0] == "d" and d is not None:
            day = settings.day_names[d.weekday()]
            out.append({1: str(d.day), 2: f"{d.day:02d}", 3: day[:3], 4: day}[min(len(low), 4)])
            last_code = "d"
        elif low[0] == "h" and t is not None:
            hour = t.hour % 12 or 12 if twelve else t.hour
            out.append(f"{hour:02d}" if len(low) == 2 else str(hour))
            last_code = "h"
        elif low[0] == "s" and len(low) <= 2 and t is not None:
            out.append(f"{t.second:02d}" if len(low) == 2 else str(t.second))
            last_code = "s"
        elif low in ("am/pm", "a/p") and t is not None:
            pm = t.hour >= 12
            word = ("PM" if pm else "AM") if low == "am/pm" else ("P" if pm else "A")
            out.append(word if tok[0].isupper() else word.lower())
        elif low.startswith(".0") and t is not None:
            out.append("." + f"{t.microsecond:06d}"[: len(low) - 1])
        elif tok.isalpha() and len(tok) == 1 and low in "ymdhs":
            continue  # a code for a part the value does not have (a date-only value's hours)
        else:
            out.append(tok)
    return "".join(out).strip()


# --- numbers ------------------------------------------------------------------------------------

_BRACKET_RE = re.compile(r"\[([^\]]*)\]")
_PLACEHOLDER_RE = re.compile(r"[0#?][0#?,]*(?:\.[0#?]*)?|\.[0#?]+")


def format_general(value: int | float) -> str:
    """Excel's General format: integers in full, other numbers to ten significant digits."""
    if isinstance(value, int) or (value.is_integer() and abs(value) < 1e15):
        return str(int(value))
    text = f"{value:.10g}"
    return text


def _literal(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            end = text.find('"', i + 1)
            end = len(text) if end < 0 else end
            out.append(text[i + 1 : end])
            i = end + 1
            continue
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if ch == "_" and i + 1 < len(text):
            out.append(" ")
            i += 2
            continue
        if ch == "*" and i + 1 < len(text):
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def format_number(value: int | float, fmt: str) -> str:
    sections = _sections(fmt)
    section = sections[0]
    negative_section = False
    if value < 0 and len(sections) > 1 and sections[1].strip():
        section, negative_section = sections[1], True
    elif value == 0 and len(sections) > 2 and sections[2].strip():
        section = sections[2]
    # [Red], [Color10] and conditions are not printed; [$£-809] prints its currency symbol.
    section = _BRACKET_RE.sub(lambda m: m.group(1)[1:].split("-")[0] if m.group(1).startswith("$") else "", section)
    if section.strip().lower() in ("general", ""):
        return format_general(value)
    if section.strip() == "@":
        return format_general(value)
    # Find the digit placeholders outside quoted text.
    plain = re.sub(r'"[^"]*"|\\.', lambda m: "\x00" * len(m.group(0)), section)
    m = _PLACEHOLDER_RE.search(plain)
    if m is None or "e+" in plain.lower() or "/" in plain:
        return format_general(value)
    number = plain[m.start() : m.end()]
    prefix, suffix = _literal(section[: m.start()]), _literal(section[m.end() :])
    decimals = len(re.sub(r"[^0#?]", "", number.split(".", 1)[1])) if "." in number else 0
    thousands = "," in number.split(".", 1)[0].rstrip(",")
    amount = abs(value) if negative_section else value
    if "%" in plain:
        amount = amount * 100
    body = f"{amount:,.{decimals}f}" if thousands else f"{amount:.{decimals}f}"
    if body.startswith("-"):
        return "-" + prefix + body[1:] + suffix
    return prefix + body + suffix
