"""Never silent: a document that reads like a plan but yields no actions says what was looked at.

A plan-like document (its title or headings name an action plan, improvement plan, strategy,
delivery plan or response; or one of its tables has action-like columns) with no actions and no
recommendations gets warning W303 and status ``partial``, so an analyst sees what was missed
instead of an empty dataset.
"""

from __future__ import annotations

import re

from ..model import BlockKind
from ..textutil import collapse_ws
from .columns import find_header
from .context import DocContext

_PLAN_WORDS_RE = re.compile(
    r"\b(?:action\s+plan|improvement\s+plan|delivery\s+plan|service\s+plan|business\s+plan|implementation\s+plan|"
    r"strategic\s+plan|work\s+programme|strategy\s+(?:and|&)\s+action|management\s+response|government\s+response|"
    r"recommendations\s+and\s+responses)\b",
    re.I,
)


def why_no_actions(ctx: DocContext) -> str | None:
    """The W303 message for a plan-like document that yielded nothing, or None if it is not plan-like."""
    titles = [ctx.title or ""] + [b.text for b in ctx.doc.blocks[:60] if b.kind is BlockKind.heading]
    # A title names the document; a sentence that mentions a strategy does not.
    titles = [collapse_ws(t) for t in titles if t and len(t.split()) <= 12 and not t.rstrip().endswith(".")]
    named = next((t for t in titles if _PLAN_WORDS_RE.search(t)), None)
    headers: list[str] = []
    action_like = False
    for table in ctx.doc.tables:
        if table.parent is not None or not table.rows:
            continue
        header = find_header(table, ctx.config.column_roles)
        first = " | ".join(collapse_ws(c.text)[:30] for c in table.rows[0].cells if c.text.strip())
        if header is not None:
            roles = header.roles()
            action_like |= bool(roles & {"action", "theme"}) and bool(roles & {"owner", "date", "status", "progress"})
        if first and len(headers) < 3:
            headers.append(f"'{first[:120]}'")
    if not named and not action_like:
        return None
    n = len([t for t in ctx.doc.tables if t.parent is None])
    why = f"reads like a plan ({'titled ' + repr(named[:80]) if named else 'a table has action-like columns'}) but no actions were found: "
    if n == 0:
        return why + "it has no tables and no numbered paragraphs with Lead:/By: lines"
    return why + f"{n} table{'s' if n != 1 else ''}, none read as an action table; first rows were " + "; ".join(headers)
