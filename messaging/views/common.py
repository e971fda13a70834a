"""What the patient's and the team's message pages share."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest

from patientportal.models import SELF_HARM_IN_MESSAGE

from ..models import Message
from ..red_flags import urgent_labels
from ..services import ThreadPage
from ..services.sending import Sent

# The query parameter that names the message just sent (``?sent=<id>``), so the page after
# the redirect can show the urgent advice its words call for, read from the stored message.
SENT_PARAMETER = "sent"


@dataclass(frozen=True)
class Urgent:
    """The advice a message just sent calls for."""

    red_flag_labels: list[str] = field(default_factory=list)
    self_harm: bool = False

    def __bool__(self) -> bool:
        return bool(self.red_flag_labels) or self.self_harm


def sent_url(url: str, sent: Sent) -> str:
    return f"{url}?{SENT_PARAMETER}={sent.message.pk}"


def urgent_after_sending(request: HttpRequest, page: ThreadPage) -> Urgent:
    """The urgent advice for the reader's own message named by ``?sent=``, if its words
    named red flags (nothing for anyone else's message, or an id not in the thread)."""
    wanted = request.GET.get(SENT_PARAMETER, "")
    mine: Message | None = next(
        (
            message
            for message in page.messages
            if str(message.pk) == wanted and message.author_id == request.user.pk
        ),
        None,
    )
    if mine is None or not mine.red_flags:
        return Urgent()
    return Urgent(
        red_flag_labels=urgent_labels(mine.red_flags),
        self_harm=SELF_HARM_IN_MESSAGE in mine.red_flags,
    )
