class KuotaError(Exception):
    """Root of every error kuota raises on purpose."""


class LedgerError(KuotaError):
    pass


class MigrationError(LedgerError):
    """The database schema could not be brought up to date; check KUOTA_DATABASE_URL."""


class AuditFailed(LedgerError):
    pass
