"""The setup checklist: a new Pemda's admin starts there, it names what is missing, and it
steps aside once the first PKs are signed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from nyata.core import accounts
from nyata.core.models import Pemda, User
from nyata.core.tenancy import tenant_scope, unscoped
from tests.conftest import World, signed_in
from tests.reporting.factories import signed_pk


def _new_admin() -> tuple[Pemda, Client]:
    with unscoped():
        pemda, user, _link = accounts.pemda_register(actor=None, code="16.99", name="Kabupaten Kosong",
                                                     kind="kabupaten", admin_username="admin.kosong",
                                                     admin_email="admin@kosong.go.id", send=False)
    return pemda, signed_in(Client(), User.objects.get(pk=user.pk))


@pytest.mark.django_db
def test_a_new_admin_starts_on_the_checklist_which_names_what_is_missing(django_assert_max_num_queries: Any) -> None:
    _pemda, client = _new_admin()
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == "/persiapan/"
    with django_assert_max_num_queries(30):
        page = client.get("/persiapan/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-done="0"') == 6
    for missing in ("Alamat publik belum diisi", "Belum ada perangkat daerah.", "Belum ada perencana",
                    "Tahun anggaran 2026 belum dibuat", "Buat acara penandatanganan 2026",
                    "Kunci draf PK"):
        assert missing in html, missing
    for link in ("/organisasi/impor/templat.xlsx", "/organisasi/impor/", "/rencana/templat/", "/rencana/impor/",
                 "/pengguna/", "/pemda/profil/", "/perjanjian/acara/"):
        assert f'href="{link}"' in html, link
    # The usual home stays one click away.
    assert client.get("/?beranda=1").status_code == 200


def test_the_checklist_steps_aside_once_the_first_pk_is_signed(world: World) -> None:
    signed_pk(world, world.a1)
    admin = world.client("perf_admin")
    assert admin.get("/")["Location"] == "/persiapan/"
    page = admin.get("/persiapan/").content.decode()
    assert 'data-step="ceremony" data-done="1"' in page
    with tenant_scope(world.a):
        world.a.refresh_from_db()
    assert world.a.setup_done_at is not None
    assert admin.get("/").status_code == 200


def test_the_checklist_query_count_does_not_grow_with_agencies(world: World,
                                                                django_assert_max_num_queries: Any) -> None:
    from nyata.core import actions
    from nyata.core.models import Agency

    admin = world.client("perf_admin")
    admin.get("/persiapan/")
    with tenant_scope(world.a):
        for i in range(20):
            actions.record_save(actor=None, obj=Agency(pemda=world.a, code=f"X{i}", name=f"Dinas {i}", kind="dinas"))
    with django_assert_max_num_queries(30):
        assert admin.get("/persiapan/").status_code == 200


@pytest.mark.django_db
def test_a_new_pemdas_pages_say_what_to_do_next() -> None:
    """Before any data exists, each page a new Pemda's people open points to the next step."""
    pemda, admin = _new_admin()
    with tenant_scope(pemda):
        planner, _link = accounts.user_invite(actor=None, pemda=pemda, username="perencana.kosong", name="Perencana",
                                              email="p@kosong.go.id", role="planner", send=False)
    other = Client()
    other.force_login(User.objects.get(pk=planner.pk))
    expectations = {
        "/organisasi/pd/": ("Belum ada perangkat daerah.", "/organisasi/impor/", "Admin kinerja mengunggahnya"),
        "/organisasi/jabatan/": ("Belum ada jabatan.", "/organisasi/impor/", "Admin kinerja mengunggahnya"),
        "/organisasi/pejabat/": ("Belum ada pejabat.", "/organisasi/impor/", "Admin kinerja mengunggahnya"),
        "/periode/": ("Belum ada tahun anggaran.", "Tambahkan di bawah ini", "Admin kinerja membuatnya."),
        "/rencana/": ("Belum ada rencana.", "/rencana/impor/", "/rencana/impor/"),
        "/rencana/pohon/": ("Belum ada rencana yang berlaku.", "/rencana/impor/", "/rencana/impor/"),
        "/perjanjian/": ("Draf PK disusun dari rencana", "/perjanjian/acara/", "Draf PK disusun dari rencana"),
        "/perjanjian/acara/": ("Belum ada acara.", "Buat acara di bawah ini", "Admin kinerja membuat acara"),
        "/laporan/papan/": ("Laporan triwulan dimulai setelah PK ditandatangani.",) * 3,
        "/proyek/": ("Belum ada proyek.", "Tambahkan proyek strategis", "Tambahkan proyek strategis"),
        "/produk/": ("Belum ada produk unggulan.",) * 3,
    }
    for url, (what, admin_next, planner_next) in expectations.items():
        for client, hint in ((admin, admin_next), (other, planner_next)):
            resp = client.get(url)
            html = resp.content.decode()
            assert resp.status_code == 200, url
            assert what in html and hint in html, (url, hint)
