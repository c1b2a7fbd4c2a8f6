"""Every role is placed, by hand, in every set it belongs to; nothing is left to subtraction.

Adding a role to `Role` fails these tests until it has a row in `PLACEMENT` below (its scope and
the sets it joins) and the sets in `nyata.core.roles` list it where this table says.
"""

from __future__ import annotations

from nyata.core import roles
from nyata.core.roles import Role

PEMDA_WIDE, AGENCY, PLATFORM = "pemda-wide", "agency-confined", "platform-level"

# role -> (scope, the named sets it belongs to besides its scope set and ALL_ROLES)
PLACEMENT: dict[str, tuple[str, set[str]]] = {
    Role.LEADER: (PEMDA_WIDE, {
        "SECOND_FACTOR_ROLES", "GRANTABLE_ROLES", "SIGN_IN_FACTOR_OPTIONAL_ROLES",
        "PEMDA_MEMBERS", "LEADERS", "OVERSEERS", "ORG_READERS", "HISTORY_READERS", "PLAN_QUALITY_READERS",
        "AGREEMENT_SIGNERS", "CEREMONY_BOARD_READERS", "COMMITMENT_WRITERS", "PROJECT_ANALYSTS",
    }),
    Role.PERF_ADMIN: (PEMDA_WIDE, {
        "SECOND_FACTOR_ROLES", "GRANTABLE_ROLES", "SIGN_IN_FACTOR_ROLES", "MEMBERSHIP_GRANTERS",
        "PEMDA_MEMBERS", "ADMINS", "OVERSEERS", "ORG_READERS", "HISTORY_READERS", "PLAN_WRITERS",
        "PLAN_QUALITY_READERS", "CEREMONY_BOARD_READERS", "COMMITMENT_WRITERS", "PROJECT_EDITORS",
        "PROJECT_PROGRESS_WRITERS", "PROJECT_MEETING_WRITERS", "PROJECT_ANALYSTS", "PRODUCT_WRITERS",
        "PRODUCT_PUBLISHERS", "SURVEY_MODERATORS", "RATING_READERS",
    }),
    Role.PLANNER: (PEMDA_WIDE, {
        "GRANTABLE_ROLES", "SIGN_IN_FACTOR_OPTIONAL_ROLES",
        "PEMDA_MEMBERS", "OVERSEERS", "ORG_READERS", "PLAN_WRITERS", "PLAN_QUALITY_READERS",
        "CEREMONY_BOARD_READERS", "PROJECT_EDITORS", "PROJECT_PROGRESS_WRITERS", "PROJECT_MEETING_WRITERS",
        "PROJECT_ANALYSTS",
    }),
    Role.INSPECTOR: (PEMDA_WIDE, {
        "SECOND_FACTOR_ROLES", "GRANTABLE_ROLES", "SIGN_IN_FACTOR_ROLES",
        "PEMDA_MEMBERS", "INSPECTORS", "OVERSEERS", "ORG_READERS", "HISTORY_READERS", "PLAN_QUALITY_READERS",
        "CEREMONY_BOARD_READERS", "PROJECT_ANALYSTS", "RATING_READERS",
    }),
    Role.AGENCY_HEAD: (AGENCY, {
        "SECOND_FACTOR_ROLES", "GRANTABLE_ROLES", "SIGN_IN_FACTOR_OPTIONAL_ROLES",
        "PEMDA_MEMBERS", "AGENCY_HEADS", "ORG_READERS", "HISTORY_READERS", "AGREEMENT_SIGNERS",
        "PROJECT_PROGRESS_WRITERS", "PROJECT_MEETING_WRITERS", "PRODUCT_WRITERS", "PRODUCT_PUBLISHERS",
        "SURVEY_MODERATORS", "RATING_READERS",
    }),
    Role.AGENCY_OPERATOR: (AGENCY, {
        "GRANTABLE_ROLES", "SIGN_IN_FACTOR_OPTIONAL_ROLES",
        "PEMDA_MEMBERS", "AGENCY_OPERATORS", "PROJECT_PROGRESS_WRITERS", "PRODUCT_WRITERS",
    }),
    # Above every Pemda: in no content set; enrols an authenticator when its password is set.
    Role.PLATFORM_OPERATOR: (PLATFORM, {"SECOND_FACTOR_ROLES", "SIGN_IN_FACTOR_ROLES", "MEMBERSHIP_GRANTERS"}),
}
SCOPE_SETS = {PEMDA_WIDE: "PEMDA_WIDE_ROLES", AGENCY: "AGENCY_ROLES", PLATFORM: "PLATFORM_ROLES"}


def test_every_role_has_a_row_in_the_placement_table() -> None:
    assert set(Role) == set(PLACEMENT), "place the new role in PLACEMENT, deciding every set it joins"


def test_every_role_has_exactly_one_scope() -> None:
    for role in Role:
        scopes = [name for name in SCOPE_SETS.values() if role in roles.NAMED_SETS[name]]
        assert scopes == [SCOPE_SETS[PLACEMENT[role][0]]], role


def test_each_named_set_has_exactly_the_members_the_table_gives_it() -> None:
    for name, members in roles.NAMED_SETS.items():
        expected = {
            role for role, (scope, sets) in PLACEMENT.items()
            if name in sets or name == SCOPE_SETS[scope] or name == "ALL_ROLES"
        }
        assert set(members) == expected, name


def test_no_role_is_left_out_of_every_set_but_all_roles() -> None:
    for role in Role:
        placed = [name for name, members in roles.NAMED_SETS.items() if role in members and name != "ALL_ROLES"]
        assert placed, role


def test_a_platform_role_opens_no_pemda_content() -> None:
    for name, members in roles.CONTENT_SETS.items():
        assert not members & roles.PLATFORM_ROLES, name
        assert members <= roles.PEMDA_MEMBERS, name


def test_pemda_members_are_the_pemda_wide_and_agency_roles() -> None:
    assert roles.PEMDA_MEMBERS == roles.PEMDA_WIDE_ROLES | roles.AGENCY_ROLES
    assert roles.ALL_ROLES == roles.PEMDA_MEMBERS | roles.PLATFORM_ROLES


def test_every_set_defined_in_the_module_is_listed() -> None:
    defined = {
        name for name, value in vars(roles).items()
        if name.isupper() and isinstance(value, frozenset)
    }
    assert defined == set(roles.NAMED_SETS)
