"""Benchmark: plan-extract against the parse floor, on the same files, ratios first.

    python benchmarks/bench.py [N]     # N generated plans on top of samples/ and tests/data/realworld

Prints a table and writes benchmarks/results.md. Measures: the floor (bare pdfplumber text and
tables of every page, python-docx load of every file), plan-extract's extraction alone (read and
extract stages apart), the whole flow (Prefect start reported apart) with 1 and 2 workers, a cold
run against an unchanged rerun, and peak RSS of flow runs with N and 10×N documents.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "corpus"))


def corpus_folder(n: int, dest: Path) -> Path:
    """samples + real-world files + n generated plans (the corpus renderings, repeated)."""
    from build import build  # tests/corpus/build.py

    dest.mkdir(parents=True, exist_ok=True)
    for p in (ROOT / "samples").iterdir():
        if p.suffix in (".pdf", ".docx", ".md") and p.name != "README.md":
            shutil.copy(p, dest / p.name)
    shutil.copytree(ROOT / "tests" / "data" / "realworld", dest / "realworld", ignore=shutil.ignore_patterns("*.csv"))
    gen = dest.parent / "generated-src"
    folders = build(gen)
    plans = [p for fmt in ("pdf", "docx") for p in sorted(folders[fmt].iterdir())]
    (dest / "generated").mkdir(exist_ok=True)
    for i in range(n):
        src = plans[i % len(plans)]
        # A byte appended keeps each copy a distinct document (its own content hash).
        data = src.read_bytes() + (b"\n%% copy %d\n" % i if src.suffix == ".pdf" else b"")
        (dest / "generated" / f"{src.stem}-{i:04d}{src.suffix}").write_bytes(data)
    return dest


def floor(files: list[Path]) -> tuple[float, int]:
    import docx
    import pdfplumber

    pages = 0
    started = time.perf_counter()
    for f in files:
        try:
            if f.suffix == ".pdf":
                with pdfplumber.open(f) as pdf:
                    for page in pdf.pages:
                        page.extract_text()
                        page.extract_tables()
                        pages += 1
                        page.close()
            elif f.suffix in (".docx",):
                d = docx.Document(str(f))
                for t in d.tables:
                    for r in t.rows:
                        for c in r.cells:
                            _ = c.text
                _ = [p.text for p in d.paragraphs]
        except Exception:  # noqa: BLE001 - broken files cost what they cost
            pass
    return time.perf_counter() - started, pages


def extraction_alone(files: list[Path], root: Path) -> dict[str, float]:
    from extract.pipeline import extract_file, warm_up
    from extract.readers import read

    warm_up()
    started = time.perf_counter()
    read_s = 0.0
    for f in files:
        t = time.perf_counter()
        try:
            read(f, f.name)
        except Exception:  # noqa: BLE001
            pass
        read_s += time.perf_counter() - t
    read_total = time.perf_counter() - started
    started = time.perf_counter()
    for f in files:
        extract_file(f, root)
    total = time.perf_counter() - started
    return {"read_s": read_total, "extract_total_s": total, "extract_only_s": max(0.0, total - read_total)}


def flow_run(folder: Path, out: Path, workers: int, cache: bool, runs: int = 1) -> list[dict]:
    """Flow runs in a fresh process: seconds per run (the first includes Prefect's start), peak RSS."""
    code = (
        "import json,sys,time,resource\n"
        "from pathlib import Path\n"
        "from extract.runner import run_folder\n"
        "res=[]\n"
        f"for i in range({runs}):\n"
        "    t=time.perf_counter()\n"
        f"    s=run_folder(Path(sys.argv[1]), Path(sys.argv[2]), progress=False, settings={{'workers': {workers}, 'cache': {cache}, 'cache_dir': sys.argv[3]}})\n"
        "    res.append({'seconds': time.perf_counter()-t, 'documents': s.documents, 'from_cache': s.from_cache})\n"
        "rss=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024\n"
        "kids=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024\n"
        "print(json.dumps({'runs':res,'rss_mb':rss,'child_rss_mb':kids}))\n"
    )
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "ERROR"}
    cache_dir = tempfile.mkdtemp(prefix="bench-cache-")
    proc = subprocess.run([sys.executable, "-c", code, str(folder), str(out), cache_dir], capture_output=True, text=True,
                          env=env, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    work = Path(tempfile.mkdtemp(prefix="plan-extract-bench-"))
    folder = corpus_folder(n, work / "in")
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    plan_files = [p for p in files if "realworld" not in p.parts]
    rows: list[tuple[str, str]] = []

    floor_s, floor_pages = floor(plan_files)
    alone = extraction_alone(plan_files, folder)
    rows.append(("plan documents (samples + generated)", f"{len(plan_files)} files, {floor_pages} PDF pages"))
    rows.append(("floor: pdfplumber text+tables per page, python-docx load", f"{floor_s:.2f} s"))
    rows.append(("plan-extract extraction alone (read + extract, in process)", f"{alone['extract_total_s']:.2f} s"))
    rows.append(("  of which reading", f"{alone['read_s']:.2f} s"))
    rows.append(("extraction / floor", f"{alone['extract_total_s'] / floor_s:.2f}×"))

    one = flow_run(folder, work / "out1", workers=1, cache=False, runs=2)
    two = flow_run(folder, work / "out2", workers=2, cache=False, runs=2)
    warm1, warm2 = one["runs"][1]["seconds"], two["runs"][1]["seconds"]
    prefect_start = one["runs"][0]["seconds"] - warm1
    total_pages = floor_pages
    rows.append(("all files (plans + real-world)", f"{len(files)} files"))
    rows.append(("whole flow, 1 worker (Prefect already up)", f"{warm1:.2f} s"))
    rows.append(("whole flow, 2 workers (Prefect already up)", f"{warm2:.2f} s"))
    rows.append(("speed-up 2 workers / 1", f"{warm1 / warm2:.2f}×"))
    rows.append(("Prefect ephemeral server start (first run − second)", f"{prefect_start:.1f} s"))
    rows.append(("end-to-end pages/s on plan PDFs, 2 workers", f"{total_pages / max(warm2, 1e-9):.1f} (all files in the run)"))

    inc = flow_run(folder, work / "out3", workers=2, cache=True, runs=2)
    cold, rerun = inc["runs"][0]["seconds"], inc["runs"][1]["seconds"]
    rows.append(("cold run (cache empty, Prefect start included)", f"{cold:.2f} s"))
    rows.append(("unchanged rerun (same process)", f"{rerun:.2f} s ({inc['runs'][1]['from_cache']} from cache)"))
    rows.append(("unchanged rerun / cold", f"{rerun / cold:.3f}"))

    small = flow_run(folder, work / "out4", workers=2, cache=False)
    big_folder = corpus_folder(n * 10, work / "in-big")
    big = flow_run(big_folder, work / "out5", workers=2, cache=False)
    rows.append((f"peak RSS, flow process, {n} plans", f"{small['rss_mb']:.0f} MB (largest child {small['child_rss_mb']:.0f} MB)"))
    rows.append((f"peak RSS, flow process, {n * 10} plans", f"{big['rss_mb']:.0f} MB (largest child {big['child_rss_mb']:.0f} MB)"))
    rows.append(("RSS ratio 10× documents", f"{big['rss_mb'] / small['rss_mb']:.2f}×"))
    rows.append((f"time {n * 10} plans / {n} plans", f"{big['runs'][0]['seconds'] / small['runs'][0]['seconds']:.2f}×"))

    width = max(len(k) for k, _ in rows)
    lines = [f"{k:<{width}}  {v}" for k, v in rows]
    print("\n".join(lines))
    out = ROOT / "benchmarks" / "results.md"
    out.write_text("# Benchmark results\n\n" + f"`python benchmarks/bench.py {n}` on {os.cpu_count()} cores, "
                   f"{time.strftime('%Y-%m-%d')}\n\n| measure | value |\n|---|---|\n"
                   + "\n".join(f"| {k} | {v} |" for k, v in rows) + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {out} (peak RSS of this script {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
