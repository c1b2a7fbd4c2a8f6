"""Every role, and every named set of roles, in one place.

Each set lists its members by name. None is derived by subtraction (`ALL - AGENCY` would hand
any new role whatever the remainder can read), so adding a role means deciding, set by set,
whether it belongs; `tests/core/test_roles.py` holds the same decisions as a hand-written table
and fails until the new role is placed in it.

Every role has exactly one scope:
- Pemda-wide: works for one Pemda and sees all of it;
- agency-confined: works for one agency of one Pemda and reaches only that agency's objects;
- platform-level: hosts the installation above every Pemda and reads no Pemda's content.
A platform role belongs to `PLATFORM_ROLES` and `ALL_ROLES` only; every set that opens a
Pemda's content is a subset of `PEMDA_MEMBERS` (the test checks it), so it is refused every
content page by default.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEADER = "leader", _("Pimpinan")
    PERF_ADMIN = "perf_admin", _("Admin Kinerja (Biro Organisasi)")
    PLANNER = "planner", _("Perencana (Bappeda)")
    INSPECTOR = "inspector", _("Inspektorat")
    AGENCY_HEAD = "agency_head", _("Kepala Perangkat Daerah")
    AGENCY_OPERATOR = "agency_operator", _("Operator Perangkat Daerah")
    # The host of a multi-Pemda installation; granted by User.is_platform_operator, never by a
    # membership, and holding no role inside any Pemda.
    PLATFORM_OPERATOR = "platform_operator", _("Operator Platform")


Roles = frozenset[str]

# --- scopes: each role in exactly one ---------------------------------------------------------
PEMDA_WIDE_ROLES: Roles = frozenset({Role.LEADER, Role.PERF_ADMIN, Role.PLANNER, Role.INSPECTOR})
AGENCY_ROLES: Roles = frozenset({Role.AGENCY_HEAD, Role.AGENCY_OPERATOR})
PLATFORM_ROLES: Roles = frozenset({Role.PLATFORM_OPERATOR})

# Every role a member of a Pemda can hold: "everyone" on a page showing a Pemda's content.
PEMDA_MEMBERS: Roles = frozenset({
    Role.LEADER, Role.PERF_ADMIN, Role.PLANNER, Role.INSPECTOR, Role.AGENCY_HEAD, Role.AGENCY_OPERATOR,
})
# Every role there is, platform ones included: only for a user's own account pages
# (password, authenticator, switching Pemda), never for a page showing a Pemda's content.
ALL_ROLES: Roles = frozenset({
    Role.LEADER, Role.PERF_ADMIN, Role.PLANNER, Role.INSPECTOR, Role.AGENCY_HEAD, Role.AGENCY_OPERATOR,
    Role.PLATFORM_OPERATOR,
})
# Roles that sign documents or administer: they enrol an authenticator when they set a password.
SECOND_FACTOR_ROLES: Roles = frozenset({
    Role.LEADER, Role.PERF_ADMIN, Role.INSPECTOR, Role.AGENCY_HEAD, Role.PLATFORM_OPERATOR,
})
# Roles that always sign in with a second factor: the password, then a code from the authenticator
# app (nyata.core.signin). They administer a Pemda, audit it, or host every Pemda.
SIGN_IN_FACTOR_ROLES: Roles = frozenset({Role.PERF_ADMIN, Role.INSPECTOR, Role.PLATFORM_OPERATOR})
# Roles a Pemda may add to those (Pemda.sign_in_factor_roles, on its profile page).
SIGN_IN_FACTOR_OPTIONAL_ROLES: Roles = frozenset({
    Role.LEADER, Role.PLANNER, Role.AGENCY_HEAD, Role.AGENCY_OPERATOR,
})
# Roles granted inside a Pemda by a membership (the directory's role choices).
GRANTABLE_ROLES: Roles = frozenset({
    Role.LEADER, Role.PERF_ADMIN, Role.PLANNER, Role.INSPECTOR, Role.AGENCY_HEAD, Role.AGENCY_OPERATOR,
})

# --- single roles, named as the pages speak of them --------------------------------------------
LEADERS: Roles = frozenset({Role.LEADER})
ADMINS: Roles = frozenset({Role.PERF_ADMIN})
INSPECTORS: Roles = frozenset({Role.INSPECTOR})
AGENCY_HEADS: Roles = frozenset({Role.AGENCY_HEAD})
AGENCY_OPERATORS: Roles = frozenset({Role.AGENCY_OPERATOR})

# --- oversight: who watches every agency (dashboard drill-down, reporting overview) --------------
OVERSEERS: Roles = frozenset({Role.LEADER, Role.PERF_ADMIN, Role.PLANNER, Role.INSPECTOR})

# --- organisation (core) ----------------------------------------------------------------------
ORG_READERS: Roles = frozenset({Role.LEADER, Role.PERF_ADMIN, Role.PLANNER, Role.INSPECTOR, Role.AGENCY_HEAD})
HISTORY_READERS: Roles = frozenset({Role.LEADER, Role.PERF_ADMIN, Role.INSPECTOR, Role.AGENCY_HEAD})
# Who gives a role in a Pemda: its admins, and the platform operator as it registers a Pemda
# (its first admin); the platform's pages offer it nothing else.
MEMBERSHIP_GRANTERS: Roles = frozenset({Role.PERF_ADMIN, Role.PLATFORM_OPERATOR})

# --- planning ---------------------------------------------------------------------------------
PLAN_WRITERS: Roles = frozenset({Role.PLANNER, Role.PERF_ADMIN})
PLAN_QUALITY_READERS: Roles = frozenset({Role.PLANNER, Role.PERF_ADMIN, Role.INSPECTOR, Role.LEADER})

# --- agreements (PK) --------------------------------------------------------------------------
AGREEMENT_SIGNERS: Roles = frozenset({Role.LEADER, Role.AGENCY_HEAD})
CEREMONY_BOARD_READERS: Roles = frozenset({Role.LEADER, Role.PERF_ADMIN, Role.INSPECTOR, Role.PLANNER})

# --- dashboard --------------------------------------------------------------------------------
COMMITMENT_WRITERS: Roles = frozenset({Role.LEADER, Role.PERF_ADMIN})

# --- projects ---------------------------------------------------------------------------------
PROJECT_EDITORS: Roles = frozenset({Role.PERF_ADMIN, Role.PLANNER})
PROJECT_PROGRESS_WRITERS: Roles = frozenset({
    Role.PERF_ADMIN, Role.PLANNER, Role.AGENCY_HEAD, Role.AGENCY_OPERATOR,
})
PROJECT_MEETING_WRITERS: Roles = frozenset({Role.PERF_ADMIN, Role.PLANNER, Role.AGENCY_HEAD})
PROJECT_ANALYSTS: Roles = frozenset({Role.LEADER, Role.PERF_ADMIN, Role.PLANNER, Role.INSPECTOR})

# --- products, innovations, surveys -----------------------------------------------------------
PRODUCT_WRITERS: Roles = frozenset({Role.PERF_ADMIN, Role.AGENCY_HEAD, Role.AGENCY_OPERATOR})
PRODUCT_PUBLISHERS: Roles = frozenset({Role.PERF_ADMIN, Role.AGENCY_HEAD})
SURVEY_MODERATORS: Roles = frozenset({Role.PERF_ADMIN, Role.AGENCY_HEAD})

# --- merit ratings (personal data, UU PDP 27/2022) ----------------------------------------------
# Roles that read individual ratings by office; the official, their appraiser and the appraiser's
# superior read their own by person (nyata.ratings.privacy), whatever their role. The agency head
# reads only their agency's.
RATING_READERS: Roles = frozenset({Role.PERF_ADMIN, Role.INSPECTOR, Role.AGENCY_HEAD})

# Sets that open a Pemda's content; a platform role must never be in one (test_roles checks).
CONTENT_SETS: dict[str, Roles] = {
    "PEMDA_WIDE_ROLES": PEMDA_WIDE_ROLES, "AGENCY_ROLES": AGENCY_ROLES, "PEMDA_MEMBERS": PEMDA_MEMBERS,
    "LEADERS": LEADERS, "ADMINS": ADMINS, "INSPECTORS": INSPECTORS, "AGENCY_HEADS": AGENCY_HEADS,
    "AGENCY_OPERATORS": AGENCY_OPERATORS, "OVERSEERS": OVERSEERS, "ORG_READERS": ORG_READERS,
    "HISTORY_READERS": HISTORY_READERS, "PLAN_WRITERS": PLAN_WRITERS,
    "PLAN_QUALITY_READERS": PLAN_QUALITY_READERS, "AGREEMENT_SIGNERS": AGREEMENT_SIGNERS,
    "CEREMONY_BOARD_READERS": CEREMONY_BOARD_READERS, "COMMITMENT_WRITERS": COMMITMENT_WRITERS,
    "PROJECT_EDITORS": PROJECT_EDITORS, "PROJECT_PROGRESS_WRITERS": PROJECT_PROGRESS_WRITERS,
    "PROJECT_MEETING_WRITERS": PROJECT_MEETING_WRITERS, "PROJECT_ANALYSTS": PROJECT_ANALYSTS,
    "PRODUCT_WRITERS": PRODUCT_WRITERS, "PRODUCT_PUBLISHERS": PRODUCT_PUBLISHERS,
    "SURVEY_MODERATORS": SURVEY_MODERATORS, "RATING_READERS": RATING_READERS,
}
# Every named set, for the test that each role is placed somewhere.
NAMED_SETS: dict[str, Roles] = {
    **CONTENT_SETS, "PLATFORM_ROLES": PLATFORM_ROLES, "ALL_ROLES": ALL_ROLES,
    "SECOND_FACTOR_ROLES": SECOND_FACTOR_ROLES, "GRANTABLE_ROLES": GRANTABLE_ROLES,
    "SIGN_IN_FACTOR_ROLES": SIGN_IN_FACTOR_ROLES, "SIGN_IN_FACTOR_OPTIONAL_ROLES": SIGN_IN_FACTOR_OPTIONAL_ROLES,
    "MEMBERSHIP_GRANTERS": MEMBERSHIP_GRANTERS,
}
