"""The web application: server-rendered pages and the JSON API (``create_app``)."""

from caseload.web.app import create_app

__all__ = ["create_app"]
