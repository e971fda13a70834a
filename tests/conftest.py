"""Shared pytest fixtures."""

pytest_plugins = ["tests.portal_fixtures"]
