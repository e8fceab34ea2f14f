"""What every process kuota starts sets up: a lifeline to the process that started it, and its
log lines.

**Lifeline.** A process killed with SIGKILL cannot stop its children, and orphans would hold the
broker and API ports (the next `kuota up` would find them taken) or keep booking. The kernel can
stop them: a child asks for SIGKILL when its parent dies (PR_SET_PDEATHSIG, Linux). The request
is made in the child itself, before it runs anything else, and then the child checks that its
parent is still the one that started it, because a parent that died before the request took
effect sends no signal. The kernel sends the signal when the *thread* that started the child
ends, so children are started from the main thread (as `kuota up` and the worker do), never
from a short-lived one.

**Log lines** of the worker, its recorder process and the API: text for people (the default), or
with `KUOTA_LOG_FORMAT=json` one JSON object per line (time, level, logger, message, process) for
a log collector. Each process sets its logging up its own way (Faust's worker, uvicorn, a plain
child), so this module gives each the same `logging.config.dictConfig` document.
"""

import ctypes
import json
import logging
import logging.config
import os
import signal
import sys
from datetime import datetime, timezone
from functools import partial

PR_SET_PDEATHSIG = 1
# Resolved here, in the parent: the child between fork and exec should only make the call.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def die_with(parent: int) -> None:
    """Run in the child: SIGKILL when `parent` dies; exit now if it has died already."""
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def tied() -> partial:
    """A `preexec_fn` for subprocess.Popen: the child dies with this process."""
    return partial(die_with, os.getpid())


TEXT_FORMAT = "[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        doc = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            doc["stack"] = self.formatStack(record.stack_info)
        # ASCII escapes: a message quoting hostile input (a lone surrogate, a NUL, a newline)
        # still makes one valid line.
        return json.dumps(doc, default=str)


def log_config(log_format: str, level: str) -> dict | None:
    """The dictConfig document for `log_format`: None for text (each process keeps its own look),
    JSON lines on stdout otherwise."""
    if log_format != "json":
        return None
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"default": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
        # uvicorn's loggers lose their own text handlers: every line goes through the root's.
        "loggers": {name: {"handlers": [], "propagate": True} for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
        "root": {"level": level.upper(), "handlers": ["default"]},
    }


def setup_logging(log_format: str, level: str) -> None:
    """Logging of a process that sets up nothing else (the recorder process)."""
    if (document := log_config(log_format, level)) is None:
        logging.basicConfig(level=level.upper(), format=TEXT_FORMAT)
    else:
        logging.config.dictConfig(document)
