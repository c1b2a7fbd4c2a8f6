"""API routes of the agreements app, mounted under /api/v1/ by nyata.api.api."""

from ninja import Router

router = Router(tags=["agreements"])
