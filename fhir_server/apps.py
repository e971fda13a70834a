from django.apps import AppConfig


class FhirConfig(AppConfig):
    """HL7 FHIR R4 at ``/fhir/``: the care plan, its team, goals, the patient and their
    observations and questionnaire answers as FHIR resources, with the rights each user has
    on the site; and a CarePlan bundle from another system imported as a draft plan."""

    name = "fhir_server"
    verbose_name = "FHIR"
