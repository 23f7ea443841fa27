"""``caseload serve``: the web application."""

from __future__ import annotations

import errno
import socket
from typing import Annotated

import typer
import uvicorn

from caseload.cli.context import engine
from caseload.cli.output import console
from caseload.errors import ConfigurationError
from caseload.services.database import require_current


def check_port(host: str, port: int) -> None:
    """Fail with one line, before serving, when the address cannot be used."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise ConfigurationError(
            f"cannot listen on {host}:{port}: "
            + ("the port is already in use" if exc.errno == errno.EADDRINUSE else "not available")
            + "; choose another with --port or --host"
        ) from None


def serve_app(host: str, port: int, workers: int = 1) -> None:
    database = engine()
    require_current(database)
    check_port(host, port)
    database.dispose()
    console.print(f"Caseload is running on http://{host}:{port}/ (Ctrl+C to stop).")
    uvicorn.run(
        "caseload.web.server:app_from_settings",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        # No access log: addresses carry search terms and child references (personal data).
        access_log=False,
        proxy_headers=True,
        server_header=False,
    )


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            help="Server processes; one per core suits PostgreSQL (each keeps its own caches).",
            min=1,
            max=64,
        ),
    ] = 1,
) -> None:
    """Serve the web application and JSON API for CASELOAD_DATABASE_URL."""
    serve_app(host, port, workers)
