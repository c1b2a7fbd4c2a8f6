"""API routes of the portal app, mounted under /api/v1/ by nyata.api.api."""

from ninja import Router

router = Router(tags=["portal"])
