"""Excel round trip and every class of bad input: clear errors, nothing imported."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from nyata.core.models import AuditEvent
from nyata.core.tenancy import tenant_scope
from nyata.core.xlsx import ImportErrors
from nyata.planning import excel
from nyata.planning.models import Indicator, IndicatorTarget, PlanPeriod, Program
from tests.conftest import World
from tests.planning.factories import import_bytes, small_rows, to_bytes


def errors_of(data: bytes, world: World) -> list[Any]:
    with pytest.raises(ImportErrors) as e:
        import_bytes(data, world)
    with tenant_scope(world.a):
        assert not PlanPeriod.objects.exists(), "nothing may be imported"
    return e.value.errors


def edit(rows_change: Any) -> bytes:
    rows = small_rows()
    rows_change(rows)
    return to_bytes(rows)


def test_round_trip_through_a_workbook_gives_an_identical_plan(world: World) -> None:
    period = import_bytes(to_bytes(small_rows()), world)
    with tenant_scope(world.a):
        exported = excel.export_plan(period)
        data = excel.build_workbook(exported)
    # Import that file into another Pemda with the same agency codes.
    from nyata.core import actions as core_actions
    from nyata.core.models import Agency
    from nyata.core.tenancy import unscoped
    with unscoped():
        other = core_actions.pemda_create(actor=None, code="97", name="Pemda Kosong",
                                          kind="provinsi")
    with tenant_scope(other):
        core_actions.record_save(actor=None, obj=Agency(pemda=other, code="A1", name="Satu",
                                                        kind="dinas"))
    copy = import_bytes(data, world, other)
    with tenant_scope(other):
        again = excel.export_plan(copy)
    assert again == exported
    assert exported[excel.INDICATOR][0]["rumus"] == "=a/b"  # neutralised on export, restored
    with tenant_scope(world.a):
        assert exported == excel.validate_plan(small_rows(), new_period=True).rows


def test_exported_formula_text_is_neutralised(world: World) -> None:
    data = to_bytes(small_rows())
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb["Indikator"]["E2"].value == "'=a/b"
    assert wb["Indikator"]["E2"].data_type != "f"


def test_reimport_updates_targets_and_keeps_versions(world: World) -> None:
    import_bytes(to_bytes(small_rows()), world)

    def change(rows: excel.Rows) -> None:
        rows[excel.TARGET][0]["target"] = Decimal("85")
    import_bytes(edit(change), world)
    with tenant_scope(world.a):
        assert PlanPeriod.objects.count() == 1
        t = IndicatorTarget.objects.get(indicator__code="IK1", year=2025)
        assert t.value == Decimal("85")
        ev = AuditEvent.objects.filter(action="nyata.plan.imported").last()
        assert ev is not None
        assert ev.data["target_changes"] == [["IK1", 2025, "81.0000", "85", None]]


def test_indonesian_numbers_and_percent_cells_are_understood(world: World) -> None:
    rows = small_rows()
    rows[excel.TARGET][0]["target"] = "85,5"  # type: ignore[assignment]
    rows[excel.CEILING][0]["pagu"] = "1.234.567,5"  # type: ignore[assignment]
    data = to_bytes(rows)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cell = wb["Target"]["C3"]
    cell.value, cell.number_format = 0.825, "0.0%"
    buf = io.BytesIO()
    wb.save(buf)
    import_bytes(buf.getvalue(), world)
    with tenant_scope(world.a):
        values = dict(IndicatorTarget.objects.filter(indicator__code="IK1")
                      .values_list("year", "value"))
        assert values[2025] == Decimal("85.5")
        assert values[2026] == Decimal("82.5")
        assert Program.objects.get().ceilings.get().amount == Decimal("1234567.5")


def _where(errors: list[Any]) -> set[tuple[str, str | None]]:
    return {(e.sheet, e.column) for e in errors}


def test_cycle_in_the_cascade_is_refused(world: World) -> None:
    def change(rows: excel.Rows) -> None:
        rows[excel.AGENCY_OBJECTIVE][0]["kode_induk"] = "A1.S2"
    errors = errors_of(edit(change), world)
    assert ("SasaranPD", "kode_induk") in _where(errors)
    assert any("Siklus" in e.message for e in errors)


def test_target_year_outside_the_period_is_refused(world: World) -> None:
    def change(rows: excel.Rows) -> None:
        rows[excel.TARGET][0]["tahun"] = 2031
    errors = errors_of(edit(change), world)
    assert [(e.sheet, e.row, e.column) for e in errors] == [("Target", 2, "tahun")]


def test_duplicate_code_is_refused(world: World) -> None:
    def change(rows: excel.Rows) -> None:
        rows[excel.INDICATOR].append(dict(rows[excel.INDICATOR][0]))
    errors = errors_of(edit(change), world)
    assert any(e.sheet == "Indikator" and e.row == 4 and "ganda" in e.message for e in errors)


def test_non_numeric_target_unknown_unit_and_polarity_are_all_listed(world: World) -> None:
    def change(rows: excel.Rows) -> None:
        rows[excel.TARGET][1]["target"] = "delapan puluh"
        rows[excel.INDICATOR][0]["satuan"] = "ekor"
        rows[excel.INDICATOR][1]["polaritas"] = "naik dong"
    errors = errors_of(edit(change), world)
    assert {("Target", "target"), ("Indikator", "satuan"), ("Indikator", "polaritas")} <= _where(errors)


def test_missing_sheet_and_renamed_column_are_refused(world: World) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(to_bytes(small_rows())))
    del wb["Pagu"]
    wb["Target"]["C1"].value = "nilai_target"
    buf = io.BytesIO()
    wb.save(buf)
    errors = errors_of(buf.getvalue(), world)
    assert ("Pagu", None) in _where(errors)
    assert ("Target", "target") in _where(errors)


def test_formula_cell_is_refused(world: World) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(to_bytes(small_rows())))
    wb["Target"]["C2"].value = "=80+1"
    buf = io.BytesIO()
    wb.save(buf)
    errors = errors_of(buf.getvalue(), world)
    assert [(e.sheet, e.row, e.column) for e in errors] == [("Target", 2, "target")]


def test_huge_file_and_zip_bomb_and_non_workbook_are_refused(world: World) -> None:
    assert "terlalu besar" in str(errors_of(b"x" * (50 * 1024 * 1024), world)[0])
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<x/>")
        zf.writestr("xl/big.xml", b"\0" * (60 * 1024 * 1024))
    assert "diekstrak" in str(errors_of(bomb.getvalue(), world)[0])
    assert "bukan buku kerja" in str(errors_of(b"nama,target\nIK1,80\n", world)[0])


def test_blank_template_has_instructions_and_drop_downs(world: World) -> None:
    with tenant_scope(world.a):
        data = excel.build_workbook({s: [] for s in excel.SHEETS})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:2] == ["Petunjuk", "Daftar"]
    assert set(excel.SHEETS) <= set(wb.sheetnames)
    formulas = {dv.formula1 for dv in wb["Indikator"].data_validations.dataValidation}
    assert any("Daftar!" in f for f in formulas)
    assert Indicator  # imported for the type in other tests
