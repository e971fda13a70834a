"""The enrolment QR code as inline SVG, drawn on the server (no JavaScript, no network).

    svg = qr_svg(device.config_url)     # safe to put in a template as it is

The picture is made of paths only; the URL it encodes (which holds the TOTP secret) is not
written into the SVG as text.
"""

from __future__ import annotations

import qrcode
from django.utils.safestring import SafeString, mark_safe
from qrcode.image.svg import SvgPathFillImage

QR_LABEL = "QR code for your authenticator app"


def qr_svg(data: str) -> SafeString:
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=10,
        border=4,
        image_factory=SvgPathFillImage,
    )
    code.add_data(data)
    code.make(fit=True)
    svg = code.make_image().to_string(encoding="unicode")
    # Sized by CSS, announced as one image; qrcode writes no text of its own into the SVG.
    svg = svg.replace("<svg ", f'<svg class="mfa-qr" role="img" aria-label="{QR_LABEL}" ', 1)
    svg = svg.replace(' id="qr-path"', "", 1)
    return mark_safe(svg)  # noqa: S308 (numbers and fixed attributes only)
