"""Read and validate score input files (CSV or XLSX) into ``Observation`` rows.

Every problem is collected as a bilingual message naming the 1-based spreadsheet row
(header = row 1) and the column; nothing is raised for bad input except ``InputError``
carrying all messages.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from nyata.core.typealiases import RawValue
from nyata.numbers import FormulaCell, NumberError, PercentCell, plain, read_number, unit_bounds

from .model import Aggregation, Observation, Polarity

REQUIRED = (
    "pemda",
    "agency",
    "indicator",
    "unit",
    "polarity",
    "aggregation",
    "year",
    "quarter",
    "target",
    "realisation",
)
OPTIONAL = ("verified", "evidence_count", "weight")
MAX_XLSX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_XLSX_ENTRIES = 1000

_TRUE = {"1", "true", "yes", "ya", "y", "benar"}
_FALSE = {"0", "false", "no", "tidak", "t", "n", "salah"}


class InputError(Exception):
    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = list(messages)


def msg(row: int, column: str | None, id_text: str, en_text: str) -> str:
    if column is None:
        return f"baris {row}: {id_text} (row {row}: {en_text})"
    return f"baris {row}, kolom '{column}': {id_text} (row {row}, column '{column}': {en_text})"


def parse_number(value: RawValue, *, unit: str | None = None, decimals: int | None = None) -> float:
    """Read one number with the one reader (`nyata.numbers.read_number`): ``85.5``, ``85,5``,
    ``1.234,5``, ``1.234.567``, ``1,234.5``; a lone ``1.234`` only when the unit's bounds tell
    the readings apart. Raises NumberError (a ValueError)."""
    low, high = unit_bounds(unit)
    return float(read_number(value, decimals=decimals, low=low, high=high, unit=unit))


def number_texts(e: NumberError, unit: str = "") -> tuple[str, str]:
    """(Indonesian, English) for why a value was not read."""
    raw = "" if e.raw is None else str(e.raw)
    if e.code == NumberError.TOO_LARGE:
        return f"angka terlalu besar: '{raw}'", f"number too large: '{raw}'"
    if e.code == NumberError.AMBIGUOUS:
        a, b = (plain(Decimal(x)) for x in e.readings)
        return (f"'{raw}' dapat dibaca {a.replace('.', ',')} atau {b}; tulis tanpa pemisah ribuan atau "
                "dengan koma desimal yang jelas",
                f"'{raw}' reads as {a} or {b}; write it without a thousands separator or with an "
                "unambiguous decimal")
    if e.code == NumberError.PERCENT_CELL:
        return (f"sel berformat persen ({raw}) tetapi satuan '{unit}' bukan persen",
                f"cell formatted as percent ({raw}) but unit '{unit}' is not percent")
    if e.code == NumberError.FORMULA:
        return ("sel berisi rumus tanpa nilai tersimpan; buka dan simpan ulang di Excel, atau isikan nilainya",
                "formula cell without a saved value; open and save it in Excel, or enter the value")
    return f"bukan angka: '{raw}'", f"not a number: '{raw}'"


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _read_xlsx(data: bytes) -> tuple[list[tuple[int, list[Any]]], list[str]]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return [], [
            msg(1, None, "file bukan CSV atau XLSX yang sah", "file is not a valid CSV or XLSX")
        ]
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    if len(infos) > MAX_XLSX_ENTRIES or total > MAX_XLSX_UNCOMPRESSED:
        return [], [
            msg(
                1,
                None,
                f"XLSX ditolak: {len(infos)} entri, {total} byte tak terkompresi "
                "(maks 1000 entri, 50 MB)",
                f"XLSX refused: {len(infos)} entries, {total} bytes uncompressed "
                "(max 1000 entries, 50 MB)",
            )
        ]
    try:
        import openpyxl  # lazy: only the file reader needs it

        # Values as last saved, and the formulas beside them: a formula without a saved value
        # must be refused, not read as an empty cell.
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        wf = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        out = [
            (i + 1, [_xlsx_cell(c, f) for c, f in zip(r, fr, strict=False)])
            for i, (r, fr) in enumerate(zip(wb.worksheets[0].iter_rows(), wf.worksheets[0].iter_rows(), strict=False))
        ]
        wb.close()
        wf.close()
    except Exception as exc:  # openpyxl raises many types for corrupt files
        return [], [
            msg(
                1,
                None,
                f"XLSX tidak dapat dibaca ({type(exc).__name__})",
                f"XLSX cannot be read ({type(exc).__name__})",
            )
        ]
    return out, []


def _xlsx_cell(cell: Any, formula_cell: Any) -> Any:
    v = getattr(cell, "value", None)
    f = getattr(formula_cell, "value", None)
    if v is None and getattr(formula_cell, "data_type", None) == "f":
        return FormulaCell(str(f))
    fmt = str(getattr(cell, "number_format", "") or "")
    if isinstance(v, int | float) and not isinstance(v, bool) and "%" in fmt:
        return PercentCell(Decimal(str(v)))
    return v


def _read_csv(data: bytes) -> tuple[list[tuple[int, list[Any]]], list[str]]:
    if b"\x00" in data:
        return [], [msg(1, None, "file bukan CSV atau XLSX", "file is not CSV or XLSX")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [msg(1, None, "file bukan CSV UTF-8 atau XLSX", "file is not UTF-8 CSV or XLSX")]
    first = text.split("\n", 1)[0]
    delim = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    return [(i + 1, list(r)) for i, r in enumerate(reader)], []


def read_rows(path: str | Path) -> list[Observation]:
    """Read a CSV/XLSX file; raise InputError with every message when anything is wrong."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(
            [
                msg(
                    1,
                    None,
                    f"file tidak dapat dibuka: {exc.strerror}",
                    f"cannot open file: {exc.strerror}",
                )
            ]
        ) from None
    return parse_bytes(data)


def parse_bytes(data: bytes) -> list[Observation]:
    if not data.strip(b"\xef\xbb\xbf \r\n\t"):
        raise InputError(
            [
                msg(
                    1,
                    c,
                    "file kosong, kolom wajib tidak ada",
                    "empty file, required column missing",
                )
                for c in REQUIRED
            ]
        )
    if data[:4] == b"PK\x03\x04":
        table, errors = _read_xlsx(data)
    else:
        table, errors = _read_csv(data)
    if errors:
        raise InputError(errors)
    return parse_table(table)


def parse_table(table: Iterable[tuple[int, Sequence[RawValue]]]) -> list[Observation]:
    it = iter(table)
    header_row: Sequence[Any] | None = None
    for _, cells in it:
        if any(_cell_text(c) for c in cells):
            header_row = cells
            break
    if header_row is None:
        raise InputError(
            [
                msg(
                    1,
                    c,
                    "file kosong, kolom wajib tidak ada",
                    "empty file, required column missing",
                )
                for c in REQUIRED
            ]
        )
    names = [_cell_text(c).lstrip("\ufeff").strip().lower() for c in header_row]
    col = {n: i for i, n in reversed(list(enumerate(names))) if n}
    errors = [
        msg(1, c, "kolom wajib tidak ada", "required column missing")
        for c in REQUIRED
        if c not in col
    ]
    if errors:
        raise InputError(errors)
    rows: list[Observation] = []
    seen: dict[tuple[str, str, str, int, int | None], int] = {}
    meta: dict[tuple[str, str, str, int], tuple[int, str, str]] = {}
    width = len(header_row)
    for rownum, cells in it:
        vals = {n: _cell_text(cells[i]) if i < len(cells) else "" for n, i in col.items()}
        raw = {n: (cells[i] if i < len(cells) else None) for n, i in col.items()}
        if not any(vals.values()):
            continue
        extra = [c for c in cells[width:] if _cell_text(c)]
        if extra:  # an unquoted 85,5 in a comma-separated file shifts every later field
            errors.append(msg(
                rownum, None,
                f"{width + len(extra)} isian tetapi judul hanya {width} kolom; koma desimal di CSV "
                "berpemisah koma harus diberi tanda kutip (\"85,5\") atau pakai pemisah ';'",
                f"{width + len(extra)} fields but the header has {width} columns; a decimal comma in a "
                "comma-separated CSV must be quoted (\"85,5\") or use ';' as the delimiter",
            ))
            continue
        row_err: list[str] = []

        def err(c: str, id_t: str, en_t: str, _rn: int = rownum, _acc: list[str] = row_err) -> None:
            _acc.append(msg(_rn, c, id_t, en_t))

        for c in ("pemda", "agency", "indicator"):
            if not vals[c]:
                err(c, "nilai wajib kosong", "required value is empty")
        pol: Polarity | None = None
        try:
            pol = Polarity.parse(vals["polarity"])
        except ValueError:
            v = vals["polarity"]
            if v.lower().startswith("range"):
                err(
                    "polarity",
                    f"sintaks rentang salah '{v}', harus range:LOW..HIGH",
                    f"bad range syntax '{v}', expected range:LOW..HIGH",
                )
            else:
                err("polarity", f"nilai '{v}' tidak dikenal", f"unknown value '{v}'")
        agg: Aggregation | None = None
        try:
            agg = Aggregation.parse(vals["aggregation"])
        except ValueError:
            v = vals["aggregation"]
            err(
                "aggregation",
                f"nilai '{v}' tidak dikenal (sum/last/mean/max)",
                f"unknown value '{v}' (sum/last/mean/max)",
            )
        year: int | None = None
        try:
            yv = parse_number(vals["year"], decimals=0)
            if not yv.is_integer() or not 1900 <= yv <= 2200:
                raise ValueError
            year = int(yv)
        except ValueError:
            err("year", f"tahun tidak sah '{vals['year']}'", f"invalid year '{vals['year']}'")
        quarter: int | None = None
        if vals["quarter"]:
            try:
                qv = parse_number(vals["quarter"], decimals=0)
                if not qv.is_integer() or not 1 <= qv <= 4:
                    raise ValueError
                quarter = int(qv)
            except ValueError:
                err(
                    "quarter",
                    f"triwulan harus 1-4 atau kosong, bukan '{vals['quarter']}'",
                    f"quarter must be 1-4 or empty, not '{vals['quarter']}'",
                )
        nums: dict[str, float | None] = {}
        for c in ("target", "realisation"):
            nums[c] = None
            rv = raw[c]
            given = rv if rv is not None and not isinstance(rv, str) else vals[c]
            if given == "":
                continue
            try:
                nums[c] = parse_number(given, unit=vals["unit"])
            except NumberError as e:
                err(c, *number_texts(e, vals["unit"]))
        verified = True
        if vals.get("verified"):
            vv = vals["verified"].lower()
            if vv in _TRUE:
                verified = True
            elif vv in _FALSE:
                verified = False
            else:
                err(
                    "verified",
                    f"nilai '{vals['verified']}' tidak dikenal (true/false)",
                    f"unknown value '{vals['verified']}' (true/false)",
                )
        evidence: int | None = None
        if vals.get("evidence_count"):
            try:
                ev = parse_number(vals["evidence_count"], decimals=0)
                if not ev.is_integer() or ev < 0:
                    raise ValueError
                evidence = int(ev)
            except ValueError:
                err("evidence_count", "harus bilangan bulat >= 0", "must be a whole number >= 0")
        weight: float | None = None
        if vals.get("weight"):
            try:
                weight = parse_number(vals["weight"])
                if weight < 0:
                    raise ValueError
            except ValueError:
                err("weight", "harus angka >= 0", "must be a number >= 0")
        if not row_err and year is not None and pol is not None and agg is not None:
            key = (vals["pemda"], vals["agency"], vals["indicator"], year, quarter)
            if key in seen:
                err(
                    "quarter",
                    "baris duplikat (pemda, agency, indicator, year, quarter), "
                    f"sama dengan baris {seen[key]}",
                    f"duplicate (pemda, agency, indicator, year, quarter) of row {seen[key]}",
                )
            else:
                seen[key] = rownum
            skey = key[:4]
            if skey in meta:
                first, p0, a0 = meta[skey]
                if p0 != pol.code:
                    err(
                        "polarity",
                        f"berbeda dengan baris {first} ('{p0}')",
                        f"differs from row {first} ('{p0}')",
                    )
                if a0 != agg.code:
                    err(
                        "aggregation",
                        f"berbeda dengan baris {first} ('{a0}')",
                        f"differs from row {first} ('{a0}')",
                    )
            else:
                meta[skey] = (rownum, pol.code, agg.code)
        if row_err:
            errors.extend(row_err)
            continue
        assert year is not None and pol is not None and agg is not None
        rows.append(
            Observation(
                vals["pemda"],
                vals["agency"],
                vals["indicator"],
                year,
                quarter,
                nums["target"],
                nums["realisation"],
                pol,
                agg,
                vals["unit"],
                verified,
                evidence,
                weight,
            )
        )
    if not rows and not errors:
        errors.append(msg(2, None, "tidak ada baris data", "no data rows"))
    if errors:
        raise InputError(errors)
    return rows
