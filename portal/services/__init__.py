"""Domain rules for the content portal, shared by views, templates and a future API."""
