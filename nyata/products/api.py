"""API routes of the products app, mounted under /api/v1/ by nyata.api.api."""

from ninja import Router

router = Router(tags=["products"])
