"""The one number reader (`nyata.numbers.read_number`) and the scoring command's use of it.

Both conventions read back what they write; a lone group of three is read by the field's
bounds and decimals or refused; percent cells, formulas without a saved value and CSV rows
with more fields than the header are refused with their place, never guessed.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nyata.numbers import FormulaCell, NumberError, PercentCell, read_number
from nyata.scoring.reader import InputError, parse_bytes

HEADER = "pemda,agency,indicator,unit,polarity,aggregation,year,quarter,target,realisation"
D = Decimal

values = st.decimals(min_value=D("-999999999.9999"), max_value=D("999999999.9999"), places=4,
                     allow_nan=False, allow_infinity=False)


def indonesian(d: Decimal, grouped: bool) -> str:
    text = f"{abs(d):,.4f}" if grouped else f"{abs(d):.4f}"
    text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return ("-" if d < 0 else "") + text


def english(d: Decimal, grouped: bool) -> str:
    return ("-" if d < 0 else "") + (f"{abs(d):,.4f}" if grouped else f"{abs(d):.4f}")


@settings(max_examples=300, deadline=None)
@given(values, st.booleans())
def test_both_conventions_read_back_what_they_write(d: Decimal, grouped: bool) -> None:
    # four decimals are written, so a lone group of three never arises
    assert read_number(indonesian(d, grouped)) == d
    assert read_number(english(d, grouped)) == d


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1000, max_value=999_999_999))
def test_grouped_whole_numbers_read_as_thousands_when_the_field_keeps_no_decimals(n: int) -> None:
    assert read_number(f"{n:,}".replace(",", "."), decimals=0) == n
    assert read_number(f"{n:,}", decimals=0) == n


@pytest.mark.parametrize(("text", "context", "value"), [
    ("0.855", {"low": D(0), "high": D(100)}, D("0.855")),       # was stored as 855
    ("0,855", {"low": D(0), "high": D(100)}, D("0.855")),
    ("1.234", {"low": D(0), "high": D(100)}, D("1.234")),       # was stored as 1234
    ("1.234", {"decimals": 0, "low": D(0)}, D(1234)),            # a count of people
    ("1,234", {"decimals": 2, "low": D(0)}, D(1234)),            # rupiah: 3 decimals impossible
    ("85,5", {}, D("85.5")),
    ("1.234,5", {}, D("1234.5")),
    ("1,234.5", {}, D("1234.5")),
    ("Rp 1.234.567", {}, D(1234567)),
    ("12 345,5", {}, D("12345.5")),
    ("\u22123,5", {}, D("-3.5")),
    ("85%", {}, D(85)),
])
def test_readings(text: str, context: dict[str, object], value: Decimal) -> None:
    assert read_number(text, **context) == value  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "context", "code"), [
    ("1.234", {}, NumberError.AMBIGUOUS),                                 # no context: both readings
    ("1,234", {"low": D(0)}, NumberError.AMBIGUOUS),
    ("1.234", {"decimals": 2, "low": D(0), "high": D(100)}, NumberError.AMBIGUOUS),  # neither fits
    ("1E+999999999", {}, NumberError.NOT_A_NUMBER),
    ("1e309", {}, NumberError.NOT_A_NUMBER),
    ("1.000.000.000.000.000", {}, NumberError.TOO_LARGE),
    ("abc", {}, NumberError.NOT_A_NUMBER),
    ("1.23.4", {}, NumberError.NOT_A_NUMBER),
    ("1,234,5", {}, NumberError.NOT_A_NUMBER),
    ("   ", {}, NumberError.EMPTY),
    ("12%", {"unit": "orang"}, NumberError.NOT_A_NUMBER),
])
def test_refusals(text: str, context: dict[str, object], code: str) -> None:
    with pytest.raises(NumberError) as e:
        read_number(text, **context)  # type: ignore[arg-type]
    assert e.value.code == code


def test_an_ambiguous_value_names_both_readings() -> None:
    with pytest.raises(NumberError) as e:
        read_number("1.234")
    assert e.value.readings == (D("1.234"), D(1234))


def test_cells() -> None:
    assert read_number(PercentCell(D("0.855")), unit="persen") == D("85.5")
    with pytest.raises(NumberError) as e:
        read_number(PercentCell(D("0.855")), unit="rasio")
    assert e.value.code == NumberError.PERCENT_CELL
    with pytest.raises(NumberError) as e:
        read_number(FormulaCell("=A1*2"))
    assert e.value.code == NumberError.FORMULA
    assert read_number(85.5) == D("85.5") and read_number(7) == D(7)
    for bad in (float("inf"), float("nan"), True, 1e300):
        with pytest.raises(NumberError):
            read_number(bad)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_any_text_is_read_or_refused_never_crashes(text: str) -> None:
    try:
        d = read_number(text)
    except NumberError:
        return
    assert d.is_finite() and abs(d) < D("1e15")


# --- the scoring command's files -----------------------------------------------------------


def _xlsx(rows: list[list[object]], percent: tuple[int, int] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    for r in rows:
        ws.append(r)
    if percent is not None:
        ws.cell(row=percent[0], column=percent[1]).number_format = "0.0%"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


ROW = ["P", "A", "x", "persen", "higher_is_better", "last", 2024, 1, 90]


def test_a_percent_formatted_cell_reads_as_percent_when_the_unit_is_percent() -> None:
    rows = parse_bytes(_xlsx([[*ROW, 0.855]], percent=(2, 10)))
    assert rows[0].realisation == pytest.approx(85.5)  # not 0.855 (an achievement of 0.95 %)


def test_a_percent_formatted_cell_for_another_unit_is_refused_with_its_place() -> None:
    bad = ["P", "A", "x", "rasio", "higher_is_better", "last", 2024, 1, 90, 0.855]
    with pytest.raises(InputError) as e:
        parse_bytes(_xlsx([bad], percent=(2, 10)))
    assert "row 2, column 'realisation'" in str(e.value) and "percent" in str(e.value)


def test_a_formula_without_a_saved_value_is_refused_not_read_as_empty() -> None:
    # openpyxl writes formulas without cached values, as a generator script would
    with pytest.raises(InputError) as e:
        parse_bytes(_xlsx([[*ROW, "=80+5"]]))
    text = str(e.value)
    assert "baris 2, kolom 'realisation'" in text and "formula cell without a saved value" in text


def test_an_unquoted_decimal_comma_in_a_comma_separated_file_is_refused() -> None:
    data = f"{HEADER}\nP,A,x,persen,higher_is_better,last,2024,1,90,85,5\n".encode()
    with pytest.raises(InputError) as e:
        parse_bytes(data)
    text = str(e.value)
    assert "row 2" in text and "11 fields but the header has 10 columns" in text
    quoted = f'{HEADER}\nP,A,x,persen,higher_is_better,last,2024,1,90,"85,5"\n'.encode()
    assert parse_bytes(quoted)[0].realisation == 85.5


def test_the_command_reads_a_file(tmp_path: Path) -> None:
    p = tmp_path / "in.csv"
    p.write_text(f"{HEADER}\nP;A;x;persen;higher_is_better;last;2024;1;90;85,5\n".replace(",", ";", 9))
    assert parse_bytes(p.read_bytes())[0].realisation == 85.5


@pytest.mark.parametrize("value", [PercentCell(D("NaN")), PercentCell(D("sNaN")), PercentCell(D("Infinity")),
                                   D("sNaN"), 10**5000],
                         ids=["percent-nan", "percent-snan", "percent-inf", "snan", "5001-digits"])
def test_values_that_are_not_finite_numbers_are_refused_with_a_message(value: object) -> None:
    # Found by tests/security/test_fuzz_parsers.py: these raised InvalidOperation or ValueError
    # (an int of 4,300+ digits has no str()) instead of NumberError.
    from nyata.core.xlsx import number_message

    with pytest.raises(NumberError) as e:
        read_number(value, unit="persen")
    assert number_message(e.value, field="realisasi").startswith("realisasi: ")
