"""Serving the officers' API and dashboard: in the foreground (`kuota serve`) or as a child
process next to the worker (`kuota up`), so a busy worker never slows the pages down."""

import os
import socket
import subprocess
import sys
import time

from rich.console import Console

from ledger.db import migrate
from streams import processes
from streams.processes import tied
from streams.settings import Settings


def url(settings: Settings) -> str:
    host = f"[{settings.api_host}]" if ":" in settings.api_host else settings.api_host
    return f"http://{host}:{settings.api_port}"


def serve(settings: Settings, console: Console, *, migrate_first: bool = True) -> None:
    """Run uvicorn in the foreground until Ctrl-C or SIGTERM."""
    # Imported here: the worker process imports this module for `start_child` and should not
    # carry the web application.
    import uvicorn

    from streams.web.app import create_api

    if migrate_first:
        migrate(settings.ledger_url)
    console.print(f"dasbor dan API / dashboard and API: [bold]{url(settings)}[/] (OpenAPI: {url(settings)}/docs)")
    uvicorn.run(create_api(settings), host=settings.api_host, port=settings.api_port,
                log_level="warning" if settings.log_level == "info" else settings.log_level.lower(),
                log_config=processes.log_config(settings.log_format, settings.log_level) or uvicorn.config.LOGGING_CONFIG)


def start_child(settings: Settings) -> subprocess.Popen:
    """`kuota serve` as a child process over the same ledger; the caller has migrated it. The child
    dies with its parent, SIGKILL included."""
    env = dict(os.environ, KUOTA_DATABASE_URL=settings.ledger_url, KUOTA_API_HOST=settings.api_host,
               KUOTA_API_PORT=str(settings.api_port))
    return subprocess.Popen([sys.executable, "-m", "streams", "serve", "--no-migrate"], env=env,
                            preexec_fn=tied())


def listening(child: subprocess.Popen, settings: Settings, timeout: float = 60.0) -> bool:
    """Wait until the child answers on its port: True, or False when it exited first (it said why)."""
    deadline = time.monotonic() + timeout
    while child.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection((settings.api_host, settings.api_port), 0.3).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def stop_child(child: subprocess.Popen, timeout: float = 10.0) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
