"""API routes of the planning app, mounted under /api/v1/ by nyata.api.api."""

from ninja import Router

router = Router(tags=["planning"])
