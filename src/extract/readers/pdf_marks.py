"""List bullets drawn as shapes, not printed as characters.

Browsers (Chromium's Skia) and some layout engines paint a list item's marker as a small filled
disc, a hollow circle or a square path, so the text layer of the PDF holds the item's words with
no bullet before them. A small, roughly square shape just left of the first word of a line, inside
that word's line band, is read as a bullet character there, so lines and cells see list items as
they do when the bullet is a glyph.
"""

from __future__ import annotations

from typing import Any

BULLET = "•"
MIN_SIZE = 1.5  # points: smaller squares are joins of table rules
MAX_SIZE_EM = 0.7  # a marker is smaller than the text it precedes
MAX_GAP_EM = 2.5  # and sits at most this far left of the item's first word


def bullet_words(shapes: list[dict[str, Any]], words: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A bullet word for each drawn marker ``shapes`` (pdfplumber ``curve``/``rect`` objects) that
    precedes the first word of a line in ``words``."""
    out: list[dict[str, Any]] = []
    for s in shapes:
        w, h = s["x1"] - s["x0"], s["bottom"] - s["top"]
        if w < MIN_SIZE or h < MIN_SIZE or abs(w - h) > 0.25 * max(w, h):
            continue
        cy = (s["top"] + s["bottom"]) / 2
        level = [x for x in words if x["top"] <= cy <= x["bottom"]]
        right = [x for x in level if x["x0"] >= s["x1"] - 0.5]
        if not right:
            continue
        first = min(right, key=lambda x: x["x0"])
        size = float(first.get("size") or (first["bottom"] - first["top"]))
        if max(w, h) > size * MAX_SIZE_EM or first["x0"] - s["x1"] > size * MAX_GAP_EM:
            continue
        if any(x["x1"] <= s["x0"] + 0.5 and s["x0"] - x["x1"] < size * MAX_GAP_EM for x in level):
            continue  # a word just before it: a dot in running text, not a line's marker
        out.append({**first, "text": BULLET, "x0": s["x0"], "x1": s["x1"]})
    return out
