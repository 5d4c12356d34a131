"""Accuracy in one table per gold set: the samples, the generated corpus (every format) and the
real plans and inspection reports written by others, each run through the real flow.

    python benchmarks/eval.py [--keep DIR]

Samples and corpus are scored with ../shared/gold/score.py (the shared scorer); real plans and
reports with tests/realplans/score_real.py against the project's hand-written gold. Files under
../shared/ are read where they are (PLAN_EXTRACT_SHARED_DIR), never copied into the project.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PLAN_EXTRACT_SHARED_DIR", ROOT.parent / "shared"))
PY = sys.executable


def _run(folder: Path, out: Path) -> None:
    from extract.run.runner import run_folder

    run_folder(folder, out, progress=False, settings={"cache": False})


def _score_shared(out: Path, gold: Path) -> str:
    res = subprocess.run([PY, str(SHARED / "gold" / "score.py"), str(out), str(gold)], capture_output=True, text=True)
    return res.stdout.strip() or res.stderr.strip()


def _score_real(out: Path, folder: str) -> str:
    res = subprocess.run([PY, str(ROOT / "tests" / "realplans" / "score_real.py"), str(out), str(ROOT / "tests" / "realplans"),
                          "--folder", folder], capture_output=True, text=True)
    return res.stdout.strip() or res.stderr.strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="write the runs here instead of a temporary folder")
    args = ap.parse_args(argv)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    work = args.keep or Path(tempfile.mkdtemp(prefix="plan-extract-eval-"))
    work.mkdir(parents=True, exist_ok=True)
    sections: list[tuple[str, str]] = []

    samples = work / "samples"
    samples.mkdir(exist_ok=True)
    for p in (ROOT / "samples").iterdir():
        if p.suffix in (".md", ".docx", ".pdf") and p.name != "README.md":
            shutil.copy(p, samples / p.name)
    _run(samples, work / "samples-out")
    sections.append(("Samples (../shared/gold)", _score_shared(work / "samples-out", SHARED / "gold")))

    corpus = work / "corpus"
    subprocess.run([PY, str(ROOT / "tests" / "corpus" / "build.py"), str(corpus)], check=True, capture_output=True)
    for fmt in ("md", "docx", "pdf", "xlsx", "csv"):
        files = sorted(corpus.glob(f"*.{fmt}"))
        if not files:
            continue
        folder = work / f"corpus-{fmt}"
        folder.mkdir(exist_ok=True)
        for f in files:
            shutil.copy(f, folder / f.name)
        _run(folder, work / f"corpus-{fmt}-out")
        gold = corpus / ("gold-csv" if fmt == "csv" and (corpus / "gold-csv").is_dir() else "gold")
        sections.append((f"Generated corpus, {fmt}", _score_shared(work / f"corpus-{fmt}-out", gold)))

    for folder in ("plans", "inspections"):
        src = SHARED / "realworld" / folder
        if not src.is_dir():
            sections.append((f"Real {folder}", f"skipped: {src} does not exist"))
            continue
        _run(src, work / f"{folder}-out")
        sections.append((f"Real {folder} (tests/realplans gold)", _score_real(work / f"{folder}-out", folder)))

    for title, table in sections:
        print(f"\n## {title}\n{table}")
    print(f"\nruns kept in {work}" if args.keep else "")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
