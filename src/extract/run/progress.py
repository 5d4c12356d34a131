"""Where a run reports each finished document (the CLI's progress bar), kept out of the flow's
tasks: a task that referred to the hook would carry it (and the terminal it draws on) to every
Dask worker it is sent to.

Documents extracted in this process are reported as they finish; documents extracted elsewhere
(Dask workers) are reported when their batch comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_hook: Callable[[Any], None] | None = None
_seen: set[str] = set()


def set_hook(hook: Callable[[Any], None] | None) -> None:
    global _hook
    _hook = hook
    _seen.clear()


def finished_here(key: str, document: Any) -> None:
    """A document finished in this process (a task thread)."""
    if _hook is not None:
        _seen.add(key)
        _hook(document)


def came_back(key: str, document: Any) -> None:
    """A document's result reached the flow; reported unless it was already."""
    if _hook is not None and key not in _seen:
        _hook(document)
