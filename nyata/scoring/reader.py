"""Read and validate score input files (CSV or XLSX) into ``Observation`` rows.

Every problem is collected as a bilingual message naming the 1-based spreadsheet row
(header = row 1) and the column; nothing is raised for bad input except ``InputError``
carrying all messages.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

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

_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_ID_DEC = re.compile(r"^[+-]?\d+,\d+$")  # 85,5
_ID_THOUS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")  # 1.234,5 / 1.234.567
_EN_THOUS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,234.5 (only with a dot)
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


def parse_number(text: str) -> float:
    """Parse ``85.5``, ``85,5``, ``1.234,5``, ``1.234.567`` or ``1,234.5``.

    A single dot or a single comma is a decimal separator. Raises ValueError.
    """
    s = text.strip().replace("\u00a0", "").replace(" ", "")
    if _PLAIN.match(s) and s.count(".") <= 1:
        v = float(s)
    elif _ID_DEC.match(s):
        v = float(s.replace(",", "."))
    elif _ID_THOUS.match(s):
        v = float(s.replace(".", "").replace(",", "."))
    elif _EN_THOUS.match(s) and "." in s:
        v = float(s.replace(",", ""))
    else:
        raise ValueError(text)
    if not math.isfinite(v):
        raise ValueError(text)
    return v


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

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        out = [(i + 1, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True))]
        wb.close()
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


def parse_table(table: Iterable[tuple[int, Sequence[Any]]]) -> list[Observation]:
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
    for rownum, cells in it:
        vals = {n: _cell_text(cells[i]) if i < len(cells) else "" for n, i in col.items()}
        raw = {n: (cells[i] if i < len(cells) else None) for n, i in col.items()}
        if not any(vals.values()):
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
            yv = parse_number(vals["year"])
            if not yv.is_integer() or not 1900 <= yv <= 2200:
                raise ValueError
            year = int(yv)
        except ValueError:
            err("year", f"tahun tidak sah '{vals['year']}'", f"invalid year '{vals['year']}'")
        quarter: int | None = None
        if vals["quarter"]:
            try:
                qv = parse_number(vals["quarter"])
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
            if (
                isinstance(rv, (int, float))
                and not isinstance(rv, bool)
                and math.isfinite(float(rv))
            ):
                nums[c] = float(rv)
                continue
            if vals[c]:
                try:
                    nums[c] = parse_number(vals[c])
                except ValueError:
                    err(c, f"bukan angka: '{vals[c]}'", f"not a number: '{vals[c]}'")
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
                ev = parse_number(vals["evidence_count"])
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
