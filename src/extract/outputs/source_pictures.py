"""Pictures of the source rows for the review report: each PDF action's row as printed.

For an action read from a PDF, the region its cells cover (the union of their bounding boxes on
each page, the page's full width, blank margins trimmed) is rendered with pdfium (pypdfium2,
installed with pdfplumber) and saved as a small JPEG in ``report_files/`` beside
``report.html``; the report shows it next to the extracted values, loaded lazily. A picture's
name is made from the document's content id and the region, so a rerun links the previous
run's picture instead of rendering it again.

pdfium is a C++ parser meeting files that may be hostile: each document's pictures are rendered
in a forked child with a time and memory limit, and a child that crashes or hangs costs that
document its pictures, never the run.
"""

from __future__ import annotations

import faulthandler
import gc
import hashlib
import os
import resource
import shutil
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from .records import Action, DocumentRecord, ExtractedDocument

FOLDER = "report_files"
SCALE = 1.5  # pixels per PDF point: 108 dpi, small print stays legible
QUALITY = 60  # JPEG quality: a row is 10–40 kB
PAD_PT = 1.0  # points kept above and below the row (its ruling)
MAX_PAGES_PER_ACTION = 2  # a row continued over a page break: both parts
TIMEOUT_S = 120.0  # one document's pictures
MAX_MEMORY_MB = 1536


@dataclass(frozen=True)
class Region:
    page: int  # 1-based
    top: float  # PDF points from the top of the page (the document model's origin)
    bottom: float

    def name(self, document_id: str) -> str:
        digest = hashlib.sha256(f"{self.page}:{self.top:.1f}:{self.bottom:.1f}:{SCALE}".encode()).hexdigest()[:12]
        return f"{document_id}-p{self.page}-{digest}.jpg"


def regions(action: Action) -> list[Region]:
    """Where ``action``'s own row is printed: one region per page, top to bottom."""
    spans: dict[int, list[float]] = {}
    for source in action.sources:
        for p in source.prov:
            if p.page is None or p.bbox is None:
                continue
            if action.table_index is not None and p.table is not None and p.table != action.table_index:
                continue  # a value taken from elsewhere (owners from "See 2.3")
            if p.row is not None and action.row_start is not None and not (
                    action.row_start <= p.row <= (action.row_end if action.row_end is not None else action.row_start)):
                continue
            top, bottom = spans.get(p.page, [p.bbox.top, p.bbox.bottom])
            spans[p.page] = [min(top, p.bbox.top), max(bottom, p.bbox.bottom)]
    return [Region(page, top, bottom) for page, (top, bottom) in sorted(spans.items())][:MAX_PAGES_PER_ACTION]


class SourcePictures:
    """Pictures for the report being written into ``staged``; ``previous`` is the output folder
    the run replaces (its pictures are reused), ``input_dirs`` where the PDFs are."""

    def __init__(self, staged: Path, previous: Path | None, input_dirs: Sequence[Path]) -> None:
        self.folder = staged / FOLDER
        self.previous = previous / FOLDER if previous is not None else None
        self.input_dirs = [Path(d) for d in input_dirs]
        self.rendered = 0
        self.reused = 0

    def source_file(self, record: DocumentRecord) -> Path | None:
        """The PDF a document was read from, if it is still there unchanged in size."""
        for root in self.input_dirs:
            path = root / record.source_path
            try:
                if path.is_file() and (record.size_bytes is None or path.stat().st_size == record.size_bytes):
                    return path
            except OSError:
                continue
        return None

    def for_document(self, doc: ExtractedDocument) -> list[str]:
        """The picture cell (HTML) of each action of ``doc``, empty where there is none."""
        if doc.document.format != "pdf" or not doc.actions:
            return [""] * len(doc.actions)
        did = doc.document.document_id
        per_action = [[(r, r.name(did)) for r in regions(a)] for a in doc.actions]
        todo: dict[str, Region] = {}
        for region, name in (x for xs in per_action for x in xs):
            if name in todo or (self.folder / name).exists():
                continue
            if self.previous is not None and (self.previous / name).exists():
                self.folder.mkdir(exist_ok=True)
                _link_or_copy(self.previous / name, self.folder / name)
                self.reused += 1
                continue
            todo[name] = region
        if todo:
            source = self.source_file(doc.document)
            if source is not None:
                self.folder.mkdir(exist_ok=True)
                render_isolated(source, list(todo.items()), self.folder)
                self.rendered += sum((self.folder / n).exists() for n in todo)
        return [_cell(self.folder, xs) for xs in per_action]


def _cell(folder: Path, pictures: list[tuple[Region, str]]) -> str:
    from PIL import Image

    imgs = []
    for region, name in pictures:
        path = folder / name
        if not path.exists():
            continue
        try:
            with Image.open(path) as im:
                w, h = im.size
        except OSError:
            continue
        src = f"{FOLDER}/{escape(name)}"
        imgs.append(f"<a href='{src}' target=_blank><img class=srcpic loading=lazy decoding=async src='{src}' "
                    f"width={w} height={h} alt='page {region.page} of the source' "
                    f"onload='this.dataset.loaded=1'></a>")
    return f"<div class=pic>{''.join(imgs)}</div>" if imgs else ""


def _link_or_copy(src: Path, dest: Path) -> None:
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


# --- rendering, in a child process ---------------------------------------------------------------


def render(path: Path, todo: list[tuple[str, Region]], folder: Path) -> None:
    """Render each region of ``path`` into ``folder/<name>`` (page by page, each page once)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        by_page: dict[int, list[tuple[str, Region]]] = {}
        for name, region in todo:
            by_page.setdefault(region.page, []).append((name, region))
        for page_no, items in sorted(by_page.items()):
            if not 1 <= page_no <= len(pdf):
                continue
            page = pdf[page_no - 1]
            image = _upright(page.render(scale=SCALE).to_pil(), page, path, page_no)
            for name, region in items:
                _save(_crop(image, region), folder / name)
            page.close()
    finally:
        pdf.close()


def _upright(image, page, path: Path, page_no: int):  # type: ignore[no-untyped-def]
    """The page as the PDF reader saw it: a page whose text runs sideways was read turned
    (extract.readers.pdf_rotation), so its picture is turned the same way."""
    from PIL import Image

    if page.get_rotation() == 0 and not _has_sideways_text(page):
        return image
    import pdfplumber

    from ..readers.pdf_rotation import sideways_direction

    with pdfplumber.open(path, pages=[page_no]) as pdf:
        direction = sideways_direction(pdf.pages[0])
    if direction == "down":  # read turned a quarter anticlockwise
        return image.transpose(Image.Transpose.ROTATE_90)
    if direction == "up":
        return image.transpose(Image.Transpose.ROTATE_270)
    return image


def _has_sideways_text(page) -> bool:  # type: ignore[no-untyped-def]
    import math

    import pypdfium2.raw as raw

    text = page.get_textpage()
    try:
        n = text.count_chars()
        step = max(1, n // 200)
        sample = range(0, n, step)
        sideways = sum(1 for i in sample if abs(math.sin(raw.FPDFText_GetCharAngle(text.raw, i))) > 0.7)
        return n > 0 and sideways >= 0.5 * len(sample)
    finally:
        text.close()


def _crop(image, region: Region):  # type: ignore[no-untyped-def]
    from PIL import ImageOps

    top = max(0, int((region.top - PAD_PT) * SCALE))
    bottom = min(image.height, int((region.bottom + PAD_PT) * SCALE) + 1)
    strip = image.crop((0, top, image.width, max(bottom, top + 1)))
    ink = ImageOps.invert(strip.convert("L")).point(lambda v: 255 if v > 24 else 0).getbbox()
    if ink:  # blank margins left and right trimmed
        strip = strip.crop((max(0, ink[0] - 6), 0, min(strip.width, ink[2] + 6), strip.height))
    return strip


def _save(image, dest: Path) -> None:  # type: ignore[no-untyped-def]
    tmp = dest.with_name(dest.name + ".tmp")
    image.convert("RGB").save(tmp, "JPEG", quality=QUALITY, optimize=True)
    os.replace(tmp, dest)


def render_isolated(path: Path, todo: list[tuple[str, Region]], folder: Path, timeout_s: float = TIMEOUT_S) -> bool:
    """:func:`render` in a forked child; False when it crashed, ran out of memory or time."""
    _preload()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            gc.freeze()
            faulthandler.disable()
            _cap_memory(MAX_MEMORY_MB)
            render(path, todo, folder)
            code = 0
        except BaseException:  # noqa: BLE001 - the parent sees a failure, never a hang
            code = 70
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout_s
    delay = 0.005
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            ok = os.waitstatus_to_exitcode(status) == 0
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            ok = False
            break
        time.sleep(delay)
        delay = min(0.1, delay * 2)
    for stray in folder.glob("*.tmp"):
        stray.unlink(missing_ok=True)
    return ok


def _preload() -> None:
    """Import pdfium and Pillow's JPEG writer in the parent, once: each child inherits them
    instead of importing them again (a third of a second per document)."""
    import pypdfium2  # noqa: F401
    import pypdfium2.raw  # noqa: F401
    from PIL import Image, ImageOps, JpegImagePlugin  # noqa: F401

    Image.init()


def _cap_memory(limit_mb: float) -> None:
    inherited = 0
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmData:"):
                inherited = int(line.split()[1]) * 1024
    limit = inherited + int(limit_mb * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
