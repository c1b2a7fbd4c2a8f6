"""Issue 15 item 2, every bad input of the probe, through the page, the API and Excel.

Each answers 400 or 422 with a message naming the field (or sheet, row and column), and saves
nothing; none is a 500. The unit-level readings are in tests/scoring/test_number_reader.py and
tests/reporting/test_number_entry.py; the fuzzers in tests/security/test_fuzz_parsers.py.
"""

from __future__ import annotations

import io
import json
import time
from typing import Any

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nyata.core.models import AuditEvent, FiscalYear
from nyata.core.tenancy import tenant_scope, unscoped
from nyata.planning import excel as plan_excel
from nyata.planning.models import BudgetCeiling, IndicatorTarget
from nyata.reporting import excel as reporting_excel
from nyata.reporting.models import BudgetRealisation, RealisationVersion, SelfCritique
from tests.agreements.conftest import Plan, _plan_for_world
from tests.conftest import World
from tests.planning.factories import small_rows
from tests.reporting.factories import Pk, signed_pk

HUGE = "1E+999999999"
BEYOND_BIGINT = "9223372036854775808"  # 2**63


@pytest.fixture
def pk(world: World) -> Pk:
    return signed_pk(world, world.a1)


@pytest.fixture
def plan(world: World, settings: Any, tmp_path: Any) -> Plan:
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEAL_P12 = ""
    return _plan_for_world(world)


def text_of(resp: Any) -> str:
    return BeautifulSoup(resp.content, "html.parser").get_text(" ")


def nothing_audited(world: World, prefix: str) -> bool:
    with unscoped():
        return not AuditEvent.objects.filter(action__startswith=prefix).exists()


# --- realisations: page, API, Excel -------------------------------------------------------


@pytest.mark.parametrize("value", [HUGE, "1e309", "-1e309", "NaN", "abc", "1.000.000.000.000.000"])
def test_a_realisation_out_of_range_on_the_page_is_a_400_naming_the_indicator(
        world: World, pk: Pk, value: str) -> None:
    ai = pk.indicators["I2"]
    resp = world.client("agency_operator").post(
        reverse("report_row_save", args=[pk.agency.pk, pk.q1.pk, ai.pk]), {"value": value})
    assert resp.status_code == 400
    assert ai.name in text_of(resp)
    with tenant_scope(world.a):
        assert not RealisationVersion.objects.exists()


@pytest.mark.parametrize("value", [HUGE, "1e309", "NaN"])
def test_a_realisation_out_of_range_in_the_api_is_a_422_in_the_error_shape(world: World, pk: Pk, value: str) -> None:
    ai = pk.indicators["I2"]
    url = f"/api/v1/reporting/agencies/{pk.agency.pk}/quarters/{pk.q1.pk}/realisations"
    resp = world.client("agency_operator").post(url, json.dumps({"agreement_indicator_id": ai.pk, "value": value}),
                                                content_type="application/json")
    assert resp.status_code == 422
    assert set(resp.json()) == {"detail"} and ai.name in resp.json()["detail"]
    with tenant_scope(world.a):
        assert not RealisationVersion.objects.exists()


@pytest.mark.parametrize("value", [HUGE, "1e309"])  # a raw numeric cell: test_fuzz_parsers
def test_a_realisation_out_of_range_in_excel_names_sheet_row_and_column(world: World, pk: Pk, value: Any) -> None:
    with tenant_scope(world.a):
        wb = openpyxl.load_workbook(io.BytesIO(reporting_excel.workbook(pk.agency, pk.q1)))
    ws = wb[reporting_excel.SHEET]
    ws.cell(row=3, column=reporting_excel.COLUMNS.index("realisasi") + 1, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    resp = world.client("agency_operator").post(
        reverse("report_xlsx_upload", args=[pk.agency.pk, pk.q1.pk]),
        {"file": SimpleUploadedFile("r.xlsx", buf.getvalue())})
    assert resp.status_code == 400
    cells = [[td.text for td in tr.select("td")] for tr in
             BeautifulSoup(resp.content, "html.parser").select("table.errors tbody tr")]
    assert [c[:3] for c in cells] == [["Realisasi", "3", "realisasi"]]
    with tenant_scope(world.a):
        assert not RealisationVersion.objects.exists()


# --- targets and budgets: PK page, plan pages, plan import --------------------------------


def test_a_pk_target_out_of_range_is_a_400_and_nothing_changes(plan: Plan) -> None:
    with tenant_scope(plan.world.a):
        row = plan.pk.indicators.get(indicator=plan.indicator)
    for value in (HUGE, "1e309"):
        resp = plan.world.client("perf_admin").post(reverse("agreement_targets", args=[plan.pk.pk]),
                                                    {f"annual_target-{row.pk}": value})
        assert resp.status_code == 400 and "bukan angka" in text_of(resp)
    with tenant_scope(plan.world.a):
        row.refresh_from_db()
        assert row.annual_target == 80
    assert nothing_audited(plan.world, "nyata.agreement.targets")


def test_a_plan_target_and_a_ceiling_out_of_range_are_400s_naming_the_field(plan: Plan) -> None:
    w = plan.world
    client = w.client("planner")
    url = reverse("plan_indicator_detail", args=[plan.indicator.pk])
    resp = client.post(url, {"form": "target", "year": "2027", "value": HUGE})
    assert resp.status_code == 400 and "bukan angka" in text_of(resp)
    resp = client.post(reverse("plan_ceiling_set", args=[plan.indicator.period_id]),
                       {"item": f"program:{plan.program.pk}", "year": "2027", "amount": "1e309"})
    assert resp.status_code == 400 and "bukan angka" in text_of(resp)
    with tenant_scope(w.a):
        assert not IndicatorTarget.objects.filter(year=2027).exists()
        assert not BudgetCeiling.objects.filter(year=2027).exists()


@pytest.mark.parametrize(("sheet", "column", "value"), [
    (plan_excel.TARGET, "target", HUGE), (plan_excel.TARGET, "target_atas", "1e309"),
    (plan_excel.CEILING, "pagu", "1e309"), (plan_excel.QUARTER, "target", HUGE),
    (plan_excel.PERIOD, "tahun_awal", "0"), (plan_excel.PERIOD, "tahun_akhir", "99999"),
])
def test_a_plan_import_out_of_range_names_sheet_row_and_column(world: World, sheet: str, column: str,
                                                               value: str) -> None:
    rows = small_rows()
    rows[sheet][0][column] = value
    with tenant_scope(world.a), pytest.raises(plan_excel.ImportErrors) as e:
        plan_excel.validate_plan(plan_excel.read_workbook(plan_excel.build_workbook(rows)))
    assert any(err.sheet == sheet and err.row == 2 for err in e.value.errors), [str(x) for x in e.value.errors]


def test_a_budget_realisation_of_1e309_is_a_400_naming_the_program(world: World, pk: Pk) -> None:
    program = pk.programs[0]
    url = reverse("report_budget_save", args=[pk.agency.pk, pk.q1.pk])
    client = world.client("agency_operator")
    for key, value in ((f"spent_{program.pk}", "1e309"), (f"spent_{program.pk}", HUGE),
                       (f"spent_{BEYOND_BIGINT}", "1")):
        resp = client.post(url, {key: value})
        assert resp.status_code in (302, 400), (key, value, resp.status_code)
        if resp.status_code == 400:
            assert program.name in text_of(resp) or "program" in text_of(resp).lower()
    with tenant_scope(world.a):
        assert not BudgetRealisation.objects.exists()


# --- fiscal years -------------------------------------------------------------------------


@pytest.mark.parametrize("year", ["0", "99999", "-1", "abc", BEYOND_BIGINT])
def test_a_fiscal_year_out_of_range_is_a_400_naming_the_year(world: World, year: str) -> None:
    resp = world.client("perf_admin").post(reverse("fiscal_year_list"), {"year": year, "state": "planning"})
    assert resp.status_code == 400
    error = BeautifulSoup(resp.content, "html.parser").select_one("#id_year_error")
    assert error is not None and error.get_text(strip=True)
    with tenant_scope(world.a):
        assert not FiscalYear.objects.exists()


# --- the self-critique form ---------------------------------------------------------------


def _critique(world: World, pk: Pk, data: dict[str, str]) -> Any:
    return world.client("agency_head").post(reverse("report_self_critique", args=[pk.agency.pk, pk.q1.pk]), data)


@pytest.mark.parametrize("data", [
    {"causes-0-category": "dependency", "causes-0-depends_on_id": "abc", "causes-0-text": "x"},
    {"causes-0-category": "dependency", "causes-0-depends_on_id": BEYOND_BIGINT, "causes-0-text": "x"},
    {"gaps-0-description": "x", "gaps-0-agreement_indicator_id": "abc"},
    {"gaps-0-description": "x", "gaps-0-agreement_indicator_id": BEYOND_BIGINT},
    {"gaps-0-description": "x", "gaps-0-size": HUGE},
    {"products-0-what": "x", "products-0-people": "abc"},
    {"products-0-what": "x", "products-0-people": "99999999999999999999"},
    {"products-count": "abc"},
    {"products-count": "-5"},
], ids=["cause-agency-abc", "cause-agency-2^63", "gap-indicator-abc", "gap-indicator-2^63", "gap-size-huge",
        "people-abc", "people-huge", "count-abc", "count-negative"])
def test_bad_self_critique_fields_are_a_400_and_nothing_is_saved(world: World, pk: Pk, data: dict[str, str]) -> None:
    resp = _critique(world, pk, {"summary": "uji", **data})
    assert resp.status_code == 400, resp.status_code
    assert BeautifulSoup(resp.content, "html.parser").select_one("[role=alert]") is not None
    with tenant_scope(world.a):
        assert not SelfCritique.objects.filter(summary="uji").exists()


def test_a_huge_row_count_is_refused_at_once(world: World, pk: Pk) -> None:
    """products-count=100000000 held a worker for 1,116 s: every count from a form has a maximum."""
    for group in ("products", "gaps", "causes", "actions"):
        started = time.monotonic()
        resp = _critique(world, pk, {"summary": "uji", f"{group}-count": "100000000"})
        assert time.monotonic() - started < 5
        assert resp.status_code == 400 and f"{group}-count" not in text_of(resp)  # a sentence, not a key
    with tenant_scope(world.a):
        assert not SelfCritique.objects.filter(summary="uji").exists()


# --- query parameters (ids, years, pages) beyond what the database holds ------------------


@pytest.mark.parametrize("param", [BEYOND_BIGINT, "99999999999999999999", "²", "-1", "0"])
@pytest.mark.parametrize(("who", "url", "key"), [
    ("leader", "agreement_list", "tahun"),
    ("planner", "plan_home", "periode"),
    ("leader", "report_board", "tw"),
    ("leader", "dash_home", "tahun"),
    ("perf_admin", "security_event_list", "sebelum"),
])
def test_query_parameters_beyond_the_database_fall_back_instead_of_failing(
        world: World, who: str, url: str, key: str, param: str) -> None:
    resp = world.client(who).get(reverse(url), {key: param, "tw": "2"} if key == "tahun" else {key: param})
    assert resp.status_code in (200, 302, 400), resp.status_code


# --- constraint names are never the message -----------------------------------------------


def test_every_constraint_of_nyata_says_a_sentence_not_its_name() -> None:
    """Django's default for a named constraint is "Constraint “x” is violated.": every model of
    Nyata with such a constraint words it as a sentence when it is violated."""
    from nyata.core.tenancy import TenantModel

    written_by_nyata_only = {"core.SecurityEvent"}  # the security log's chain writer, never a form
    raw = [f"{m._meta.label}.{c.name}" for m in apps.get_models() if m.__module__.startswith("nyata.")
           for c in m._meta.constraints
           if c.name in str(c.get_violation_error_message()) and not issubclass(m, TenantModel)
           and m._meta.label not in written_by_nyata_only]
    assert not raw, raw


def test_a_violated_check_constraint_is_a_sentence(world: World) -> None:
    from nyata.core.models import Quarter

    with tenant_scope(world.a):
        fy = FiscalYear.objects.create(pemda=world.a, year=2030)
        q = Quarter(pemda=world.a, fiscal_year=fy, number=5, start="2030-01-01", end="2030-03-31",
                    report_deadline="2030-04-15")
        with pytest.raises(ValidationError) as e:
            q.full_clean()
    text = " ".join(e.value.messages)
    assert "quarter_number_1_4" not in text and "tidak memenuhi aturannya" in text


def test_a_plan_import_through_the_api_is_a_422_naming_sheet_row_and_column(world: World) -> None:
    rows = small_rows()
    rows[plan_excel.TARGET][0]["target"] = HUGE
    rows[plan_excel.CEILING][0]["pagu"] = "1e309"
    upload = SimpleUploadedFile("rencana.xlsx", plan_excel.build_workbook(rows))
    resp = world.client("planner").post("/api/v1/planning/import", {"file": upload})
    assert resp.status_code == 422 and set(resp.json()) == {"detail"}
    detail = resp.json()["detail"]
    assert "lembar Target, baris 2, kolom target" in detail and "lembar Pagu, baris 2, kolom pagu" in detail
    with tenant_scope(world.a):
        assert not IndicatorTarget.objects.exists()
