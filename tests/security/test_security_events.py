"""Security events are events: recorded, chained, shown to the performance admin, alerted (item 8)."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from nyata.core import actions, security_events
from nyata.core.models import Role, SecurityEvent
from nyata.core.tenancy import tenant_scope
from tests.conftest import PASSWORD, World, make_user
from tests.tampering import tamper


def _login(username: str, password: str, ip: str = "10.4.0.1") -> Any:
    return Client(REMOTE_ADDR=ip).post(reverse("login"), {"username": username, "password": password})


def test_sign_ins_land_in_the_chain_of_the_users_pemda(world: World) -> None:
    assert _login("inspector", "salah").status_code == 200
    assert _login("inspector", PASSWORD).status_code == 302
    assert _login("tidak.ada", "salah").status_code == 200
    mine = SecurityEvent.objects.filter(chain=world.a.pk)
    assert mine.filter(action=security_events.LOGIN_FAILED, actor=world.users["inspector"]).count() == 1
    assert mine.filter(action=security_events.LOGIN_SUCCEEDED, actor=world.users["inspector"]).count() == 1
    unknown = SecurityEvent.objects.get(action=security_events.LOGIN_FAILED, actor_label="tidak.ada")
    assert unknown.chain == security_events.PLATFORM and unknown.data["address"] == "10.4.0.1"
    assert not SecurityEvent.objects.filter(chain=world.b.pk, action__contains=".login").exists()
    assert "salah" not in str(unknown.data)


@override_settings(AXES_FAILURE_LIMIT=2)
def test_a_lockout_alerts_the_pemdas_performance_admins_by_e_mail(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    admin = world.users["perf_admin"]
    admin.email = "biro.organisasi@example.go.id"
    admin.save()
    world.outsider.email = "admin.lain@example.go.id"  # type: ignore[union-attr]
    world.outsider.save()  # type: ignore[union-attr]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            _login("leader", "salah", ip="10.4.0.2")
    assert SecurityEvent.objects.filter(chain=world.a.pk, action=security_events.LOCKED_OUT).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["biro.organisasi@example.go.id"]
    assert security_events.LOCKED_OUT in message.subject and "leader" in message.body


def test_granting_a_role_is_recorded_in_the_same_transaction(world: World) -> None:
    newcomer = make_user("pendatang")
    with tenant_scope(world.a):
        actions.membership_grant(actor=world.users["perf_admin"], pemda=world.a, user=newcomer,
                                 role=Role.PLANNER)
    event = SecurityEvent.objects.get(chain=world.a.pk, action=security_events.ROLE_GRANTED,
                                      object_id=str(newcomer.pk))
    assert event.object_id == str(newcomer.pk) and event.data["role"] == "planner"


def test_the_performance_admin_sees_the_pemdas_events_and_nobody_else_does(world: World) -> None:
    _login("leader", "salah", ip="10.4.0.3")
    _login("admin.lain.tidak.ada", "salah", ip="10.4.0.3")
    page = world.client("perf_admin").get(reverse("security_event_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Gagal masuk" in html and "10.4.0.3" in html
    assert "admin.lain.tidak.ada" not in html  # the platform's events are not the Pemda's
    assert world.client("outsider").get(reverse("security_event_list")).content.decode().count("10.4.0.3") == 0
    for role in ("leader", "inspector", "planner", "agency_head", "agency_operator"):
        assert world.client(role).get(reverse("security_event_list")).status_code == 403, role


def test_the_list_filters_by_kind_and_pages_back(world: World, django_assert_max_num_queries: Any) -> None:
    for i in range(105):
        security_events.record(security_events.LOGIN_FAILED, label=f"u{i}", pemda=world.a)
    security_events.record(security_events.PASSWORD_CHANGED, actor=world.users["planner"])
    client = world.client("perf_admin")
    with django_assert_max_num_queries(12):
        first = client.get(reverse("security_event_list"), {"jenis": security_events.LOGIN_FAILED})
    rows = first.content.decode().count('data-action="nyata.security.login_failed"')
    assert rows == 100 and "Lebih lama" in first.content.decode()
    only = client.get(reverse("security_event_list"), {"jenis": security_events.PASSWORD_CHANGED})
    assert only.content.decode().count("<tr data-action=") == 1


def test_the_security_chain_detects_a_rewritten_event(world: World) -> None:
    _login("leader", "salah", ip="10.4.0.4")
    assert security_events.verify() == []
    event = SecurityEvent.objects.filter(chain=world.a.pk).latest("seq")
    table = SecurityEvent._meta.db_table
    tamper(f"UPDATE {table} SET actor_label = %s WHERE id = %s", ["orang.lain", event.pk], table=table)
    broken = security_events.verify([world.a.pk])
    assert len(broken) == 1 and broken[0].seq == event.seq and "altered" in broken[0].reason


def test_the_security_log_is_append_only_in_the_database(world: World) -> None:
    import pytest
    from django.db import DatabaseError, transaction

    _login("leader", "salah", ip="10.4.0.5")
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.filter(chain=world.a.pk).update(actor_label="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.filter(chain=world.a.pk).delete()
