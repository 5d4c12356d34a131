"""Pages whose text runs sideways, turned upright before words and tables are read.

A page with ``/Rotate 90`` (a landscape table stored on a portrait page), or a table drawn
rotated on an upright page, gives pdfplumber characters that run down or up the page: words come
out one letter per line and the table finder sees columns as rows. When most characters on a page
share one sideways direction, every object (chars, lines, rects, curves) is turned a quarter so
that the text reads left to right, and the page is read as usual. Coordinates in the document
model are then those of the turned page, the way a reader sees it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from pdfplumber.page import DerivedPage, Page

# Share of a page's characters that must run sideways, in one direction, before it is turned.
MIN_SIDEWAYS_SHARE = 0.6


def sideways_direction(page: Page) -> str | None:
    """``"down"`` (text reads top to bottom), ``"up"``, or None for an upright page."""
    counts = Counter(tuple((c.get("matrix") or (1, 0, 0, 1, 0, 0))[:4]) for c in page.chars)
    return sideways_of(counts, len(page.chars), MIN_SIDEWAYS_SHARE)


def sideways_of(matrices: Mapping[tuple[float, ...], int], n: int, min_share: float) -> str | None:
    """The direction most of ``n`` characters run, from how many are drawn with each matrix
    ``(a, b, c, d)``: ``"down"``, ``"up"``, or None when fewer than ``min_share`` run sideways."""
    if not n:
        return None
    down = sum(k for (a, b, c, d), k in matrices.items() if abs(a) <= 1e-3 and abs(d) <= 1e-3 and b < 0 < c)
    up = sum(k for (a, b, c, d), k in matrices.items() if abs(a) <= 1e-3 and abs(d) <= 1e-3 and c < 0 < b)
    if down >= min_share * n:
        return "down"
    if up >= min_share * n:
        return "up"
    return None


def _turn_box(obj: dict[str, Any], direction: str, w: float, h: float) -> dict[str, Any]:
    x0, x1, top, bottom = obj["x0"], obj["x1"], obj["top"], obj["bottom"]
    if direction == "down":  # reading runs down the page: the page turns a quarter anticlockwise
        nx0, nx1, ntop, nbottom = top, bottom, w - x1, w - x0
    else:  # reading runs up the page: a quarter clockwise
        nx0, nx1, ntop, nbottom = h - bottom, h - top, x0, x1
    out = dict(obj)
    out.update(x0=nx0, x1=nx1, top=ntop, bottom=nbottom, y0=w - nbottom, y1=w - ntop,
               doctop=obj.get("doctop", top) - top + ntop, width=nx1 - nx0, height=nbottom - ntop)
    if "pts" in obj and obj["pts"]:
        if direction == "down":
            out["pts"] = [(y, w - x) for x, y in obj["pts"]]
        else:
            out["pts"] = [(h - y, x) for x, y in obj["pts"]]
    if obj.get("object_type") == "char":
        out["upright"] = True
        size = abs(obj.get("size", 0)) or (nbottom - ntop)
        out["matrix"] = (size, 0.0, 0.0, size, nx0, w - nbottom)
    return out


class TurnedPage(DerivedPage):
    """``page`` turned so that its sideways text reads left to right."""

    def __init__(self, parent_page: Page, direction: str) -> None:
        self.direction = direction
        w, h = float(parent_page.width), float(parent_page.height)
        self._w, self._h = w, h
        super().__init__(parent_page)
        self.bbox = (0.0, 0.0, h, w)

    @property
    def width(self) -> float:  # type: ignore[override]
        return self._h

    @property
    def height(self) -> float:  # type: ignore[override]
        return self._w

    @property
    def objects(self) -> dict[str, list[dict[str, Any]]]:
        if hasattr(self, "_objects"):
            return self._objects
        self._objects: dict[str, list[dict[str, Any]]] = {
            kind: [_turn_box(o, self.direction, self._w, self._h) for o in objs]
            for kind, objs in self.parent_page.objects.items()
        }
        return self._objects


def upright(page: Page) -> tuple[Page, str | None]:
    """The page to read: turned when its text runs sideways, with the direction it ran."""
    direction = sideways_direction(page)
    return (TurnedPage(page, direction), direction) if direction else (page, None)
