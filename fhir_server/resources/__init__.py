"""Pure functions from our models to FHIR R4 JSON (dicts), one module per resource.

Nothing here reads the database beyond the objects it is given or decides who may see
what: ``fhir_server.services`` chooses the records (as the policy allows) and passes them in.
Resource ids: ``Patient/<patient id>``, ``CarePlan/<plan id>``, ``CareTeam/<plan id>`` (each
plan has one team), ``Goal/<goal id>``, ``Observation/pain-<check-in id>``, and for a
questionnaire result ``Observation/<code>-<result id>`` and
``QuestionnaireResponse/<code>-<result id>`` (the instrument's code: ``odi-12``, ``phq9-40``).
"""
