"""Tenants: registering, listing, suspending and resuming a Pemda; the platform operator."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from nyata.core.models import Account, AuditEvent, Membership, Pemda, User
from nyata.core.tenancy import unscoped
from tests.conftest import PASSWORD, World

LINK = re.compile(r"https?://\S+/sandi/atur/\S+/\S+/")


def _create(*extra: str, code: str = "16.07", kind: str = "kabupaten", admin: str = "admin.baru") -> str:
    out = StringIO()
    call_command(
        "pemda",
        "create",
        "--code",
        code,
        "--name",
        "Kabupaten Baru",
        "--kind",
        kind,
        "--admin-username",
        admin,
        "--admin-email",
        f"{admin}@contoh.go.id",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def _counts() -> tuple[int, int, int, int]:
    with unscoped():
        return (Pemda.objects.count(), User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())


@pytest.mark.django_db
def test_pemda_create_prints_the_admins_one_time_link_and_invites_them(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        out = _create("--public-url", "https://kinerja.baru.go.id")
    link = LINK.search(out)
    assert link is not None and link.group(0).startswith("https://kinerja.baru.go.id/sandi/atur/")
    with unscoped():
        pemda = Pemda.objects.get(code="16.07")
        admin = User.objects.get(username="admin.baru")
        assert not admin.has_usable_password()
        assert [m.role for m in Membership.objects.filter(user=admin)] == ["perf_admin"]
        assert Account.objects.filter(pemda=pemda, user=admin, is_active=True).exists()
        actions = set(AuditEvent.objects.filter(pemda=pemda).values_list("action", flat=True))
    assert {"nyata.pemda.created", "nyata.user.invited", "nyata.membership.created"} <= actions
    assert pemda.head_title == "Bupati"
    invitations = [m for m in mail.outbox if m.subject.startswith("Undangan ke Nyata")]
    assert len(invitations) == 1 and link.group(0) in invitations[0].body
    # The link sets the admin's password once.
    client = Client()
    path = link.group(0).split("kinerja.baru.go.id", 1)[1]
    resp = client.post(path, {"new_password1": "Kabupaten-Baru-2026!", "new_password2": "Kabupaten-Baru-2026!"})
    assert resp.status_code == 302 and resp["Location"] == "/keamanan/"  # an admin enrols TOTP next
    again = Client().get(path)
    assert again.status_code == 400 and "sudah dipakai atau sudah kedaluwarsa" in again.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "kind", "named"),
    [
        ("16.7", "kabupaten", "16.7"),
        ("1607", "kabupaten", "1607"),
        ("16.07", "provinsi", "16.07"),
        ("AB", "provinsi", "AB"),
        ("", "kota", "—"),
    ],
)
def test_pemda_create_refuses_a_malformed_code_naming_it_and_creates_nothing(code: str, kind: str, named: str) -> None:
    before = _counts()
    with pytest.raises(CommandError) as err:
        _create(code=code, kind=kind)
    assert named in str(err.value)
    assert _counts() == before


@pytest.mark.django_db
def test_pemda_create_refuses_a_duplicate_code_and_creates_nothing() -> None:
    _create()
    before = _counts()
    with pytest.raises(CommandError) as err:
        _create(admin="admin.kedua")
    assert "16.07" in str(err.value) and "sudah dipakai" in str(err.value)
    assert _counts() == before
    with unscoped():
        assert not User.objects.filter(username="admin.kedua").exists()


@pytest.mark.django_db
def test_a_regency_whose_parent_is_not_a_province_is_refused() -> None:
    _create(code="16.07")
    before = _counts()
    with pytest.raises(CommandError) as err:
        _create("--parent", "16.07", code="16.08", admin="admin.lain")
    assert "bukan provinsi" in str(err.value)
    assert _counts() == before
    call_command(
        "pemda",
        "create",
        "--code",
        "16",
        "--name",
        "Provinsi",
        "--kind",
        "provinsi",
        "--admin-username",
        "admin.prov",
        "--admin-email",
        "prov@contoh.go.id",
        stdout=StringIO(),
    )
    _create("--parent", "16", code="16.08", admin="admin.lain")
    with unscoped():
        assert Pemda.objects.get(code="16.08").parent.code == "16"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_a_failed_admin_invitation_leaves_no_pemda_behind(world: World) -> None:
    before = _counts()
    with pytest.raises(CommandError) as err:
        _create(admin="leader")  # a username taken in Pemda A
    assert "tidak tersedia" in str(err.value) and "Provinsi Uji" not in str(err.value)
    assert _counts() == before


@pytest.mark.django_db
def test_suspended_pemdas_users_cannot_sign_in_and_nothing_is_deleted(world: World) -> None:
    before = _counts()
    out = StringIO()
    call_command("pemda", "suspend", "99", "--reason", "kontrak berakhir", stdout=out)
    assert "suspended" in out.getvalue()
    client = Client()
    resp = client.post("/masuk/", {"username": "perf_admin", "password": PASSWORD})
    assert resp.status_code == 200 and "ditangguhkan" in resp.content.decode()
    assert "_auth_user_id" not in client.session
    # A session opened before the suspension sees no Pemda any more.
    assert world.client("leader").get("/dasbor/").status_code == 403
    # The other Pemda's users are not affected.
    assert Client().post("/masuk/", {"username": "outsider", "password": PASSWORD}).status_code == 302
    counts = _counts()
    assert counts[:3] == before[:3] and counts[3] == before[3] + 1  # only the suspension event was added
    listing = StringIO()
    call_command("pemda", "list", stdout=listing)
    assert re.search(r"^99\s+provinsi\s+suspended", listing.getvalue(), re.M)
    call_command("pemda", "resume", "99", stdout=StringIO())
    assert Client().post("/masuk/", {"username": "perf_admin", "password": PASSWORD}).status_code == 302
    with pytest.raises(CommandError):
        call_command("pemda", "resume", "99", stdout=StringIO())
    with pytest.raises(CommandError, match="No Pemda"):
        call_command("pemda", "suspend", "00", stdout=StringIO())


@pytest.mark.django_db
def test_the_platform_operator_registers_a_pemda_from_the_page(world: World) -> None:
    client = world.client("platform_operator")
    assert client.get("/").status_code == 302
    page = client.get("/platform/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Provinsi Uji" in html and "Kabupaten Lain" in html
    bad = client.post(
        "/platform/pemda/baru/",
        {
            "code": "99",
            "name": "Ganda",
            "kind": "provinsi",
            "admin_username": "admin.ganda",
            "admin_name": "Admin Ganda",
            "admin_email": "ganda@contoh.go.id",
        },
    )
    assert bad.status_code == 400 and "Kode wilayah 99 sudah dipakai" in bad.content.decode()
    ok = client.post(
        "/platform/pemda/baru/",
        {
            "code": "97",
            "name": "Provinsi Baru",
            "kind": "provinsi",
            "admin_username": "admin.baru",
            "admin_name": "Admin Baru",
            "admin_email": "baru@contoh.go.id",
            "public_base_url": "https://kinerja.baru.go.id",
        },
    )
    assert ok.status_code == 200 and "kinerja.baru.go.id/sandi/atur/" in ok.content.decode()
    with unscoped():
        pemda = Pemda.objects.get(code="97")
    assert client.post(f"/platform/pemda/{pemda.pk}/", {"action": "suspend"}).status_code == 302
    pemda.refresh_from_db()
    assert pemda.is_suspended


@pytest.mark.django_db
def test_the_platform_operator_sees_usage_but_no_content(world: World) -> None:
    """Counts per Pemda only: no agency, official or user name of any Pemda on its pages."""
    client = world.client("platform_operator")
    html = client.get("/platform/").content.decode() + client.get(f"/platform/pemda/{world.a.pk}/").content.decode()
    for secret in ("Dinas Satu", "Dinas Dua", "Pejabat A1", "198001012005011001", "Kepala Dinas Satu", "agency_head"):
        assert secret not in html
    assert client.get("/platform/pemda/999999/").status_code == 404


@pytest.mark.django_db
def test_the_platform_operator_holds_no_role_in_any_pemda(world: World) -> None:
    from django.core.exceptions import ValidationError

    from nyata.core import actions
    from nyata.core.tenancy import tenant_scope

    with tenant_scope(world.a), pytest.raises(ValidationError, match="Operator platform"):
        actions.membership_grant(actor=None, pemda=world.a, user=world.users["platform_operator"], role="leader")
