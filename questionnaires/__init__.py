"""Questionnaires: instruments defined once (items, answer options, scoring, severity bands,
how often they are due), scored by a pure service and drawn as an accessible form.

This app knows no other app of the project: storage, schedules, alerts and pages are built
on top of it (patientportal, careteam), so the rules live in one place and stay testable
without a database.
"""
