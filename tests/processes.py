"""Processes a test started: waited for with a generous deadline, never a fixed sleep."""

from __future__ import annotations

import os
import time


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def group_gone(pgid: int, timeout: float = 60.0) -> bool:
    """True once no process of the group ``pgid`` is left (what it started may take a moment
    to finish exiting on a busy machine); False if some still run after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while group_alive(pgid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True
