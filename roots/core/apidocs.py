"""The OpenAPI schema (`/api/schema/`) and its browsable docs (`/api/docs/`).

- Access (security review A7): signed-in callers only, unless `API_SCHEMA_PUBLIC` (env
  `API_SCHEMA_PUBLIC=true`) opens both to anyone: `roots.core.permissions.SchemaAccess`,
  drf-spectacular's `SERVE_PERMISSIONS`.
- The docs (UX review D37): Swagger UI from our own static files (drf-spectacular-sidecar),
  its start-up script from a URL of ours (`?script`) and its page styles from a static file
  rather than inline, so that the page runs under the site's CSP (`script-src 'self'
  'nonce-…'`, `style-src 'self'`), offline too. An anonymous
  visitor is sent to the sign-in page and back.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation


class _FirstRenderer(BaseContentNegotiation):
    """The docs are one HTML page (or its script): answer it whatever `Accept` says (DRF's
    negotiation answered 406 to `Accept: application/json`)."""

    def select_parser(self, request: Any, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        return renderers[0], renderers[0].media_type


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI with its init script served from `?script` (no inline script) and its
    page styles from a static file (no inline style)."""

    content_negotiation_class = _FirstRenderer
    template_name = "core/api_docs.html"

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)
