"""Who may act is decided by the action, whatever the entry point (docs/architecture.md, "Who may act").

A route's policy sees the user's roles as a set: someone who is an inspector (Pemda-wide) and an
operator of agency A1 passes an operator's route for any agency, since the inspector's role widens
their reach. Only the action knows which agency the write concerns, so every action a person takes
calls `core.access.require` first; the structural test below keeps it so for every action added.
"""

from __future__ import annotations

import ast
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from nyata.core import actions as core_actions
from nyata.core.models import Membership, User
from nyata.core.roles import Role
from nyata.core.tenancy import tenant_scope
from nyata.products import actions as product_actions
from nyata.products.models import Innovation
from nyata.projects import actions as project_actions
from nyata.projects.models import ProgressReport
from tests.conftest import World, make_user, signed_in
from tests.products import factories as product_factories

ROOT = Path(__file__).resolve().parents[2] / "nyata"
ACTION_MODULES = [*sorted(ROOT.glob("*/actions.py")), ROOT / "core" / "accounts.py"]

# Public functions with an `actor` that do not call `require` themselves, each with its reason.
NOT_A_DECISION: dict[str, str] = {
    "core/actions.py:record_save": "building block of the named actions, which check who acts",
    "core/actions.py:record_delete": "building block of the named actions, which check who acts",
    "agreements/actions.py:record_signature": "writes a signature after agreement_sign/agreements_sign_batch "
                                              "checked the signer (and the demo loader's, as the system)",
    "agreements/actions.py:agreement_seal": "the task after the last signature, which was checked",
    "planning/actions.py:agency_objective_save": "through plan_item_save and agency_objective_set_serves",
    "core/accounts.py:role_grant": "through membership_grant",
    "lkjip/actions.py:fiscal_year_close": "through _locked, which requires an admin with its own refusal",
    "lkjip/actions.py:fiscal_year_reopen": "through _locked, which requires an admin with its own refusal",
    "core/accounts.py:user_invite": "through membership_grant (and account_link_official)",
}


def _actions_without_require() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in ACTION_MODULES:
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            if "actor" not in [a.arg for a in node.args.kwonlyargs]:
                continue
            calls = {c.func.id for c in ast.walk(node) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)}
            if "require" not in calls:
                found[f"{path.parent.name}/{path.name}:{node.name}"] = calls
    return found


def test_every_action_a_person_takes_checks_who_acts() -> None:
    missing = set(_actions_without_require()) - set(NOT_A_DECISION)
    assert not missing, f"call nyata.core.access.require first (or say why not in NOT_A_DECISION): {missing}"


def test_the_exemptions_are_still_needed() -> None:
    stale = set(NOT_A_DECISION) - set(_actions_without_require())
    assert not stale, f"these now call require (or are gone): drop them from NOT_A_DECISION: {stale}"


def test_the_structural_check_can_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = tmp_path / "fake" / "actions.py"
    module.parent.mkdir()
    module.write_text("def thing_do(*, actor, obj):\n    return obj\n\ndef _helper(*, actor):\n    pass\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "ACTION_MODULES", [module])
    assert set(_actions_without_require()) == {"fake/actions.py:thing_do"}


# --- behaviour: a user with a Pemda-wide role and an agency role ------------------------------------


@pytest.fixture
def inspector_and_operator(world: World) -> User:
    """An inspector of Pemda A who is also an operator of agency A1 (a small Pemda's double hat)."""
    user = make_user("double_hat")
    with tenant_scope(world.a):
        core_actions.membership_grant(actor=None, pemda=world.a, user=user, role=Role.INSPECTOR)
        core_actions.membership_grant(actor=None, pemda=world.a, user=user, role=Role.AGENCY_OPERATOR,
                                      agency=world.a1)
    return user


def test_an_agency_role_acts_only_for_its_agency_even_with_a_wider_role(
    world: World, inspector_and_operator: User
) -> None:
    user = inspector_and_operator
    with tenant_scope(world.a):
        own = product_factories.innovation(world.a1, is_public=False)
        other = product_factories.innovation(world.a2, is_public=False)
        own.name = "Dikelola sendiri"
        product_actions.innovation_save(actor=user, innovation=own)
        other.name = "Diubah dari dinas lain"
        with pytest.raises(ValidationError, match="Peran Anda tidak mengizinkan"):
            product_actions.innovation_save(actor=user, innovation=other)
        assert Innovation.objects.get(pk=other.pk).name != "Diubah dari dinas lain"

        project = project_actions.project_create(actor=world.users["planner"], pemda=world.a, code="p-a2",
                                                 name="Proyek A2", owner_agency=world.a2,
                                                 start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
        with pytest.raises(ValidationError, match="Peran Anda tidak mengizinkan"):
            project_actions.progress_record(actor=user, project=project, month=dt.date(2026, 3, 1),
                                            planned_physical=Decimal(10), actual_physical=Decimal(5),
                                            spent=Decimal(0))
        assert not ProgressReport.objects.exists()


def test_through_the_page_the_other_agencys_innovation_is_not_changed(
    world: World, inspector_and_operator: User
) -> None:
    with tenant_scope(world.a):
        other = product_factories.innovation(world.a2, is_public=False, name="Asli")
    client = signed_in(world.client(None), inspector_and_operator)
    form = {"agency": world.a2.pk, "year": "2026", "name": "Diubah", "kind": "digital", "problem": "p",
            "solution": "s", "stage": "trial", "beneficiaries": "Pasien"}
    resp = client.post(reverse("product_edit", args=[other.pk]), form)
    assert resp.status_code == 400 and "Peran Anda tidak mengizinkan" in resp.content.decode(), resp.status_code
    with tenant_scope(world.a):
        assert Innovation.objects.get(pk=other.pk).name == "Asli"


def test_a_role_of_another_pemda_does_not_act_here(world: World) -> None:
    with tenant_scope(world.a), pytest.raises(ValidationError, match="Peran Anda tidak mengizinkan"):
        core_actions.fiscal_year_create(actor=world.outsider, pemda=world.a, year=2031)


def test_the_system_acts_and_a_person_without_the_role_does_not(world: World) -> None:
    with tenant_scope(world.a):
        core_actions.fiscal_year_create(actor=None, pemda=world.a, year=2031)
        with pytest.raises(ValidationError):
            core_actions.fiscal_year_create(actor=world.users["planner"], pemda=world.a, year=2032)
        core_actions.fiscal_year_create(actor=world.users["perf_admin"], pemda=world.a, year=2032)


def test_membership_rules_live_in_the_grant(world: World) -> None:
    """Named actions replaced record_save's isinstance dispatch: the grant checks its own rules."""
    user = make_user("someone")
    with tenant_scope(world.a):
        with pytest.raises(ValidationError) as e:
            core_actions.membership_grant(actor=world.users["perf_admin"], pemda=world.a, user=user,
                                          role=Role.AGENCY_OPERATOR)
        assert "agency" in e.value.message_dict
        assert not Membership.objects.filter(user=user).exists()
