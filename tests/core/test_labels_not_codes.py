"""A person reads labels, never codes: history fields, security-event roles, score categories and flags."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from nyata.core import actions
from nyata.core.tenancy import tenant_scope
from nyata.reporting.templatetags import reporting
from tests.conftest import World


def test_history_names_fields_and_choices(world: World) -> None:
    with tenant_scope(world.a):
        before = world.a1.name
        world.a1.name = "Dinas Satu Baru"
        actions.record_save(actor=world.users["perf_admin"], obj=world.a1)
    page = world.client("leader").get(reverse("object_history", args=["core.agency", world.a1.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Dinas Satu Baru" in text and before in text
    for code in ("pemda_id", "is_active", "<td>name</td>", "<td>kind</td>"):
        assert code not in text, code


def test_score_labels_follow_the_language() -> None:
    assert reporting.category_label("sangat_tinggi") == "Sangat tinggi"
    assert reporting.flag_label("not_reported") == "Tidak melapor"
    with translation.override("en"):
        assert reporting.category_label("sangat_tinggi") == "Very high"
        assert reporting.flag_label("target_too_low") == "Target too low (achievement > 150%)"
        assert reporting.quarter_state_label("submitted") == "Submitted"
        assert reporting.critique_state_label("") == "—"
