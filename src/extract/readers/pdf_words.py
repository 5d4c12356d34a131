"""Word rules both PDF engines add to pdfplumber's own (a space, or a gap wider than 3 points).

- **Gaps relative to the font size.** Some producers print no space glyph between words but move
  the next word on by a gap narrower than pdfplumber's fixed 3-point tolerance (2.4 points in
  11-point text: ``ResidentialSolar``, ``withinNorfolk``). As pdftotext does, a gap is also a word
  break where it is wider than ``word_gap_em`` of the font size beyond the word's usual letter
  spacing (its median gap), so tracked-out headings (every letter spaced) stay whole. Right-to-left
  scripts are left alone: their glyphs come in logical order, so their gaps say nothing.
- **Sideways text.** pdfminer gives a character turned a quarter the glyph's advance as its
  ``size``, so a run of one font and size, on which pdfplumber builds words, is a single letter
  of sideways text. Sideways characters are grouped by font alone and their words are given the
  size across the line (the box's width).
"""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Sequence
from typing import Any

DEFAULT_WORD_GAP_EM = 0.2  # pdftotext breaks at 0.1 em; the word's usual spacing is added on top


def _rtl(text: str) -> bool:
    return bool(text) and unicodedata.bidirectional(text[0]) in ("R", "AL")


def gap_cuts(boxes: Sequence[tuple[str, float, float]], size: float, word_gap_em: float = DEFAULT_WORD_GAP_EM) -> list[int]:
    """Where a word of characters ``(text, x0, x1)`` (left to right) breaks into words: the indices
    of the characters that start a new word, at gaps wider than ``word_gap_em * size`` beyond the
    word's median gap.

    >>> gap_cuts([("n", 0, 5), ("o", 5, 10), ("N", 12.4, 20), ("o", 20, 25)], 11.0)
    [2]
    """
    n = len(boxes)
    if word_gap_em <= 0 or n < 3 or size <= 0:
        return []
    gaps = [boxes[k + 1][1] - boxes[k][2] for k in range(n - 1)]
    least = word_gap_em * size
    if max(gaps) <= least:
        return []
    usual = max(statistics.median(gaps), 0.0)
    return [k + 1 for k, g in enumerate(gaps)
            if g > usual + least and not _rtl(boxes[k][0]) and not _rtl(boxes[k + 1][0])]


def split_at_gaps(words: list[dict[str, Any]], word_gap_em: float = DEFAULT_WORD_GAP_EM) -> list[dict[str, Any]]:
    """pdfplumber's words (``extract_words(return_chars=True)``) cut at :func:`gap_cuts`; the
    ``chars`` key is dropped."""
    out: list[dict[str, Any]] = []
    for w in words:
        chars = w.pop("chars", None)
        if not chars or not w.get("upright", True):
            out.append(w)
            continue
        cuts = gap_cuts([(c["text"], c["x0"], c["x1"]) for c in chars], float(w.get("size") or 0.0), word_gap_em)
        if not cuts:
            out.append(w)
            continue
        for a, b in zip([0, *cuts], [*cuts, len(chars)]):
            part = chars[a:b]
            top = min(c["top"] for c in part)
            out.append({**w, "text": "".join(c["text"] for c in part), "x0": part[0]["x0"],
                        "x1": max(c["x1"] for c in part), "top": top,
                        "doctop": w.get("doctop", top) - w["top"] + top,
                        "bottom": max(c["bottom"] for c in part)})
    return out
