"""Sell-through pages: the uploads of the user's scope with the upload form, an upload's
progress (polled by htmx while it runs), counts and errors, the error report and the
templates of the feeds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from roots.core.pages import is_htmx, page_user, render_page
from roots.org.models import Role, User
from roots.sellthrough import policies, rendering, selectors, services
from roots.sellthrough.filters import UploadFilter
from roots.sellthrough.forms import UploadForm
from roots.sellthrough.models import FeedKind, Upload, UploadStatus

PAGE_SIZE = 25
ERRORS_SHOWN = 100


def _viewer(request: HttpRequest) -> User:
    user = page_user(request)
    if not policies.may_view(user):
        # Call agents, engineers and suppliers serve no channel customer's sales.
        raise PermissionDenied(_("Sell-through is not part of your work."))
    return user


# --- the uploads and the form ----------------------------------------------------------------
@login_required
def sellthrough_home(request: HttpRequest) -> HttpResponse:
    """The uploads in the user's scope, newest first, and (for those who upload) the form;
    a POST uploads a file and goes to its page. An htmx request (filters, paging) gets the
    table only."""
    user = _viewer(request)
    form = None
    if policies.may_upload(user):
        form = UploadForm(request.POST or None, request.FILES or None, user=user)
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("You may not upload sell-through files."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                upload = services.upload_create(
                    user=user, customer=data.get("customer"), kind=data["kind"], file=data["file"]
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            except PermissionDenied:
                form.add_error("customer", _("You may not upload files for this customer."))
            else:
                messages.success(
                    request,
                    _("File %(name)s received; importing.") % {"name": upload.original_name},
                )
                return redirect("sellthrough-upload-detail", pk=upload.pk)
        status = 400
    queryset = selectors.upload_list(user=user)
    filterset = UploadFilter(request.GET, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    paginator = Paginator(rows.order_by("-created_at", "-pk"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "filterset": filterset,
        "form": form,
        "show_customer": user.role != Role.CUSTOMER_USER,
        # Where a customer user finds its outlet codes (D28): its company's Outlets tab.
        "company_code": user.customer.code
        if user.role == Role.CUSTOMER_USER and user.customer is not None
        else None,
        "kinds": FeedKind.choices,
        "statuses": UploadStatus.choices,
        "filtered": any(request.GET.get(n) for n in filterset.filters),
    }
    return render_page(
        request,
        "sellthrough/upload_list.html",
        "sellthrough/_upload_table.html",
        context,
        status=status,
        partial=request.method != "POST" and is_htmx(request),
    )


# --- one upload -------------------------------------------------------------------------------
def _get_upload(user: User, pk: int) -> Upload:
    return get_object_or_404(selectors.upload_list(user=user), pk=pk)


@login_required
def upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An upload's status: a progress bar that htmx polls every second while the import
    is queued or running (the fragment stops polling once it is finished), the counts, the
    first rejected rows and the error report. Outside the user's scope (roles without
    sell-through see no upload at all): 404."""
    user = page_user(request)
    upload = _get_upload(user, pk)
    finished = upload.status in (UploadStatus.SUCCEEDED, UploadStatus.FAILED)
    context = {
        "upload": upload,
        "finished": finished,
        "errors": list(selectors.upload_errors(user=user, upload=upload)[:ERRORS_SHOWN])
        if upload.rows_rejected
        else [],
        "errors_shown": ERRORS_SHOWN,
        "show_customer": user.role != Role.CUSTOMER_USER,
    }
    return render_page(
        request, "sellthrough/upload_detail.html", "sellthrough/_upload_status.html", context
    )


@login_required
def upload_errors_csv(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The error report of an upload (CSV: row, column, error, raw)."""
    user = page_user(request)
    upload = _get_upload(user, pk)
    errors = selectors.upload_errors(user=user, upload=upload)
    return rendering.error_report_response(upload=upload, errors=errors)


@login_required
def template_download(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """The template of a feed, as CSV or XLSX; a customer user's is filled with its own
    outlet and SKU codes."""
    user = _viewer(request)
    if kind not in FeedKind.values or fmt not in ("csv", "xlsx"):
        raise Http404
    outlets, items = selectors.template_examples(user=user, kind=kind)
    return rendering.template_response(kind=kind, fmt=fmt, outlets=outlets, items=items)
