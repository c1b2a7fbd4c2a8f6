"""The probe's smaller findings (issue 15, item 10): headers, caching of documents, position cycles."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from nyata.core import actions
from nyata.core.models import Position, Unit
from nyata.core.tenancy import tenant_scope
from tests.conftest import World


def test_every_response_carries_a_permissions_policy(world: World) -> None:
    for client, url in ((Client(), reverse("login")), (world.client("leader"), "/"),
                        (Client(), reverse("portal_index"))):
        policy = client.get(url)["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_what_a_signed_in_user_downloads_is_never_stored_by_the_browser(world: World) -> None:
    client = world.client("perf_admin")
    for url in (reverse("organisation_template"), reverse("agency_list")):
        resp = client.get(url)
        assert resp.status_code == 200
        assert "no-store" in resp["Cache-Control"], url


def test_public_pages_keep_their_own_caching(world: World) -> None:
    resp = Client().get(reverse("portal_open_data", args=[world.a.code]))
    assert resp.status_code == 200 and "public" in resp["Cache-Control"] and "no-store" not in resp["Cache-Control"]


def _position_form(p: Position, superior: Position | None) -> dict[str, Any]:
    return {"code": p.code, "name": p.name, "level": p.level, "agency": p.agency_id or "",
            "unit": "", "superior": superior.pk if superior else "", "is_agency_head": "on"}


def test_a_position_cannot_be_its_own_superior(world: World) -> None:
    client = world.client("perf_admin")
    head = world.positions["A1"]
    resp = client.post(reverse("position_edit", args=[head.pk]), _position_form(head, head))
    assert resp.status_code == 200 and "atasan dirinya sendiri" in resp.content.decode()
    with tenant_scope(world.a):
        assert Position.objects.get(pk=head.pk).superior_id != head.pk


def test_a_position_cannot_be_placed_under_its_own_subordinate(world: World) -> None:
    with tenant_scope(world.a):
        head = world.positions["A1"]
        governor = head.superior
        assert governor is not None
    resp = world.client("perf_admin").post(reverse("position_edit", args=[governor.pk]),
                                           {**_position_form(governor, head), "agency": "", "is_agency_head": ""})
    assert resp.status_code == 200 and "atasan dirinya sendiri" in resp.content.decode()
    with tenant_scope(world.a):
        assert Position.objects.get(pk=governor.pk).superior_id is None


def test_a_unit_cannot_nest_under_its_own_child(world: World) -> None:
    with tenant_scope(world.a):
        top = actions.record_save(actor=None, obj=Unit(pemda=world.a, agency=world.a1, name="Sekretariat",
                                                       kind="sekretariat"))
        child = actions.record_save(actor=None, obj=Unit(pemda=world.a, agency=world.a1, name="Subbag Umum",
                                                         kind="bagian", parent=top))
        top.parent = child
        try:
            actions.record_save(actor=None, obj=top)
        except Exception as e:
            assert "induk dirinya sendiri" in str(e)
        else:
            raise AssertionError("a cycle of units was saved")
        assert Unit.objects.get(pk=top.pk).parent_id is None


def test_a_server_error_page_says_what_happened_in_both_languages(settings: Any) -> None:
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "kesalahan di server" in html and "could not complete" in html
