"""The generated corpus made by other producers than our renderers, scored against the same gold.

    python benchmarks/producers.py [--keep DIR] [--only NAME ...]

``tests/corpus/build.py`` renders every spec with python-docx, reportlab and openpyxl; real plans
come from Word, LibreOffice and browsers. Each producer below remakes the same documents from
those files, the product reads them (``extract_file``, no Prefect) and ``../shared/gold/score.py``
scores them against the corpus gold. A producer whose tool is not installed is skipped with a
one-line message. Producers:

- ``reference``: the corpus as built (.docx, .pdf, .xlsx), the scores to match;
- ``chromium``: each .docx as a web page (``tests/corpus/render_html.py``: CSS-bordered tables,
  header rows in ``<thead>``) printed to PDF by headless Chromium;
- ``lo-docx-pdf``, ``lo-docx-docx``, ``lo-xlsx-xlsx``, ``lo-xlsx-pdf``: LibreOffice (``soffice
  --headless --convert-to``) exporting Word to PDF, re-saving Word and Excel files as its own
  Office XML, and printing the workbooks to PDF (as printed: the corpus sets no print layout).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PLAN_EXTRACT_SHARED_DIR", ROOT.parent / "shared"))
PY = sys.executable
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests" / "corpus")]


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _copy(src: list[Path], out: Path) -> None:
    for f in src:
        shutil.copy(f, out / f.name)


def _by_chromium(src: list[Path], out: Path) -> None:
    from render_html import docx_to_html

    html_dir = out.parent / f"{out.name}-html"
    html_dir.mkdir(exist_ok=True)
    for f in src:
        page = html_dir / f"{f.stem}.html"
        page.write_text(docx_to_html(f), encoding="utf-8")
        subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--print-to-pdf={out / (f.stem + '.pdf')}", str(page)], check=True, capture_output=True,
                       timeout=120)


def _by_soffice(target: str) -> Callable[[list[Path], Path], None]:
    def convert(src: list[Path], out: Path) -> None:
        profile = out.parent / "lo-profile"  # its own profile: a desktop LibreOffice may be open
        subprocess.run([_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
                        "--outdir", str(out), *map(str, src)], check=True, capture_output=True, timeout=900)
    return convert


# name -> (input suffix, tool that must be on the PATH, maker)
PRODUCERS: dict[str, tuple[str, Callable[[], str | None], Callable[[list[Path], Path], None]]] = {
    "reference-docx": (".docx", lambda: "python", _copy),
    "reference-pdf": (".pdf", lambda: "python", _copy),
    "reference-xlsx": (".xlsx", lambda: "python", _copy),
    "chromium": (".docx", _chromium, _by_chromium),
    "lo-docx-pdf": (".docx", _soffice, _by_soffice("pdf")),
    "lo-docx-docx": (".docx", _soffice, _by_soffice("docx:MS Word 2007 XML")),
    "lo-xlsx-xlsx": (".xlsx", _soffice, _by_soffice("xlsx:Calc MS Excel 2007 XML")),
    "lo-xlsx-pdf": (".xlsx", _soffice, _by_soffice("pdf")),
}


def _extract(folder: Path, out: Path) -> None:
    from extract.outputs.writers import write_datasets
    from extract.run.pipeline import extract_file

    write_datasets([extract_file(p, folder) for p in sorted(folder.iterdir()) if p.is_file()], out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="write the renderings and runs here instead of a temporary folder")
    ap.add_argument("--only", nargs="+", choices=sorted(PRODUCERS), help="these producers only")
    args = ap.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="plan-extract-producers-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus"
    subprocess.run([PY, str(ROOT / "tests" / "corpus" / "build.py"), str(corpus)], check=True, capture_output=True)
    for name in args.only or PRODUCERS:
        suffix, tool, make = PRODUCERS[name]
        if tool() is None:
            print(f"\n## {name}\nskipped: {'chromium' if name == 'chromium' else 'soffice (LibreOffice)'} is not installed")
            continue
        folder = work / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        make(sorted(corpus.glob(f"*{suffix}")), folder)
        _extract(folder, work / f"{name}-out")
        res = subprocess.run([PY, str(SHARED / "gold" / "score.py"), str(work / f"{name}-out"), str(corpus / "gold")],
                             capture_output=True, text=True)
        print(f"\n## {name}\n{res.stdout.strip() or res.stderr.strip()}", flush=True)
    print(f"\nrenderings and runs kept in {work}" if args.keep else "")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
