"""What every data answer shares (the API's JSON, CSV and TimelineJS, and the chart's JSON):
GET and HEAD only, gzip, readable by any site's scripts (CORS), and the filters read by
`TimelineFilter`, a bad one answering 400 as JSON naming the parameter. One decorator, so
that a new endpoint cannot forget a part of it."""

from functools import wraps

from django.http import JsonResponse
from django.utils.translation import ngettext
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from .forms import TimelineFilter
from .http_cache import DATA, cached_publicly, pair_codes


def cors(response):
    """The data is public and read-only: let any site's scripts read it."""
    response["Access-Control-Allow-Origin"] = "*"
    return response


def bad_request(*forms_with_errors):
    """400, as JSON: {"error": "Invalid parameter “page”.", "errors": {"page": [...]}}."""
    errors = {}
    for form in forms_with_errors:
        errors.update({name: list(messages) for name, messages in form.errors.items()})
    names = ", ".join(f"“{name}”" for name in errors)
    message = ngettext("Invalid parameter %(names)s.", "Invalid parameters %(names)s.", len(errors))
    return cors(JsonResponse({"error": message % {"names": names}, "errors": errors}, status=400))


def global_only(request, *args, **kwargs):
    """Answers about no pair (the API's index): only the global version counts."""
    return ()


def data_endpoint(view=None, *, filters=True):
    """Decorate view(request, form) (view(request) with filters=False): the form is a valid
    TimelineFilter of the request's parameters; the answer gets CORS and gzip, and is cached
    as a whole per URL and data version of its pair (http_cache.py)."""

    def decorate(view):
        @require_safe
        @cached_publicly(DATA, pair_codes if filters else global_only)
        @gzip_page
        @wraps(view)
        def endpoint(request, *args, **kwargs):
            if not filters:
                return cors(view(request, *args, **kwargs))
            form = TimelineFilter(request.GET)
            if not form.is_valid():
                return bad_request(form)
            return cors(view(request, form, *args, **kwargs))

        return endpoint

    return decorate(view) if view else decorate
