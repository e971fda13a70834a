from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        # Imported here, not at the top: the chain reads the models, which load after
        # AppConfigs. SQLite connections get the audit_chain_hash() the chain trigger calls.
        from .chain import connect_sqlite_functions

        connect_sqlite_functions()
