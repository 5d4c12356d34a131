"""Page content read with PDFium (pypdfium2), in pdfplumber's terms and coordinates.

pdfplumber interprets every page's content stream in Python (pdfminer), which costs a long plan
tens of milliseconds a page whether or not the page holds a table. PDFium parses the same page in
C. This module asks it, through its C API, for what the PDF reader needs of a page and hands it
over exactly as pdfplumber would:

- characters with pdfminer's boxes (x from the glyph's advance, y from the font's descent and
  size), font name and size, and the ``upright`` flag, in the page's displayed orientation
  (``/Rotate`` applied) with the origin top-left;
- words made from them by pdfplumber's own rules (``extract_words`` with ``x_tolerance=3``,
  ``y_tolerance=3``, runs of one font and size, ligatures expanded);
- drawn paths as pdfplumber's ``line``, ``rect`` and ``curve`` objects (pdfminer's rules for which
  is which) and their table edges, so that pdfplumber's own table finder runs on them unchanged;
- filled rectangles with their fill colour as RGB.

Where PDFium reads text differently from pdfminer the reader follows pdfminer: a glyph without a
Unicode mapping prints as ``(cid:N)``, a hyphen PDFium marks as a line-end hyphen stays ``-``,
characters PDFium generates itself (spaces it infers, line breaks) are dropped. PDFium does drop a
character drawn twice in the same place (fake bold) where pdfminer keeps both.

PDFium is not thread-safe: every call goes through :data:`LOCK`.
"""

from __future__ import annotations

import array
import ctypes
import itertools
import operator
import struct
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium  # importing it initialises the library
import pypdfium2_raw

from .pdf_words import DEFAULT_WORD_GAP_EM, gap_cuts

LOCK = threading.RLock()

_lib = ctypes.CDLL(str(Path(pypdfium2_raw.__file__).with_name("libpdfium.so")))
_P = ctypes.c_void_p


class _Rect(ctypes.Structure):
    _fields_ = [("left", ctypes.c_float), ("top", ctypes.c_float), ("right", ctypes.c_float), ("bottom", ctypes.c_float)]


class _Matrix(ctypes.Structure):
    _fields_ = [(k, ctypes.c_float) for k in "abcdef"]


def _fn(name: str, restype: Any, *argtypes: Any) -> Any:
    f = _lib[name]  # a new function object: pypdfium2's own prototypes stay as they are
    f.restype, f.argtypes = restype, list(argtypes)
    return f


_c_int, _c_float, _c_double, _c_uint = ctypes.c_int, ctypes.c_float, ctypes.c_double, ctypes.c_uint
_ref = ctypes.POINTER

LoadPage = _fn("FPDF_LoadPage", _P, _P, _c_int)
ClosePage = _fn("FPDF_ClosePage", None, _P)
GetMediaBox = _fn("FPDFPage_GetMediaBox", _c_int, _P, _ref(_c_float), _ref(_c_float), _ref(_c_float), _ref(_c_float))
GetRotation = _fn("FPDFPage_GetRotation", _c_int, _P)
PageWidth = _fn("FPDF_GetPageWidthF", _c_float, _P)
PageHeight = _fn("FPDF_GetPageHeightF", _c_float, _P)
CountObjects = _fn("FPDFPage_CountObjects", _c_int, _P)
GetObject = _fn("FPDFPage_GetObject", _P, _P, _c_int)
FormCount = _fn("FPDFFormObj_CountObjects", _c_int, _P)
FormObject = _fn("FPDFFormObj_GetObject", _P, _P, ctypes.c_ulong)
ObjType = _fn("FPDFPageObj_GetType", _c_int, _P)
ObjMatrix = _fn("FPDFPageObj_GetMatrix", _c_int, _P, _ref(_Matrix))
ObjFill = _fn("FPDFPageObj_GetFillColor", _c_int, _P, _ref(_c_uint), _ref(_c_uint), _ref(_c_uint), _ref(_c_uint))
ObjStroke = _fn("FPDFPageObj_GetStrokeColor", _c_int, _P, _ref(_c_uint), _ref(_c_uint), _ref(_c_uint), _ref(_c_uint))
ObjStrokeWidth = _fn("FPDFPageObj_GetStrokeWidth", _c_int, _P, _ref(_c_float))
PathCount = _fn("FPDFPath_CountSegments", _c_int, _P)
PathSegment = _fn("FPDFPath_GetPathSegment", _P, _P, _c_int)
PathDrawMode = _fn("FPDFPath_GetDrawMode", _c_int, _P, _ref(_c_int), _ref(_c_int))
SegPoint = _fn("FPDFPathSegment_GetPoint", _c_int, _P, _ref(_c_float), _ref(_c_float))
SegType = _fn("FPDFPathSegment_GetType", _c_int, _P)
SegClose = _fn("FPDFPathSegment_GetClose", _c_int, _P)
TextLoad = _fn("FPDFText_LoadPage", _P, _P)
TextClose = _fn("FPDFText_ClosePage", None, _P)
TextCount = _fn("FPDFText_CountChars", _c_int, _P)
TextUnicode = _fn("FPDFText_GetUnicode", _c_uint, _P, _c_int)
TextGetText = _fn("FPDFText_GetText", _c_int, _P, _c_int, _c_int, ctypes.c_char_p)
TextGenerated = _fn("FPDFText_IsGenerated", _c_int, _P, _c_int)
TextMapError = _fn("FPDFText_HasUnicodeMapError", _c_int, _P, _c_int)
TextObject = _fn("FPDFText_GetTextObject", _P, _P, _c_int)
TextLooseBox = _fn("FPDFText_GetLooseCharBox", _c_int, _P, _c_int, _ref(_Rect))
TextOrigin = _fn("FPDFText_GetCharOrigin", _c_int, _P, _c_int, _ref(_c_double), _ref(_c_double))
TextMatrix = _fn("FPDFText_GetMatrix", _c_int, _P, _c_int, _ref(_Matrix))
TextObjFont = _fn("FPDFTextObj_GetFont", _P, _P)
TextObjSize = _fn("FPDFTextObj_GetFontSize", _c_int, _P, _ref(_c_float))
FontBaseName = _fn("FPDFFont_GetBaseFontName", ctypes.c_size_t, _P, ctypes.c_char_p, ctypes.c_size_t)
FontDescent = _fn("FPDFFont_GetDescent", _c_int, _P, _c_float, _ref(_c_float))
FontGlyphWidth = _fn("FPDFFont_GetGlyphWidth", _c_int, _P, ctypes.c_uint32, _c_float, _ref(_c_float))

_OBJ_TEXT, _OBJ_PATH, _OBJ_FORM = 1, 2, 5  # FPDF_PAGEOBJ_*


class _Hot:
    """The calls made once per character or path segment, through cffi when it is installed (it
    is, as a dependency of pdfminer's cryptography): about half the cost of a ctypes call. Each
    output goes to a two-number buffer read as ``buf[0]``, ``buf[1]``."""

    def __init__(self) -> None:
        try:
            import cffi

            ffi = cffi.FFI()
            ffi.cdef("""
                int FPDFText_GetCharOrigin(uintptr_t text_page, int index, double* x, double* y);
                uintptr_t FPDFPath_GetPathSegment(uintptr_t path, int index);
                int FPDFPathSegment_GetPoint(uintptr_t segment, float* x, float* y);
                int FPDFPathSegment_GetType(uintptr_t segment);
                int FPDFPathSegment_GetClose(uintptr_t segment);
                uintptr_t FPDFText_GetTextObject(uintptr_t text_page, int index);
            """)
            lib = ffi.dlopen(str(Path(pypdfium2_raw.__file__).with_name("libpdfium.so")))
            self.origin, self.segment, self.point = (lib.FPDFText_GetCharOrigin, lib.FPDFPath_GetPathSegment,
                                                     lib.FPDFPathSegment_GetPoint)
            self.seg_type, self.seg_close = lib.FPDFPathSegment_GetType, lib.FPDFPathSegment_GetClose
            self.text_object = lib.FPDFText_GetTextObject
            self.xy = ffi.new("double[2]")
            self.pxy = (self.xy, self.xy + 1)
            self.fxy = ffi.new("float[2]")
            self.pfxy = (self.fxy, self.fxy + 1)
        except Exception:  # noqa: BLE001 - ctypes it is
            self.origin, self.segment, self.point = TextOrigin, lambda path, k: PathSegment(path, k) or 0, SegPoint
            self.seg_type, self.seg_close = SegType, SegClose
            self.text_object = TextObject
            self.xy = (ctypes.c_double * 2)()
            self.pxy = (ctypes.byref(self.xy, 0), ctypes.byref(self.xy, ctypes.sizeof(ctypes.c_double)))
            self.fxy = (ctypes.c_float * 2)()
            self.pfxy = (ctypes.byref(self.fxy, 0), ctypes.byref(self.fxy, ctypes.sizeof(ctypes.c_float)))


_HOT = _Hot()
_ORIGIN = (_HOT.origin, _HOT.xy, *_HOT.pxy)
_LINETO, _BEZIERTO, _MOVETO = 0, 1, 2  # FPDF_SEGMENT_*

_LIGATURE_CODES = {"ff": 0xFB00, "fi": 0xFB01, "fl": 0xFB02, "ffi": 0xFB03, "ffl": 0xFB04, "st": 0xFB06}
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}

# A character: text, x0, x1, top, bottom, size, fontname, upright, matrix (a, b, c, d) as pdfminer
# gives it (text matrix times CTM, the page's /Rotate included).
Char = tuple[str, float, float, float, float, float, str, bool, tuple[float, float, float, float]]


_F32 = struct.Struct("f")
_decimals: dict[float, float] = {}


def dec(v: float) -> float:
    """The number a content stream most likely wrote, from PDFium's single-precision copy of it:
    the shortest decimal that rounds to the same float32 (``841.8898`` for 841.88977...).
    pdfminer computes in double precision from the written numbers; without this, a rule
    drawn exactly 3 pt from another (pdfplumber's snap tolerance) can fall either side of it."""
    r = _decimals.get(v)
    if r is None:
        r = v
        for fmt in ("%.6g", "%.7g", "%.8g"):
            cand = float(fmt % v)
            if _F32.unpack(_F32.pack(cand))[0] == v:
                r = cand
                break
        if len(_decimals) > 200_000:
            _decimals.clear()
        _decimals[v] = r
    return r


def open_document(path: Path) -> pdfium.PdfDocument:
    with LOCK:
        return pdfium.PdfDocument(path)


def _address(handle: Any) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def _mult(m1: tuple[float, ...], m0: tuple[float, ...]) -> tuple[float, float, float, float, float, float]:
    """pdfminer's mult_matrix: ``m1`` then ``m0``."""
    a1, b1, c1, d1, e1, f1 = m1
    a0, b0, c0, d0, e0, f0 = m0
    return (a0 * a1 + c0 * b1, b0 * a1 + d0 * b1, a0 * c1 + c0 * d1, b0 * c1 + d0 * d1,
            a0 * e1 + c0 * f1 + e0, b0 * e1 + d0 * f1 + f0)


@dataclass
class Frame:
    """From PDF user space to pdfplumber's page coordinates: pdfminer's CTM for the page's
    ``/Rotate``, then origin top-left (pdfplumber's mediabox adjustments)."""

    ctm: tuple[float, float, float, float, float, float]
    width: float
    height: float
    mb_x0: float
    mb_top: float
    rotation: int

    @classmethod
    def of(cls, page: int) -> Frame:
        x0, y0, x1, y1 = (ctypes.c_float() for _ in range(4))
        if not GetMediaBox(page, ctypes.byref(x0), ctypes.byref(y0), ctypes.byref(x1), ctypes.byref(y1)):
            x0.value, y0.value = 0.0, 0.0
            x1.value, y1.value = PageWidth(page), PageHeight(page)
        X0, X1 = sorted((dec(x0.value), dec(x1.value)))
        Y0, Y1 = sorted((dec(y0.value), dec(y1.value)))
        rotation = (GetRotation(page) % 4) * 90
        if rotation == 90:
            ctm = (0.0, -1.0, 1.0, 0.0, -Y0, X1)
        elif rotation == 180:
            ctm = (-1.0, 0.0, 0.0, -1.0, X1, Y1)
        elif rotation == 270:
            ctm = (0.0, 1.0, -1.0, 0.0, Y1, -X0)
        else:
            ctm = (1.0, 0.0, 0.0, 1.0, -X0, -Y0)
        # pdfplumber's mediabox: normalised for the rotation, then inverted.
        mb = (Y0, X0, Y1, X1) if rotation in (90, 270) else (X0, Y0, X1, Y1)
        mb_h = mb[3] - mb[1]
        mediabox = (mb[0], mb_h - mb[3], mb[2], mb_h - mb[1])
        return cls(ctm=ctm, width=mediabox[2] - mediabox[0], height=mediabox[3] - mediabox[1], mb_x0=mediabox[0],
                   mb_top=mediabox[1], rotation=rotation)

    def point(self, x: float, y: float) -> tuple[float, float]:
        """A user-space point as pdfplumber's (x, top)."""
        a, b, c, d, e, f = self.ctm
        return a * x + c * y + e + self.mb_x0, self.height - (b * x + d * y + f) + self.mb_top


@dataclass
class _TextObj:
    fontname: str
    fs: float
    descent: float  # per unit of font size (negative)
    font: int
    user: tuple[float, float, float, float]  # the character matrix's linear part in user space
    pm: tuple[float, float, float, float]  # the same with the page's rotation: pdfminer's matrix
    axis: bool  # glyphs run along the user-space x axis (b = c = 0, a != 0)
    upright: bool


def _font_name(font: int) -> str:
    buf = ctypes.create_string_buffer(256)
    n = FontBaseName(font, buf, 256)
    if n > 256:
        buf = ctypes.create_string_buffer(n)
        n = FontBaseName(font, buf, n)
    return buf.raw[: max(0, n - 1)].decode("utf-8", "replace") if n else ""


def read_chars(page: int, frame: Frame, order: dict[int, tuple[int, tuple[float, ...] | None]] | None = None,
               matrices: dict[tuple[float, ...], int] | None = None) -> list[Char]:
    """Every character of the page as pdfplumber would see it, in content-stream order when
    ``order`` (text object → its place in the stream, see :func:`walk`) is given: PDFium sorts a
    line's text objects left to right, pdfminer keeps them as drawn, and pdfplumber's words
    depend on it (a word never spans two runs of one font and size)."""
    tp = TextLoad(page)
    if not tp:
        return []
    try:
        return _chars(tp, frame, order, matrices)
    finally:
        TextClose(tp)


def _space_follows(tp: int, k: int, end_x: float, end_y: float) -> bool:
    """Whether the character after a space PDFium generated starts one space's width after it.

    PDFium writes a space of its own where a kerning gap is wide, and then drops a real space
    that follows it as a double space: the printed space is where the generated one stands, and
    the next character starts a space's width on. A bare kerning gap has no character in
    pdfminer; a space that was printed has one."""
    origin, xy, px, py = _ORIGIN
    x, y = xy[0], xy[1]
    origin(tp, k, px, py)
    nx, ny = xy[0], xy[1]
    xy[0], xy[1] = x, y  # the caller's origin stays the generated space's
    return abs(nx - end_x) < 0.01 and abs(ny - end_y) < 0.01


def _glyph(tp: int, k: int, font: int, fs: float, u: int) -> tuple[float, str]:
    """A character code's advance and text, looked up once per font and size: ``(cid:N)`` when
    its font maps it to no Unicode (pdfminer's spelling), ``-`` for a hyphen PDFium marked as a
    line-end hyphen (it is printed)."""
    if u == 2:
        # PDFium does not say which hyphen it was: the soft one (U+00AD) when the font has only that.
        u = 0xAD if _glyph_width(font, 0x2D, fs) <= 0 < _glyph_width(font, 0xAD, fs) else 0x2D
    text = f"(cid:{u})" if TextMapError(tp, k) else LIGATURES.get(chr(u), chr(u))
    return _glyph_width(font, u, fs), text


def _runs(tp: int, n: int) -> list[tuple[int, int, int]]:
    """(first, end, text object) of each run of characters PDFium drew from one text object (a
    text object's characters are consecutive in PDFium's list); characters PDFium generated
    between objects (line breaks, spaces it inferred) belong to none and are left out."""
    get = _HOT.text_object
    owners = [get(tp, k) or 0 for k in range(n)]
    out: list[tuple[int, int, int]] = []
    k = 0
    for obj, group in itertools.groupby(owners):
        size = sum(1 for _ in group)
        if obj:
            out.append((k, k + size, obj))
        k += size
    return out


def _page_text(tp: int, n: int) -> array.array | None:
    """All of the page's characters in one call, as UTF-16 code units (one per character, as
    PDFium counts them), when none was left out of the page's text (control characters are)."""
    buf = ctypes.create_string_buffer(2 * (n + 1))
    got = TextGetText(tp, 0, n, buf)
    if got != n + 1:
        return None
    units = array.array("H")
    units.frombytes(buf.raw[: 2 * n])
    if sys.byteorder != "little":
        units.byteswap()
    return units


def _chars(tp: int, frame: Frame, order: dict[int, tuple[int, tuple[float, ...] | None]] | None,
           matrices: dict[tuple[float, ...], int] | None = None) -> list[Char]:
    n = TextCount(tp)
    if n <= 0:
        return []
    page_text = _page_text(tp, n)
    rect, m = _Rect(), _Matrix()
    rp, mp = ctypes.byref(rect), ctypes.byref(m)
    origin, xy, px, py = _ORIGIN
    fsz = ctypes.c_float()
    objs: dict[int, _TextObj] = {}  # handles are valid while the page is open: caches live as long
    infos: dict[Any, Any] = {}
    glyphs: dict[tuple[int, float], dict[int, tuple[float, str]]] = {}
    ca, cb, cc, cd, ce, cf = frame.ctm
    height, mb_x0, mb_top = frame.height, frame.mb_x0, frame.mb_top
    runs: list[tuple[int, int, list[Char]]] = []
    for first, end, obj in _runs(tp, n):
        info = objs.get(obj)
        if info is None:
            info = objs[obj] = _text_obj(tp, first, obj, frame, m, mp, fsz, infos)
        fs, font = info.fs, info.font
        a, b = info.user[0], info.user[1]
        fontname, upright, pm = info.fontname, info.upright, info.pm
        qa, qb, qc, qd = pm  # the glyph's axes on the page as pdfminer sees it (/Rotate applied)
        flat = qb == 0 and qc == 0 and qa != 0  # glyphs run across the page: top and bottom are the run's
        side = qa == 0 and qd == 0 and qb != 0  # glyphs run down or up it: x0 and x1 are the run's
        if flat or side:
            lo = info.descent * fs
            origin(tp, first, px, py)
            fx, fy = dec(xy[0]), dec(xy[1])
            if flat:
                dy = cb * fx + cd * fy + cf
                ya, yb = dy + qd * lo, dy + qd * (lo + fs)
                y0, y1 = (ya, yb) if ya <= yb else (yb, ya)
                top, bottom, size = height - y1 + mb_top, height - y0 + mb_top, round(y1 - y0, 4)
            else:
                dx = ca * fx + cc * fy + ce + mb_x0
                xa, xb = dx + qc * lo, dx + qc * (lo + fs)
                x0, x1 = (xa, xb) if xa <= xb else (xb, xa)
        out: list[Char] = []
        append = out.append
        cache = glyphs.get((font, fs))
        if cache is None:
            cache = glyphs[(font, fs)] = {}
        last_x = last_y = None  # where the character before in this run started
        for k in range(first, end):
            u = page_text[k] if page_text is not None else 0xFFFE
            if u == 0xFFFE:  # not in the page's text (a line-end hyphen, for one): ask for it
                u = TextUnicode(tp, k)
                if u == 0xFFFE:
                    continue
            if u == 0:
                continue
            glyph = cache.get(u)
            if glyph is None:
                glyph = cache[u] = _glyph(tp, k, font, fs, u)
            w, text = glyph
            origin(tp, k, px, py)
            x, y = xy[0], xy[1]
            if u == 32 and TextGenerated(tp, k) and not (
                    w > 0 and k + 1 < end and _space_follows(tp, k + 1, x + a * w, y + b * w)):
                continue  # a space PDFium inferred from a gap: pdfminer has no character there
            if x == last_x and y == last_y and out and not out[-1][0].isspace():
                # A piece of the glyph before: PDFium splits a ligature (ﬁ) into its letters, all
                # at the ligature's origin; pdfminer has one character as wide as the ligature.
                text = out.pop()[0] + text
                if "\ud800" <= text[-1] <= "\udfff":  # a character beyond the BMP, as two UTF-16 halves
                    text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
                lig = _LIGATURE_CODES.get(text)
                w = _glyph_width(font, lig, fs) if lig else 0.0
                if w <= 0:
                    TextLooseBox(tp, k, rp)
                    w = (rect.right - rect.left) / a if a else 0.0
            elif w <= 0 and a:
                TextLooseBox(tp, k, rp)
                w = (rect.right - rect.left) / a  # no width for this code: PDFium's own box
            last_x, last_y = x, y
            if flat:
                xa = ca * x + cc * y + ce + mb_x0
                xb = xa + qa * w
                if xb < xa:
                    xa, xb = xb, xa
                append((text, xa, xb, top, bottom, size, fontname, upright, pm))
            elif side:
                ya = cb * x + cd * y + cf
                yb = ya + qb * w
                y0, y1 = (ya, yb) if ya <= yb else (yb, ya)
                append((text, x0, x1, height - y1 + mb_top, height - y0 + mb_top, round(y1 - y0, 4), fontname,
                        upright, pm))
            else:
                append(_char(text, dec(x), dec(y), w, info, frame))
        if out:
            runs.append((order[obj][0] if order and obj in order else -1, first, out))
    if order is not None:
        # Text objects PDFium leaves out of its text page because they print nothing (a lone
        # space, often in another font between two cells' words): pdfminer keeps their
        # characters, and a space in another font ends the run of the words either side of it.
        for obj, (place, parent) in order.items():
            if obj not in objs and _blank(obj):
                info = _object_info(obj, parent, frame, infos)
                char = _space(obj, info, parent, frame) if info is not None else None
                if char is not None:
                    runs.append((place, -1, [char]))
        runs.sort(key=lambda r: (r[0], r[1]))
    chars = [ch for _, _, cs in runs for ch in cs]
    if matrices is not None:
        for _, _, cs in runs:
            if cs:
                m = cs[0][8]  # a run's characters share their matrix
                matrices[m] = matrices.get(m, 0) + len(cs)
    return chars


def _text_obj(tp: int, i: int, obj: int, frame: Frame, m: _Matrix, mp: Any, fsz: ctypes.c_float,
              cache: dict[Any, Any]) -> _TextObj:
    """Font, size and matrix of the text object that drew character ``i``."""
    font = TextObjFont(obj) or 0
    fs = dec(fsz.value) if TextObjSize(obj, ctypes.byref(fsz)) else 0.0
    TextMatrix(tp, i, mp)
    return _info(font, fs, (dec(m.a), dec(m.b), dec(m.c), dec(m.d)), frame, cache)


def _info(font: int, fs: float, user: tuple[float, float, float, float], frame: Frame, cache: dict[Any, Any]) -> _TextObj:
    key = (font, fs, user)
    info = cache.get(key)
    if info is None:
        named = cache.get(font)
        if named is None:
            desc = ctypes.c_float()
            descent = float(desc.value) / 1000.0 if font and FontDescent(font, 1000.0, ctypes.byref(desc)) else 0.0
            named = cache[font] = (_font_name(font) if font else "", -abs(descent))
        pa, pb, pc, pd, _, _ = _mult((*user, 0.0, 0.0), frame.ctm)
        info = cache[key] = _TextObj(fontname=named[0], fs=fs, descent=named[1], font=font, user=user,
                                     pm=(pa, pb, pc, pd), axis=abs(user[0]) > 1e-9 and user[1] == 0 and user[2] == 0,
                                     upright=pa * pd > 0 and pb * pc <= 0)
    return info


ObjBounds = _fn("FPDFPageObj_GetBounds", _c_int, _P, _ref(_c_float), _ref(_c_float), _ref(_c_float), _ref(_c_float))


def _blank(obj: int) -> bool:
    """PDFium's own test for a text object it leaves out: no width."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not ObjBounds(obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)):
        return False
    return abs(right.value - left.value) < 0.01


def _object_info(obj: int, parent: tuple[float, ...] | None, frame: Frame, cache: dict[Any, Any]) -> _TextObj | None:
    m = _Matrix()
    if not ObjMatrix(obj, ctypes.byref(m)):
        return None
    own = (dec(m.a), dec(m.b), dec(m.c), dec(m.d), dec(m.e), dec(m.f))
    full = own if parent is None else _mult(own, parent)
    fsz = ctypes.c_float()
    fs = dec(fsz.value) if TextObjSize(obj, ctypes.byref(fsz)) else 0.0
    return _info(TextObjFont(obj) or 0, fs, (full[0], full[1], full[2], full[3]), frame, cache)


def _space(obj: int, info: _TextObj, parent: tuple[float, ...] | None, frame: Frame) -> Char | None:
    m = _Matrix()
    if not ObjMatrix(obj, ctypes.byref(m)):
        return None
    x, y = m.e, m.f
    if parent is not None:
        pa, pb, pc, pd, pe, pf = parent
        x, y = pa * x + pc * y + pe, pb * x + pd * y + pf
    return _char(" ", x, y, _glyph_width(info.font, 32, info.fs), info, frame)


def _char(text: str, x: float, y: float, w: float, info: _TextObj, frame: Frame) -> Char:
    """A glyph of advance ``w`` at user-space origin (x, y), boxed as pdfminer boxes it."""
    a, b, c, d = info.user
    lo = info.descent * info.fs
    hi = lo + info.fs
    xs = (x + c * lo, x + a * w + c * lo, x + c * hi, x + a * w + c * hi)
    ys = (y + d * lo, y + b * w + d * lo, y + d * hi, y + b * w + d * hi)
    ca, cb, cc, cd, ce, cf = frame.ctm
    px = [ca * xx + cc * yy + ce for xx, yy in zip(xs, ys)]
    py = [cb * xx + cd * yy + cf for xx, yy in zip(xs, ys)]
    y0, y1 = min(py), max(py)
    top_of = frame.height + frame.mb_top
    return (text, min(px) + frame.mb_x0, max(px) + frame.mb_x0, top_of - y1, top_of - y0, round(y1 - y0, 4),
            info.fontname, info.upright, info.pm)


def _glyph_width(font: int, u: int, fs: float) -> float:
    out = ctypes.c_float()
    return float(out.value) if font and FontGlyphWidth(font, u, fs, ctypes.byref(out)) else 0.0


# -- words: pdfplumber's extract_words, on these characters ---------------------------------------

_TEXT, _X0, _X1, _TOP, _BOTTOM, _SIZE, _FONT, _UPRIGHT = range(8)


def _run_key(c: Char) -> tuple[bool, str, float]:
    """upright, fontname, size; sideways characters by font alone (their ``size`` is each glyph's
    advance, see :mod:`.pdf_words`)."""
    return (True, c[6], c[5]) if c[7] else (False, c[6], 0.0)


_BY_X0 = operator.itemgetter(1)
_BY_TOP = operator.itemgetter(3, 4)


def words(chars: list[Char], x_tolerance: float = 3.0, y_tolerance: float = 3.0,
          word_gap_em: float = DEFAULT_WORD_GAP_EM) -> list[dict[str, Any]]:
    """pdfplumber's ``extract_words(x_tolerance=3, y_tolerance=3, extra_attrs=["fontname", "size"])``:
    runs of characters of one font and size (in order), each cut into lines (clustered by top, or
    by x0 for sideways text) and each line into words at spaces and at gaps wider than the
    tolerance; then the rules of :mod:`.pdf_words` (gaps relative to the font size, sideways runs)."""
    out: list[dict[str, Any]] = []
    for (upright, fontname, size), run in itertools.groupby(chars, key=_run_key):
        group = list(run)
        line_key = _TOP if upright else _X0
        # cluster_objects: values sorted, a value within the tolerance of the one before joins it.
        tol = y_tolerance if upright else x_tolerance
        cluster: dict[float, int] = {}
        last = None
        cid = -1
        for v in sorted({c[line_key] for c in group}):
            if last is None or v > last + tol:
                cid += 1
            cluster[v] = cid
            last = v
        if cid == 0:
            lines: list[list[Char]] = [group]
        else:
            lines = [[] for _ in range(cid + 1)]
            for c in group:
                lines[cluster[c[line_key]]].append(c)
        for line in lines:
            if upright:
                line.sort(key=_BY_X0)
                _split_ltr(line, x_tolerance, y_tolerance, fontname, size, out, word_gap_em * size)
            else:
                line.sort(key=_BY_TOP)
                _split_ttb(line, x_tolerance, y_tolerance, fontname, out)
    return out


def _emit_cut(word: list[Char], fontname: str, size: float, gap: float, out: list[dict[str, Any]]) -> None:
    """A word with a gap wider than ``gap`` inside: cut where :func:`.pdf_words.gap_cuts` says."""
    cuts = gap_cuts([(c[0], c[1], c[2]) for c in word], size, gap / size)
    for a, b in zip([0, *cuts], [*cuts, len(word)]):
        piece = word[a:b]
        out.append({"text": "".join(c[0] for c in piece), "x0": piece[0][1], "x1": max(c[2] for c in piece),
                    "top": min(c[3] for c in piece), "bottom": max(c[4] for c in piece),
                    "fontname": fontname, "size": size, "upright": True})


def _split_ltr(line: list[Char], xt: float, yt: float, fontname: str, size: float, out: list[dict[str, Any]],
               gap: float = 0.0) -> None:
    """A line (sorted by x0) into words: a space, a step back or a gap wider than ``xt`` ends one;
    a gap wider than ``gap`` (beyond the word's usual spacing) may too (:mod:`.pdf_words`)."""
    text: list[str] | None = None
    wx0 = wx1 = wtop = wbottom = px0 = px1 = ptop = 0.0
    start = 0
    wide = False  # a gap wider than ``gap`` inside the word: rare, so only then is it looked at again

    def emit(end: int) -> None:
        if wide:
            _emit_cut(line[start:end], fontname, size, gap, out)
        else:
            out.append({"text": "".join(text or ()), "x0": wx0, "x1": wx1, "top": wtop, "bottom": wbottom,
                        "fontname": fontname, "size": size, "upright": True})

    for i, c in enumerate(line):
        t, x0, x1, top, bottom = c[0], c[1], c[2], c[3], c[4]
        space = t.isspace()
        if text is not None and (space or x0 < px0 or x0 > px1 + xt or abs(top - ptop) > yt):
            emit(i)
            text = None
        if space:
            continue
        if text is None:
            text = [t]
            wx0, wx1, wtop, wbottom = x0, x1, top, bottom
            start, wide = i, False
        else:
            if gap and x0 - px1 > gap:
                wide = True
            text.append(t)
            if x1 > wx1:
                wx1 = x1
            if top < wtop:
                wtop = top
            if bottom > wbottom:
                wbottom = bottom
        px0, px1, ptop = x0, x1, top
    if text is not None:
        emit(len(line))


def _split_ttb(line: list[Char], xt: float, yt: float, fontname: str, out: list[dict[str, Any]]) -> None:
    """Sideways text: a line (sorted by top) into words, the same rules down the page; a word's
    size is its width across the line."""
    text: list[str] | None = None
    wx0 = wx1 = wtop = wbottom = px0 = ptop = pbottom = 0.0
    for c in line:
        t, x0, x1, top, bottom = c[0], c[1], c[2], c[3], c[4]
        if t.isspace():
            if text is not None:
                out.append({"text": "".join(text), "x0": wx0, "x1": wx1, "top": wtop, "bottom": wbottom,
                            "fontname": fontname, "size": wx1 - wx0, "upright": False})
                text = None
            continue
        if text is not None and (top < ptop or top > pbottom + yt or abs(x0 - px0) > xt):
            out.append({"text": "".join(text), "x0": wx0, "x1": wx1, "top": wtop, "bottom": wbottom,
                        "fontname": fontname, "size": wx1 - wx0, "upright": False})
            text = None
        if text is None:
            text = [t]
            wx0, wx1, wtop, wbottom = x0, x1, top, bottom
        else:
            text.append(t)
            if x0 < wx0:
                wx0 = x0
            if x1 > wx1:
                wx1 = x1
            if bottom > wbottom:
                wbottom = bottom
        px0, ptop, pbottom = x0, top, bottom
    if text is not None:
        out.append({"text": "".join(text), "x0": wx0, "x1": wx1, "top": wtop, "bottom": wbottom,
                    "fontname": fontname, "size": wx1 - wx0, "upright": False})


# -- drawn paths: pdfplumber's line, rect and curve objects -----------------------------------------


def walk(page: int) -> tuple[dict[int, tuple[int, tuple[float, ...] | None]], list[tuple[int, tuple[float, ...]]]]:
    """The page's objects in content-stream order (form XObjects entered where they are drawn):
    each text object's place in that order (and the matrix of the form holding it), and every
    path with its matrix to user space."""
    order: dict[int, tuple[int, tuple[float, ...] | None]] = {}
    paths: list[tuple[int, tuple[float, ...]]] = []
    m = _Matrix()
    mp = ctypes.byref(m)

    def visit(obj: int, parent: tuple[float, ...] | None) -> None:
        kind = ObjType(obj)
        if kind == _OBJ_TEXT:
            order[obj] = (len(order), parent)
        elif kind == _OBJ_PATH:
            ObjMatrix(obj, mp)
            own = (dec(m.a), dec(m.b), dec(m.c), dec(m.d), dec(m.e), dec(m.f))
            paths.append((obj, own if parent is None else _mult(own, parent)))
        elif kind == _OBJ_FORM:
            ObjMatrix(obj, mp)
            own = (dec(m.a), dec(m.b), dec(m.c), dec(m.d), dec(m.e), dec(m.f))
            matrix = own if parent is None else _mult(own, parent)
            for k in range(FormCount(obj)):
                child = FormObject(obj, k)
                if child:
                    visit(child, matrix)

    for k in range(CountObjects(page)):
        obj = GetObject(page, k)
        if obj:
            visit(obj, None)
    return order, paths


def graphics(paths: list[tuple[int, tuple[float, ...]]], frame: Frame) -> dict[str, list[dict[str, Any]]]:
    """pdfplumber's ``line``, ``rect`` and ``curve`` objects of the page's paths, by pdfminer's rules:
    each subpath on its own; two points make a line, a closed axis-aligned four-sided one a rect,
    anything else a curve (its points are the segments' end points)."""
    out: dict[str, list[dict[str, Any]]] = {"line": [], "rect": [], "curve": []}
    get_segment, get_point, get_type, get_close = _HOT.segment, _HOT.point, _HOT.seg_type, _HOT.seg_close
    fxy = _HOT.fxy
    fxp, fyp = _HOT.pfxy
    decimal = _decimals.get
    fillmode, stroke = ctypes.c_int(), ctypes.c_int()
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    rgba = (ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a))
    ca, cb, cc, cd, ce, cf = frame.ctm
    for obj, (ma, mb, mc, md, me, mf) in paths:
        n = PathCount(obj)
        if n < 2:
            continue
        # The device matrix (path → pdfminer's page space) composed once.
        da, db = ma * ca + mb * cc, ma * cb + mb * cd
        dc, dd = mc * ca + md * cc, mc * cb + md * cd
        de, df = me * ca + mf * cc + ce, me * cb + mf * cd + cf
        ops: list[tuple[str, float, float]] = []
        start: tuple[float, float] | None = None
        bez = 0
        for k in range(n):
            seg = get_segment(obj, k)
            kind = get_type(seg)
            if kind == _BEZIERTO:  # three Bézier points make one `c`: pdfminer keeps its end point
                bez += 1
                if bez < 3:
                    continue
            get_point(seg, fxp, fyp)
            x, y = fxy[0], fxy[1]
            xd, yd = decimal(x), decimal(y)
            x = dec(x) if xd is None else xd
            y = dec(y) if yd is None else yd
            pt = (da * x + dc * y + de, db * x + dd * y + df)
            if kind == _MOVETO:
                ops.append(("m", *pt))
                start = pt
                bez = 0
            elif kind == _LINETO:
                ops.append(("l", *pt))
                bez = 0
            else:
                bez = 0
                ops.append(("c", *pt))
            if start is not None and get_close(seg):
                ops.append(("h", *start))
        PathDrawMode(obj, ctypes.byref(fillmode), ctypes.byref(stroke))
        fill, stroked = fillmode.value != 0, bool(stroke.value)
        if not (fill or stroked):
            continue
        ncolor = None
        if fill and ObjFill(obj, *rgba):
            ncolor = (r.value / 255, g.value / 255, b.value / 255)
        # What the reader uses of a drawing: its box, whether it is filled and with what colour;
        # a curve's points (its edges). Stroke colour and width are not read.
        _paint(ops, {"stroke": stroked, "fill": fill, "non_stroking_color": ncolor}, frame, out)
    return out


def _paint(ops: list[tuple[str, float, float]], style: dict[str, Any], frame: Frame,
           out: dict[str, list[dict[str, Any]]]) -> None:
    """pdfminer's ``paint_path`` for one path, already in page space."""
    shape = "".join(o[0] for o in ops)
    if shape[:1] != "m":
        return
    if shape.count("m") > 1:
        i = 0
        while i < len(ops):
            j = i + 1
            while j < len(ops) and ops[j][0] != "m":
                j += 1
            if j - i > 1:
                _paint(ops[i:j], style, frame, out)
            i = j
        return
    pts = [(o[1], o[2]) for o in ops]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts.pop()
    if shape in ("mlh", "ml"):
        kind, pts = "line", pts[:2]
    elif shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        if pts[0] == pts[4] and ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
                                 or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)):
            kind = "rect"
            pts = [(min(x0, x2), min(y0, y2)), (max(x0, x2), min(y0, y2)), (max(x0, x2), max(y0, y2)), (min(x0, x2), max(y0, y2))]
        else:
            kind = "curve"
    else:
        kind = "curve"
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    h, mb_x0, mb_top = frame.height, frame.mb_x0, frame.mb_top
    top = h - y1 + mb_top
    obj = {"object_type": kind, "x0": x0 + mb_x0, "x1": x1 + mb_x0, "y0": y0, "y1": y1, "top": top,
           "bottom": h - y0 + mb_top, "doctop": top, "width": x1 - x0, "height": y1 - y0, **style}
    if kind == "curve":  # its edges run between its points; a line's or a rect's are its box
        obj["pts"] = [(x + mb_x0, mb_top + h - y) for x, y in pts]
    out[kind].append(obj)


# -- a page ----------------------------------------------------------------------------------------


class PdfiumPage:
    """One page of a :class:`pdfium.PdfDocument`, with what pdfplumber's ``Page`` offers the reader:
    ``page_number``, ``width``, ``height``, ``bbox``, characters, words, ``rects`` and ``edges`` (the
    last two are all pdfplumber's table finder reads). Close it when done."""

    def __init__(self, doc: pdfium.PdfDocument, index: int) -> None:
        self.page_number = index + 1
        self._raw = LoadPage(_address(doc.raw), index)
        if not self._raw:
            raise RuntimeError(f"PDFium could not load page {index + 1}")
        self.frame = Frame.of(self._raw)
        self.width, self.height = self.frame.width, self.frame.height
        self.bbox = (self.frame.mb_x0, self.frame.mb_top, self.frame.mb_x0 + self.width, self.frame.mb_top + self.height)
        order, self._paths = walk(self._raw)
        self._matrices: dict[tuple[float, ...], int] = {}  # how many characters have each matrix
        self.chars: list[Char] = read_chars(self._raw, self.frame, order, self._matrices)
        self._objects: dict[str, list[dict[str, Any]]] | None = None
        self._edges: list[dict[str, Any]] | None = None
        self.turned: str | None = None

    @property
    def has_paths(self) -> bool:
        return bool(self._paths)

    @property
    def objects(self) -> dict[str, list[dict[str, Any]]]:
        if self._objects is None:
            self._objects = graphics(self._paths, self.frame) if self._paths else {"line": [], "rect": [], "curve": []}
        return self._objects

    @property
    def rects(self) -> list[dict[str, Any]]:
        return self.objects["rect"]

    @property
    def edges(self) -> list[dict[str, Any]]:
        """pdfplumber's ``page.edges`` (``line_to_edge``, ``rect_to_edges``, ``curve_to_edges``) with
        only the keys its table finder reads: it copies an edge whenever it snaps one, and a copy
        of the whole drawing (points, colours) costs more than finding the table."""
        if self._edges is not None:
            return self._edges
        objs = self.objects
        out: list[dict[str, Any]] = []
        add = out.append
        for o in objs["line"]:
            add({"x0": o["x0"], "x1": o["x1"], "top": o["top"], "bottom": o["bottom"], "width": o["width"],
                 "height": o["height"], "orientation": "h" if o["top"] == o["bottom"] else "v", "object_type": "line"})
        for r in objs["rect"]:
            x0, x1, top, bottom, width, height = r["x0"], r["x1"], r["top"], r["bottom"], r["width"], r["height"]
            add({"x0": x0, "x1": x1, "top": top, "bottom": top, "width": width, "height": 0, "orientation": "h",
                 "object_type": "rect_edge"})
            add({"x0": x0, "x1": x1, "top": top + height, "bottom": bottom, "width": width, "height": 0,
                 "orientation": "h", "object_type": "rect_edge"})
            add({"x0": x0, "x1": x0, "top": top, "bottom": bottom, "width": 0, "height": height, "orientation": "v",
                 "object_type": "rect_edge"})
            add({"x0": x1, "x1": x1, "top": top, "bottom": bottom, "width": 0, "height": height, "orientation": "v",
                 "object_type": "rect_edge"})
        for c in objs["curve"]:
            pts = c["pts"]
            for (ax, ay), (bx, by) in zip(pts, pts[1:]):
                orientation = "v" if ax == bx else ("h" if ay == by else None)
                if orientation is None:
                    continue  # the table finder keeps only vertical and horizontal edges
                add({"x0": min(ax, bx), "x1": max(ax, bx), "top": min(ay, by), "bottom": max(ay, by),
                     "width": abs(ax - bx), "height": abs(ay - by), "orientation": orientation,
                     "object_type": "curve_edge"})
        self._edges = out
        return out

    def words(self, word_gap_em: float = DEFAULT_WORD_GAP_EM) -> list[dict[str, Any]]:
        return words(self.chars, word_gap_em=word_gap_em)

    def turn_if_sideways(self, min_share: float) -> str | None:
        """Turn the page a quarter when most of its characters run down (or up) it, as
        :mod:`.pdf_rotation` does for pdfplumber's pages: characters and drawings alike."""
        from .pdf_rotation import _turn_box, sideways_of

        direction = sideways_of(self._matrices, len(self.chars), min_share)
        if direction is None:
            return None
        w, h = self.width, self.height
        turned = []
        for c in self.chars:
            d = _turn_box({"object_type": "char", "x0": c[_X0], "x1": c[_X1], "top": c[_TOP], "bottom": c[_BOTTOM],
                           "doctop": c[_TOP], "size": c[_SIZE]}, direction, w, h)
            turned.append((c[_TEXT], d["x0"], d["x1"], d["top"], d["bottom"], c[_SIZE], c[_FONT], True, d["matrix"][:4]))
        self.chars = turned
        self._objects = {k: [_turn_box(o, direction, w, h) for o in objs] for k, objs in self.objects.items()}
        self._edges = None
        self.width, self.height = h, w
        self.bbox = (0.0, 0.0, h, w)
        self.turned = direction
        return direction

    def close(self) -> None:
        if self._raw:
            ClosePage(self._raw)
            self._raw = 0


