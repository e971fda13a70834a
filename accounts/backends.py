"""``LockoutBackend``: first in ``AUTHENTICATION_BACKENDS``; refuses every login attempt while
its username or address is locked out (django-axes).

It is axes' ``AxesStandaloneBackend`` except for one case: ``authenticate()`` called without a
request (a management command, a script, a test) is let through to the next backend instead
of raising, as there is no client to count. Every login form passes its request (Django's
``AuthenticationForm``, Wagtail's, the step-up confirmation), so every web login is counted.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
