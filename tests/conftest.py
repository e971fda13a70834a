"""Shared pytest fixtures."""

pytest_plugins = [
    "tests.portal_fixtures",
    "tests.careteam_domain_fixtures",
    "tests.careteam_fixtures",
    "tests.patient_fixtures",
    # The database task queue and an in-test worker (jobs/).
    "tests.jobs_fixtures",
    # On PostgreSQL, every test runs as the application's restricted database role.
    "tests.audit_role_fixtures",
]
