"""Safe workbook reading and writing shared by every Excel import and export.

Workbooks are zip archives: the entry count and uncompressed size are checked
before openpyxl parses anything (a zip bomb must not take the server down).
Cells that begin with = + - @ are neutralised on export (formula injection), and
formula cells are refused on import.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from nyata.core.typealiases import RawValue
from nyata.numbers import NumberError, PercentCell, plain, read_number

if TYPE_CHECKING:  # openpyxl is imported where a workbook is opened (it is slow to import)
    from openpyxl import Workbook

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 200
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class CellError:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        parts = [_("lembar %(s)s") % {"s": self.sheet}] if self.sheet else []
        if self.row is not None:
            parts.append(_("baris %(r)d") % {"r": self.row})
        if self.column:
            parts.append(_("kolom %(c)s") % {"c": self.column})
        where = ", ".join(parts)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class ImportErrors(Exception):
    errors: list[CellError] = field(default_factory=list)

    def add(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(CellError(sheet, row, column, message))

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def open_workbook(upload: IO[bytes] | bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> Workbook:
    """Open an uploaded workbook after checking that it is a sane xlsx archive."""
    import openpyxl

    data = upload if isinstance(upload, bytes) else upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImportErrors(
            [
                CellError(
                    "", None, None, _("Berkas terlalu besar (maksimal %(mb)d MB).") % {"mb": max_bytes // (1024 * 1024)}
                )
            ]
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportErrors([CellError("", None, None, _("Berkas bukan buku kerja Excel (.xlsx)."))])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES:
            raise ImportErrors(
                [CellError("", None, None, _("Isi berkas terlalu besar setelah diekstrak; berkas ditolak."))]
            )
        if "[Content_Types].xml" not in zf.namelist():
            raise ImportErrors([CellError("", None, None, _("Berkas bukan buku kerja Excel (.xlsx)."))])
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many types for corrupt archives
        raise ImportErrors([CellError("", None, None, _("Buku kerja rusak atau tidak dapat dibaca."))]) from None


def read_sheet(
    wb: Workbook, sheet: str, columns: Sequence[str], errors: ImportErrors, *, required: bool = True
) -> list[tuple[int, dict[str, RawValue]]]:
    """Rows of a sheet as (spreadsheet row number, {column: value}); header must match."""
    if sheet not in wb.sheetnames:
        if required:
            errors.add(sheet, None, None, _("Lembar tidak ditemukan."))
        return []
    rows = wb[sheet].iter_rows()
    read = 0  # the last row read: openpyxl parses a read-only sheet lazily, row by row
    try:
        header = next(rows, None)
        read = 1
        names = [str(c.value).strip() if c.value is not None else "" for c in (header or ())]
        missing = [c for c in columns if c not in names]
        if missing:
            for c in missing:
                errors.add(sheet, 1, c, _("Kolom wajib tidak ada (judul kolom diubah atau dihapus?)."))
            return []
        index = {c: names.index(c) for c in columns}
        out = []
        for n, cells in enumerate(rows, start=2):
            read = n
            values = {c: _cell_value(cells[i] if i < len(cells) else None, errors, sheet, n, c)
                      for c, i in index.items()}
            if all(v is None or str(v).strip() == "" for v in values.values()):
                continue
            out.append((n, values))
    except Exception:  # a cell or the sheet's XML openpyxl cannot read (NaN, 5,000 digits, broken tags)
        errors.add(sheet, read + 1, None, _("Isi lembar tidak dapat dibaca mulai baris ini (nilai atau struktur "
                                           "sel rusak); buka berkas di Excel, periksa baris itu, lalu simpan ulang."))
        return []
    return out


def _cell_value(cell: Any, errors: ImportErrors, sheet: str, row: int, column: str) -> Any:
    """A cell's value: formulas refused, percent-formatted numbers kept as `PercentCell` (the
    number reader makes 0,855 → 85,5 when the unit is percent), and the export's
    formula-injection guard (a leading apostrophe) undone."""
    v = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f" or (isinstance(v, str) and v.startswith("=")):
        errors.add(sheet, row, column, _("Sel berisi rumus; isikan nilai, bukan rumus."))
        return None
    if isinstance(v, int | float) and not isinstance(v, bool) and "%" in str(getattr(cell, "number_format", "") or ""):
        return PercentCell(Decimal(str(v)))
    if isinstance(v, str) and len(v) > 1 and v[0] == "'" and v[1] in "=+-@\t\r":
        return v[1:]
    return v


def parse_decimal(
    value: RawValue, *, decimals: int | None = None, low: Decimal | None = None, high: Decimal | None = None,
    unit: str | None = None,
) -> Decimal:
    """Every human number of the Django side: `nyata.numbers.read_number` (one reader).

    Raises `NumberError` (a ValueError); `number_message` says why in the user's language.
    """
    return read_number(value, decimals=decimals, low=low, high=high, unit=unit)


def _id(d: Decimal) -> str:
    """A reading in the page's language without grouping, so the example cannot be misread:
    1.234 → "1,234" on an Indonesian page, "1.234" on an English one; 1234 → "1234"."""
    text = plain(d)
    return text if (get_language() or "id").startswith("en") else text.replace(".", ",")


def number_message(err: NumberError, *, field: str | None = None) -> str:
    """Why a value is not read, naming the field when given; in the active language."""
    raw = str(err.raw).strip() if err.raw is not None else ""
    if err.code == NumberError.EMPTY:
        text = _("Nilai wajib diisi.")
    elif err.code == NumberError.TOO_LARGE:
        text = _("Nilai %(v)s terlalu besar.") % {"v": raw}
    elif err.code == NumberError.AMBIGUOUS:
        dec, thou = err.readings
        # a fourth decimal makes the decimal reading unambiguous: 1,2340
        text = _("“%(raw)s” dapat dibaca %(a)s atau %(b)s; tulis %(b)s bila ribuan, atau %(a0)s bila "
                 "desimal.") % {"raw": raw, "a": _id(dec), "b": _id(thou), "a0": _id(dec) + "0"}
    elif err.code == NumberError.PERCENT_CELL:
        text = _("Sel berformat persen (%(raw)s), tetapi satuan indikator bukan persen; "
                 "isikan angkanya tanpa format persen.") % {"raw": raw}
    elif err.code == NumberError.FORMULA:
        text = _("Sel berisi rumus tanpa nilai tersimpan; isikan nilainya, bukan rumus.")
    else:
        text = _("“%(raw)s” bukan angka; tulis misalnya 85,5 atau 1.234,5.") % {"raw": raw}
    return f"{field}: {text}" if field else text


def text(value: RawValue) -> str:
    return "" if value is None else str(value).strip()


def neutralise(value: RawValue) -> RawValue:
    """Formula-injection guard for exported cells."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def build_workbook(
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[RawValue]]]], instructions: Sequence[str] = ()
) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    first = wb.active
    if instructions:
        first.title = _("Petunjuk")[:31]
        for line in instructions:
            first.append([neutralise(line)])
        first.column_dimensions["A"].width = 110
    else:
        wb.remove(first)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([neutralise(v) for v in row])
        for i, name in enumerate(header, start=1):
            ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = max(14, len(name) + 4)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
