"""Domain errors raised by services; the API and views map them to HTTP status codes.

Every error carries a machine-readable `code` beside its human message (the table is in
docs/api.md): clients, and our own pages, branch on the code, never on the message text.
Invalid input is Django's `ValidationError`, which takes `code=` itself:
`ValidationError({"quantity": ValidationError(message, code="insufficient_stock")})`.

`error_messages` and `error_code` are the one flattener of a `ValidationError`: the API's
error answer (`roots.core.api.exception_handler`) and the pages' forms (`add_service_errors`)
both read a service's complaint through them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

if TYPE_CHECKING:
    from django import forms

# The codes of Django's and DRF's own field and model checks: they name no more than the kind
# of bad input, so the answer's `code` stays "invalid" for them (a date outside the business
# range too: `date_out_of_range` names the field's error only). A code that a service or a
# serializer chose (`credit_exceeded`, `insufficient_stock`) is the answer's `code`.
GENERIC_CODES = frozenset(
    {
        "blank", "contradiction", "date", "datetime", "does_not_exist", "empty", "incomplete",
        "incorrect_match", "incorrect_type", "invalid", "invalid_choice", "invalid_date",
        "invalid_datetime", "invalid_extension", "invalid_image", "invalid_list",
        "invalid_nullable", "invalid_time", "invalid_unicode", "limit_value", "make_aware",
        "max_decimal_places", "max_digits", "max_length", "max_string_length", "max_value",
        "max_whole_digits", "min_length", "min_value", "missing", "no_match", "no_name",
        "not_a_dict", "not_a_list", "null", "null_characters_not_allowed", "overflow",
        "required", "step_size", "unique", "unique_for_date", "unique_together",
        "date_out_of_range",
    }
)  # fmt: skip


class DomainError(Exception):
    """A service's refusal with a human message and a machine-readable `code`."""

    default_code = "error"

    def __init__(self, message: Any = "", code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code


class ConflictError(DomainError):
    """A state change that is not allowed now (HTTP 409). `code`: "conflict", or what the
    refusal names ("invalid_transition" for a step out of turn)."""

    default_code = "conflict"


class PreconditionFailedError(DomainError):
    """The client edited a stale version of the record (HTTP 412)."""

    default_code = "stale_version"


def error_messages(exc: ValidationError) -> dict[str, list[str]]:
    """A `ValidationError` as `{field: [messages]}`; errors that name no field are under
    `NON_FIELD_ERRORS` ("__all__")."""
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {NON_FIELD_ERRORS: exc.messages}


def chosen_code(codes: Any) -> str | None:
    """The first code in `codes` (a code, or lists and dicts of them, as DRF's `get_codes()`
    answers) that is not a generic one (`GENERIC_CODES`)."""
    if isinstance(codes, dict):
        codes = list(codes.values())
    if isinstance(codes, list | tuple):
        return next((c for c in map(chosen_code, codes) if c is not None), None)
    if isinstance(codes, str) and codes and codes not in GENERIC_CODES:
        return codes
    return None


def error_code(exc: ValidationError) -> str | None:
    """The first code a service chose for one of the errors (`credit_exceeded`), if any."""
    if hasattr(exc, "error_dict"):
        errors = [error for group in exc.error_dict.values() for error in group]
    else:
        errors = exc.error_list
    return chosen_code([getattr(error, "code", None) for error in errors])


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Copy a service's `ValidationError` onto a form: a field's errors inline under the
    field, the others (and those of fields the form does not show) at the top."""
    for field, messages in error_messages(exc).items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
