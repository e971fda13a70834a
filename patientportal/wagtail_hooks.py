from wagtail import hooks

from .services.assigned_reading import mark_read_by_patient


@hooks.register("before_serve_page")
def mark_assigned_reading_as_read(page, request, serve_args, serve_kwargs):
    """However the patient reaches an assigned page (reading list, email, search, bookmark),
    viewing it while logged in marks it read. Anonymous visitors cost no query."""
    if request.user.is_authenticated:
        mark_read_by_patient(request.user, page, request=request)
