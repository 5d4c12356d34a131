"""RAG status from words or from a cell's fill colour.

A document's own colour legend (``Amber – On schedule, further action to complete``) is read
first, so its words map to its colours; the configured word list is the fallback. A fill is
the nearest reference colour when close enough; greys and whites are never a status.
"""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass, field

from ..config import StatusWords
from ..textutil import collapse_ws

RAG = ("red", "amber", "green", "blue")
_PERCENT_RE = re.compile(r"^(\d{1,3}(?:\.\d+)?)\s*%(?:\s*(?:complete|completed|done|delivered))?$")
_LEGEND_RE = re.compile(r"^\s*(red|amber|green|blue)\s*(?:[-–—:=]|\bis\b|\bmeans\b)\s*(.{3,})$", re.I)


def _rgb(hex_colour: str) -> tuple[int, int, int] | None:
    h = hex_colour.strip().lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", h):
        return None
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


@dataclass
class StatusReader:
    words: StatusWords
    legend: dict[str, str] = field(default_factory=dict)  # phrase (lower) -> colour

    @classmethod
    def for_document(cls, words: StatusWords, lines: list[str]) -> "StatusReader":
        legend: dict[str, str] = {}
        for line in lines:
            m = _LEGEND_RE.match(collapse_ws(line))
            if m:
                phrase = re.split(r"[-–—.,;:]", m.group(2))[0].strip().lower()
                if phrase:
                    legend[phrase] = m.group(1).lower()
        return cls(words=words, legend=legend)

    def from_text(self, text: str) -> str | None:
        """The status a status cell's words give, or None."""
        t = collapse_ws(text).lower().strip(" .!*")
        if not t:
            return None
        pct = _PERCENT_RE.match(t)
        if pct:
            # "50%" under "% complete": read as the words the list maps (complete, in progress, not started).
            n = float(pct.group(1))
            return self.from_text("complete" if n >= 100 else "not started" if n == 0 else "in progress")
        first = re.split(r"[\s/:\-–,(]", t, maxsplit=1)[0]
        if first in RAG:
            return first
        for phrase, colour in self.legend.items():
            if t.startswith(phrase) or phrase.startswith(t):
                return colour
        best: tuple[int, str] | None = None
        for colour, words in self.words.status.items():
            for w in words:
                wl = w.lower()
                if t == wl or re.match(rf"{re.escape(wl)}\b", t):
                    if best is None or len(wl) > best[0]:
                        best = (len(wl), colour)
        return best[1] if best else None

    def from_fill(self, fill: str | None) -> str | None:
        """The status a fill colour shows, or None for no fill, greys, whites and far colours."""
        if not fill:
            return None
        rgb = _rgb(fill)
        if rgb is None:
            return None
        r, g, b = (v / 255 for v in rgb)
        _, light, sat = colorsys.rgb_to_hls(r, g, b)
        if sat < 0.25 or light > 0.93 or light < 0.08:
            return None
        best: tuple[float, str] | None = None
        refs = {c: [self.words.colours[c], *self.words.colour_alt.get(c, [])] for c in self.words.colours}
        for colour, hexes in refs.items():
            for hx in hexes:
                ref = _rgb(hx)
                if ref is None:
                    continue
                d = sum((a - b) ** 2 for a, b in zip(rgb, ref)) ** 0.5
                if best is None or d < best[0]:
                    best = (d, colour)
        if best and best[0] <= self.words.max_distance:
            return best[1]
        return None
