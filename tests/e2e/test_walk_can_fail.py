"""The walk can fail: a deliberately broken page in a tiny world, walked in process, is reported.

The same `walk` that crawls the served demo crawls the test world through Django's test Client,
with templates replaced on purpose: a crash, a raw code, a year with a separator, Indonesian
chrome on an English page, a link its reader cannot open. Each must appear among the problems.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import World, signed_in
from tests.e2e.walk import ClientSession, page_problems, walk


def _templates(settings: Any, replaced: dict[str, str]) -> None:
    """Serve `replaced` templates ahead of the real ones (the rest of the site unchanged)."""
    engine = {**settings.TEMPLATES[0], "APP_DIRS": False}
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "loaders": [
            ("django.template.loaders.locmem.Loader", replaced),
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ],
    }
    settings.TEMPLATES = [engine]


def _session(world: World, who: str) -> ClientSession:
    return ClientSession(signed_in(Client(raise_request_exception=False), world.users[who]))


def test_a_page_that_crashes_fails_the_walk(world: World, settings: Any) -> None:
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    _templates(settings, {"core/agency_list.html": "{% extends 'base.html' %}{% block content %}"
                                                   "{% url 'no_such_page' %}{% endblock %}"})
    result = walk("", "leader", "id", _session(world, "leader"))
    assert any(v.url == "/organisasi/pd/" and v.status == 500 for v in result.visits)
    assert any(p.endswith("/organisasi/pd/ (linked from /): 500") for p in result.problems), result.problems


def test_a_link_its_reader_cannot_open_fails_the_walk(world: World, settings: Any) -> None:
    other = world.a2.pk  # the operator works in A1: A2's page is a 404 for them
    _templates(settings, {"core/agency_list.html": "{% extends 'base.html' %}{% block content %}"
                                                   f'<a href="/organisasi/pd/{other}/">A2</a>{{% endblock %}}'})
    result = walk("", "agency_operator", "id", _session(world, "agency_operator"))
    assert any(f"/organisasi/pd/{other}/ (linked from /organisasi/pd/): a link this user cannot open (404)" in p
               for p in result.problems), result.problems


def test_the_untidy_text_of_a_page_fails_the_walk(world: World, settings: Any) -> None:
    _templates(settings, {"core/agency_list.html": "{% extends 'base.html' %}{% block content %}"
                                                   "<h2>Simpan</h2><p>status: not_reported, tahun 2.026</p>"
                                                   "{% endblock %}"})
    result = walk("", "leader", "en", _session(world, "leader"))
    found = [p for p in result.problems if "/organisasi/pd/ " in p]
    assert any("raw codes: not_reported" in p for p in found), found
    assert any("years with a thousands separator: 2.026" in p for p in found), found
    assert any("Indonesian UI words on an English page: Simpan" in p for p in found), found


def test_the_real_pages_of_the_tiny_world_walk_clean(world: World) -> None:
    """The control: the same walk over the untouched world finds nothing (so the failures above are the
    injected ones)."""
    for who, lang in (("leader", "en"), ("agency_operator", "id")):
        result = walk("", who, lang, _session(world, who))
        assert len(result.visits) > 10
        assert result.problems == [], result.problems


@pytest.mark.parametrize(
    "html,language,expected",
    [
        ("<p>submitted</p><p>sangat_tinggi</p>", "id", "raw codes: sangat_tinggi"),
        ("<p>2,026</p>", "en", "years with a thousands separator: 2,026"),
        ("<th scope='col'>Triwulan</th>", "en", "Indonesian UI words on an English page: Triwulan"),
        ("<td class='num'>52,96</td>", "en", "Indonesian number formats on an English page: 52,96"),
        ("<td class='num'>11,287,500,000</td>", "id", "English number formats on an Indonesian page: 11,287,500,000"),
    ],
)
def test_each_detector_names_what_it_saw(html: str, language: str, expected: str) -> None:
    assert expected in page_problems(f"<html><body>{html}</body></html>", language)


@pytest.mark.parametrize(
    "html,language",
    [
        ("<p>operator.dinkes · admin_kinerja@example.go.id · https://x.id/a_b</p>", "id"),  # data, not codes
        ("<h1>Jumlah inovasi daerah</h1><p data-text>lahan 59,5 ha, RPJPD 2.015</p>", "en"),  # data stays
        ("<td class='num'>1,234.5</td><p>2026</p>", "en"),
    ],
)
def test_data_is_not_mistaken_for_a_problem(html: str, language: str) -> None:
    assert page_problems(f"<html><body>{html}</body></html>", language) == []
