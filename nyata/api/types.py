"""Bounded parameter types for every API route: a value the database cannot hold is a 422 that
names the field, never a 500 (an id beyond a bigint crashed SQLite's driver)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=1900, le=2200)]
QuarterNumber = Annotated[int, Field(ge=1, le=4)]
