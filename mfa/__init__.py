"""A second factor for logins and a step-up check before risky actions.

How to use it: list ``mfa`` and django-otp's ``otp_totp`` and ``otp_static`` apps, put
``django_otp.middleware.OTPMiddleware`` after Django's authentication middleware and
``mfa.middleware.SecondFactorMiddleware`` after the messages middleware, and include
``mfa.urls`` under ``accounts/``. Then:

- staff (``accounts.staff``, see ``mfa.policy``) must enrol an authenticator app when
  ``MFA_REQUIRED_FOR_STAFF`` is true; anyone may enrol one at ``/accounts/mfa/``;
- a login whose user has a confirmed device reaches nothing but ``/accounts/mfa/verify/``
  until the code is entered, or the browser was remembered (``mfa.remember``);
- a view decorated with ``mfa.stepup.recent_authentication_required`` asks for the password
  (and a code) again unless the user gave them in the last ``STEP_UP_MAX_AGE`` seconds.
"""
