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

**Secrets** never reach a log line: `mask_logs` makes every record of the process pass `SecretFilter`
as it is made, before any handler (Faust's, uvicorn's, ours) sees it, so no later logging setup can
leave it out. It hides the password of any `scheme://user:password@` URL, API keys, bearer tokens and
the configured SASL password, in the message, its arguments and the exception text.
"""

import ctypes
import json
import logging
import logging.config
import os
import re
import signal
import sys
import threading
from datetime import datetime, timezone
from functools import partial

from streams.settings import Settings

PR_SET_PDEATHSIG = 1
#: Set by a process's stop handlers (Ctrl-C, SIGTERM): a stop asked for is never lost, even when
#: the exception a handler raises lands where Python ignores it.
STOP_ASKED = threading.Event()
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
            doc["exception"] = record.exc_text or self.formatException(record.exc_info)
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


def setup_logging(log_format: str, level: str, secrets: tuple[str, ...] = ()) -> None:
    """Logging of a process that sets up nothing else (the recorder process); secrets masked."""
    mask_logs(secrets)
    if (document := log_config(log_format, level)) is None:
        logging.basicConfig(level=level.upper(), format=TEXT_FORMAT)
    else:
        logging.config.dictConfig(document)


EXAMPLE_USERINFO = "://user:password@"  # the placeholder of the examples kuota gives, not a secret


def _userinfo(match: re.Match) -> str:
    return match.group(0) if match.group(0).endswith(EXAMPLE_USERINFO) else match.group(1) + "***@"


_HIDDEN = (
    (re.compile(r"([a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+@", re.I), _userinfo),  # scheme://user:password@
    (re.compile(r"([?&]password=)[^&\s'\"]+", re.I), r"\1***"),  # libpq's password parameter
    (re.compile(r"\b(kuota_[0-9a-f]{12}_)[A-Za-z0-9_-]+"), r"\1***"),  # an API key: its id stays, to tell which
    (re.compile(r"\b(Bearer\s+)[^\s'\",]+", re.I), r"\1***"),
)


def mask(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`text` with URL passwords, API keys, bearer tokens and each of `secrets` replaced by `***`."""
    for pattern, replacement in _HIDDEN:
        text = pattern.sub(replacement, text)
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


class SecretFilter(logging.Filter):
    """Masks a record in place (message, arguments, exception text) and lets it through."""

    def __init__(self, secrets: tuple[str, ...] = ()):
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._clean(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: self._clean(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(self._clean(arg) for arg in record.args)
        if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
            # Formatted here only when it holds a secret, so handlers keep their own look otherwise.
            text = logging.Formatter().formatException(record.exc_info)
            if (masked := mask(text, self.secrets)) != text:
                record.exc_text = masked
        elif record.exc_text:
            record.exc_text = mask(record.exc_text, self.secrets)
        return True

    def mask(self, text: str) -> str:
        return mask(text, self.secrets)

    def _clean(self, value):
        # Numbers and None keep their type (a `%d` still formats); anything else is replaced only
        # when its text holds a secret.
        if value is None or isinstance(value, (int, float)):
            return value
        text = value if isinstance(value, str) else _text(value)
        masked = mask(text, self.secrets)
        return value if masked == text else masked


def _text(value) -> str:
    try:
        return str(value)
    except Exception:  # a broken __str__ is the handler's to report, as logging would
        return ""


_filter: SecretFilter | None = None


def mask_logs(secrets: tuple[str, ...] = ()) -> SecretFilter:
    """Make every log record of this process pass a SecretFilter (that also hides `secrets`) as
    it is made; calling it again only adds secrets."""
    global _filter
    if _filter is None:
        _filter, make = SecretFilter(secrets), logging.getLogRecordFactory()

        def factory(*args, **kwargs) -> logging.LogRecord:
            record = make(*args, **kwargs)
            _filter.filter(record)
            return record

        logging.setLogRecordFactory(factory)
    else:
        _filter.secrets = tuple(dict.fromkeys(_filter.secrets + tuple(s for s in secrets if s)))
    return _filter


def protect_secrets() -> SecretFilter:
    """`mask_logs` with the secrets the settings hold (the SASL password), for a process's entry
    point; the filter it returns masks the process's other output (an error line) too."""
    try:
        secret = Settings().kafka_sasl_password.get_secret_value()
    except Exception:  # an invalid setting ends the command itself, in one line
        secret = ""
    return mask_logs((secret,))
