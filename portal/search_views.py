from urllib.parse import quote_plus

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.models import ArticlePage, TreatmentPage
from portal.services.search import MAX_QUERY_LENGTH, as_specific, search_content

RESULTS_PER_PAGE = 10
SEARCHED_PAGE_TYPES = (ArticlePage, TreatmentPage)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    context = {"search_query": query, "search_query_urlencoded": quote_plus(query)}
    if len(query) > MAX_QUERY_LENGTH:
        context["error"] = f"Please use at most {MAX_QUERY_LENGTH} characters."
        return render(request, "portal/search.html", context, status=400)
    if query:
        results = Paginator(search_content(query, SEARCHED_PAGE_TYPES), RESULTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        results.object_list = as_specific(results.object_list)
        for page in results.object_list:
            page.specific_kind = "Article" if isinstance(page, ArticlePage) else "Treatment"
        context["results"] = results
    return render(request, "portal/search.html", context)
