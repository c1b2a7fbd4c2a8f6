"""The Done-when journey with the Django test client (the browser version is test_browser.py)."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from nyata.core.tenancy import tenant_scope
from tests.conftest import World
from tests.products import factories


def test_citizen_rates_a_flagship_and_sees_the_index_after_moderation(
        world: World, django_capture_on_commit_callbacks: Any) -> None:
    with tenant_scope(world.a):
        product = factories.innovation(world.a1, is_flagship=True, name="Layanan Antrean Daring")
        survey = factories.survey(product, population=100)
        for _ in range(3):
            factories.response(survey, 3)
    citizen = Client()
    home = BeautifulSoup(citizen.get(reverse("portal_home", args=[world.a.code])).content, "html.parser")
    link = home.find("a", string="Layanan Antrean Daring")
    page = BeautifulSoup(citizen.get(link["href"]).content, "html.parser")
    assert "75,00" in page.get_text()  # three answer sheets of all 3s
    survey_link = page.find("a", string="Isi survei kepuasan")["href"]
    form = BeautifulSoup(citizen.get(survey_link).content, "html.parser").find("form")
    assert len(form.select("fieldset.element")) == 9
    answers = {f"u{k}": "4" for k in range(1, 10)}
    with django_capture_on_commit_callbacks(execute=True):
        resp = citizen.post(survey_link, {**answers, "comment": "Antrean jadi singkat, terima kasih."})
    assert resp.status_code == 302
    after = citizen.get(resp["Location"]).content.decode()
    assert "81,25" in after  # (3·27 + 36) / 4 sheets / 9 × 25
    assert "Antrean jadi singkat" not in after  # waiting for moderation
    moderator = world.client("agency_head")
    queue = BeautifulSoup(moderator.get(reverse("product_moderation")).content, "html.parser")
    action = queue.select_one('[data-testid="pending-comment"] form')["action"]
    with django_capture_on_commit_callbacks(execute=True):
        assert moderator.post(action, {"decision": "approve"}).status_code == 302
    final = citizen.get(reverse("portal_product", args=[world.a.code, product.pk])).content.decode()
    assert "Antrean jadi singkat, terima kasih." in final and "81,25" in final
    home_after = citizen.get(reverse("portal_home", args=[world.a.code])).content.decode()
    assert "81,25" in home_after
