"""Who reads and writes the plan (used by the pages and the API alike).

- Planners (Bappeda) and performance admins write the plan: pages, Excel import, revisions.
- Leaders and inspectors read everything, including the target-quality report.
- Every role reads the province plan (RPJMD is a public document).
- Agency heads and operators read their own agency's Renstra, tree and workbook (other
  agencies: 404). They do not edit: the Renstra is agreed with Bappeda and entered by it, so
  one office keeps the cascade consistent. (A draft-editing right for agencies can be added
  later as a write role on the agency pages.)
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from nyata.core.access import own_agencies
from nyata.planning.models import Indicator


def indicator_reach(request: HttpRequest, qs: QuerySet[Indicator]) -> QuerySet[Indicator]:
    """Agency roles reach their own agency's indicators and the province's."""
    agencies = own_agencies(request)
    return qs if agencies is None else qs.filter(Q(agency__in=agencies) | Q(agency__isnull=True))
