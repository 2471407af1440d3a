"""HTTP caching of the public answers: validators, freshness, and a whole-response cache.

A public page or data answer depends only on its URL (path, query, and so language) and on
the data it shows, whose version `caching.data_version` gives per pair of countries. So:

- its `ETag` is a digest of the URL and that version: strong, since the bytes are the same
  for the same URL and version (the public pages carry no per-response nonce: their CSP
  allows their one inline script by hash, see `first_paint.py`), with the content coding
  as a suffix (`-gz`), so each representation has its own;
- a request whose `If-None-Match` names it gets 304 without the view running;
- the whole response (compressed or not) is kept in the cache under that ETag, so a warm
  hit costs a read of the version and one cache read, not a render;
- `Cache-Control` lets browsers keep a page a minute and an API answer five, and shared
  caches (the proxy in deploy/) one second, after which they revalidate (a 304 costs
  little) and may serve the stale copy meanwhile: an edit shows through a proxy within
  about a second and never waits for a purge;
- htmx's partial answers depend on request headers (HX-Request, HX-Current-URL): they are
  kept here under those headers too, but say `Vary: HX-Request` and are private, never
  stored by a shared cache.

Nothing here applies to the admin, whose views Django marks `never_cache`, nor to answers
other than 200 (a 400 is not worth keeping).
"""

import hashlib
from dataclasses import dataclass
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from .caching import EVERY, TIMEOUT, data_version
from .pairs import DEFAULT_PAIR, normalise_pair


@dataclass(frozen=True)
class Freshness:
    """How long browsers (max_age) and shared caches (s_maxage) may use an answer, in
    seconds, and how long a shared cache may serve it stale while it revalidates."""

    max_age: int
    s_maxage: int
    stale_while_revalidate: int

    def header_values(self):
        return {
            "public": True,
            "max_age": self.max_age,
            "s_maxage": self.s_maxage,
            "stale_while_revalidate": self.stale_while_revalidate,
        }


# Pages: a reader's reload within a minute is served by the browser; a proxy revalidates
# every second, so an edit reaches readers within about a second.
PAGE = Freshness(max_age=60, s_maxage=1, stale_while_revalidate=30)
# Data answers are read by scripts and spreadsheets that poll less often.
DATA = Freshness(max_age=300, s_maxage=1, stale_while_revalidate=60)

# Kept with a cached response: what middleware reads from it after the view.
RESPONSE_ATTRIBUTES = ("_csp_config", "xframe_options_exempt")


def pair_codes(request, *args, **kwargs):
    """The countries a filtered view shows (its `pair`, FR-RU by default): its version is
    theirs. A malformed pair answers 400, which is never stored: any version will do."""
    pair = normalise_pair(request.GET.get("pair") or DEFAULT_PAIR)
    return pair.split("-") if pair else EVERY


def every_country(request, *args, **kwargs):
    """For answers that may show any country (an event page, oEmbed): any change counts."""
    return EVERY


def shared(request):
    """Whether a shared cache may keep the answer: a plain GET or HEAD, not htmx's."""
    return request.method in ("GET", "HEAD") and "HX-Request" not in request.headers


def entity_tag(request, codes):
    """The validator of this URL at this data version, without its content-coding suffix."""
    parts = [request.path, request.META.get("QUERY_STRING", ""), get_language() or ""]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]
    version = hashlib.sha256(data_version(codes).encode()).hexdigest()[:16]
    return f'"{version}-{digest}'


def cached_publicly(freshness, codes_of=pair_codes):
    """Decorate a public view (outside gzip_page, so that the compressed bytes are kept)."""

    def decorate(view):
        @wraps(view)
        def answer(request, *args, **kwargs):
            tag = entity_tag(request, codes_of(request, *args, **kwargs))
            coded = f'{tag}-gz"' if accepts_gzip(request) else f'{tag}"'
            if not shared(request):
                # htmx's partials: kept here too, by the headers they depend on, but
                # private to the reader's browser and never validated.
                key = f"{coded}:{htmx_variant(request)}"
                response = kept(key) or keep(key, view(request, *args, **kwargs))
                return private(response)
            not_modified = get_conditional_response(request, etag=coded)
            if not_modified is not None:
                not_modified["ETag"] = coded  # a 304 repeats the validator and the Vary
                patch_vary_headers(not_modified, ["Accept-Encoding"])
                return public(not_modified, freshness)
            response = kept(coded) or keep(coded, view(request, *args, **kwargs), etag=True)
            return public(response, freshness)

        return answer

    return decorate


def htmx_variant(request):
    """What an htmx answer depends on besides its URL: a history restore asks for the whole
    page, and the detail panel reads the page it opens on (HX-Current-URL)."""
    headers = request.headers
    return "|".join(
        [headers.get("HX-History-Restore-Request", ""), headers.get("HX-Current-URL", "")]
    )


def private(response):
    patch_vary_headers(response, ["HX-Request"])
    patch_cache_control(response, private=True, no_cache=True)
    return response


def accepts_gzip(request):
    # As gzip_page decides: the coding is part of the representation, so of the key.
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def public(response, freshness):
    if response.status_code not in (200, 304):
        return response
    patch_cache_control(response, **freshness.header_values())
    patch_vary_headers(response, ["HX-Request"])
    # The answer depends on the URL only: LocaleMiddleware's Vary: Accept-Language (the
    # language is in the path) and Cookie are dropped (`PublicCacheMiddleware`).
    response.public_cache = True
    return response


def storage_key(key):
    """An ETag or a private key as a cache key any backend takes (memcached refuses quotes,
    spaces and keys over 250 characters)."""
    return "response:" + hashlib.sha256(key.encode()).hexdigest()


def kept(tag):
    """The response cached under `tag`, rebuilt, or None."""
    stored = cache.get(storage_key(tag))
    if stored is None:
        return None
    status, headers, content, attributes = stored
    response = HttpResponse(content, status=status, headers=headers)
    for name, value in attributes.items():
        setattr(response, name, value)
    return response


def keep(key, response, *, etag=False):
    """Store a 200 answer under `key` and return it; with etag, the key is its ETag."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return response
    if etag:
        response["ETag"] = key
    attributes = {a: getattr(response, a) for a in RESPONSE_ATTRIBUTES if hasattr(response, a)}
    stored = (response.status_code, dict(response.items()), response.content, attributes)
    cache.set(storage_key(key), stored, TIMEOUT)
    return response


class PublicCacheMiddleware:
    """Outermost: drops `Vary: Accept-Language, Cookie` from public answers, which depend
    on their URL alone (LocaleMiddleware adds the first to every unprefixed URL, sessions
    the second); a shared cache would otherwise keep a copy per browser language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "public_cache", False) and response.has_header("Vary"):
            kept_fields = [
                field.strip()
                for field in response["Vary"].split(",")
                if field.strip().lower() not in ("accept-language", "cookie")
            ]
            response["Vary"] = ", ".join(kept_fields)
        return response
