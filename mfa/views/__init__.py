"""The second factor's pages under /accounts/: set up (``enrol``), enter a code after the
password (``verify``), confirm before a risky action (``confirm``) and manage it all
(``security``)."""
