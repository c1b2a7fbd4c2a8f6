"""A link is shown exactly when following it works: `may_open` agrees with every page's own answer.

For every page route, every Pemda role, and an object of the user's own and of another agency,
the decision `may_open` gives a template is compared with what the page answers to a GET.
"""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from nyata.core.access import ANY_AGENCY, may_open
from tests.conftest import World
from tests.core.matrix_samples import NOT_AGENCY_OWNED, URL_SAMPLES
from tests.core.routes import page_routes

ROLES = ["leader", "perf_admin", "planner", "inspector", "agency_head", "agency_operator"]
OPENS = {200, 302, 400, 405}


def _readable_routes() -> list[str]:
    return sorted(
        p.name for _r, p in page_routes() if p.name and not p.callback.nyata_policy.public  # type: ignore[attr-defined]
    )


@pytest.mark.parametrize("name", _readable_routes())
def test_may_open_agrees_with_the_page(name: str, world: World) -> None:
    sample = URL_SAMPLES.get(name)
    disagreements = []
    for role in ROLES:
        client = world.client(role)
        for target in ("own_agency", "other_agency") if sample else ("own_agency",):
            kwargs = sample(world, target) if sample else {}
            if kwargs is None:
                continue
            agency = ANY_AGENCY
            if sample and name not in NOT_AGENCY_OWNED:
                agency = world.a1.pk if target == "own_agency" else world.a2.pk
            resp = client.get(reverse(name, kwargs=kwargs))
            opens = resp.status_code in OPENS
            shown = may_open(resp.wsgi_request, name, agency=agency, **kwargs)
            if shown != opens:
                disagreements.append(f"{name} {kwargs} as {role} ({target}): page {resp.status_code}, link {shown}")
    assert not disagreements, "\n".join(disagreements)


def test_anonymous_visitors_are_shown_only_public_pages(world: World) -> None:
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert may_open(request, "portal_index")
    assert not may_open(request, "agency_list")


def test_the_template_tags_hide_what_the_user_cannot_open(world: World) -> None:
    page = Template(
        "{% load nyata %}{% may_open 'ceremony_list' as c %}{{ c }}|{% agency_link a2 %}|{% agency_link a1 %}"
    )
    resp = world.client("agency_operator").get(reverse("home"))
    html = page.render(Context({"request": resp.wsgi_request, "a1": world.a1, "a2": world.a2}))
    assert html.startswith("False|Dinas Dua|<a href=")
    resp = world.client("leader").get(reverse("home"))
    html = page.render(Context({"request": resp.wsgi_request, "a1": world.a1, "a2": world.a2}))
    assert html.startswith("True|<a href=") and html.count("<a href=") == 2
