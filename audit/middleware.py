"""Lets audit events recorded anywhere during a request carry its IP address and path."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .services import request_context


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_context(request):
            return self.get_response(request)
