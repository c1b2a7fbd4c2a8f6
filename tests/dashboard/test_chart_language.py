"""Charts speak the page's language (their axis, key and screen-reader text), and the meeting pack,
an Indonesian document, stays Indonesian whoever downloads it (tests/dashboard/test_pack.py)."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from nyata.core.models import Agency
from nyata.core.tenancy import tenant_scope
from nyata.dashboard import charts, pack, queries
from tests.conftest import World
from tests.dashboard.builders import scored_pemda


def _line_chart() -> str:
    return str(charts.quarter_chart(
        ["TW I", "TW II", "TW III", "TW IV"],
        [charts.Series("Target", [1.0, 2.0, 3.0, 4.0], "dashed"),
         charts.Series("Realisasi", [1.0, None, None, None])],
        title="t", chart_id="c", forecast=(4.5, 4.0, 5.0),
    ))


def test_chart_words_follow_the_language() -> None:
    with translation.override("en"):
        svg = _line_chart() + str(charts.legend(chart_id="k"))
        bars = str(charts.ranking_bars([charts.Bar("Dinas X", None, None)], title="t", chart_id="r"))
    assert "Year end" in svg and "Year-end forecast" in svg and "Category key" in svg
    assert "no score yet" in bars
    for word in ("Akhir tahun", "Proyeksi", "Kunci kategori", "belum ada"):
        assert word not in svg + bars
    with translation.override("id"):
        svg = _line_chart()
    assert "Akhir tahun" in svg and "Proyeksi akhir tahun" in svg


@pytest.mark.django_db
def test_the_pack_stays_indonesian_for_an_english_reader(world: World) -> None:
    scored_pemda(world, n_extra=1)
    period = queries.Period(2026, 2, None)
    with tenant_scope(world.a), translation.override("en"):
        data = pack.pack_data(world.a, period, Agency.objects.all())
    text = json.dumps(data, ensure_ascii=False)
    assert "Kunci kategori" in text or "Skor per perangkat daerah" in text
    assert "Category key" not in text and "Score per regional agency" not in text
