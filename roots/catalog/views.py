"""Catalog pages: the product list (htmx live search in characters, pinyin or initials,
category filter) with list price, the customer user's own price, the best promotion and the
stock available; a product's page; the promotions list and a promotion's page.

Every signed-in staff role and customer users read the catalog (suppliers get 403 on the
lists and 404 on records); prices and promotions are the customer user's own.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from roots.catalog import policies, selectors, services
from roots.catalog.forms import PromotionForm
from roots.catalog.models import (
    PRICE_ROLES,
    PriceListItem,
    Promotion,
    RegionalVariant,
    StockLevel,
    sees_catalog,
)
from roots.core.exceptions import PreconditionFailedError
from roots.customers.models import ChannelType, Customer
from roots.org.models import Role, User

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _reader(request: HttpRequest) -> User:
    user = _user(request)
    if not sees_catalog(user):
        raise PermissionDenied(_("The catalog is for our staff and our customers."))
    return user


def buyer_of(user: User) -> Customer | None:
    """The customer whose prices a customer user sees (staff see list prices)."""
    if user.role == Role.CUSTOMER_USER and user.customer_id:
        return Customer.objects.all_unscoped().filter(pk=user.customer_id).first()
    return None


def _fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    return not htmx.history_restore_request


def filtered_skus(user: User, *, query: str, category: str) -> Any:
    """Active SKUs in the catalog matching the search (name, code, pinyin, initials) and the
    category (or a sub-category of it)."""
    skus = selectors.sku_list(user=user, search=query[:100]).filter(is_active=True)
    if category:
        skus = skus.filter(
            Q(product_model__category__code=category)
            | Q(product_model__category__parent__code=category)
        )
    return skus.order_by("code")


@login_required
def catalog_list(request: HttpRequest) -> HttpResponse:
    """The product list; an htmx request (typing, paging) gets the table only."""
    user = _reader(request)
    query = request.GET.get("q", "").strip()
    category = request.GET.get("category", "").strip()[:20]
    paginator = Paginator(filtered_skus(user, query=query, category=category), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    customer = buyer_of(user)
    context = {
        "page": page,
        "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "cards": selectors.product_cards(skus=page.object_list, customer=customer),
        "customer": customer,
        "q": query,
        "category": category,
        "categories": selectors.category_list(user=user).order_by("code"),
        "filtered": bool(query or category),
    }
    template = "catalog/_product_table.html" if _fragment(request) else "catalog/product_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def catalog_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A product: attributes, prices, promotions, stock by warehouse (staff), regional
    variants of its model."""
    user = _user(request)
    sku = get_object_or_404(selectors.sku_list(user=user), code=code[:40])
    customer = buyer_of(user)
    card = selectors.product_cards(skus=[sku], customer=customer)[0]
    today = timezone.localdate()
    stock: list[StockLevel] = []
    channel_prices: list[PriceListItem] = []
    if user.role != Role.CUSTOMER_USER:
        stock = list(
            selectors.stock_level_list(user=user)
            .filter(sku=sku, warehouse__is_active=True)
            .select_related("warehouse__province", "warehouse__branch")
            .order_by("warehouse__code")
        )
    if user.role in PRICE_ROLES:
        channel_prices = list(
            selectors.price_list_item_list(user=user)
            .filter(sku=sku, price_list__valid_from__lte=today)
            .filter(Q(price_list__valid_to__isnull=True) | Q(price_list__valid_to__gte=today))
            .order_by("price_list__channel_type", "price_list__code")
        )
    variants = list(
        RegionalVariant.objects.visible_to(user)
        .filter(product_model_id=sku.product_model_id)
        .order_by("region")
    )
    running = selectors.promotions_for(user=user, on=today).prefetch_related(
        "categories", "product_models", "skus"
    )
    promotions = [p for p in running if _applies(p, sku)]
    return render(
        request,
        "catalog/product_detail.html",
        {
            "sku": sku,
            "card": card,
            "customer": customer,
            "stock": stock,
            "channel_prices": channel_prices,
            "variants": variants,
            "promotions": promotions,
            "can_order": user.role == Role.CUSTOMER_USER,
        },
    )


def _applies(promotion: Promotion, sku: Any) -> bool:
    """Whether a promotion covers the SKU (its targets, or the whole catalog)."""
    categories = {c.pk for c in promotion.categories.all()}
    models_ = {m.pk for m in promotion.product_models.all()}
    skus = {s.pk for s in promotion.skus.all()}
    if not (categories or models_ or skus):
        return True
    category = sku.product_model.category
    return (
        sku.pk in skus
        or sku.product_model_id in models_
        or category.pk in categories
        or (category.parent_id is not None and category.parent_id in categories)
    )


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


@login_required
def promotion_list(request: HttpRequest) -> HttpResponse:
    """Promotions: a customer user sees those running now for its channel; staff the
    published ones (headquarters and product managers drafts too)."""
    user = _reader(request)
    query = request.GET.get("q", "").strip()[:100]
    show = request.GET.get("show", "current")
    promotions = selectors.promotion_list(user=user).search(query)
    today = timezone.localdate()
    if show == "current":
        promotions = promotions.filter(valid_to__gte=today)
    promotions = promotions.prefetch_related("categories", "product_models", "skus").order_by(
        "-valid_from", "code"
    )
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
    template = (
        "catalog/_promotion_table.html" if _fragment(request) else "catalog/promotion_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def promotion_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
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
    user = _user(request)
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
    user = _user(request)
    promotion = get_object_or_404(selectors.promotion_list(user=user), code=code[:20])
    _promotion_editor(request)
    form = PromotionForm(request.POST or None, promotion=promotion)
    version = promotion.version
    status = 200
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = promotion.version
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
