"""One number reader behind every entry point: web form field, action/API, Excel cell, CSV.

The same typed text gives the same value wherever it is entered; the web form's and the API's
old misreadings ("0.855" on an index stored as 855, "1.234" as 1234) are gone.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from nyata.core.forms import NumberField, WholeNumberField
from nyata.core.tenancy import tenant_scope
from nyata.core.xlsx import ImportErrors, open_workbook, read_sheet
from nyata.reporting import rules
from nyata.reporting.models import Realisation
from nyata.scoring.reader import parse_bytes
from tests.conftest import World
from tests.reporting.factories import signed_pk


@pytest.fixture(autouse=True)
def _indonesian() -> Iterator[None]:
    with translation.override("id"):  # messages are asserted in the default language
        yield


CSV_HEADER = "pemda,agency,indicator,unit,polarity,aggregation,year,quarter,target,realisation"
percents = st.decimals(min_value=D(0), max_value=D(100), places=2, allow_nan=False, allow_infinity=False)


def written(d: D, style: str) -> str:
    if style == "id":
        return f"{d:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    if style == "en":
        return f"{d:,.2f}"
    return f"{d:.2f}"


def _sheet_value(value: object, percent_format: bool = False) -> object:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Realisasi"
    ws.append(["realisasi"])
    ws.append([value])
    if percent_format:
        ws["A2"].number_format = "0.00%"
    buf = io.BytesIO()
    wb.save(buf)
    errors = ImportErrors()
    rows = read_sheet(open_workbook(buf.getvalue()), "Realisasi", ["realisasi"], errors)
    assert not errors
    return rows[0][1]["realisasi"]


def _csv_value(text: str) -> float | None:
    data = f'{CSV_HEADER}\nP,A,x,persen,higher_is_better,last,2026,1,90,"{text}"\n'.encode()
    return parse_bytes(data)[0].realisation


def _rules(raw: object) -> D:
    return rules.parse_value(raw, unit="persen", name="Persentase layanan", decimals=2)


@settings(max_examples=40, deadline=None)
@given(percents, st.sampled_from(["id", "en", "plain"]))
def test_every_entry_point_reads_the_same_value(d: D, style: str) -> None:
    text = written(d, style)
    form = NumberField(max_digits=20, decimal_places=2, min_value=0, max_value=100).clean(text)
    action = _rules(text)  # the web form's and the API's save both call the action with the text
    excel_text = _rules(_sheet_value(text))
    excel_number = _rules(_sheet_value(float(d)))
    excel_percent = _rules(_sheet_value(float(d) / 100, percent_format=True))
    csv = _csv_value(text)
    assert form == action == excel_text == excel_number == d
    assert excel_percent == d  # 85,5 % in a percent-formatted cell is 85,5 for a percent unit
    assert csv == pytest.approx(float(d))


@pytest.mark.parametrize(("text", "unit", "decimals", "value"), [
    ("0.855", "indeks", 3, D("0.855")),  # was 855
    ("1.234", "indeks", 3, D("1.234")),  # was 1234
    ("1.234", "orang", 0, D(1234)),
    ("85,5", "persen", 2, D("85.50")),
])
def test_values_are_read_by_the_indicator(text: str, unit: str, decimals: int, value: D) -> None:
    assert rules.parse_value(text, unit=unit, name="Indikator", decimals=decimals) == value


@pytest.mark.parametrize(("text", "expected"), [
    ("1E+999999999", "bukan angka"),
    ("1e309", "bukan angka"),
    ("1.000.000.000.000.000", "terlalu besar"),
    ("1.234", "dapat dibaca 1,234 atau 1234; tulis 1234 bila ribuan, atau 1,2340 bila desimal"),
])
def test_bad_values_are_refused_with_a_message(text: str, expected: str) -> None:
    with pytest.raises(ValidationError) as e:
        rules.parse_value(text, unit="rupiah", name="Belanja", decimals=4)
    assert expected in " ".join(e.value.messages)


def test_form_fields_take_a_decimal_comma_and_refuse_what_they_cannot_read() -> None:
    f = NumberField(max_digits=6, decimal_places=2, required=False)
    assert f.clean("12,5") == D("12.5") and f.clean("12.5") == D("12.5") and f.clean("") is None
    with pytest.raises(ValidationError):
        f.clean("dua belas")
    assert WholeNumberField().clean("1.234") == 1234 and WholeNumberField().clean("1,234") == 1234
    with pytest.raises(ValidationError):
        WholeNumberField().clean("12,5")


@pytest.mark.django_db
def test_the_api_stores_an_index_value_as_typed(world: World) -> None:
    pk = signed_pk(world, world.a1, spec=[
        ("IX", "Indeks kepuasan layanan", "indeks", "higher_is_better", ["1", "1", "1", "1"], "1", "last"),
    ])
    ai = pk.indicators["IX"]
    with tenant_scope(world.a):
        ai.decimals = 3
        ai.save(update_fields=["decimals"])
    url = f"/api/v1/reporting/agencies/{pk.agency.pk}/quarters/{pk.q1.pk}/realisations"
    op = world.client("agency_operator")
    resp = op.post(url, json.dumps({"agreement_indicator_id": ai.pk, "value": "0.855"}),
                   content_type="application/json")
    assert resp.status_code == 200, resp.content
    with tenant_scope(world.a):
        assert Realisation.objects.get(agreement_indicator=ai).value == D("0.855")
