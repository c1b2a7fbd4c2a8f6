"""API routes of the dashboard app, mounted under /api/v1/ by nyata.api.api."""

from ninja import Router

router = Router(tags=["dashboard"])
