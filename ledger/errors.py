class KuotaError(Exception):
    """Root of every error kuota raises on purpose."""


class LedgerError(KuotaError):
    pass


class MigrationError(LedgerError):
    """The database schema could not be brought up to date; check KUOTA_DATABASE_URL."""


class AuditFailed(LedgerError):
    pass


class OffsetsReused(LedgerError):
    """The broker hands out offsets the ledger already received, with other events at them: it
    lost its topics under the same identity. The worker must restart and take the new epoch."""
