"""The PDFs are looked at: first pages of a signed PK and pact saved to test-artifacts/."""

from __future__ import annotations

import pytest
from django.test import TestCase

from nyata.agreements import actions
from nyata.core.tenancy import tenant_scope
from tests.agreements.conftest import Plan
from tests.agreements.pictures import first_page_png
from tests.e2e.fixtures import ARTIFACTS

pytestmark = pytest.mark.django_db


def test_first_pages_of_a_pk_and_a_pact(plan: Plan) -> None:
    w = plan.world
    pictures = []
    with tenant_scope(w.a):
        for i, a in enumerate((plan.pk, plan.pakta)):
            a = actions.agreement_lock(actor=w.users["perf_admin"], agreement=a)
            with TestCase.captureOnCommitCallbacks(execute=True):  # the seal runs after commit
                actions.record_signature(actor=None, agreement=a, party="first", official=a.first_party,
                                         otp_verified=False)
                actions.record_signature(actor=None, agreement=a, party="second", official=a.second_party,
                                         otp_verified=False)
            a.refresh_from_db()
            with a.signed_pdf.open("rb") as f:
                pdf = f.read()
            pictures.append(first_page_png(pdf, ARTIFACTS / f"agreements-{('pk', 'pakta')[i]}-page1.png"))
    if pictures[0] is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: PDF page pictures NOT made")
    assert all(p is not None and p.stat().st_size > 1000 for p in pictures)
