"""Public portal: reachable without login, cached, never shows drafts or personal data, survey abuse."""

from __future__ import annotations

import json
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nyata.core.tenancy import tenant_scope
from nyata.portal import sources
from nyata.products.models import SurveyResponse
from tests.conftest import World
from tests.products import factories

ANSWERS = {f"u{k}": "4" for k in range(1, 10)}


@pytest.fixture
def product(world: World) -> Any:
    with tenant_scope(world.a):
        inn = factories.innovation(world.a1, is_flagship=True, name="Antrean Daring A1")
        factories.survey(inn, population=100)
        return inn


def _survey_url(world: World, product: Any) -> str:
    with tenant_scope(world.a):
        return reverse("portal_survey", args=[world.a.code, product.surveys.get().pk])


def test_every_portal_page_answers_anonymous_and_signed_in(world: World, product: Any) -> None:
    from tests.portal.samples import URL_SAMPLES

    for name, sample in URL_SAMPLES.items():
        url = reverse(name, kwargs=sample(world, "own_agency"))
        for who in (None, "agency_operator", "outsider"):
            assert world.client(who).get(url).status_code == 200, (name, who)
    assert Client().get(reverse("portal_index")).status_code == 200
    assert Client().get("/publik/00/").status_code == 404


def test_drafts_are_never_shown(world: World, product: Any) -> None:
    with tenant_scope(world.a):
        draft = factories.innovation(world.a2, is_flagship=True, name="Draf Rahasia", is_public=False)
        draft_survey = factories.survey(draft)
    c = Client()
    for url in (reverse("portal_home", args=[world.a.code]), reverse("portal_products", args=[world.a.code]),
                reverse("portal_dataset", args=[world.a.code, "produk", "csv"]),
                reverse("portal_dataset", args=[world.a.code, "produk", "json"]),
                f"/api/v1/portal/{world.a.code}/products"):
        body = c.get(url).content.decode()
        assert "Antrean Daring A1" in body, url
        assert "Draf Rahasia" not in body, url
    assert c.get(reverse("portal_product", args=[world.a.code, draft.pk])).status_code == 404
    assert c.get(reverse("portal_survey", args=[world.a.code, draft_survey.pk])).status_code == 404
    assert c.get(f"/api/v1/portal/{world.a.code}/products/{draft.pk}/surveys").status_code == 404


def test_other_pemda_objects_are_not_reachable_through_this_pemda(world: World) -> None:
    with tenant_scope(world.b):
        theirs = factories.innovation(world.b1, name="Milik Pemda B")
    assert Client().get(reverse("portal_product", args=[world.a.code, theirs.pk])).status_code == 404
    assert Client().get(reverse("portal_product", args=[world.b.code, theirs.pk])).status_code == 200


def test_sources_keep_only_final_rows(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = {
        "verified_results": [
            {"agency_code": "A1", "agency_name": "Dinas Satu", "indicator": "Cakupan imunisasi", "unit": "%",
             "period": "TW I", "target": 90, "realisation": 88, "achievement": "97.78", "status": "verified"},
            {"agency_code": "A1", "agency_name": "Dinas Satu", "indicator": "Angka draf", "unit": "%",
             "period": "TW I", "target": 90, "realisation": 10, "achievement": 11, "status": "draft"},
            {"agency_code": "A2", "agency_name": "Dinas Dua", "indicator": "Angka dikembalikan", "unit": "%",
             "period": "TW I", "target": 90, "realisation": 10, "achievement": 11, "status": "returned"},
        ],
        "headline_indicators": [
            {"code": "IPM", "name": "Indeks Pembangunan Manusia", "unit": "", "target": "73.5",
             "realisation": "73.9", "achievement": "100.5", "status": "verified"},
            {"code": "X", "name": "Indikator belum diverifikasi", "status": "submitted"},
        ],
        "signed_agreements": [
            {"agency_name": "Dinas Satu", "position": "Kepala", "signed_on": "2026-02-01",
             "verification_code": "PK-ABC123", "status": "signed"},
            {"agency_name": "Dinas Dua", "position": "Kepala", "verification_code": "PK-DRAFT", "status": "draft"},
        ],
    }
    for module, fn in ((sources.reporting_public, "verified_results"),
                       (sources.planning_public, "headline_indicators"),
                       (sources.agreements_public, "signed_agreements")):
        monkeypatch.setattr(module, fn, lambda *a, fn=fn: rows[fn])
    body = Client().get(reverse("portal_home", args=[world.a.code])).content.decode()
    assert "Cakupan imunisasi" in body and "Indeks Pembangunan Manusia" in body and "PK-ABC123" in body
    for hidden in ("Angka draf", "Angka dikembalikan", "belum diverifikasi", "PK-DRAFT"):
        assert hidden not in body
    data = Client().get(reverse("portal_dataset", args=[world.a.code, "hasil", "json"])).json()
    assert [r["indicator"] for r in data["rows"]] == ["Cakupan imunisasi"]


def test_sources_are_empty_while_nothing_is_verified(world: World) -> None:
    from nyata.core.tenancy import tenant_scope

    with tenant_scope(world.a):  # the providers read tenant rows, as the portal views do in scope
        assert sources.verified_results(world.a, 2026) == []


def test_home_is_cached_and_invalidated_on_change(world: World, product: Any,
                                                  django_assert_max_num_queries: Any,
                                                  django_capture_on_commit_callbacks: Any) -> None:
    url = reverse("portal_home", args=[world.a.code])
    c = Client()
    first = c.get(url)
    assert "public" in first["Cache-Control"] and "Cookie" in first["Vary"]
    with django_assert_max_num_queries(0):
        assert c.get(url).content == first.content
    with django_capture_on_commit_callbacks(execute=True):
        c.post(_survey_url(world, product), ANSWERS)
    after = c.get(url).content.decode()
    assert "IKM <strong>100,00</strong>" in after
    assert "100,00" not in first.content.decode()


def test_home_cache_varies_on_language(world: World, product: Any) -> None:
    url = reverse("portal_home", args=[world.a.code])
    Client().get(url)
    english = Client()
    english.cookies["django_language"] = "en"  # chosen with the language link
    en = english.get(url)
    assert BeautifulSoup(en.content, "html.parser").html["lang"] == "en"
    # Indonesian first: a browser that prefers English still gets Indonesian until it chooses.
    idr = Client(headers={"accept-language": "en"}).get(url)
    assert BeautifulSoup(idr.content, "html.parser").html["lang"] == "id"


def test_language_switch_link(world: World) -> None:
    c = Client()
    resp = c.get(reverse("portal_language") + f"?lang=en&next=/publik/{world.a.code}/")
    assert resp.status_code == 302 and resp["Location"] == f"/publik/{world.a.code}/"
    assert c.cookies["django_language"].value == "en"
    resp = c.get(reverse("portal_language") + "?lang=en&next=https://evil.example/")
    assert resp["Location"] == reverse("portal_index")


def test_cached_page_holds_no_csrf_token_or_user(world: World, product: Any) -> None:
    c = world.client("perf_admin")
    body = c.get(reverse("portal_home", args=[world.a.code])).content.decode()
    assert "csrfmiddlewaretoken" not in body and "X-CSRFToken" not in body
    assert "Perf_Admin" not in body and "Keluar" not in body


def test_survey_submission_updates_results(world: World, product: Any) -> None:
    c = Client()
    resp = c.post(_survey_url(world, product), {**ANSWERS, "u9": "3", "comment": "Petugas ramah"})
    assert resp.status_code == 302 and "terkirim=1" in resp["Location"]
    with tenant_scope(world.a):
        r = SurveyResponse.objects.get()
        assert r.comment_status == "pending" and r.u9 == 3
    page = c.get(resp["Location"]).content.decode()
    assert "Petugas ramah" not in page  # not before moderation
    assert "Terima kasih" in page


@pytest.mark.parametrize("bad,field", [
    ({**ANSWERS, "u3": "5"}, "u3"), ({**ANSWERS, "u3": "0"}, "u3"), ({**ANSWERS, "u3": "x"}, "u3"),
    ({k: v for k, v in ANSWERS.items() if k != "u7"}, "u7"),
    ({**ANSWERS, "comment": "<script>alert(1)</script>"}, "comment"),
    ({**ANSWERS, "comment": 'Bagus <a href="http://spam">klik</a>'}, "comment"),
    ({**ANSWERS, "comment": "x" * 1001}, "comment"),
])
def test_bad_answers_are_refused_and_nothing_stored(world: World, product: Any, bad: dict[str, str],
                                                    field: str) -> None:
    resp = Client().post(_survey_url(world, product), bad)
    assert resp.status_code == 400
    soup = BeautifulSoup(resp.content, "html.parser")
    assert soup.find(id=f"id_{field}_error") is not None, field
    with tenant_scope(world.a):
        assert not SurveyResponse.objects.exists()


def test_honeypot_is_silently_dropped(world: World, product: Any) -> None:
    resp = Client().post(_survey_url(world, product), {**ANSWERS, "website": "http://spam"})
    assert resp.status_code == 302
    with tenant_scope(world.a):
        assert not SurveyResponse.objects.exists()


def test_flood_from_one_address_is_throttled(world: World, product: Any) -> None:
    url = _survey_url(world, product)
    for _ in range(5):
        assert Client(REMOTE_ADDR="10.0.0.7").post(url, ANSWERS).status_code == 302
    assert Client(REMOTE_ADDR="10.0.0.7").post(url, ANSWERS).status_code == 429
    assert Client(REMOTE_ADDR="10.0.0.8").post(url, ANSWERS).status_code == 302
    with tenant_scope(world.a):
        assert SurveyResponse.objects.count() == 6
    # only a salted hash of the address is kept, and only in the cache
    keys = [k for k in cache._cache if ":rl:" in k]  # type: ignore[attr-defined]
    assert keys and not any("10.0.0.7" in k for k in keys)


def test_comments_appear_escaped_after_approval(world: World, product: Any) -> None:
    with tenant_scope(world.a):
        s = product.surveys.get()
        factories.response(s, comment="Tombol & menu <b jelas", status="approved")
        factories.response(s, comment="Ditolak karena kasar", status="rejected")
        factories.response(s, comment="Masih menunggu", status="pending")
    body = Client().get(reverse("portal_product", args=[world.a.code, product.pk])).content.decode()
    assert "Tombol &amp; menu &lt;b jelas" in body
    assert "Ditolak karena kasar" not in body and "Masih menunggu" not in body


def test_open_data_has_no_personal_data_and_matches_the_page(world: World, product: Any) -> None:
    with tenant_scope(world.a):
        s = product.surveys.get()
        s.population = 2  # two respondents are the whole population: a full sample, so graded
        s.save()
        factories.response(s, 4, comment="Rahasia pribadi 0812", status="pending")
        factories.response(s, 3, comment="Disetujui", status="approved")
    c = Client()
    data = c.get(reverse("portal_dataset", args=[world.a.code, "survei", "json"]) + "?tahun=2026").json()
    row = data["rows"][0]
    assert row["responden"] == 2 and row["ikm"] == 87.5 and row["mutu"] == "B"
    text = json.dumps(data) + c.get(reverse("portal_dataset", args=[world.a.code, "survei", "csv"])).content.decode()
    for leak in ("Rahasia", "Disetujui", "moderated", "address", "username", "nip", "Pejabat", "comment"):
        assert leak not in text, leak
    csv_body = c.get(reverse("portal_dataset", args=[world.a.code, "produk", "csv"])).content.decode()
    assert csv_body.splitlines()[0].startswith("tahun,kode_pd,perangkat_daerah")
    api = c.get(f"/api/v1/portal/{world.a.code}/open-data/survei?year=2026").json()
    assert api["rows"][0]["ikm"] == 87.5
    page = c.get(reverse("portal_product", args=[world.a.code, product.pk])).content.decode()
    assert "87.50" in page or "87,50" in page


def test_csv_neutralises_formulas(world: World) -> None:
    with tenant_scope(world.a):
        factories.innovation(world.a1, name="=HYPERLINK(\"http://x\")")
    body = Client().get(reverse("portal_dataset", args=[world.a.code, "produk", "csv"])).content.decode()
    assert "'=HYPERLINK" in body


def test_public_api_needs_no_login(world: World, product: Any) -> None:
    c = Client()
    assert c.get(f"/api/v1/portal/{world.a.code}/products").status_code == 200
    assert c.get(f"/api/v1/portal/{world.a.code}/open-data/produk").status_code == 200
    assert c.get(f"/api/v1/portal/{world.a.code}/open-data/rahasia").status_code == 404
    assert c.get("/api/v1/portal/00/products").status_code == 404


def test_portal_in_english(world: World, product: Any) -> None:
    c = Client()
    c.get(reverse("portal_language") + f"?lang=en&next=/publik/{world.a.code}/")
    body = c.get(reverse("portal_home", args=[world.a.code])).content.decode()
    assert "Agencies&#x27; flagship products" in body or "Agencies' flagship products" in body
    survey_page = c.get(_survey_url(world, product)).content.decode()
    assert "4 — very good" in survey_page and "Requirements" in survey_page
    indonesian = Client().get(reverse("portal_home", args=[world.a.code])).content.decode()
    assert "Produk unggulan perangkat daerah" in indonesian


def test_survey_page_is_accessible_markup(world: World, product: Any) -> None:
    soup = BeautifulSoup(Client().get(_survey_url(world, product)).content, "html.parser")
    assert soup.html["lang"] == "id" and soup.find("a", class_="skip")["href"] == "#main"
    assert len(soup.find_all("h1")) == 1
    for radio in soup.select("input[type=radio]"):
        assert soup.find("label", attrs={"for": radio["id"]}) is not None
    for fs in soup.select("fieldset.element"):
        assert fs.find("legend").get_text(strip=True)
    assert not soup.find_all("script")  # the portal needs no JavaScript; CSP forbids inline anyway
    assert not soup.find_all(style=True)


def test_an_ikm_below_its_minimum_sample_is_provisional_and_ungraded_everywhere(world: World, product: Any) -> None:
    with tenant_scope(world.a):
        s = product.surveys.get()  # population 100: Krejcie–Morgan minimum 80
        for _ in range(40):
            factories.response(s, 4)
    c = Client()
    for url in (reverse("portal_product", args=[world.a.code, product.pk]),
                reverse("portal_products", args=[world.a.code]), reverse("portal_home", args=[world.a.code])):
        page = BeautifulSoup(c.get(url).content, "html.parser")
        ikm = page.select_one(".ikm")
        assert ikm is not None, url
        text = ikm.get_text(" ", strip=True)
        assert "sementara" in text and "sampel belum cukup" in text, (url, text)
        assert "mutu" not in text and not page.select(".grade-A"), url
    data = c.get(reverse("portal_dataset", args=[world.a.code, "survei", "json"]) + "?tahun=2026").json()
    assert data["rows"][0]["ikm"] == 100.0 and data["rows"][0]["mutu"] is None
    inside = world.client("agency_head")
    page = BeautifulSoup(inside.get(reverse("product_survey", args=[product.pk])).content, "html.parser")
    assert page.select_one("[data-testid=ikm-grade]").get_text() == "sampel belum cukup"
    listing = inside.get(reverse("product_list") + "?tahun=2026").content.decode()
    assert "sementara, sampel belum cukup" in listing and "(A)" not in listing
    api = inside.get(f"/api/v1/products/innovations/{product.pk}/surveys").json()
    assert api[0]["grade"] is None and api[0]["provisional"] is True
    with tenant_scope(world.a):
        for _ in range(40):
            factories.response(s, 4)
    cache.clear()
    page = BeautifulSoup(c.get(reverse("portal_product", args=[world.a.code, product.pk])).content, "html.parser")
    assert "mutu A" in page.select_one(".ikm").get_text(" ", strip=True)


def test_a_browser_answers_a_survey_once_in_its_period(world: World, product: Any) -> None:
    url = _survey_url(world, product)
    year = timezone.localdate().year  # the survey of the running year: its period is still open
    with tenant_scope(world.a):
        survey = product.surveys.get()
        survey.year = year
        survey.save()
        name = f"skm-{survey.pk}"
    citizen = Client()
    assert citizen.post(url, ANSWERS).status_code == 302
    again = citizen.get(url)
    page = BeautifulSoup(again.content, "html.parser")
    assert again.status_code == 200 and page.select_one("[data-testid=survey-answered]") is not None
    assert page.select_one("form.survey") is None
    refused = citizen.post(url, ANSWERS)
    assert refused.status_code == 409
    assert f"sudah mengisi survei ini untuk tahun {year}" in refused.content.decode()
    with tenant_scope(world.a):
        assert SurveyResponse.objects.count() == 1
    neighbour = Client()  # another browser is another respondent
    assert neighbour.post(url, ANSWERS).status_code == 302
    forged = Client()
    forged.cookies[name] = "2026"  # unsigned: not ours, ignored
    assert forged.post(url, ANSWERS).status_code == 302
    with tenant_scope(world.a):
        assert SurveyResponse.objects.count() == 3
    cookie = citizen.cookies[name]
    assert cookie["httponly"] and f"31 Dec {year} 17:00:00 GMT" in cookie["expires"]  # 1 January WIB
