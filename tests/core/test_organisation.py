from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from nyata.core import actions
from nyata.core.importers import import_organisation, template_bytes
from nyata.core.models import Agency, Assignment, AuditEvent, Membership, Official, Position, Role
from nyata.core.tenancy import tenant_scope, unscoped
from nyata.core.xlsx import ImportErrors
from tests.conftest import World, make_user


def _workbook(agencies=(), positions=(), officials=(), drop_sheet=None, rename=None) -> bytes:
    from nyata.core import importers

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, cols, rows in (
        (importers.AGENCY_SHEET, importers.AGENCY_COLS, agencies),
        (importers.POSITION_SHEET, importers.POSITION_COLS, positions),
        (importers.OFFICIAL_SHEET, importers.OFFICIAL_COLS, officials),
    ):
        if title == drop_sheet:
            continue
        ws = wb.create_sheet(title)
        ws.append([rename.get(c, c) if rename else c for c in cols])
        for r in rows:
            ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD = dict(
    agencies=[("DINKES", "Dinas Kesehatan", "Dinkes", "dinas"), ("BAPPEDA", "Bappeda", "Bappeda", "badan")],
    positions=[
        ("KA-DINKES", "Kepala Dinas Kesehatan", "jpt_pratama", "DINKES", "", "ya"),
        ("SEK-DINKES", "Sekretaris Dinas Kesehatan", "administrator", "DINKES", "KA-DINKES", "tidak"),
    ],
    officials=[
        ("dr. Siti", "198003152005012002", "P", "KA-DINKES", "2025-01-02", "tidak"),
        ("Budi", "198104052006041003", "L", "SEK-DINKES", "2025-03-01", "ya"),
    ],
)


def test_import_creates_everything_with_audit(world: World, scope_a: object) -> None:
    before = AuditEvent.objects.count()
    counts = import_organisation(actor=world.users["perf_admin"], pemda=world.a, upload=_workbook(**GOOD))
    assert counts == {"agencies": 2, "positions": 2, "officials": 2, "assignments": 2, "users": 0}
    sek = Position.objects.get(code="SEK-DINKES")
    assert sek.superior == Position.objects.get(code="KA-DINKES")
    assert Assignment.objects.get(position=sek).acting is True
    assert AuditEvent.objects.count() > before


def test_import_is_all_or_nothing_and_lists_every_error(world: World, scope_a: object) -> None:
    bad = dict(GOOD)
    bad["agencies"] = [*GOOD["agencies"], ("DINKES", "Ganda", "", "dinas"), ("X", "", "", "kantor")]
    bad["officials"] = [
        ("Salah", "12345", "L", "KA-DINKES", "2025-01-02", "tidak"),
        ("Tanggal", "198003152005011002", "L", "KA-DINKES", "kemarin", "mungkin"),
    ]
    with pytest.raises(ImportErrors) as e:
        import_organisation(actor=None, pemda=world.a, upload=_workbook(**bad))
    where = {(err.sheet, err.row, err.column) for err in e.value.errors}
    assert ("PerangkatDaerah", 4, "kode") in where  # duplicate code, row 4
    assert ("PerangkatDaerah", 5, "nama") in where  # missing name
    assert ("PerangkatDaerah", 5, "jenis") in where  # unknown kind
    assert ("Pejabat", 2, "nip") in where  # NIP too short
    assert ("Pejabat", 3, "mulai") in where  # bad date
    assert ("Pejabat", 3, "plt") in where  # bad yes/no
    assert not Agency.objects.filter(code="BAPPEDA").exists()  # nothing saved


def test_a_rule_found_while_writing_still_saves_nothing(world: World, scope_a: object) -> None:
    # The same official in two definitive JPT Pratama posts at once: only checkable on write.
    data = dict(GOOD)
    data["positions"] = [*GOOD["positions"], ("KA-BAPPEDA", "Kepala Bappeda", "jpt_pratama", "BAPPEDA", "", "ya")]
    data["officials"] = [
        ("dr. Siti", "198003152005012002", "P", "KA-DINKES", "2025-01-02", "tidak"),
        ("dr. Siti", "198003152005012002", "P", "KA-BAPPEDA", "2025-02-01", "tidak"),
    ]
    with pytest.raises(ImportErrors) as e:
        import_organisation(actor=None, pemda=world.a, upload=_workbook(**data))
    assert any(err.row == 3 and "JPT Pratama" in err.message for err in e.value.errors)
    assert not Agency.objects.filter(code="DINKES").exists()


@pytest.mark.parametrize(
    "kwargs,needle",
    [
        ({"drop_sheet": "Jabatan"}, "Lembar tidak ditemukan"),
        ({"rename": {"nama": "Nama Lengkap"}}, "Kolom wajib tidak ada"),
    ],
)
def test_missing_sheets_and_renamed_columns_are_named(world: World, scope_a: object, kwargs: dict, needle: str) -> None:
    with pytest.raises(ImportErrors) as e:
        import_organisation(actor=None, pemda=world.a, upload=_workbook(**GOOD, **kwargs))
    assert any(needle in err.message for err in e.value.errors)


def test_formula_cells_are_refused(world: World, scope_a: object) -> None:
    data = dict(GOOD, agencies=[("DINKES", '=HYPERLINK("http://x")', "", "dinas")])
    with pytest.raises(ImportErrors) as e:
        import_organisation(actor=None, pemda=world.a, upload=_workbook(**data))
    assert any("rumus" in err.message for err in e.value.errors)


def test_a_file_that_is_not_a_workbook_is_refused(world: World, scope_a: object) -> None:
    with pytest.raises(ImportErrors, match="bukan buku kerja"):
        import_organisation(actor=None, pemda=world.a, upload=b"%PDF-1.7 not a workbook")


def test_a_zip_bomb_is_refused_before_parsing(world: World, scope_a: object) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/bomb.xml", b"\0" * (60 * 1024 * 1024))
    assert len(buf.getvalue()) < 1024 * 1024  # small on the wire
    with pytest.raises(ImportErrors, match="terlalu besar"):
        import_organisation(actor=None, pemda=world.a, upload=buf.getvalue())


def test_an_oversized_upload_is_refused(world: World, scope_a: object) -> None:
    with pytest.raises(ImportErrors, match="terlalu besar"):
        import_organisation(actor=None, pemda=world.a, upload=b"x" * (11 * 1024 * 1024))


def test_export_then_import_into_an_empty_pemda_round_trips(world: World) -> None:
    with tenant_scope(world.a):
        import_organisation(actor=None, pemda=world.a, upload=_workbook(**GOOD))
        exported = template_bytes(world.a)
        a_positions = sorted(Position.objects.values_list("code", "name", "level", "superior__code"))
    from nyata.core.models import Pemda

    with unscoped():
        empty = actions.pemda_create(actor=None, code="97.71", name="Kosong", kind=Pemda.Kind.CITY)
    with tenant_scope(empty):
        import_organisation(actor=None, pemda=empty, upload=exported)
        c_positions = sorted(Position.objects.values_list("code", "name", "level", "superior__code"))
        assert Official.objects.filter(nip="198003152005012002").exists()
    assert c_positions == a_positions


def test_exported_cells_are_neutralised(world: World) -> None:
    with tenant_scope(world.a):
        actions.record_save(actor=None, obj=Agency(pemda=world.a, code="EVIL", name="=cmd|' /C calc'!A0", kind="dinas"))
        data = template_bytes(world.a)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    names = [row[1] for row in wb["PerangkatDaerah"].iter_rows(min_row=2, values_only=True)]
    assert "'=cmd|' /C calc'!A0" in names


def test_an_official_cannot_hold_two_definitive_posts_of_a_level(world: World, scope_a: object) -> None:
    official = world.officials["A1"]
    with pytest.raises(ValidationError, match="JPT Pratama"):
        actions.assignment_save(
            actor=None,
            assignment=Assignment(pemda=world.a, official=official, position=world.positions["A2"],
                                  start=dt.date(2025, 6, 1)),
        )
    # ... but may act (Plt.) in a second one.
    actions.assignment_save(
        actor=None,
        assignment=Assignment(
            pemda=world.a, official=official, position=world.positions["A2"], start=dt.date(2025, 6, 1), acting=True
        ),
    )
    assert Assignment.objects.filter(official=official).count() == 2


def test_a_post_has_one_definitive_holder_at_a_time(world: World, scope_a: object) -> None:
    other = actions.record_save(actor=None, obj=Official(pemda=world.a, name="Calon", nip="198505052010012001"))
    with pytest.raises(ValidationError, match="sudah diisi"):
        actions.assignment_save(
            actor=None,
            assignment=Assignment(pemda=world.a, official=other, position=world.positions["A1"],
                                  start=dt.date(2025, 6, 1)),
        )
    # After the current holder leaves, the post can be filled.
    current = Assignment.objects.get(position=world.positions["A1"])
    current.end = dt.date(2025, 5, 31)
    actions.assignment_save(actor=None, assignment=current)
    actions.assignment_save(
        actor=None,
        assignment=Assignment(pemda=world.a, official=other, position=world.positions["A1"], start=dt.date(2025, 6, 1)),
    )


def test_a_role_in_an_agency_of_another_pemda_is_refused(world: World, scope_a: object) -> None:
    user = make_user("penyusup")
    with pytest.raises(ValidationError, match="Pemda lain"):
        actions.membership_grant(actor=None, pemda=world.a, user=user, role=Role.AGENCY_OPERATOR, agency=world.b1)
    assert not Membership.objects.filter(user=user).exists()


def test_agency_roles_need_an_agency_and_pemda_roles_refuse_one(world: World, scope_a: object) -> None:
    user = make_user("baru")
    with pytest.raises(ValidationError):
        actions.membership_grant(actor=None, pemda=world.a, user=user, role=Role.AGENCY_OPERATOR)
    with pytest.raises(ValidationError):
        actions.membership_grant(actor=None, pemda=world.a, user=user, role=Role.LEADER, agency=world.a1)


def test_a_sub_unit_must_nest_inside_its_own_agency(world: World) -> None:
    from nyata.core.models import Unit

    client = world.client("perf_admin")
    resp = client.post("/organisasi/unit/baru/", {"agency": world.a1.pk, "name": "Bidang P2P", "kind": "bidang"})
    assert resp.status_code == 302
    with tenant_scope(world.a):
        parent = Unit.objects.get(name="Bidang P2P")
    resp = client.post(
        "/organisasi/unit/baru/", {"agency": world.a2.pk, "parent": parent.pk, "name": "Seksi X", "kind": "subbidang"}
    )
    assert resp.status_code == 200 and "induk" in resp.content.decode()
    with tenant_scope(world.a):
        assert not Unit.objects.filter(name="Seksi X").exists()
