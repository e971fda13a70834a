"""Shared pytest fixtures."""

pytest_plugins = [
    "tests.portal_fixtures",
    "tests.careteam_domain_fixtures",
    "tests.careteam_fixtures",
    "tests.patient_fixtures",
    # Plan templates, published as the Wagtail admin does it (plantemplates/).
    "tests.plantemplate_fixtures",
    # Library exercises and programmes (exercises/).
    "tests.exercises_fixtures",
    # A plan's secure-message threads, started by the patient (messaging/).
    "tests.messaging_fixtures",
    # The database task queue and an in-test worker (jobs/).
    "tests.jobs_fixtures",
    # On PostgreSQL, every test runs as the application's restricted database role.
    "tests.audit_role_fixtures",
]
