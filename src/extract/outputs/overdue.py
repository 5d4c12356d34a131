"""When an action is due, whether it is complete, and so whether it is overdue.

- due date: the last day any of its dated milestones can mean (the contract's ``date_end``);
  None when no milestone is dated (``Ongoing``, or no date printed).
- complete: its status as printed says so (``Complete``, ``Completed``, ``Achieved``, ``Done``,
  ``Closed``, ``Delivered``, ``Met``, ``Implemented``, ``Blue``), or, where the document gives
  only a colour, its status is ``blue`` (the BRAG convention: blue = complete). The printed word
  comes first because plans differ on blue: some use it for *not started*.
- overdue on a day: due before that day and not complete.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

COMPLETE_RE = re.compile(r"^(?:blue|b|complete|completed|achieved|fully achieved|done|closed|delivered|met|implemented|finished)\b",
                         re.I)
_LETTERS_RE = re.compile(r"[a-z]", re.I)


def due_date(action: Any) -> dt.date | None:
    ends = [m.date_end for m in action.milestones if m.date_end is not None]
    return max(ends) if ends else None


def is_complete(action: Any) -> bool:
    printed = " ".join(s.text for s in action.sources if s.field == "status").strip(" .:-–\t\n")
    if _LETTERS_RE.search(printed):
        return bool(COMPLETE_RE.match(printed))
    return action.status == "blue"


def is_overdue(due: dt.date | None, complete: bool | None, on: dt.date) -> bool:
    return due is not None and due < on and not complete
