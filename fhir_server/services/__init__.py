"""What a caller of /fhir/ may read, and the audit of every read and refusal.

- ``reader.Reader`` / ``reader_for(user)``: who is asking: a patient (their own records, as
  on /my/) or anyone else (what ``careteam.policy`` lets them see, as on /care/);
- ``search``: each resource type's search and read, as the reader may see them;
- ``everything``: ``CarePlan/$everything``.

Views call these and nothing else; rules stay in ``careteam.policy`` and the patient
portal's services.
"""
