"""Back office: flagship register, one flagship per agency and year, evidence, IID, moderation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nyata.core.models import Agency, AuditEvent
from nyata.core.tenancy import tenant_scope
from nyata.products import actions
from nyata.products.models import Evidence, IidAnswer, Innovation, SurveyResponse
from tests.conftest import World
from tests.products import factories

FORM = {"year": "2026", "name": "Antrean Daring", "kind": "digital", "problem": "Antre lama",
        "solution": "Daftar dari rumah", "stage": "trial", "beneficiaries": "Pasien"}


def test_agency_operator_creates_for_own_agency_only(world: World) -> None:
    c = world.client("agency_operator")
    resp = c.post(reverse("product_create"), {**FORM, "agency": world.a2.pk, "is_flagship": "on"})
    assert resp.status_code == 400  # A2 is not a choice for an A1 operator
    resp = c.post(reverse("product_create"), {**FORM, "agency": world.a1.pk, "is_flagship": "on",
                                              "is_public": "on"})
    assert resp.status_code == 302
    with tenant_scope(world.a):
        inn = Innovation.objects.get()
        assert inn.agency == world.a1 and inn.is_flagship
        assert inn.is_public is False  # operators cannot publish; the head or the admin does
        assert AuditEvent.objects.filter(action="nyata.innovation.created").exists()


def test_second_flagship_for_same_agency_and_year_is_refused(world: World) -> None:
    c = world.client("perf_admin")
    assert c.post(reverse("product_create"), {**FORM, "agency": world.a1.pk, "is_flagship": "on"}).status_code == 302
    resp = c.post(reverse("product_create"), {**FORM, "name": "Lain", "agency": world.a1.pk, "is_flagship": "on"})
    assert resp.status_code == 400
    assert "sudah memiliki produk unggulan" in resp.content.decode()
    # another year, or a non-flagship innovation, is fine
    assert c.post(reverse("product_create"), {**FORM, "name": "Lain", "agency": world.a1.pk}).status_code == 302
    assert c.post(reverse("product_create"), {**FORM, "year": "2027", "agency": world.a1.pk,
                                              "is_flagship": "on"}).status_code == 302
    with tenant_scope(world.a):
        assert Innovation.objects.filter(is_flagship=True).count() == 2


def test_second_flagship_is_refused_by_the_action_too(world: World) -> None:
    with tenant_scope(world.a):
        factories.innovation(world.a1, is_flagship=True)
        with pytest.raises(ValidationError):
            actions.innovation_save(actor=None, innovation=Innovation(
                pemda=world.a, agency=world.a1, year=2026, name="Dua", problem="p", solution="s",
                is_flagship=True))
        assert Innovation.objects.count() == 1


def test_stage_dates_must_be_in_order(world: World) -> None:
    c = world.client("perf_admin")
    resp = c.post(reverse("product_create"), {**FORM, "agency": world.a1.pk, "initiated_on": "2026-05-01",
                                              "trial_on": "2026-03-01"})
    assert resp.status_code == 400


def test_list_flags_agencies_without_flagship_in_constant_queries(
        world: World, django_assert_max_num_queries: Any) -> None:
    with tenant_scope(world.a):
        inn = factories.innovation(world.a1, is_flagship=True)
        factories.response(factories.survey(inn), 4)
    c = world.client("leader")
    c.get(reverse("product_list") + "?tahun=2026")  # warm the session
    with django_assert_max_num_queries(12):
        resp = c.get(reverse("product_list") + "?tahun=2026")
    soup = BeautifulSoup(resp.content, "html.parser")
    missing = [li.get_text() for li in soup.select('[data-testid="missing-flagship"] li')]
    assert missing == ["Dinas Dua"]
    with tenant_scope(world.a):
        for n in range(3, 15):
            a = Agency.objects.create(pemda=world.a, code=f"X{n}", name=f"Dinas {n}", kind="dinas")
            factories.innovation(a, is_flagship=True)
    with django_assert_max_num_queries(12):
        resp = c.get(reverse("product_list") + "?tahun=2026")
    assert resp.status_code == 200


def test_agency_roles_see_only_their_agency_in_the_list(world: World) -> None:
    with tenant_scope(world.a):
        factories.innovation(world.a2, is_flagship=True, name="Milik A2")
    resp = world.client("agency_operator").get(reverse("product_innovation_list") + "?tahun=2026")
    assert "Milik A2" not in resp.content.decode()
    resp = world.client("leader").get(reverse("product_innovation_list") + "?tahun=2026")
    assert "Milik A2" in resp.content.decode()


def _upload(world: World, inn: Innovation, name: str, content: bytes, **extra: str) -> Any:
    f = SimpleUploadedFile(name, content, content_type="application/pdf")
    return world.client("agency_operator").post(
        reverse("product_evidence_upload", args=[inn.pk]), {"title": "SK", "file": f, **extra})


def test_evidence_checked_by_magic_bytes_not_name(world: World) -> None:
    with tenant_scope(world.a):
        inn = factories.innovation(world.a1)
    resp = _upload(world, inn, "sk.pdf", b"MZ\x90\x00 not a pdf at all")
    assert resp.status_code == 400
    assert "Jenis berkas tidak diterima" in resp.content.decode()
    resp = _upload(world, inn, "gambar.exe", factories.PDF, criterion="regulasi")
    assert resp.status_code == 302
    with tenant_scope(world.a):
        ev = Evidence.objects.get()
    assert ev.content_type == "application/pdf" and ev.criterion == "regulasi"
    assert "gambar" not in ev.file.name and ev.file.name.endswith(".pdf")
    dl = world.client("agency_head").get(reverse("product_evidence_download", args=[ev.pk]))
    assert dl.status_code == 200
    assert dl["Content-Disposition"].startswith("attachment;")
    assert dl.content == factories.PDF
    assert world.client("outsider").get(reverse("product_evidence_download", args=[ev.pk])).status_code == 404


def test_evidence_too_large_or_unknown_criterion(world: World, settings: Any) -> None:
    with tenant_scope(world.a):
        inn = factories.innovation(world.a1)
    big = factories.PDF + b"0" * (5 * 1024 * 1024)
    assert _upload(world, inn, "a.pdf", big).status_code == 400
    assert _upload(world, inn, "a.pdf", factories.PDF, criterion="tidak-ada").status_code == 400
    with tenant_scope(world.a):
        assert not Evidence.objects.exists()


def test_iid_self_assessment(world: World) -> None:
    with tenant_scope(world.a):
        inn = factories.innovation(world.a1)
    data = {"level_regulasi": "3", "note_regulasi": "Perkada 12/2025", "level_sdm": "2"}
    resp = world.client("agency_operator").post(reverse("product_iid", args=[inn.pk]), data)
    assert resp.status_code == 302
    with tenant_scope(world.a):
        assert dict(IidAnswer.objects.values_list("criterion", "level"))["regulasi"] == 3
    page = world.client("leader").get(reverse("product_detail", args=[inn.pk]))
    assert "Kurang Inovatif" in page.content.decode()  # 5 of 39 points = 12.82
    assert world.client("agency_operator").post(reverse("product_iid", args=[inn.pk]),
                                                {"level_regulasi": "7"}).status_code == 400


def test_moderation_by_head_of_own_agency_or_admin(world: World) -> None:
    with tenant_scope(world.a):
        s1 = factories.survey(factories.innovation(world.a1))
        s2 = factories.survey(factories.innovation(world.a2))
        own = factories.response(s1, comment="Ramah")
        other = factories.response(s2, comment="Lambat")
    head = world.client("agency_head")
    page = head.get(reverse("product_moderation")).content.decode()
    assert "Ramah" in page and "Lambat" not in page
    assert head.post(reverse("product_moderate", args=[other.pk]), {"decision": "approve"}).status_code == 404
    assert head.post(reverse("product_moderate", args=[own.pk]), {"decision": "approve"}).status_code == 302
    assert world.client("agency_operator").post(
        reverse("product_moderate", args=[own.pk]), {"decision": "reject"}).status_code == 403
    assert world.client("perf_admin").post(
        reverse("product_moderate", args=[other.pk]), {"decision": "reject"}).status_code == 302
    with tenant_scope(world.a):
        own.refresh_from_db()
        other.refresh_from_db()
        assert own.comment_status == SurveyResponse.CommentStatus.APPROVED
        assert other.comment_status == SurveyResponse.CommentStatus.REJECTED
        assert AuditEvent.objects.filter(action="nyata.surveyresponse.moderated").count() == 2


def test_survey_settings_and_results(world: World) -> None:
    with tenant_scope(world.a):
        inn = factories.innovation(world.a1)
    c = world.client("agency_head")
    resp = c.post(reverse("product_survey", args=[inn.pk]),
                  {"year": "2026", "population": "100", "weighting": "exact", "is_open": "on"})
    assert resp.status_code == 302
    with tenant_scope(world.a):
        for _ in range(3):
            factories.response(inn.surveys.get(), 3)
    page = c.get(reverse("product_survey", args=[inn.pk])).content.decode()
    assert "75.00" in page or "75,00" in page
    assert "80" in page  # minimum sample for a population of 100


def test_products_api(world: World) -> None:
    with tenant_scope(world.a):
        inn = factories.innovation(world.a1, is_flagship=True)
        factories.innovation(world.a2)
        factories.response(factories.survey(inn, population=1), 4)  # the whole population answered
    data = world.client("agency_operator").get("/api/v1/products/innovations?year=2026").json()
    assert [d["agency_code"] for d in data] == ["A1"]
    assert len(world.client("leader").get("/api/v1/products/innovations?year=2026").json()) == 2
    surveys = world.client("leader").get(f"/api/v1/products/innovations/{inn.pk}/surveys").json()
    assert surveys[0]["ikm"] == "100.00" and surveys[0]["grade"] == "A" and surveys[0]["provisional"] is False
    assert world.client(None).get("/api/v1/products/innovations").status_code == 401


def test_links_to_plan_indicators_and_partnerships(world: World) -> None:
    from nyata.planning.models import Indicator
    from nyata.projects.models import Partnership

    with tenant_scope(world.a):
        inn = factories.innovation(world.a1)
        indicator = Indicator.objects.filter().first()
        partnership = Partnership.objects.create(pemda=world.a, partner="Bank Daerah", kind="csr")
    data = {**FORM, "agency": world.a1.pk, "partnerships": [partnership.pk]}
    if indicator is not None:
        data["indicators"] = [indicator.pk]
    resp = world.client("perf_admin").post(reverse("product_edit", args=[inn.pk]), data)
    assert resp.status_code == 302
    with tenant_scope(world.a):
        assert list(inn.partnerships.all()) == [partnership]
        assert AuditEvent.objects.filter(action="nyata.innovation.links_changed").exists()
    with tenant_scope(world.b):
        theirs = Partnership.objects.create(pemda=world.b, partner="Lain", kind="csr")
    resp = world.client("perf_admin").post(reverse("product_edit", args=[inn.pk]),
                                           {**data, "partnerships": [theirs.pk]})
    assert resp.status_code == 400  # another Pemda's partnership is not a choice


def test_evidence_refused_after_its_file_was_stored_leaves_no_file(world: World, settings: Any) -> None:
    # The row's own checks (full_clean) run after the file is stored: a refusal there, or the
    # database gone mid-save, used to leave the file in media with no row that knows it.
    from nyata.products import actions

    with tenant_scope(world.a):
        inn = factories.innovation(world.a1)
        with pytest.raises(ValidationError):
            actions.evidence_add(actor=world.users["agency_operator"], innovation=inn, title="x" * 201,
                                 upload=SimpleUploadedFile("sk.pdf", factories.PDF))
        assert not Evidence.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]
