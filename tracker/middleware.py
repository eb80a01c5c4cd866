"""Site-wide request policies."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse, translate_url
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import get_language_from_path

# A year: the choice outlives sessions, as a language does.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


class SecretariatSecondFactorMiddleware:
    """The secretariat reaches its workbench only with a second factor set up.

    Staff who log in without one are sent to set up an authenticator app first; allauth then
    asks for its code at every login.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            request.path.startswith(reverse("admin:index"))
            and user.is_authenticated
            and user.is_staff
            and not is_mfa_enabled(user)
        ):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('mfa_activate_totp')}?{query}")
        return self.get_response(request)


class RememberedLanguageMiddleware:
    """A visitor's choice of language is remembered and a plain address opens in it.

    Each page has one address per language (/fr/..., English unprefixed) so that it stays
    cacheable and a shared link opens as it was shared. Opening a page in a language records the
    choice: in a cookie, and on the account of a signed-in user (whose e-mails then come in that
    language). Following the chooser's English link from a page in another language records
    English. Arriving at a plain address from elsewhere (a bookmark, an e-mail, a search engine)
    with another language chosen redirects to the page in that language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        prefixed = get_language_from_path(request.path_info)
        came_from = _site_page_language(request)
        if prefixed:
            shown = prefixed
        elif came_from and came_from != settings.LANGUAGE_CODE:
            shown = settings.LANGUAGE_CODE if _is_page(request) else None
        else:
            shown = None
            chosen = _chosen_language(request)
            if (
                chosen
                and chosen != settings.LANGUAGE_CODE
                and request.method in ("GET", "HEAD")
                and (target := translate_url(request.get_full_path(), chosen))
                != request.get_full_path()
            ):
                response = HttpResponseRedirect(target)
                patch_vary_headers(response, ("Cookie",))
                add_never_cache_headers(response)
                return response
        response = self.get_response(request)
        if shown and response.status_code < 400:
            _remember(request, response, shown)
        return response


def _chosen_language(request: HttpRequest) -> str | None:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if not chosen:
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user and user.is_authenticated else ""
    return chosen if chosen in dict(settings.LANGUAGES) else None


def _site_page_language(request: HttpRequest) -> str | None:
    """The language of the page of this site the visitor came from, if they came from one."""
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if referer.netloc != request.get_host():
        return None
    return get_language_from_path(referer.path) or settings.LANGUAGE_CODE


def _is_page(request: HttpRequest) -> bool:
    """Whether the address is a page, which has an address per language (not the API, feeds,
    downloads or the admin)."""
    other = next(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)
    return translate_url(request.path, other) != request.path


def _remember(request: HttpRequest, response: HttpResponse, language: str) -> None:
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        # A shared cache must not hand this visitor's cookie to the next one.
        patch_cache_control(response, private=True)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
