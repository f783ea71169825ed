"""Request body parsers of the API.

DRF's `JSONParser` answers a `ValueError` (bad syntax, bad UTF-8) with a 400 but lets a
`RecursionError` through: a body of a few thousand `[` (2 KB) was a 500, also on the token
endpoint, without authentication (security review L1). Every failure to read a body is a
`ParseError` here, answered 400 with the code `parse_error`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """`application/json`; a body nested too deep, or that cannot be decoded, is a 400."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(
                _("JSON parse error - the document is nested too deeply.")
            ) from None
        except LookupError:  # a charset that Python does not know
            raise exceptions.ParseError(_("JSON parse error - unknown character set.")) from None
