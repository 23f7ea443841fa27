"""The routes an application serves, as the walks in this folder see them."""

from __future__ import annotations

from typing import Any

import fastapi.routing
from fastapi import FastAPI

Route = Any
"""A served route: ``path``, ``methods`` and, for FastAPI's own routes, ``dependant``."""


def served_routes(app: FastAPI) -> list[Route]:
    """Every route the application serves. FastAPI 0.137+ keeps each included router as one
    lazy entry in ``app.routes``: ``iter_route_contexts`` flattens them into the routes as
    served (older versions copy the routes into ``app.routes``)."""
    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    routes: list[Route] = list(flatten(app.routes)) if flatten else list(app.routes)
    return [route for route in routes if getattr(route, "path", None) is not None]
