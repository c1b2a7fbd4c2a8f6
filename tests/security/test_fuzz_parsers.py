"""Every parser of a user's file or number, fuzzed: it reads, or refuses with its user-facing error.

Each parser gets random bytes and structurally valid but hostile files: a real workbook (the
product's own download or template) with cells replaced by random values of every type openpyxl
returns, raw numbers openpyxl cannot read (1E+999999999, NaN, 5,000 digits), formulas, percent
formats, merged cells, renamed headers, emptied or missing sheets; PDFs truncated, flipped or
made of noise. The property: a result or the documented refusal (`ImportErrors` naming sheet,
row and column; `InputError`; `NumberError`; `ValidationError`; the verification page's
`ok: False` with a message) — never another exception — and nothing half-saved. Each example
runs in a savepoint that is rolled back, so examples do not see each other's writes.

Bounded: the examples are chosen so the module runs in well under two minutes on two cores.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell

from nyata.core.importers import import_organisation, template_bytes
from nyata.core.models import Agency, Assignment, AuditEvent, Official, Position, User
from nyata.core.tenancy import tenant_scope, unscoped
from nyata.core.xlsx import ImportErrors, number_message
from nyata.numbers import FormulaCell, NumberError, PercentCell, read_number
from nyata.planning import excel as plan_excel
from nyata.planning.actions import plan_import
from nyata.planning.models import BudgetCeiling, Indicator, IndicatorTarget, PlanPeriod, TargetVersion
from nyata.products.validators import sniff_content_type
from nyata.reporting import actions as reporting_actions
from nyata.reporting import excel as reporting_excel
from nyata.reporting import files
from nyata.reporting.models import Evidence, Realisation, RealisationVersion
from nyata.scoring.reader import InputError, parse_bytes
from tests.conftest import World
from tests.planning.factories import small_rows
from tests.reporting.factories import PDF, PNG, Pk, signed_pk

# A falsifying example's workbook is large; its repr is not worth a warning turned error.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
FUZZ_FEW = settings(FUZZ, max_examples=80)

# Values people (and spreadsheets) put in cells; each is written by openpyxl as a real cell.
SPECIAL = ["1E+999999999", "1e309", "-1e309", "NaN", "inf", "-0", "0", "99999", "2147483648",
           "9223372036854775808", "85,5", "1.234", "1.234,5", "1,234.5", "abc", "", " ", "=1/0",
           "=SUM(A1:A2)", "'=cmd|' /C calc'!A0", "+1", "@x", "ya", "tidak", "persen", "%",
           "2026-13-45", "19800101 200501 1 001", "x" * 300, "١٢٣", "\u2212" + "5", "Rp 1.000"]
cell_values = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=6, min_value=-(10**20), max_value=10**20),
    st.sampled_from(SPECIAL),
    st.text(max_size=40).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s)),
    # naive: what a spreadsheet holds (openpyxl refuses time zones)
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)),  # noqa: DTZ001
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.times(),
)
# Numbers only a hand-edited sheet holds: openpyxl cannot read them back as Python values.
RAW_NUMBERS = [b"1E+999999999", b"NaN", b"INF", b"-inf", b"1" * 5000, b"abc", b"0x10", b"1e", b"", b"1.5.5"]
MARK = 987654.125  # a number no template holds: its <v> element is replaced by a raw token


@st.composite
def hostile_workbook(draw: st.DrawFn, base: bytes, aim: tuple[str, str] | None = None) -> bytes:
    """`base` with a few hostile edits; `aim` (sheet, column) gets extra attention."""
    wb = openpyxl.load_workbook(io.BytesIO(base))
    names = wb.sheetnames
    raw_token: bytes | None = None
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["cell", "cell", "aim", "aim", "raw", "formula", "percent", "merge",
                                     "header", "drop_sheet", "empty_sheet", "extra_rows", "extra_sheet"]))
        ws = wb[draw(st.sampled_from(names))] if names else wb.create_sheet("x")
        if kind == "aim" and aim is not None and aim[0] in wb.sheetnames:
            ws = wb[aim[0]]
            header = [c.value for c in ws[1]]
            if aim[1] in header:
                col = header.index(aim[1]) + 1
                row = draw(st.integers(min_value=2, max_value=max(2, ws.max_row)))
                put(ws, row, col, draw(cell_values))
                continue
        rows, cols = max(ws.max_row, 2), max(ws.max_column, 1)
        row, col = draw(st.integers(1, rows + 1)), draw(st.integers(1, cols + 1))
        if kind in ("cell", "aim"):
            put(ws, max(row, 2), col, draw(cell_values))
        elif kind == "raw" and raw_token is None and put(ws, max(row, 2), col, MARK):
            raw_token = draw(st.sampled_from(RAW_NUMBERS))
        elif kind == "formula":
            formula = draw(st.sampled_from(["=1/0", "=A1", "=SUM(B2:B9)", '=HYPERLINK("x")']))
            put(ws, row, col, formula)
        elif kind == "percent":
            if put(ws, max(row, 2), col, draw(st.floats(-1e20, 1e20))):
                ws.cell(row=max(row, 2), column=col).number_format = "0.0%"
        elif kind == "merge":
            ws.merge_cells(start_row=row, start_column=col, end_row=row + draw(st.integers(0, 3)),
                           end_column=col + draw(st.integers(0, 3)))
        elif kind == "header":
            put(ws, 1, col, draw(st.sampled_from([None, "", "kode ", "KODE", "x", "id_indikator"])))
        elif kind == "drop_sheet" and len(wb.sheetnames) > 1:
            wb.remove(ws)
            names = wb.sheetnames
        elif kind == "empty_sheet":
            ws.delete_rows(1, ws.max_row)
        elif kind == "extra_rows":
            for _r in range(draw(st.integers(1, 3))):
                ws.append([draw(cell_values) for _c in range(draw(st.integers(0, cols + 2)))])
        elif kind == "extra_sheet":
            wb.create_sheet(draw(st.sampled_from(["Lain", "Realisasi ", "Sheet1"])))
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if raw_token is not None:
        data = _replace_raw(data, raw_token)
    return data


def put(ws: Any, row: int, col: int, value: Any) -> bool:
    """Write a cell unless an earlier merge covers it (openpyxl refuses that: the generator's
    limit, not the parser's)."""
    cell = ws.cell(row=row, column=col)
    if isinstance(cell, MergedCell):
        return False
    cell.value = value
    return True


def _replace_raw(data: bytes, token: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                body = body.replace(b"<v>987654.125</v>", b"<v>" + token + b"</v>")
            zout.writestr(info, body)
    return out.getvalue()


def garbage(base: bytes) -> st.SearchStrategy[bytes]:
    """Random bytes, a zip of random entries, and `base` truncated or with bytes flipped."""
    @st.composite
    def flipped(draw: st.DrawFn) -> bytes:
        data = bytearray(base)
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] = draw(st.integers(0, 255))
        return bytes(data)

    @st.composite
    def zipped(draw: st.DrawFn) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            for name in draw(st.lists(st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "_rels/.rels",
                                                       "xl/worksheets/sheet1.xml", "x"]), max_size=5, unique=True)):
                zf.writestr(name, draw(st.binary(max_size=200)))
        return out.getvalue()

    return st.one_of(
        st.binary(max_size=400),
        st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
        zipped(),
        st.integers(0, len(base)).map(lambda n: base[:n]),
        flipped(),
    )


class _Undo(Exception):
    pass


@contextmanager
def undone() -> Iterator[None]:
    """Run the example in a savepoint and roll it back, whatever it wrote."""
    try:
        with transaction.atomic():
            yield
            raise _Undo
    except _Undo:
        pass


COUNTED = (AuditEvent, Agency, Position, Official, Assignment, User, PlanPeriod, Indicator, IndicatorTarget,
           TargetVersion, BudgetCeiling, Realisation, RealisationVersion, Evidence)


def counts() -> dict[str, int]:
    with unscoped():
        return {m.__name__: m.objects.count() for m in COUNTED}


def refused_cleanly(call: Callable[[], Any], outcomes: list[str]) -> None:
    """Call an import; on refusal, check its messages place the error and nothing was written."""
    before = counts()
    try:
        call()
        outcomes.append("read")
    except ImportErrors as e:
        outcomes.append("refused")
        assert e.errors, "a refusal without a message"
        for err in e.errors:
            assert str(err).strip() and err.message.strip()
            assert err.row is None or err.sheet, f"a row without its sheet: {err}"
            assert "Traceback" not in err.message and "invalid literal" not in err.message
        assert counts() == before, "a refused import wrote something"


# --- the number reader ---------------------------------------------------------------------


number_inputs = st.one_of(
    cell_values,
    st.integers(min_value=-(10**4000), max_value=10**4000),  # 10**5000 below: hypothesis cannot print it
    st.floats(),  # nan and infinities included
    st.decimals(),  # NaN, sNaN, Infinity, huge exponents
    st.builds(PercentCell, st.decimals()),
    st.builds(FormulaCell, st.text(max_size=20)),
    st.text(alphabet="0123456789.,-+eE% Rp\u2212\u00a0", max_size=30),
)
bounds = st.one_of(st.none(), st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**16),
                                          max_value=10**16))


@FUZZ
@given(number_inputs, st.one_of(st.none(), st.integers(0, 6)), bounds, bounds,
       st.sampled_from([None, "persen", "%", "orang", "rupiah", "indeks", ""]))
def test_the_number_reader_reads_or_refuses_anything_a_cell_or_field_holds(
        value: Any, decimals: int | None, low: Decimal | None, high: Decimal | None, unit: str | None) -> None:
    try:
        d = read_number(value, decimals=decimals, low=low, high=high, unit=unit)
    except NumberError as e:
        assert number_message(e, field="realisasi").startswith("realisasi: ")
        return
    assert d.is_finite() and abs(d) < Decimal("1e15")


# --- the scoring command's CSV and XLSX reader ---------------------------------------------

CSV = (b"pemda,agency,indicator,unit,polarity,aggregation,year,quarter,target,realisation\n"
       b"16,DINKES,I1,persen,higher_is_better,last,2026,1,90,\"85,5\"\n")


def _score_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in CSV.decode().splitlines():
        ws.append(next(iter(__import__("csv").reader([line]))))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


SCORE_XLSX = _score_xlsx()


@st.composite
def hostile_csv(draw: st.DrawFn) -> bytes:
    fields = [draw(st.one_of(st.sampled_from(SPECIAL), st.text(max_size=12))) for _ in range(draw(st.integers(0, 12)))]
    sep = draw(st.sampled_from([",", ";", "\t"]))
    row = sep.join(f.replace("\n", " ") for f in fields)
    return CSV + row.encode("utf-8", "surrogatepass") + draw(st.sampled_from([b"", b"\n", b"\r\n\"", b"\x00"]))


@FUZZ
@given(st.one_of(hostile_csv(), hostile_workbook(SCORE_XLSX), garbage(SCORE_XLSX), garbage(CSV)))
def test_the_scoring_reader_reads_or_lists_what_is_wrong(data: bytes) -> None:
    try:
        rows = parse_bytes(data)
    except InputError as e:
        assert e.messages and all(re.match(r"baris \d+", m) for m in e.messages), e.messages
        return
    assert rows


# --- workbook imports ----------------------------------------------------------------------


@pytest.fixture
def quarter_pk(world: World) -> Pk:
    return signed_pk(world, world.a1)


def test_realisation_import_fuzz(world: World, quarter_pk: Pk) -> None:
    with tenant_scope(world.a):
        base = reporting_excel.workbook(quarter_pk.agency, quarter_pk.q1)
    operator = world.users["agency_operator"]

    @FUZZ
    @given(st.one_of(hostile_workbook(base, aim=(reporting_excel.SHEET, "realisasi")), garbage(base)))
    def run(data: bytes) -> None:
        with tenant_scope(world.a), undone():
            refused_cleanly(lambda: reporting_excel.realisation_import(
                actor=operator, agency=quarter_pk.agency, quarter=quarter_pk.q1, upload=data), outcomes)

    outcomes: list[str] = []
    run()

    assert {"read", "refused"} <= set(outcomes), "the fuzzer must reach both the write and the refusal"


def test_organisation_import_fuzz(world: World) -> None:
    with tenant_scope(world.a):
        base = template_bytes(world.a)
    wb = openpyxl.load_workbook(io.BytesIO(base))
    wb["Pengguna"].append(["baru.satu", "Pengguna Baru", "baru@example.go.id", "", "operator_pd", "A1"])
    buf = io.BytesIO()
    wb.save(buf)
    base = buf.getvalue()

    @FUZZ_FEW
    @given(st.one_of(hostile_workbook(base), garbage(base)))
    def run(data: bytes) -> None:
        with tenant_scope(world.a), undone():
            refused_cleanly(lambda: import_organisation(actor=world.users["perf_admin"], pemda=world.a, upload=data),
                            outcomes)

    outcomes: list[str] = []
    run()

    assert {"read", "refused"} <= set(outcomes), "the fuzzer must reach both the write and the refusal"


def test_plan_and_target_import_fuzz(world: World) -> None:
    base = plan_excel.build_workbook(small_rows())

    def read_and_import(data: bytes) -> None:
        plan = plan_excel.validate_plan(plan_excel.read_workbook(data))
        plan_import(actor=world.users["planner"], pemda=world.a, plan=plan)

    @FUZZ
    @given(st.one_of(hostile_workbook(base, aim=(plan_excel.TARGET, "target")),
                     hostile_workbook(base, aim=(plan_excel.CEILING, "pagu")),
                     hostile_workbook(base, aim=(plan_excel.PERIOD, "tahun_awal")),
                     garbage(base)))
    def run(data: bytes) -> None:
        with tenant_scope(world.a), undone():
            refused_cleanly(lambda: read_and_import(data), outcomes)

    outcomes: list[str] = []
    run()

    assert {"read", "refused"} <= set(outcomes), "the fuzzer must reach both the write and the refusal"


def test_a_cell_openpyxl_cannot_read_is_refused_with_its_sheet_and_row(world: World, quarter_pk: Pk) -> None:
    # Found by the fuzzer: a numeric cell holding NaN (or 5,000 digits, or broken XML) made
    # openpyxl raise while the sheet was read, and the upload answered 500.
    with tenant_scope(world.a):
        base = reporting_excel.workbook(quarter_pk.agency, quarter_pk.q1)
    wb = openpyxl.load_workbook(io.BytesIO(base))
    wb[reporting_excel.SHEET].cell(row=3, column=5, value=MARK)
    buf = io.BytesIO()
    wb.save(buf)
    data = _replace_raw(buf.getvalue(), b"NaN")
    url = reverse("report_xlsx_upload", args=[quarter_pk.agency.pk, quarter_pk.q1.pk])
    resp = world.client("agency_operator").post(url, {"file": SimpleUploadedFile("realisasi.xlsx", data)})
    assert resp.status_code == 400
    rows = [[td.text for td in tr.select("td")] for tr in BeautifulSoup(resp.content, "html.parser").select(
        "table.errors tbody tr")]
    assert len(rows) == 1 and rows[0][:2] == ["Realisasi", "3"] and "tidak dapat dibaca" in rows[0][3]
    with tenant_scope(world.a):
        assert not RealisationVersion.objects.exists()


# --- uploaded PDFs and evidence ------------------------------------------------------------


def _sealed_pdf() -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    from nyata.documents import seal

    w = PdfFileWriter(stream_xrefs=False)
    box = generic.ArrayObject([generic.NumberObject(x) for x in (0, 0, 200, 200)])
    w.insert_page(PageObject(contents=w.add_object(generic.StreamObject(stream_data=b"BT ET")), media_box=box))
    buf = io.BytesIO()
    w.write(buf)
    return seal.seal_pdf(buf.getvalue(), reason="uji", location="Palembang")


@pytest.fixture(scope="module")
def sealed() -> Iterator[bytes]:
    # The demo seal in a folder of its own (the module's examples share one CA).
    with tempfile.TemporaryDirectory() as d:
        saved = django_settings.DATA_DIR, django_settings.SEAL_P12
        django_settings.DATA_DIR, django_settings.SEAL_P12 = Path(d), ""
        try:
            yield _sealed_pdf()
        finally:
            django_settings.DATA_DIR, django_settings.SEAL_P12 = saved


def test_public_verification_of_uploaded_pdfs_fuzz(db: Any, sealed: bytes) -> None:
    from nyata.agreements.views import verify_upload

    @st.composite
    def spliced(draw: st.DrawFn) -> bytes:
        cut = draw(st.integers(0, len(sealed)))
        return sealed[:cut] + draw(st.binary(max_size=64)) + sealed[cut + draw(st.integers(0, 64)):]

    @FUZZ
    @given(st.one_of(garbage(sealed), garbage(PDF), spliced(), spliced(),
                     st.binary(max_size=300).map(lambda b: b"%PDF-1.7\n" + b)))
    def run(data: bytes) -> None:
        result = verify_upload(data)
        assert isinstance(result["ok"], bool) and str(result["message"]).strip()
        if result["ok"]:
            assert data == sealed, "only the recorded bytes can be authentic"

    run()


def test_evidence_upload_fuzz(world: World, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NYATA_EVIDENCE_SCANNER = "tests.reporting.doubles.EicarScanner"
    pk = signed_pk(world, world.a1)
    with tenant_scope(world.a):
        r = reporting_actions.realisation_save_draft(
            actor=world.users["agency_operator"], agency=pk.agency, quarter_id=pk.q1.pk,
            agreement_indicator_id=pk.indicators["I1"].pk, value="91")
    media = tmp_path / "media"

    def stored() -> set[Path]:
        return set(media.rglob("*")) if media.exists() else set()

    @FUZZ
    @given(st.one_of(garbage(PDF), garbage(PNG), garbage(plan_excel.build_workbook(small_rows())),
                     st.binary(max_size=1)),
           st.sampled_from(["bukti.pdf", "foto.png", "data.xlsx", "surat.docx", "x", "../../etc/passwd.pdf",
                            "a" * 300 + ".pdf", "nama\x00.pdf", ".pdf"]))
    def run(data: bytes, name: str) -> None:
        before = stored()
        with tenant_scope(world.a), undone():
            try:
                ev = reporting_actions.evidence_add(actor=world.users["agency_operator"], realisation=r,
                                                    name=name, data=data)
            except ValidationError as e:
                assert " ".join(e.messages).strip()
                assert stored() == before, "a refused upload left a file"
            else:
                assert ev.kind == files.sniff(data)
        for p in stored() - before:  # accepted files of a rolled-back example
            p.unlink() if p.is_file() else None
        try:
            sniff_content_type(SimpleUploadedFile(name.replace("\x00", ""), data))
        except ValidationError as e:
            assert e.message_dict["file"]

    run()
