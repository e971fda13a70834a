"""The second factor's forms: a code from the app (digits) or a recovery code, a password.

A recovery code has letters, so it has its own field (``inputmode`` text) beside the app's
numeric one; either will do where a code is asked for.
"""

from __future__ import annotations

from django import forms

from .remember import remember_days

APP_CODE_ATTRS = {
    "autocomplete": "one-time-code",
    "inputmode": "numeric",
    "pattern": "[0-9 ]*",
    "size": "10",
}
RECOVERY_CODE_ATTRS = {
    "autocomplete": "off",
    "autocapitalize": "none",
    "spellcheck": "false",
    "size": "14",
}
NEED_A_CODE = "Enter the code from your authenticator app, or one of your recovery codes."


def app_code_field(*, required: bool) -> forms.CharField:
    return forms.CharField(
        label="Code from your authenticator app",
        help_text="Six digits; a new code every 30 seconds.",
        max_length=12,
        required=required,
        widget=forms.TextInput(attrs=APP_CODE_ATTRS),
    )


def recovery_code_field() -> forms.CharField:
    return forms.CharField(
        label="Recovery code",
        help_text="One of the ten codes you saved when you set this up; each works once.",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs=RECOVERY_CODE_ATTRS),
    )


class EnrolForm(forms.Form):
    code = app_code_field(required=True)


class CodeOrRecoveryMixin:
    """``code`` or ``recovery_code``, whichever was filled in, as ``cleaned_data["token"]``."""

    def clean(self):
        data = super().clean()
        if "code" not in self.fields:
            return data
        token = data.get("code") or data.get("recovery_code")
        if not token:
            raise forms.ValidationError(NEED_A_CODE)
        data["token"] = token
        return data


class VerifyForm(CodeOrRecoveryMixin, forms.Form):
    code = app_code_field(required=False)
    recovery_code = recovery_code_field()
    remember = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        days = remember_days()
        if days:
            unit = "day" if days == 1 else "days"
            self.fields["remember"].label = f"Remember this browser for {days} {unit}"
            self.fields[
                "remember"
            ].help_text = (
                "Only on a computer or phone no one else uses. You can forget it at any time."
            )
        else:
            del self.fields["remember"]


class ConfirmForm(CodeOrRecoveryMixin, forms.Form):
    """The password again, and a code when the user has a second factor."""

    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = app_code_field(required=False)
    recovery_code = recovery_code_field()

    def __init__(self, *args, needs_code: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["code"]
            del self.fields["recovery_code"]
