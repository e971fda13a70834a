"""Views of the provider UI at /care/, split by concept; access rules live in ``access``."""
