"""What the API reads and changes, and for whom: ``readers`` (whose records a caller may
read, and the audit of each read), the routers call only these and the apps' services."""
