"""System checks of finance: what the statement PDF needs from the machine."""

from __future__ import annotations

import ctypes.util
from typing import Any

from django.core.checks import Warning, register


@register()
def check_pdf_libraries(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """WeasyPrint subsets the fonts it embeds with HarfBuzz's subsetter when the library is
    there (found by dlopen); without it, it falls back to fontTools, which takes 10-35 s on
    the Noto CJK font of a statement instead of well under a second."""
    if ctypes.util.find_library("harfbuzz-subset"):
        return []
    return [
        Warning(
            "libharfbuzz-subset is missing: statement PDFs will take 10-35 s to render.",
            hint="Install Debian's libharfbuzz-subset0 (`make run` and `make test` do).",
            id="finance.W001",
        )
    ]
