"""Self-critique, Excel round trip, API, reminders, inbox and board query counts."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from decimal import Decimal as D
from typing import Any

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from nyata.core import actions as core_actions
from nyata.core.models import Agency, Membership, Quarter
from nyata.core.tenancy import tenant_scope
from nyata.reporting import actions, excel, reminders
from nyata.reporting.models import CorrectiveAction, Realisation, ReminderLog, SelfCritique
from tests.conftest import World
from tests.reporting.factories import Pk, critique_post, signed_pk

# --- self-critique ----------------------------------------------------------------------------------


def test_the_head_files_a_structured_self_critique(world: World, pk: Pk) -> None:
    url = reverse("report_self_critique", args=[pk.agency.pk, pk.q1.pk])
    head = world.client("agency_head")
    resp = head.post(url, critique_post(pk, submit=True))
    assert resp.status_code == 400 and "sebutkan perangkat daerah" in resp.content.decode()
    with tenant_scope(world.a):
        assert not SelfCritique.objects.filter(state="submitted").exists()
    resp = head.post(url, critique_post(pk, submit=True, dependency=str(world.a2.pk)))
    assert resp.status_code == 302
    with tenant_scope(world.a):
        sc = SelfCritique.objects.get()
        assert sc.state == "submitted"
        assert sc.products.get().people == 1250
        assert sc.causes.get().depends_on == world.a2
        assert sc.gaps.get().agreement_indicator == pk.indicators["I2"]
    assert head.post(url, critique_post(pk, submit=False)).status_code == 400  # submitted: no more edits
    assert world.client("agency_operator").post(url, critique_post(pk, submit=False)).status_code == 403
    board = world.client("leader").get(reverse("report_actions")).content.decode()
    assert "Percepat pencairan" in board and "lewat" in board
    api = world.client("leader").get(f"/api/v1/reporting/self-critiques/{sc.pk}").json()
    assert api["causes"][0]["depends_on_id"] == world.a2.pk and api["actions"][0]["owner"] == "Sekretaris Dinas"


def test_a_draft_is_prefilled_from_the_data_and_last_quarter_actions_get_a_status(world: World, pk: Pk) -> None:
    with tenant_scope(world.a):
        actions.realisation_save_draft(actor=world.users["agency_operator"], agency=pk.agency, quarter_id=pk.q1.pk,
                                       agreement_indicator_id=pk.indicators["I2"].pk, value="40")
    page = world.client("agency_head").get(reverse("report_self_critique", args=[pk.agency.pk, pk.q1.pk]))
    text = page.content.decode()
    assert "belum mencapai target" in text and 'value="10"' in text
    with tenant_scope(world.a):
        actions.self_critique_save(actor=world.users["agency_head"], agency=pk.agency, quarter=pk.q1, summary="s",
                                   data={"gaps": [{"description": "x", "size": "1"}],
                                         "causes": [{"category": "budget", "text": "pagu kurang"}],
                                         "actions": [{"description": "ajukan pergeseran", "owner": "Sekdis",
                                                      "due": "2026-06-01"}]}, submit=True)
        ca = CorrectiveAction.objects.get()
        q2 = pk.quarters[2]
        actions.self_critique_save(actor=world.users["agency_head"], agency=pk.agency, quarter=q2, summary="",
                                   data={"products": [{"what": "a", "people": "3"}]},
                                   previous={ca.pk: ("done", "selesai Mei")})
        ca.refresh_from_db()
        assert ca.state == "done" and ca.state_note == "selesai Mei"
        with pytest.raises(ValidationError, match="Status tindakan"):
            actions.self_critique_save(actor=world.users["agency_head"], agency=pk.agency, quarter=q2, summary="",
                                       data={}, previous={ca.pk: ("bogus", "")})


def test_the_draft_reads_behind_target_by_the_engine_rule_a_range_met_anywhere_inside(world: World, pk: Pk) -> None:
    """A range indicator was compared with its quarter target as a plain number: a value inside the
    range but under that number was "behind", one above the range was not."""
    ai = pk.indicators["I2"]
    with tenant_scope(world.a):
        type(ai).objects.filter(pk=ai.pk).update(polarity="range", range_low=D("2"), range_high=D("4"),
                                                 q1_target=D("3"))

    def gaps(value: str) -> str:
        with tenant_scope(world.a):
            actions.realisation_save_draft(actor=world.users["agency_operator"], agency=pk.agency, quarter_id=pk.q1.pk,
                                           agreement_indicator_id=ai.pk, value=value)
        page = world.client("agency_head").get(reverse("report_self_critique", args=[pk.agency.pk, pk.q1.pk]))
        return page.content.decode()

    assert f"{ai.name} belum mencapai target" not in gaps("2.5")  # inside the range, under the quarter's 3
    text = gaps("5")  # above the range
    assert f"{ai.name} belum mencapai target" in text and 'value="1"' in text  # one above the upper bound


# --- Excel -----------------------------------------------------------------------------------------


def _sheet(content: bytes, edits: dict[int, dict[str, Any]]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb[excel.SHEET]
    header = [c.value for c in ws[1]]
    for row, values in edits.items():
        for col, v in values.items():
            ws.cell(row=row, column=header.index(col) + 1, value=v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_excel_round_trip_is_all_or_nothing(world: World, pk: Pk) -> None:
    op = world.client("agency_operator")
    download = op.get(reverse("report_xlsx_download", args=[pk.agency.pk, pk.q1.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    url = reverse("report_xlsx_upload", args=[pk.agency.pk, pk.q1.pk])
    bad = _sheet(download.content, {2: {"realisasi": "91,5"}, 3: {"realisasi": "banyak"}, 4: {"realisasi": "101"},
                                    5: {"id_indikator": 999999, "realisasi": "1"}})
    resp = op.post(url, {"file": SimpleUploadedFile("r.xlsx", bad)})
    body = resp.content.decode()
    assert resp.status_code == 400
    # the page names the columns of the refused cells (the line before could never fail)
    assert "realisasi" in body and "id_indikator" in body
    with tenant_scope(world.a):
        assert not Realisation.objects.exists()
    errors = resp.context["errors"]
    assert {(e.row, e.column) for e in errors} >= {(3, "realisasi"), (5, "id_indikator")}
    good = _sheet(download.content, {2: {"realisasi": "91,5", "narasi": "dari Excel"}, 3: {"realisasi": 48},
                                     4: {"realisasi": "1.5"}})
    assert op.post(url, {"file": SimpleUploadedFile("r.xlsx", good)}).status_code == 302
    with tenant_scope(world.a):
        values = dict(Realisation.objects.values_list("agreement_indicator__name", "value"))
        assert values[pk.indicators["I1"].name] == Decimal("91.5")
        assert Realisation.objects.filter(versions__event="imported").count() == 3


def test_a_renamed_file_is_not_a_workbook(world: World, pk: Pk) -> None:
    url = reverse("report_xlsx_upload", args=[pk.agency.pk, pk.q1.pk])
    resp = world.client("agency_operator").post(url, {"file": SimpleUploadedFile("r.xlsx", b"MZ" + b"0" * 100)})
    assert resp.status_code == 400 and "bukan buku kerja" in resp.content.decode()


# --- API -------------------------------------------------------------------------------------------


def test_api_follows_the_same_rules(world: World, pk: Pk) -> None:
    base = f"/api/v1/reporting/agencies/{pk.agency.pk}/quarters/{pk.q1.pk}"
    op = world.client("agency_operator")
    resp = op.post(f"{base}/realisations", json.dumps({"agreement_indicator_id": pk.indicators["I1"].pk,
                                                       "value": "101"}), content_type="application/json")
    assert resp.status_code == 422 and "melebihi 100" in resp.json()["detail"]
    for code, v in (("I1", "91"), ("I2", "50"), ("I3", "2")):
        resp = op.post(f"{base}/realisations", json.dumps({"agreement_indicator_id": pk.indicators[code].pk,
                                                           "value": v}), content_type="application/json")
        assert resp.status_code == 200, resp.content
    rid = resp.json()["id"]
    assert op.post(f"{base}/submit").status_code == 403
    assert world.client("agency_head").post(f"{base}/submit").json()["submitted"]
    verify = f"/api/v1/reporting/realisations/{rid}/verify"
    assert op.post(verify, json.dumps({"verdict": "accept"}), content_type="application/json").status_code == 403
    resp = world.client("inspector").post(verify, json.dumps({"verdict": "accept"}), content_type="application/json")
    assert resp.status_code == 200 and resp.json()["verified"] is True
    listing = world.client("leader").get(f"/api/v1/reporting/realisations?quarter={pk.q1.pk}").json()
    assert len(listing) == 3


# --- reminders -------------------------------------------------------------------------------------


def test_reminders_are_sent_once_a_day_by_the_command(world: World, pk: Pk, settings: Any, monkeypatch: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with tenant_scope(world.a):
        for role in ("agency_operator", "agency_head", "inspector"):
            u = world.users[role]
            u.email = f"{role}@example.org"
            u.save()
        q2 = pk.quarters[2]
    from django.utils import timezone

    day = q2.report_deadline - dt.timedelta(days=2)
    monkeypatch.setattr(timezone, "localdate", lambda *a: day)
    call_command("send_reminders")
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["agency_head@example.org", "agency_operator@example.org"]
    assert "2 hari lagi" in mail.outbox[0].subject and "Persentase balita" in mail.outbox[0].body
    call_command("send_reminders")
    assert len(mail.outbox) == 2
    with tenant_scope(world.a):
        assert ReminderLog.objects.count() == 2


def test_nobody_is_reminded_when_the_quarter_is_submitted(world: World, pk: Pk, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with tenant_scope(world.a):
        for code in ("I1", "I2", "I3"):
            actions.realisation_save_draft(actor=None, agency=pk.agency, quarter_id=pk.q1.pk,
                                           agreement_indicator_id=pk.indicators[code].pk, value="1")
        actions.realisation_submit(actor=None, agency=pk.agency, quarter=pk.q1)
        for role in ("agency_operator", "inspector"):
            world.users[role].email = f"{role}@example.org"
            world.users[role].save()
        sent = reminders.remind_pemda(world.a, today=pk.q1.report_deadline)
    assert sent == 1 and mail.outbox[0].to == ["inspector@example.org"]
    assert "menunggu verifikasi" in mail.outbox[0].body


def test_deadline_follows_the_pemda_setting(world: World) -> None:
    with tenant_scope(world.b):
        world.b.reporting_deadline_days = 5
        world.b.save()
        core_actions.fiscal_year_create(actor=None, pemda=world.b, year=2030)
        q1 = Quarter.objects.get(fiscal_year__year=2030, number=1)
    assert q1.report_deadline == dt.date(2030, 4, 5)


# --- inbox and board ---------------------------------------------------------------------------------


def test_each_person_sees_exactly_what_is_due_from_them(world: World, pk: Pk) -> None:
    op = world.client("agency_operator").get(reverse("report_inbox")).content.decode()
    assert "Persentase balita" in op and "Ajukan" not in op
    with tenant_scope(world.a):
        for code in ("I1", "I2", "I3"):
            actions.realisation_save_draft(actor=None, agency=pk.agency, quarter_id=pk.q1.pk,
                                           agreement_indicator_id=pk.indicators[code].pk, value="1")
    head = world.client("agency_head").get(reverse("report_inbox")).content.decode()
    assert reverse("report_submit", args=[pk.agency.pk, pk.q1.pk]) in head
    with tenant_scope(world.a):
        actions.realisation_submit(actor=None, agency=pk.agency, quarter=pk.q1)
    insp = world.client("inspector").get(reverse("report_inbox")).content.decode()
    assert insp.count("kind-verify") == 3
    assert "kind-verify" not in world.client("agency_operator").get(reverse("report_inbox")).content.decode()


def test_the_operator_reads_the_inspectorates_return_comment_in_the_task_list(world: World, pk: Pk) -> None:
    from nyata.reporting.models import Realisation

    with tenant_scope(world.a):
        for code in ("I1", "I2", "I3"):
            actions.realisation_save_draft(actor=None, agency=pk.agency, quarter_id=pk.q1.pk,
                                           agreement_indicator_id=pk.indicators[code].pk, value="1")
        actions.realisation_submit(actor=None, agency=pk.agency, quarter=pk.q1)
        i2 = Realisation.objects.get(agreement_indicator=pk.indicators["I2"], quarter=pk.q1)
        actions.realisation_verify(actor=world.users["inspector"], realisations=[i2], verdict="return",
                                   comment="Bukti dukung tidak sesuai periode")
    page = BeautifulSoup(world.client("agency_operator").get(reverse("report_inbox")).content, "html.parser")
    fixes = page.select("li.kind-fix")
    assert len(fixes) == 1
    assert fixes[0].select_one("a")["href"] == reverse("report_realisation", args=[i2.pk])
    comment = fixes[0].select_one("[data-testid=return-comment]")
    assert comment is not None and "Bukti dukung tidak sesuai periode" in comment.get_text()


def _many_agencies(world: World, n: int) -> None:
    with tenant_scope(world.a):
        for i in range(n):
            ag = Agency.objects.create(pemda=world.a, code=f"X{i:02d}", name=f"Dinas X{i}", kind="dinas")
            pos = world.positions["A1"].__class__.objects.create(
                pemda=world.a, code=f"KA-X{i:02d}", name=f"Kepala X{i}", level="jpt_pratama", agency=ag,
                is_agency_head=True)
            world.positions[ag.code] = pos
            world.officials[ag.code] = world.officials["A1"]
    with tenant_scope(world.a):
        agencies = list(Agency.objects.filter(code__startswith="X"))
    for ag in agencies:
        signed_pk(world, ag)


@pytest.mark.parametrize("name", ["report_board", "report_verify_queue", "report_actions"])
def test_list_pages_use_a_constant_number_of_queries(world: World, pk: Pk, django_assert_max_num_queries: Any,
                                                    name: str) -> None:
    client = world.client("inspector" if name == "report_verify_queue" else "leader")
    url = reverse(name) + (f"?tw={pk.q1.pk}" if name == "report_board" else "")
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    _many_agencies(world, 6)
    with tenant_scope(world.a):
        for r in Realisation.objects.all():
            r.delete()
        for ag in Agency.objects.filter(code__startswith="X"):
            from nyata.agreements.models import AgreementIndicator

            for ai in AgreementIndicator.objects.filter(agreement__agency=ag):
                Realisation.objects.create(pemda=world.a, agency=ag, agreement_indicator=ai, quarter=pk.q1,
                                           value=Decimal(1), status="submitted")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_membership_fixture_is_intact(world: World) -> None:
    with tenant_scope(world.a):
        assert Membership.objects.filter(role="inspector").count() == 1
