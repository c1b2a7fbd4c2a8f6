"""Permission-matrix samples of the lkjip app."""

from __future__ import annotations

from tests.core.samples import fiscal_year_sample

URL_SAMPLES = {"year_closing": fiscal_year_sample}
NOT_AGENCY_OWNED = {"year_closing"}
