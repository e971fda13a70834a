"""Shared pytest fixtures."""

pytest_plugins = [
    "tests.portal_fixtures",
    "tests.careteam_domain_fixtures",
    "tests.careteam_fixtures",
    "tests.patient_fixtures",
]
