"""The product pages: the list (htmx live search in characters, pinyin or initials, category
filter) with list price, the customer user's own price, the best promotion and the stock
available; a product's page with its change history; and, for headquarters and product
managers, the forms that create and change product models, their regional variants and
SKUs (through the same services and policies as the API)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roots.catalog import policies, selectors, services
from roots.catalog.forms import ProductModelForm, RegionalVariantForm, SkuForm
from roots.catalog.models import (
    PRICE_ROLES,
    PriceListItem,
    ProductModel,
    Promotion,
    RegionalVariant,
    Sku,
    StockLevel,
)
from roots.catalog.views.common import (
    PAGE_SIZE,
    catalog_editor,
    catalog_reader,
    editable_record,
    maintenance_page,
)
from roots.core.pages import page_user, render_page
from roots.core.selectors import history_entries
from roots.customers.models import Customer
from roots.org.models import Role, User

SKU_SECTIONS: list[tuple[str, Any, list[str]]] = [
    ("basics", gettext_lazy("Product"), ["code", "product_model", "name", "colour", "is_active"]),
    (
        "specs",
        gettext_lazy("Specification and price"),
        ["capacity", "capacity_unit", "energy_class", "list_price"],
    ),
]
MODEL_SECTIONS: list[tuple[str, Any, list[str]]] = [
    ("basics", gettext_lazy("Product model"), ["code", "name", "category", "series"]),
    (
        "more",
        gettext_lazy("Launch and made to order"),
        ["launched_on", "is_custom_capable", "description"],
    ),
]
VARIANT_SECTIONS: list[tuple[str, Any, list[str]]] = [
    ("basics", gettext_lazy("Regional variant"), ["region", "features"]),
]


def buyer_of(user: User) -> Customer | None:
    """The customer whose prices a customer user sees (staff see list prices)."""
    if user.role == Role.CUSTOMER_USER and user.customer_id:
        return Customer.objects.all_unscoped().filter(pk=user.customer_id).first()
    return None


def filtered_skus(user: User, *, query: str, category: str, active: bool | None = True) -> Any:
    """SKUs in the catalog (active ones by default; `active=None`: all) matching the search
    (name, code, pinyin, initials) and the category (or a sub-category of it)."""
    skus = selectors.sku_list(user=user, search=query[:100])
    if active is not None:
        skus = skus.filter(is_active=active)
    if category:
        skus = skus.filter(
            Q(product_model__category__code=category)
            | Q(product_model__category__parent__code=category)
        )
    return skus.order_by("code")


@login_required
def catalog_list(request: HttpRequest) -> HttpResponse:
    """The product list; an htmx request (typing, paging) gets the table only."""
    user = catalog_reader(request)
    query = request.GET.get("q", "").strip()
    category = request.GET.get("category", "").strip()[:20]
    can_edit = policies.can_edit_catalog(user)
    # Those who keep the catalog also find the SKUs taken off sale (to put them back).
    status = request.GET.get("status", "") if can_edit else ""
    active = {"inactive": False, "all": None}.get(status, True)
    skus = filtered_skus(user, query=query, category=category, active=active)
    paginator = Paginator(skus, PAGE_SIZE)
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
        "filtered": bool(query or category or status),
        "status": status,
        "can_edit": can_edit,
        "sees_price_lists": user.role in PRICE_ROLES,
    }
    return render_page(request, "catalog/product_list.html", "catalog/_product_table.html", context)


@login_required
def catalog_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A product: attributes, prices, promotions, stock by warehouse (staff), regional
    variants of its model; for staff who sell, the change history of the SKU and its model."""
    user = page_user(request)
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
    staff = user.role in PRICE_ROLES
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
            "can_edit": policies.can_edit_catalog(user),
            "sku_history": history_entries(instance=sku) if staff else None,
            "model_history": history_entries(instance=sku.product_model) if staff else None,
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


# --- maintenance: SKUs, product models, regional variants ------------------------------------
def _catalog_crumb() -> tuple[str, str]:
    return (reverse("catalog-list"), _("Catalog"))


def _sku_url(sku: Sku) -> str:
    return reverse("catalog-detail", args=[sku.code])


@login_required
def sku_create(request: HttpRequest) -> HttpResponse:
    """A new SKU; `?model=` prefills its product model (from a product page)."""
    user = catalog_editor(request)
    initial = {"product_model": request.GET.get("model", "")[:30], "is_active": True}
    form = SkuForm(request.POST or None, user=user, initial=initial)
    return maintenance_page(
        request,
        form=form,
        save=partial(services.sku_create, user=user),
        success_url=_sku_url,
        message=lambda sku: _("SKU “%(name)s” saved.") % {"name": sku.name},
        groups=SKU_SECTIONS,
        title=_("New SKU"),
        crumbs=[_catalog_crumb()],
        cancel_url=reverse("catalog-list"),
    )


@login_required
def sku_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Change a SKU (its code stays); the posted version detects a change meanwhile."""
    user, sku = editable_record(request, selectors.sku_list, code=code[:40])
    form = SkuForm(request.POST or None, instance=sku, user=user)
    return maintenance_page(
        request,
        form=form,
        save=partial(services.sku_update, user=user, sku=sku),
        success_url=lambda _record: _sku_url(sku),
        message=lambda record: _("SKU “%(name)s” saved.") % {"name": record.name},
        version=sku.version,
        groups=SKU_SECTIONS,
        title=_("Edit SKU"),
        subtitle=f"{sku.name} · {sku.code}",
        crumbs=[_catalog_crumb(), (_sku_url(sku), sku.code)],
        cancel_url=_sku_url(sku),
        reload_url=reverse("sku-edit", args=[sku.code]),
    )


def _model_return(request: HttpRequest, product_model: ProductModel) -> str:
    """Back to the product page the user came from (`?sku=`), else a SKU of the model, else
    the catalog filtered by the model's category."""
    code = (request.POST.get("sku") or request.GET.get("sku") or "")[:40]
    skus = Sku.objects.all_unscoped().filter(product_model=product_model)
    sku = skus.filter(code=code).first() or skus.order_by("code").first()
    if sku is not None:
        return _sku_url(sku)
    return f"{reverse('catalog-list')}?category={product_model.category.code}"


@login_required
def product_model_create(request: HttpRequest) -> HttpResponse:
    """A new product model; then its first SKU."""
    user = catalog_editor(request)
    form = ProductModelForm(request.POST or None, user=user)
    return maintenance_page(
        request,
        form=form,
        save=partial(services.product_model_create, user=user),
        success_url=lambda model: f"{reverse('sku-create')}?model={model.code}",
        message=lambda model: (
            _("Product model “%(name)s” saved. Now add its first SKU.") % {"name": model.name}
        ),
        groups=MODEL_SECTIONS,
        title=_("New product model"),
        crumbs=[_catalog_crumb()],
        cancel_url=reverse("catalog-list"),
    )


@login_required
def product_model_edit(request: HttpRequest, code: str) -> HttpResponse:
    user, product_model = editable_record(request, selectors.product_model_list, code=code[:30])
    back = _model_return(request, product_model)
    form = ProductModelForm(request.POST or None, instance=product_model, user=user)
    return maintenance_page(
        request,
        form=form,
        save=partial(services.product_model_update, user=user, product_model=product_model),
        success_url=lambda _record: back,
        message=lambda record: _("Product model “%(name)s” saved.") % {"name": record.name},
        version=product_model.version,
        groups=MODEL_SECTIONS,
        title=_("Edit product model"),
        subtitle=f"{product_model.name} · {product_model.code}",
        crumbs=[_catalog_crumb(), (back, product_model.code)],
        cancel_url=back,
        product_model=product_model,
        variants=product_model.regional_variants.order_by("region"),
        reload_url=reverse("product-model-edit", args=[product_model.code]),
    )


@login_required
def regional_variant_create(request: HttpRequest, code: str) -> HttpResponse:
    """Tune a product model for a region."""
    user, product_model = editable_record(request, selectors.product_model_list, code=code[:30])
    back = _model_return(request, product_model)
    form = RegionalVariantForm(request.POST or None, user=user)
    return maintenance_page(
        request,
        form=form,
        save=lambda data: services.regional_variant_create(
            user=user, data={**data, "product_model": product_model}
        ),
        success_url=lambda _record: back,
        message=lambda variant: (
            _("Regional variant “%(region)s” saved.") % {"region": variant.get_region_display()}
        ),
        groups=VARIANT_SECTIONS,
        title=_("New regional variant"),
        subtitle=f"{product_model.name} · {product_model.code}",
        crumbs=[_catalog_crumb(), (back, product_model.code)],
        cancel_url=back,
    )


@login_required
def regional_variant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user, variant = editable_record(request, selectors.regional_variant_list, pk=pk)
    back = _model_return(request, variant.product_model)
    form = RegionalVariantForm(request.POST or None, instance=variant, user=user)
    return maintenance_page(
        request,
        form=form,
        save=partial(services.regional_variant_update, user=user, regional_variant=variant),
        success_url=lambda _record: back,
        message=lambda record: (
            _("Regional variant “%(region)s” saved.") % {"region": record.get_region_display()}
        ),
        version=variant.version,
        groups=VARIANT_SECTIONS,
        title=_("Edit regional variant"),
        subtitle=f"{variant.product_model.name} · {variant.get_region_display()}",
        crumbs=[_catalog_crumb(), (back, variant.product_model.code)],
        cancel_url=back,
        history=history_entries(instance=variant),
        reload_url=reverse("regional-variant-edit", args=[variant.pk]),
    )
