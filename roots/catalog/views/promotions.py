"""The promotion pages: the list, a promotion's page and, for headquarters and product
managers, its form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from roots.catalog import policies, selectors, services
from roots.catalog.forms import PromotionForm
from roots.catalog.models import Promotion
from roots.catalog.views.common import PAGE_SIZE
from roots.catalog.views.common import catalog_reader as _reader
from roots.catalog.views.products import buyer_of
from roots.core.exceptions import PreconditionFailedError
from roots.core.pages import page_user, posted_version, render_page
from roots.customers.models import ChannelType
from roots.org.models import Role, User


# --- promotions ----------------------------------------------------------------------------
def _discounted(card: selectors.ProductCard, promotion: Promotion) -> Decimal:
    base = card.price if card.price is not None else card.list_price
    return base - (base * promotion.discount_percent / 100).quantize(Decimal("0.01"))


def promotion_state(promotion: Promotion, today: Any) -> str:
    if not promotion.is_published:
        return "draft"
    if promotion.valid_to < today:
        return "ended"
    if promotion.valid_from > today:
        return "scheduled"
    return "active"


STATE_LABELS = {
    "draft": ("Draft", "secondary"),
    "scheduled": ("Scheduled", "azure"),
    "active": ("Running", "green"),
    "ended": ("Ended", "secondary"),
}


def _promotion_rows(promotions: list[Promotion]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    channel_labels = dict(ChannelType.choices)
    labels = {
        "draft": _("Draft"),
        "scheduled": _("Scheduled"),
        "active": _("Running"),
        "ended": _("Ended"),
    }
    rows = []
    for promotion in promotions:
        state = promotion_state(promotion, today)
        targets = [
            *(c.name for c in promotion.categories.all()),
            *(m.code for m in promotion.product_models.all()),
            *(s.code for s in promotion.skus.all()),
        ]
        rows.append(
            {
                "promotion": promotion,
                "state": state,
                "state_label": labels[state],
                "state_colour": STATE_LABELS[state][1],
                "channels": [channel_labels.get(c, c) for c in promotion.channel_types],
                "targets": targets,
            }
        )
    return rows


def promotions_shown(request: HttpRequest, user: User) -> Any:
    """The promotions the list page shows `user` (its search, `show`), in its order; the
    page and its export read them here."""
    query = request.GET.get("q", "").strip()[:100]
    promotions = selectors.promotion_list(user=user).search(query)
    if request.GET.get("show", "current") == "current":
        promotions = promotions.filter(valid_to__gte=timezone.localdate())
    return promotions.prefetch_related("categories", "product_models", "skus").order_by(
        "-valid_from", "code"
    )


@login_required
def promotion_list(request: HttpRequest) -> HttpResponse:
    """Promotions: a customer user sees those running now for its channel; staff the
    published ones (headquarters and product managers drafts too)."""
    user = _reader(request)
    query = request.GET.get("q", "").strip()[:100]
    show = request.GET.get("show", "current")
    promotions = promotions_shown(request, user)
    paginator = Paginator(promotions, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "rows": _promotion_rows(list(page.object_list)),
        "q": query,
        "show": show,
        "is_customer": user.role == Role.CUSTOMER_USER,
        "can_edit": policies.can_edit_promotions(user),
    }
    return render_page(
        request, "catalog/promotion_list.html", "catalog/_promotion_table.html", context
    )


@login_required
def promotion_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = page_user(request)
    promotion = get_object_or_404(
        selectors.promotion_list(user=user).prefetch_related(
            "categories", "product_models", "skus"
        ),
        code=code[:20],
    )
    row = _promotion_rows([promotion])[0]
    skus = list(promotion.skus.all()[:50])
    customer = buyer_of(user)
    return render(
        request,
        "catalog/promotion_detail.html",
        {
            "promotion": promotion,
            "row": row,
            "cards": [
                {"card": card, "with_promotion": _discounted(card, promotion)}
                for card in selectors.product_cards(skus=skus, customer=customer)
            ],
            "customer": customer,
            "can_edit": policies.can_edit_promotions(user),
            "categories": list(promotion.categories.all()),
            "product_models": list(promotion.product_models.all()),
        },
    )


def _promotion_editor(request: HttpRequest) -> User:
    user = page_user(request)
    if not policies.can_edit_promotions(user):
        raise PermissionDenied(_("Headquarters and product managers keep the promotions."))
    return user


def _promotion_data(form: PromotionForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    if not data.get("code"):
        data.pop("code", None)
    return data


@login_required
def promotion_create(request: HttpRequest) -> HttpResponse:
    """A new promotion (headquarters and product managers)."""
    user = _promotion_editor(request)
    form = PromotionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            promotion = services.promotion_create(user=user, data=_promotion_data(form))
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Promotion “%(name)s” saved.") % {"name": promotion.name})
            return redirect("promotion-detail", code=promotion.code)
    return render(request, "catalog/promotion_form.html", {"form": form, "promotion": None})


@login_required
def promotion_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Change a promotion; the posted version detects someone else's change meanwhile."""
    user = page_user(request)
    promotion = get_object_or_404(selectors.promotion_list(user=user), code=code[:20])
    _promotion_editor(request)
    form = PromotionForm(request.POST or None, promotion=promotion)
    version = promotion.version
    status = 200
    if request.method == "POST":
        seen = posted_version(request)
        version = promotion.version if seen is None else seen
        if form.is_valid():
            data = _promotion_data(form)
            data.pop("code", None)
            try:
                services.promotion_update(
                    user=user, promotion=promotion, data=data, expected_version=version
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            except PreconditionFailedError as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(
                    request, _("Promotion “%(name)s” saved.") % {"name": promotion.name}
                )
                return redirect("promotion-detail", code=promotion.code)
    return render(
        request,
        "catalog/promotion_form.html",
        {"form": form, "promotion": promotion, "version": version},
        status=status,
    )
