"""The main menu: each role's places first, and no link a user cannot open."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from nyata.core.roles import Role
from tests.conftest import World

# Written by hand (not read from nyata.navigation): the places each role works in, in order.
FIRST = {
    Role.LEADER: ["/", "/dasbor/", "/dasbor/komitmen/", "/perjanjian/tanda-tangan-saya/", "/laporan/papan/"],
    Role.PERF_ADMIN: ["/", "/persiapan/", "/organisasi/pd/", "/perjanjian/", "/pengguna/", "/laporan/papan/"],
    Role.PLANNER: ["/", "/rencana/", "/rencana/pohon/", "/rencana/mutu-target/", "/proyek/"],
    Role.INSPECTOR: ["/", "/laporan/verifikasi/", "/laporan/papan/", "/laporan/tindakan/"],
    Role.AGENCY_HEAD: ["/", "/laporan/", "/perjanjian/tanda-tangan-saya/", "/dasbor/"],
    Role.AGENCY_OPERATOR: ["/", "/laporan/", "/perjanjian/", "/produk/"],
    Role.PLATFORM_OPERATOR: ["/", "/platform/"],
}


def _menu(world: World, role: str) -> tuple[list[str], list[str], str]:
    html = world.client(role).get("/keamanan/").content.decode()  # a page every role opens
    nav = BeautifulSoup(html, "html.parser").select_one("nav.mainnav")
    assert nav is not None
    first = [a["href"] for a in nav.select(":scope > ul a")]
    more = [a["href"] for a in nav.select("details.more a")]
    return first, more, html


@pytest.mark.parametrize("role", list(FIRST))
def test_each_role_sees_its_own_places_first(world: World, role: str) -> None:
    first, _more, _html = _menu(world, role)
    assert first == FIRST[role]


@pytest.mark.parametrize("role", list(FIRST))
def test_every_link_in_the_menu_opens_for_that_role(world: World, role: str) -> None:
    first, more, _html = _menu(world, role)
    client = world.client(role)
    assert len(first) + len(more) == len(set(first + more)), "a place is offered twice"
    for href in first + more:
        status = client.get(href).status_code
        assert status in (200, 302), f"{role} is shown {href} but gets {status}"
        if status == 302:  # a redirect to its own next step, never to the login page
            assert "/masuk/" not in client.get(href)["Location"]


def test_an_agency_operator_sees_a_short_menu_and_no_overseer_pages(world: World) -> None:
    first, more, _html = _menu(world, Role.AGENCY_OPERATOR)
    assert len(first) <= 5
    for overseer_only in ("/laporan/papan/", "/laporan/verifikasi/", "/pengguna/", "/rencana/pohon/"):
        assert overseer_only not in first + more


def test_the_platform_operator_is_offered_no_pemda_content(world: World) -> None:
    first, more, _html = _menu(world, Role.PLATFORM_OPERATOR)
    assert set(first + more) == {"/", "/platform/"}


def test_the_menu_button_names_what_it_opens(world: World) -> None:
    _first, _more, html = _menu(world, Role.LEADER)
    soup = BeautifulSoup(html, "html.parser")
    button = soup.select_one("button[data-menu]")
    assert button is not None and button.get_text(strip=True) == "Menu"
    assert button["aria-expanded"] == "false"
    target = soup.find(id=button["aria-controls"])
    assert target is not None and target.select_one("nav.mainnav") is not None
