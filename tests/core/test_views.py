from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import translation

from nyata.core import actions
from nyata.core.models import Agency, AuditEvent
from nyata.core.tenancy import tenant_scope, unscoped
from tests.conftest import World


def _rows(html: bytes) -> list[str]:
    return [tr.get_text(" ", strip=True) for tr in BeautifulSoup(html, "html.parser").select("tbody tr")]


def test_admin_creates_an_agency_and_its_history_shows_it(world: World) -> None:
    client = world.client("perf_admin")
    resp = client.post(
        reverse("agency_create"), {"code": "BARU", "name": "Badan Baru", "kind": "badan", "is_active": "on"}
    )
    assert resp.status_code == 302
    with tenant_scope(world.a):
        agency = Agency.objects.get(code="BARU")
        assert AuditEvent.objects.filter(object_type="core.agency", object_id=str(agency.pk)).count() == 1
    history = client.get(reverse("object_history", args=["core.agency", agency.pk]))
    assert "nyata.agency.created" in history.content.decode()


def test_form_errors_are_tied_to_their_fields(world: World) -> None:
    resp = world.client("perf_admin").post(reverse("agency_create"), {"code": "A1", "name": "", "kind": "x"})
    soup = BeautifulSoup(resp.content, "html.parser")
    error = soup.select_one("#id_name_error")
    assert error is not None and error.get_text(strip=True)
    assert soup.select_one("label[for=id_name]") is not None


def test_lists_never_show_another_pemdas_rows(world: World) -> None:
    rows = _rows(world.client("leader").get(reverse("agency_list")).content)
    assert any("Dinas Satu" in r for r in rows) and not any("Dinas Lain" in r for r in rows)
    outsider_rows = _rows(world.client("outsider").get(reverse("agency_list")).content)
    assert outsider_rows and all("Dinas Lain" in r for r in outsider_rows)


def test_an_operator_sees_only_their_agency(world: World) -> None:
    rows = _rows(world.client("agency_operator").get(reverse("agency_list")).content)
    assert len(rows) == 1 and "Dinas Satu" in rows[0]


def test_nip_is_shown_to_admins_only(world: World) -> None:
    nip = world.officials["A1"].nip
    assert nip in world.client("perf_admin").get(reverse("official_list")).content.decode()
    assert nip not in world.client("leader").get(reverse("official_list")).content.decode()


def _add_agencies(world: World, n: int) -> None:
    with tenant_scope(world.a):
        for i in range(n):
            actions.record_save(
                actor=None, obj=Agency(pemda=world.a, code=f"X{i:03d}", name=f"Dinas {i}", kind="dinas")
            )


def test_agency_list_queries_do_not_grow_with_agencies(world: World, django_assert_num_queries: object) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client("leader")
    client.get(reverse("agency_list"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("agency_list"))
    _add_agencies(world, 30)
    with CaptureQueriesContext(connection) as many:
        resp = client.get(reverse("agency_list"))
    assert len(_rows(resp.content)) == 32
    assert len(many.captured_queries) == len(few.captured_queries)


def test_official_list_queries_do_not_grow_with_agencies(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client("perf_admin")
    client.get(reverse("official_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("official_list"))
    _add_agencies(world, 10)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("official_list"))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_fiscal_year_creation_makes_four_quarters_with_deadlines(world: World) -> None:
    client = world.client("perf_admin")
    assert client.post(reverse("fiscal_year_list"), {"year": 2026, "state": "running"}).status_code == 302
    with tenant_scope(world.a):
        from nyata.core.models import Quarter

        quarters = list(Quarter.objects.filter(fiscal_year__year=2026).order_by("number"))
    assert [q.report_deadline for q in quarters] == [
        dt.date(2026, 4, 10),
        dt.date(2026, 7, 10),
        dt.date(2026, 10, 10),
        dt.date(2027, 1, 10),
    ]


def test_dates_and_numbers_follow_the_indonesian_style(world: World) -> None:
    from django.utils.formats import date_format, number_format

    with translation.override("id"):
        assert date_format(dt.date(2026, 1, 21)) == "21 Januari 2026"
        assert number_format(1234.5, 1, use_l10n=True, force_grouping=True) == "1.234,5"
    with translation.override("en"):
        assert number_format(1234.5, 1, use_l10n=True, force_grouping=True) == "1,234.5"


def test_the_interface_speaks_english_when_asked(world: World) -> None:
    client = world.client("leader")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "Home" in html and 'lang="en"' in html


def test_the_organisation_template_downloads_as_a_workbook(world: World) -> None:
    resp = world.client("perf_admin").get(reverse("organisation_template"))
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    assert resp.content[:2] == b"PK"


def test_an_import_with_errors_shows_sheet_row_and_column(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("org.xlsx", b"not a workbook")
    resp = world.client("perf_admin").post(reverse("organisation_import"), {"file": upload})
    assert resp.status_code == 400
    assert "bukan buku kerja" in resp.content.decode()
    with unscoped():
        assert not Agency.objects.filter(pemda=world.a, code="DINKES").exists()


def test_htmx_search_answers_with_the_rows_fragment_only(world: World) -> None:
    client = world.client("leader")
    full = client.get(reverse("agency_list"), {"q": "Dua"})
    assert b"<html" in full.content and len(_rows(full.content)) == 1
    fragment = client.get(reverse("agency_list"), {"q": "Dua"}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "<html" not in html and html.strip().startswith('<tbody id="agency-rows"')
    assert "Dinas Dua" in html and "Dinas Satu" not in html


def test_indonesian_is_the_default_whatever_the_browser_prefers(world: World) -> None:
    client = world.client("leader")
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="id"' in html and "Beranda" in html
