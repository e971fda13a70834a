"""Secure messages between a patient and their care team, per plan (issue 15)."""
