"""Accounts: invitations, set-password links, roles, officials, deactivation, the Pengguna sheet,
and a Pemda's user directory that stays inside its Pemda."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from nyata.core import accounts
from nyata.core.importers import import_organisation, template_bytes
from nyata.core.models import Account, AuditEvent, Membership, Official, Role, User
from nyata.core.tenancy import tenant_scope, unscoped
from nyata.core.xlsx import ImportErrors
from tests.conftest import PASSWORD, World

NEW_PASSWORD = "Sandi-Baru-2026!"


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def _invite(world: World, **kw: Any) -> tuple[User, str]:
    fields = {
        "username": "operator.baru",
        "name": "Operator Baru",
        "email": "baru@contoh.go.id",
        "role": Role.AGENCY_OPERATOR,
        "agency": world.a1,
        **kw,
    }
    with tenant_scope(world.a):
        return accounts.user_invite(actor=world.users["perf_admin"], pemda=world.a, **fields)


def _state() -> tuple[int, int, int, int]:
    with unscoped():
        return (User.objects.count(), Membership.objects.count(), Account.objects.count(), AuditEvent.objects.count())


@pytest.mark.django_db
def test_an_admin_invites_a_user_who_sets_their_own_password_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    admin = world.client("perf_admin")
    with django_capture_on_commit_callbacks(execute=True):
        resp = admin.post(
            "/pengguna/",
            {
                "username": "operator.baru",
                "name": "Operator Baru",
                "email": "baru@contoh.go.id",
                "role": "agency_operator",
                "agency": world.a1.pk,
            },
        )
    assert resp.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["baru@contoh.go.id"]
    link = re.search(r"http\S+/sandi/atur/\S+/", mail.outbox[0].body)
    assert link is not None
    client = Client()
    weak = client.post(_path(link.group(0)), {"new_password1": "abc", "new_password2": "abc"})
    assert weak.status_code == 400 and "terlalu pendek" in weak.content.decode()
    done = client.post(_path(link.group(0)), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/"  # an operator needs no authenticator
    assert Client().post("/masuk/", {"username": "operator.baru", "password": NEW_PASSWORD}).status_code == 302
    reused = Client().get(_path(link.group(0)))
    assert reused.status_code == 400 and "sudah dipakai atau sudah kedaluwarsa" in reused.content.decode()
    with unscoped():
        actions = list(AuditEvent.objects.filter(object_type="core.user").values_list("action", flat=True))
    assert "nyata.user.invited" in actions and "nyata.user.password_set" in actions


@pytest.mark.django_db
def test_an_expired_set_password_link_is_refused(world: World, monkeypatch: Any) -> None:
    user, link = _invite(world)
    later = dt.datetime.now() + dt.timedelta(hours=73)  # noqa: DTZ005 - the token generator's own naive clock
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    resp = Client().post(_path(link), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert resp.status_code == 400 and "kedaluwarsa" in resp.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()


@pytest.mark.django_db
def test_an_invitation_to_an_email_already_used_in_the_pemda_is_refused(world: World) -> None:
    _invite(world)
    before = _state()
    admin = world.client("perf_admin")
    resp = admin.post(
        "/pengguna/", {"username": "orang.lain", "name": "Orang Lain", "email": "BARU@contoh.go.id", "role": "planner"}
    )
    assert resp.status_code == 400
    assert "E-mail baru@contoh.go.id sudah dipakai pengguna operator.baru di Pemda ini." in resp.content.decode()
    assert _state() == before
    # The same address may be used in another Pemda (the directory is per Pemda).
    with tenant_scope(world.b):
        accounts.user_invite(
            actor=None, pemda=world.b, username="di.b", name="Di B", email="baru@contoh.go.id", role=Role.PLANNER
        )


@pytest.mark.django_db
def test_a_user_cannot_be_linked_to_an_official_of_another_pemda(world: World) -> None:
    user, _link = _invite(world)
    before = _state()
    with tenant_scope(world.a), pytest.raises(ValidationError, match="Pejabat itu milik Pemda lain"):
        accounts.account_link_official(actor=None, pemda=world.a, user=user, official=world.officials["B1"])
    assert _state() == before
    # The page offers only its own Pemda's officials: another's id is an invalid choice.
    admin = world.client("perf_admin")
    resp = admin.post(f"/pengguna/{user.pk}/", {"action": "link", "official": world.officials["B1"].pk})
    assert resp.status_code == 400 and _state() == before
    # Inviting by another Pemda's NIP finds no official.
    with pytest.raises(ValidationError, match="Tidak ada pejabat dengan NIP 198202022006042001"):
        _invite(world, username="kepala.x", email="x@contoh.go.id", nip="198202022006042001")


@pytest.mark.django_db
def test_a_role_in_an_agency_of_another_pemda_is_refused(world: World) -> None:
    before = _state()
    with pytest.raises(ValidationError, match="milik Pemda lain"):
        _invite(world, agency=world.b1)
    assert _state() == before
    user, _link = _invite(world)
    with tenant_scope(world.a):
        account = Account.objects.get(user=user)
        with pytest.raises(ValidationError, match="milik Pemda lain"):
            accounts.role_grant(actor=None, account=account, role=Role.AGENCY_HEAD, agency=world.b1)
    resp = world.client("perf_admin").post(
        f"/pengguna/{user.pk}/", {"action": "grant", "role": "agency_head", "agency": world.b1.pk}
    )
    assert resp.status_code == 400


@pytest.mark.django_db
def test_the_directory_stays_in_its_pemda(world: World) -> None:
    """Issue 15 item 6: an admin sees, finds and grants only its own Pemda's users."""
    admin = world.client("perf_admin")
    html = admin.get("/pengguna/").content.decode()
    assert "agency_operator" in html and "outsider" not in html
    assert admin.get(f"/pengguna/{world.outsider.pk}/").status_code == 404  # type: ignore[union-attr]
    assert admin.post(f"/pengguna/{world.outsider.pk}/", {"action": "grant", "role": "leader"}).status_code == 404  # type: ignore[union-attr]
    before = _state()
    # Inviting another Pemda's username tells only that the name is not available, and grants nothing.
    resp = admin.post("/pengguna/", {"username": "outsider", "name": "X", "email": "x@contoh.go.id", "role": "leader"})
    body = resp.content.decode()
    assert resp.status_code == 400 and "Nama pengguna outsider tidak tersedia" in body
    assert "Kabupaten Lain" not in body
    missing = admin.post(
        "/pengguna/", {"username": "tidak.ada", "name": "X", "email": "x@contoh.go.id", "role": "bogus"}
    )
    assert missing.status_code == 400
    assert _state() == before
    with unscoped():
        assert not Membership.objects.filter(user=world.outsider, pemda=world.a).exists()


@pytest.mark.django_db
def test_grant_revoke_and_deactivate_keep_the_history(world: World) -> None:
    admin = world.client("perf_admin")
    user = world.users["agency_operator"]
    assert admin.post(f"/pengguna/{user.pk}/", {"action": "grant", "role": "planner"}).status_code == 302
    with tenant_scope(world.a):
        planner = Membership.objects.get(user=user, role="planner")
    assert admin.post(f"/pengguna/{user.pk}/", {"action": "revoke", "membership": planner.pk}).status_code == 302
    assert admin.post(f"/pengguna/{user.pk}/", {"action": "deactivate"}).status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert Client().post("/masuk/", {"username": "agency_operator", "password": PASSWORD}).status_code == 200
    with tenant_scope(world.a):
        account = Account.objects.get(user=user)
        assert not account.is_active and not Membership.objects.filter(user=user).exists()
        events = list(AuditEvent.objects.values_list("action", flat=True))
    assert {"nyata.membership.deleted", "nyata.user.deactivated"} <= set(events)
    assert "Nonaktif" in admin.get("/pengguna/").content.decode()  # still listed, with its history
    # Deactivating oneself is refused with a message; nothing changes.
    me = world.users["perf_admin"]
    resp = admin.post(f"/pengguna/{me.pk}/", {"action": "deactivate"}, follow=True)
    assert "tidak dapat menonaktifkan akun Anda sendiri" in resp.content.decode()
    assert admin.post(f"/pengguna/{user.pk}/", {"action": "reactivate"}).status_code == 302
    user.refresh_from_db()
    assert user.is_active


@pytest.mark.django_db
def test_a_linked_user_signs_as_the_official_whatever_post_they_hold(world: World) -> None:
    from nyata.agreements.actions import official_of

    user, _link = _invite(world, role=Role.AGENCY_HEAD, nip=world.officials["A1"].nip)
    with tenant_scope(world.a):
        assert official_of(user) == world.officials["A1"]
        account = Account.objects.get(user=user)
        accounts.account_deactivate(actor=None, account=account)
        assert official_of(user) is None  # a deactivated account signs nothing
    page = world.client("perf_admin").get(f"/pengguna/{user.pk}/").content.decode()
    assert "Kepala Dinas Satu" in page  # the official's assignment history follows the user


def _workbook(users: list[list[Any]], extra_officials: list[list[Any]] | None = None) -> bytes:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(None)))
    ws = wb["Pejabat"]
    for row in extra_officials or []:
        ws.append(row)
    ws = wb["Pengguna"]
    for row in users:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_pengguna_sheet_invites_users_and_links_officials(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    content = _workbook(
        [
            ["kepala.satu", "Kepala Satu", "kepala1@contoh.go.id", world.officials["A1"].nip, "kepala_pd", "A1"],
            ["perencana", "Perencana Baru", "rencana@contoh.go.id", "", "perencana", ""],
            ["agency_operator", "", "", "", "operator_pd", "A2"],  # an existing account: one more role
        ]
    )
    with tenant_scope(world.a), django_capture_on_commit_callbacks(execute=True):
        counts = import_organisation(actor=world.users["perf_admin"], pemda=world.a, upload=content)
        assert counts["users"] == 2
        head = User.objects.get(username="kepala.satu")
        assert Account.objects.get(user=head).official == world.officials["A1"]
        assert Membership.objects.filter(user=world.users["agency_operator"], agency=world.a2).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["kepala1@contoh.go.id", "rencana@contoh.go.id"]


@pytest.mark.django_db
def test_the_pengguna_sheet_is_all_or_nothing_with_row_and_column(world: World) -> None:
    content = _workbook(
        [
            ["baik.satu", "Baik Satu", "baik@contoh.go.id", "", "perencana", ""],
            ["outsider", "Orang", "o@contoh.go.id", "", "perencana", ""],
            ["ganda", "Ganda", "baik@contoh.go.id", "", "perencana", ""],
            ["tanpa.pd", "Tanpa PD", "t@contoh.go.id", "", "kepala_pd", ""],
            ["pd.lain", "PD Lain", "p@contoh.go.id", "", "operator_pd", "B1"],
            ["peran.aneh", "Aneh", "a@contoh.go.id", "", "raja", ""],
            ["nip.lain", "NIP Lain", "n@contoh.go.id", world.officials["B1"].nip, "kepala_pd", "A1"],
            ["surel.salah", "Salah", "bukan-email", "", "perencana", ""],
        ]
    )
    before = _state()
    with tenant_scope(world.a), pytest.raises(ImportErrors) as err:
        import_organisation(actor=None, pemda=world.a, upload=content)
    got = {(e.row, e.column) for e in err.value.errors if e.sheet == "Pengguna"}
    assert got == {
        (3, "username"),
        (4, "email"),
        (5, "kode_pd"),
        (6, "kode_pd"),
        (7, "peran"),
        (8, "nip"),
        (9, "email"),
    }
    text = str(err.value)
    assert "Nama pengguna outsider tidak tersedia" in text and "Perangkat daerah 'B1' tidak ada" in text
    assert _state() == before
    with unscoped():
        assert not User.objects.filter(username="baik.satu").exists()


@pytest.mark.django_db
def test_the_templates_pengguna_sheet_has_its_columns_and_no_ones_address(world: World) -> None:
    import openpyxl

    with tenant_scope(world.a):
        wb = openpyxl.load_workbook(io.BytesIO(template_bytes(world.a)))
    sheet = wb["Pengguna"]
    assert [c.value for c in sheet[1]] == ["username", "nama", "email", "nip", "peran", "kode_pd"]
    assert sheet.max_row == 1


@pytest.mark.django_db
def test_password_reset_sends_a_link_without_saying_whether_the_address_exists(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    user = world.users["planner"]
    user.email = "planner@contoh.go.id"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        known = Client().post("/sandi/lupa/", {"email": "planner@contoh.go.id"})
        unknown = Client().post("/sandi/lupa/", {"email": "siapa@contoh.go.id"})

    def main(resp: Any) -> str:
        return resp.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]

    assert known.status_code == unknown.status_code == 200 and main(known) == main(unknown)
    assert len(mail.outbox) == 1
    link = re.search(r"http\S+/sandi/atur/\S+/", mail.outbox[0].body)
    assert link is not None
    resp = Client().post(_path(link.group(0)), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert resp.status_code == 302


@pytest.mark.django_db
def test_a_user_with_roles_in_two_pemda_switches_explicitly(world: World) -> None:
    from nyata.core import actions

    inspector = world.users["inspector"]
    with tenant_scope(world.b):
        actions.membership_grant(actor=None, pemda=world.b, user=inspector, role=Role.INSPECTOR)
    client = world.client("inspector")
    assert "Provinsi Uji" in client.get("/").content.decode()
    assert client.post("/pemda/pilih/", {"pemda": world.b.pk}).status_code == 302
    assert 'data-testid="active-pemda">Kabupaten Lain' in client.get("/").content.decode()
    # A Pemda where the user holds no role cannot be chosen.
    assert world.client("planner").post("/pemda/pilih/", {"pemda": world.b.pk}).status_code == 400


@pytest.mark.django_db
def test_the_official_choice_lists_only_this_pemdas_officials(world: World) -> None:
    page = world.client("perf_admin").get(f"/pengguna/{world.users['agency_head'].pk}/").content.decode()
    assert "Pejabat A1" in page and "Pejabat B1" not in page
    with tenant_scope(world.a):
        assert Official.objects.count() == 2


@pytest.mark.django_db
def test_the_invitation_is_written_in_indonesian_whatever_language_the_admin_uses(
        world: World, django_capture_on_commit_callbacks: Any) -> None:
    admin = world.client("perf_admin")
    admin.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        admin.post("/pengguna/", {"username": "operator.en", "name": "Operator", "email": "en@contoh.go.id",
                                  "role": "agency_operator", "agency": world.a1.pk})
    assert "dengan nama pengguna operator.en" in mail.outbox[0].body
