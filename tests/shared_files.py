"""Where the tests find the files other people wrote: the shared folder beside the repository
(``<repo>/../shared``, or the folder ``PLAN_EXTRACT_SHARED_DIR`` names). The tests read the
real-world corpus (``realworld/``) and the gold (``gold/*.gold.json``, ``gold/score.py``) there;
nothing of it is copied into the project."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PLAN_EXTRACT_SHARED_DIR") or ROOT.parent / "shared")
REALWORLD = SHARED / "realworld"
GOLD = SHARED / "gold"


def needs(folder: Path) -> pytest.MarkDecorator:
    """Skip the test (naming the folder) only where ``folder`` does not exist on this machine."""
    return pytest.mark.skipif(
        not folder.is_dir(),
        reason=f"{folder} does not exist: the shared files are not on this machine "
               "(put them in ../shared beside the repository, or set PLAN_EXTRACT_SHARED_DIR)",
    )


def gold_scorer() -> ModuleType:
    """The shared ``gold/score.py``, loaded as a module (it is a script, not a package)."""
    name = "shared_gold_score"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, GOLD / "score.py")
        assert spec and spec.loader, f"{GOLD / 'score.py'} cannot be loaded"
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # loaded once per session
        spec.loader.exec_module(module)
    return sys.modules[name]
