"""What the pages of secure messages do, each through the policy (``messaging.access``)
and audited: reading a plan's threads and one thread (``reading``), starting a thread and
replying (``sending``), unread counts (``unread``) and the email notices (``notices``)."""

from .reading import (
    ThreadPage,
    list_patient_threads,
    list_threads,
    open_thread,
    patient_thread,
    thread_on_plan,
)
from .sending import MessageRefused, Sent, reply, start_thread
from .unread import UnreadOnPlan, unread_for_patient, unread_for_provider

__all__ = [
    "MessageRefused",
    "Sent",
    "ThreadPage",
    "UnreadOnPlan",
    "list_patient_threads",
    "list_threads",
    "open_thread",
    "patient_thread",
    "reply",
    "start_thread",
    "thread_on_plan",
    "unread_for_patient",
    "unread_for_provider",
]
