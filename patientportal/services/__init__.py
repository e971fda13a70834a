"""Patient-portal rules shared by the web views and a future API. Each function that acts
for a person takes that person, checks their right to act and writes the audit trail."""
