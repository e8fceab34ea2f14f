from enum import IntEnum


class ExitCode(IntEnum):
    """What a `kuota` command's exit status means; every command and error uses these."""

    OK = 0
    FAILED = 1  # a check said no: audit failed, invalid lines in emit, a scenario failed
    USAGE = 2  # a bad argument, option, setting or file content: fix the input
    ENVIRONMENT = 3  # a database or broker unreachable, a binary missing, a port taken
    INTERNAL = 70  # a defect in kuota (sysexits' EX_SOFTWARE, as the worker's own policy)


class KuotaError(Exception):
    """Root of every error kuota raises on purpose. `label` heads the one line the CLI prints;
    `exit_code` is the command's exit status. A subclass sets them in its header:
    `class PortTaken(StreamsError, label="...", exit_code=ExitCode.ENVIRONMENT)`."""

    label = "kesalahan / error"
    exit_code = ExitCode.ENVIRONMENT

    def __init_subclass__(cls, *, label: str | None = None, exit_code: ExitCode | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        if label is not None:
            cls.label = label
        if exit_code is not None:
            cls.exit_code = exit_code


class LedgerError(KuotaError):
    pass


class DatabaseUrlInvalid(LedgerError, label="KUOTA_DATABASE_URL tidak valid / invalid", exit_code=ExitCode.USAGE):
    pass


class DatabaseUnavailable(LedgerError, label="basis data tidak terjangkau / database unreachable"):
    """The ledger database did not answer or refused kuota; the message names host:port or file."""


class MigrationError(LedgerError, label="migrasi gagal / migration failed"):
    """The database schema could not be brought up to date; check KUOTA_DATABASE_URL."""


class AuditFailed(LedgerError, label="audit gagal / audit failed", exit_code=ExitCode.FAILED):
    pass


class OffsetsReused(LedgerError):
    """The broker hands out offsets the ledger already received, with other events at them: it
    lost its topics under the same identity. The worker must restart and take the new epoch."""
