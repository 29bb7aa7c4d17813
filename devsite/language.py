"""
The demo's language choice, as the LMS offers it.

``?lang=es`` on any page switches the demo to Spanish and keeps it there: the language cookie is set, as the LMS's
language preference does (its ``LanguagePreferenceMiddleware`` turns the learner's preference into that same
cookie), and Django's ``LocaleMiddleware`` reads the cookie on the next requests; without one it follows the
browser's ``Accept-Language``. Inside the LMS this module is not used: the LMS's own middleware chooses the
language and the plugin follows it.
"""

from django.conf import settings
from django.utils import translation

#: The query parameter that chooses the language (``?lang=ar``); ``?lang=`` with an unknown code is ignored.
PARAMETER = "lang"


class QueryLanguageMiddleware:
    """``?lang=xx``: this request in ``xx`` (when the site offers it) and the choice remembered in the cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = None
        requested = request.GET.get(PARAMETER)
        if requested:
            try:
                chosen = translation.get_supported_language_variant(requested)
            except LookupError:
                chosen = None
        if chosen:
            translation.activate(chosen)
            request.LANGUAGE_CODE = translation.get_language()
            if hasattr(request, "session"):
                request.session[PARAMETER] = chosen
        response = self.get_response(request)
        if chosen:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                chosen,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
