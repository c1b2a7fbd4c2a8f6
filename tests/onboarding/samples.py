"""Permission-matrix samples of the onboarding app."""

from __future__ import annotations

from tests.core.samples import fiscal_year_sample

URL_SAMPLES = {"year_rules": fiscal_year_sample}
NOT_AGENCY_OWNED = {"year_rules"}
