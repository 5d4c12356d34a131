"""Text clean-up shared by readers and extractors: whitespace, bullets, markup."""

from __future__ import annotations

import html
import re

# Bullet glyphs printed literally at the start of a line or cell paragraph, including the
# Symbol-font private-use bullet U+F0B7 that Word exports leave behind.
BULLETS = "•▪◦·‣⁃∙●○■□►▸–-*\uf0b7\uf0a7\uf076\uf0d8\uf0fc"
_BULLET_RE = re.compile(rf"^\s*(?:[{re.escape(BULLETS)}](?=\s|$)\s*)+")
_TAG_RE = re.compile(r"<[^>]+>")
_WS_RE = re.compile(r"\s+")


def collapse_ws(text: str) -> str:
    """Collapse every run of whitespace (tabs, newlines, NBSP) to one space and trim."""
    return _WS_RE.sub(" ", text.replace("\u00a0", " ")).strip()


def strip_bullet(text: str) -> tuple[str, bool]:
    """Remove leading bullet glyphs; return the text and whether there was one.

    A hyphen counts as a bullet only when followed by whitespace, so ``-Workforce`` and
    negative numbers are left alone.
    """
    m = _BULLET_RE.match(text)
    if not m:
        return text.strip(), False
    return text[m.end():].strip(), True


def strip_markup(text: str) -> str:
    """Drop HTML tags and decode entities (``&amp;`` → ``&``)."""
    return html.unescape(_TAG_RE.sub(" ", text))


def clean(text: str) -> str:
    """Contract text: markup removed, bullets removed, whitespace collapsed."""
    text, _ = strip_bullet(collapse_ws(strip_markup(text)))
    return text
