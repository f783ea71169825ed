"""Demo catalog for `seed_demo`: categories, Haier-style product models and SKUs, regional
variants, warehouses with stock, one price list per channel type and key-account prices.

Deterministic: every draw comes from the `DemoRandom` the seeder hands in; rows are written
with `bulk_create` (and their "created" history rows), so the haier scale's 10,800 SKUs
load in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models

from roots.catalog.models import (
    Category,
    CustomerPrice,
    PriceList,
    PriceListItem,
    ProductModel,
    Promotion,
    Region,
    RegionalVariant,
    Sku,
    StockLevel,
    Warehouse,
)
from roots.core.demo import save_rows
from roots.core.search import build_search_text
from roots.customers.models import ChannelType, Customer
from roots.org.demo.common import AS_OF, DemoRandom
from roots.org.models import Branch, Role, User

BATCH = 1000

# SKUs per scale, and stocked SKUs per warehouse.
SKU_COUNTS = {"small": 120, "medium": 2_000, "haier": 10_800}
STOCKED_PER_WAREHOUSE = {"small": 60, "medium": 300, "haier": 400}

# Discount off the list price of each channel type's price list.
CHANNEL_DISCOUNT = {
    ChannelType.MULTINATIONAL_CHAIN: Decimal("0.82"),
    ChannelType.LOCAL_CHAIN: Decimal("0.85"),
    ChannelType.DEPARTMENT_STORE: Decimal("0.88"),
    ChannelType.FRANCHISE_STORE: Decimal("0.90"),
    ChannelType.SPECIALTY_STORE: Decimal("0.92"),
}
CHANNEL_NAMES = {
    ChannelType.MULTINATIONAL_CHAIN: ("MC", "跨国连锁"),
    ChannelType.LOCAL_CHAIN: ("LC", "区域连锁"),
    ChannelType.DEPARTMENT_STORE: ("DS", "百货商场"),
    ChannelType.FRANCHISE_STORE: ("FS", "专卖店"),
    ChannelType.SPECIALTY_STORE: ("SS", "专营店"),
}
COLOURS = (
    ("W", "白色"),
    ("G", "金色"),
    ("S", "银色"),
    ("B", "黑色"),
    ("T", "钛灰"),
    ("R", "红色"),
    ("P", "粉色"),
    ("N", "星蓝"),
)


@dataclass(frozen=True)
class Family:
    """How one category's models look: code prefix and suffixes, capacities and prices."""

    category: str
    prefix: str
    suffixes: tuple[str, ...]
    kinds: tuple[str, ...]  # what the product is called after its capacity
    unit: str
    unit_zh: str
    capacities: tuple[int, ...]
    price_per_unit: float
    base_price: float
    series: tuple[str, ...]
    weight: float


CATEGORIES = (
    ("REF", "冰箱", "Refrigerators"),
    ("FRZ", "冷柜", "Freezers"),
    ("WM", "洗衣机", "Washing machines"),
    ("AC", "空调", "Air conditioners"),
    ("WH", "热水器", "Water heaters"),
    ("TV", "电视", "TVs"),
    ("KIT", "厨房电器", "Kitchen appliances"),
    ("SMA", "小家电", "Small appliances"),
)
FAMILIES = (
    Family("REF", "BCD-", ("STPT", "SDN", "WDPD", "WBPB", "STCV", "WGHSS", "STPH", "WLHFD"),
           ("三门冰箱", "双门冰箱", "十字对开门冰箱", "法式多门冰箱"), "L", "升",
           (178, 190, 216, 235, 251, 258, 310, 331, 405, 470, 510, 560, 650), 9.0, 600,
           ("卡萨帝", "统帅", "海尔"), 3.0),
    Family("FRZ", "BC/BD-", ("HCD", "HEB", "HCZ", "JB"), ("冷柜", "卧式冷柜", "立式冷冻柜"),
           "L", "升", (100, 142, 203, 226, 301, 429, 518), 5.0, 500, ("海尔", "统帅"), 1.2),
    Family("WM", "XQG", ("-B12126", "-HBD14126", "-BD1216", "-B14376LU1", "-HB106C"),
           ("滚筒洗衣机", "洗烘一体机", "波轮洗衣机"), "kg", "公斤",
           (7, 8, 9, 10, 12, 13), 260.0, 400, ("卡萨帝", "海尔", "统帅", "Leader"), 2.4),
    Family("AC", "KFR-", ("GW/81@U1-Jc", "GW/07EDS83", "LW/03KCA81", "GW/B1KBB81U1"),
           ("挂机空调", "柜机空调", "变频空调"), "HP", "匹", (1, 2, 3, 5), 1500.0, 1200,
           ("卡萨帝", "海尔", "统帅"), 2.2),
    Family("WH", "EC", ("-MG3U1", "-PA3", "-JH3", "-JN3", "-MA7U1"),
           ("电热水器", "燃气热水器", "空气能热水器"), "L", "升", (40, 50, 60, 80, 100),
           30.0, 500, ("海尔", "统帅"), 1.0),
    Family("TV", "LU", ("K9", "R8", "Z51Z", "MJ3", "Q11"), ("4K液晶电视", "智慧屏"),
           "in", "英寸", (43, 50, 55, 65, 75, 85, 100), 90.0, -1500, ("海尔", "雷神"), 1.0),
    Family("KIT", "CXW-", ("219-E900C", "200-C3", "JZT-Q216", "WQP12", "DW60"),
           ("吸油烟机", "燃气灶", "洗碗机", "嵌入式蒸烤箱"), "", "",
           (), 0.0, 2500, ("卡萨帝", "海尔"), 1.2),
    Family("SMA", "HY-", ("M3", "S5", "K2", "JS8"), ("电饭煲", "净水器", "电暖器", "吸尘器"),
           "", "", (), 0.0, 300, ("海尔", "小贝"), 1.0),
)  # fmt: skip
REGION_FEATURES = {
    Region.NORTH: "冬季强劲制热，宽电压设计",
    Region.NORTHEAST: "-30°C 低温启动，加厚保温层",
    Region.EAST: "梅雨季防霉除湿，静音运行",
    Region.CENTRAL: "高温 53°C 制冷，节能一级",
    Region.SOUTH: "高湿度防腐蚀涂层，快速除湿",
    Region.SOUTHWEST: "山区电压波动保护，防潮",
    Region.NORTHWEST: "防风沙滤网，昼夜温差适应",
}


def _save(model: type[models.Model], objs: list[Any]) -> list[Any]:
    return save_rows(model, objs, batch_size=BATCH)


def _money(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def _list_price(rng: DemoRandom, family: Family, capacity: int | None) -> Decimal:
    base = family.base_price + family.price_per_unit * (capacity or 0)
    price = max(base, 199.0) * rng.lognormal(1.0, 0.25)
    return _money(price // 10 * 10 + 9)  # 2999-style prices


def seed_catalog(*, scale: str, rng: DemoRandom) -> dict[str, int]:
    """Write the demo catalog of a scale (small, medium, haier); answers counts by table.
    A catalog that exists already is kept."""
    if Sku.objects.all_unscoped().exists():
        return {}
    categories = _save(
        Category,
        [
            Category(code=code, name=name, name_en=en, search_text=_text(code, name, en))
            for code, name, en in CATEGORIES
        ],
    )
    by_code = {c.code: c for c in Category.objects.all_unscoped()}
    models_, skus = _models_and_skus(rng, SKU_COUNTS[scale], by_code)
    _save(ProductModel, models_)
    saved_models = {m.code: m for m in ProductModel.objects.all_unscoped()}
    for sku in skus:
        sku.product_model = saved_models[sku.product_model.code]
    _save(Sku, skus)
    all_skus = list(Sku.objects.all_unscoped().order_by("code"))
    variants = _regional_variants(rng, list(saved_models.values()))
    _save(RegionalVariant, variants)
    warehouses = _warehouses(rng)
    _save(Warehouse, warehouses)
    stock = _stock(rng, list(Warehouse.objects.all_unscoped()), all_skus, scale)
    _save(StockLevel, stock)
    lists, items = _price_lists(rng, all_skus)
    overrides = _customer_prices(rng, all_skus)
    return {
        "categories": len(categories),
        "product_models": len(models_),
        "skus": len(all_skus),
        "regional_variants": len(variants),
        "warehouses": len(warehouses),
        "stock_levels": len(stock),
        "price_lists": lists,
        "price_list_items": items,
        "customer_prices": overrides,
    }


def _text(*parts: str | None) -> str:
    from roots.core.search import build_search_text

    return build_search_text(*parts)


def _models_and_skus(
    rng: DemoRandom, target: int, categories: dict[str, Category]
) -> tuple[list[ProductModel], list[Sku]]:
    weights = [f.weight for f in FAMILIES]
    used: set[str] = set()
    product_models: list[ProductModel] = []
    skus: list[Sku] = []
    while len(skus) < target:
        family = rng.weighted(FAMILIES, weights)
        capacity = rng.choice(family.capacities) if family.capacities else None
        suffix = rng.choice(family.suffixes)
        prefix = family.prefix.split("/")[0] if "/" in family.prefix else family.prefix
        if family.category == "FRZ":
            prefix = rng.choice(("BC-", "BD-"))
        number = capacity if capacity is not None else rng.between(100, 999)
        if family.category == "AC":
            number = {1: 26, 2: 50, 3: 72, 5: 120}[capacity or 1]
        code = f"{prefix}{number}{suffix}".upper().replace("@", "").replace("/", "")
        while code in used:
            code = f"{code[:26]}{rng.between(1, 9)}"
        used.add(code)
        kind = rng.choice(family.kinds)
        series = rng.choice(family.series)
        size = f"{capacity}{family.unit_zh}" if capacity is not None else ""
        name = f"{series} {code} {size}{kind}"
        model = ProductModel(
            code=code,
            name=name,
            category=categories[family.category],
            series=series,
            launched_on=rng.date_between(date(2019, 1, 1), AS_OF - timedelta(days=30)),
            is_custom_capable=series == "卡萨帝" or rng.chance(0.1),
            search_text=_text(code, name, series),
        )
        product_models.append(model)
        price = _list_price(rng, family, capacity)
        energy = rng.weighted((1, 2, 3, 4, 5), (45, 30, 15, 7, 3))
        for letter, colour in rng.sample(COLOURS, rng.between(1, 4)):
            if len(skus) >= target:
                break
            sku_name = f"海尔 {code} {size}{kind} {colour}".replace("海尔 ", f"{series} ", 1)
            skus.append(
                Sku(
                    code=f"{code}-{letter}",
                    product_model=model,
                    name=sku_name,
                    capacity=Decimal(capacity) if capacity is not None else None,
                    capacity_unit=family.unit,
                    energy_class=energy if family.category not in ("SMA",) else None,
                    colour=colour,
                    list_price=price + (100 if letter in ("G", "T") else 0),
                    is_active=not rng.chance(0.04),
                    search_text=_text(f"{code}-{letter}", sku_name, colour),
                )
            )
    return product_models, skus


def _regional_variants(
    rng: DemoRandom, product_models: list[ProductModel]
) -> list[RegionalVariant]:
    variants = []
    for model in product_models:
        if model.category.code not in ("AC", "REF", "WH") or not rng.chance(0.15):
            continue
        for region in rng.sample(list(Region), rng.between(1, 3)):
            variants.append(
                RegionalVariant(
                    product_model=model, region=region, features=REGION_FEATURES[Region(region)]
                )
            )
    return variants


def _warehouses(rng: DemoRandom) -> list[Warehouse]:
    result = []
    for branch in Branch.objects.select_related("province").order_by("code"):
        for n in range(1, rng.between(2, 3) + 1):
            name = f"{branch.city}{'中心' if n == 1 else ('二' if n == 2 else '三')}仓库"
            code = f"WH-{branch.code}-{n}"
            result.append(
                Warehouse(
                    code=code,
                    name=name,
                    province=branch.province,
                    branch=branch,
                    city=branch.city,
                    search_text=_text(code, name, branch.city),
                )
            )
    return result


def _stock(
    rng: DemoRandom, warehouses: list[Warehouse], skus: list[Sku], scale: str
) -> list[StockLevel]:
    active = [s for s in skus if s.is_active]
    rows = []
    for warehouse in warehouses:
        for sku in rng.sample(active, STOCKED_PER_WAREHOUSE[scale]):
            on_hand = int(rng.lognormal(40, 0.9))
            rows.append(
                StockLevel(
                    warehouse=warehouse,
                    sku=sku,
                    on_hand=on_hand,
                    reserved=rng.between(0, on_hand // 4),
                )
            )
    return rows


def _price_lists(rng: DemoRandom, skus: list[Sku]) -> tuple[int, int]:
    lists = []
    for channel, (short, name) in CHANNEL_NAMES.items():
        code = f"PL-2026-{short}"
        full = f"2026年{name}价格表"
        lists.append(
            PriceList(
                code=code,
                name=full,
                channel_type=channel,
                valid_from=date(2026, 1, 1),
                valid_to=date(2026, 12, 31),
                search_text=_text(code, full),
            )
        )
    _save(PriceList, lists)
    items = []
    for price_list in PriceList.objects.all_unscoped().order_by("code"):
        discount = CHANNEL_DISCOUNT[ChannelType(price_list.channel_type)]
        for sku in skus:
            jitter = Decimal(rng.between(-2, 2)) / 100
            items.append(
                PriceListItem(
                    price_list=price_list,
                    sku=sku,
                    price=_money(sku.list_price * (discount + jitter)),
                )
            )
    _save(PriceListItem, items)
    return len(lists), len(items)


def _customer_prices(rng: DemoRandom, skus: list[Sku]) -> int:
    active = [s for s in skus if s.is_active]
    rows = []
    for customer in Customer.objects.all_unscoped().filter(is_key_account=True).order_by("code"):
        discount = CHANNEL_DISCOUNT[ChannelType(customer.channel_type)]
        for sku in rng.sample(active, rng.between(5, 20)):
            extra = Decimal(rng.between(3, 8)) / 100
            start = rng.date_between(date(2026, 1, 1), date(2026, 6, 1))
            rows.append(
                CustomerPrice(
                    customer=customer,
                    sku=sku,
                    price=_money(sku.list_price * (discount - extra)),
                    valid_from=start,
                    valid_to=start + timedelta(days=rng.between(90, 365)),
                )
            )
    _save(CustomerPrice, rows)
    return len(rows)


# (code, name, description, start, end, channels, category codes, percent, published)
PromotionRow = tuple[str, str, str, date, date, tuple[str, ...], tuple[str, ...], int, bool]
PROMOTIONS: tuple[PromotionRow, ...] = (
    ("PR2026-NY", "新春焕新季", "春节前冰箱、洗衣机焕新，全渠道让利。",
     date(2026, 1, 5), date(2026, 2, 28), (), ("REF", "WM"), 8, True),
    ("PR2026-AC", "空调迎夏备货", "夏季空调提前备货，连锁渠道专享。",
     date(2026, 3, 15), date(2026, 6, 20),
     (ChannelType.MULTINATIONAL_CHAIN, ChannelType.LOCAL_CHAIN), ("AC",), 6, True),
    ("PR2026-WH", "热水器以旧换新", "热水器以旧换新补贴。",
     date(2026, 2, 1), date(2026, 5, 31), (), ("WH",), 5, True),
    ("PR2026-618", "618 年中大促", "年中大促，专卖店与专营店加码。",
     date(2026, 6, 1), date(2026, 6, 30),
     (ChannelType.FRANCHISE_STORE, ChannelType.SPECIALTY_STORE), (), 4, True),
    ("PR2026-KIT", "厨电套购节", "烟灶套购优惠。",
     date(2026, 4, 1), date(2026, 12, 31), (), ("KIT",), 7, True),
    ("PR2026-TV", "电视旺季冲量", "下半年电视冲量，百货渠道专享。",
     date(2026, 7, 1), date(2026, 12, 31), (ChannelType.DEPARTMENT_STORE,), ("TV",), 6, True),
    ("PR2026-D11", "双十一备货", "双十一全品类备货让利。", date(2026, 10, 15), date(2026, 11, 30),
     (), (), 3, True),
    ("PR2026-REF", "冰箱年末清仓", "年末冰箱库存调整。", date(2026, 12, 1), date(2026, 12, 31),
     (ChannelType.LOCAL_CHAIN,), ("REF", "FRZ"), 10, True),
    ("PR2027-NY", "2027 新春焕新（草稿）", "待总部审批。", date(2027, 1, 5), date(2027, 2, 28),
     (), ("REF", "WM"), 8, False),
)  # fmt: skip


# --- promotions (the orders seeder prices with them) ---------------------------------------
def seed_promotions() -> list[Promotion]:
    """The demo promotions (some ended, some running through 2026, one draft for 2027)."""
    if Promotion.objects.all_unscoped().exists():
        return list(Promotion.objects.all_unscoped())
    categories = {c.code: c for c in Category.objects.all_unscoped()}
    creator = User.objects.filter(role=Role.HQ_ADMIN).order_by("username").first()
    rows = [
        Promotion(
            code=code,
            name=name,
            description=text,
            valid_from=start,
            valid_to=end,
            channel_types=sorted(str(c) for c in channels),
            discount_percent=Decimal(percent),
            is_published=published,
            created_by=creator,
            search_text=build_search_text(code, name),
        )
        for code, name, text, start, end, channels, _cats, percent, published in PROMOTIONS
    ]
    _save(Promotion, rows)
    saved = {p.code: p for p in Promotion.objects.all_unscoped()}
    through = Promotion.categories.through
    links = [
        through(promotion_id=saved[code].pk, category_id=categories[cat].pk)
        for code, *_rest, cats, _p, _pub in PROMOTIONS
        for cat in cats
        if cat in categories
    ]
    through.objects.bulk_create(links)
    return list(saved.values())


@dataclass
class PromoRow:
    pk: int
    start: date
    end: date
    channels: frozenset[str]
    categories: frozenset[int]
    percent: Decimal


def promotion_table() -> list[PromoRow]:
    """The published promotions as the orders seeder prices with them, best first."""
    through = Promotion.categories.through
    cats: dict[int, set[int]] = {}
    for promotion_id, category_id in through.objects.values_list("promotion_id", "category_id"):
        cats.setdefault(promotion_id, set()).add(category_id)
    table = [
        PromoRow(
            p.pk,
            p.valid_from,
            p.valid_to,
            frozenset(p.channel_types),
            frozenset(cats.get(p.pk, ())),
            p.discount_percent,
        )
        for p in Promotion.objects.all_unscoped().filter(is_published=True)
    ]
    table.sort(key=lambda p: (p.percent, p.start, p.pk), reverse=True)
    return table
