"""Demo channel customers, their outlets and contacts (unsaved model instances).

The five channel types follow the seeds: most customers are franchise stores (专卖店) and
specialty stores (专营店); franchise and department stores carry most of the sales; key
accounts are mostly the chains. Value tier, priority and credit follow revenue.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from roots.core.i18n_text import as_stored
from roots.customers.models import (
    ChannelType,
    Contact,
    CreditRating,
    Customer,
    CustomerStatus,
    Outlet,
    OutletFormat,
    Priority,
    Tier,
)
from roots.customers.texts import payment_terms_parse
from roots.org import geo
from roots.org.data import words
from roots.org.data.provinces import CITIES, CityRef, ProvinceRef
from roots.org.demo.common import (
    AS_OF,
    MUNICIPALITIES,
    Address,
    DemoRandom,
    coordinate,
    money,
    pinyin_title,
)
from roots.org.models import Branch, Province, User

Territory = list[tuple[ProvinceRef, CityRef, float]]


@dataclass(frozen=True, slots=True)
class ChannelProfile:
    """How customers of one channel type look: share of the customer count, revenue
    (median and log-normal sigma, in 10k CNY), size ranges and extra outlets."""

    share: float
    revenue_median: float
    revenue_sigma: float
    employees: tuple[int, int]
    stores: tuple[int, int]
    founded: tuple[int, int]
    extra_outlets: tuple[int, int]
    extra_outlet_chance: float
    contacts: tuple[int, int]


CHANNELS: dict[str, ChannelProfile] = {
    ChannelType.FRANCHISE_STORE: ChannelProfile(
        0.44, 800, 0.8, (5, 40), (1, 3), (2000, 2022), (1, 1), 0.03, (1, 2)
    ),
    ChannelType.SPECIALTY_STORE: ChannelProfile(
        0.34, 300, 0.8, (3, 25), (1, 2), (1995, 2022), (1, 1), 0.03, (1, 2)
    ),
    ChannelType.DEPARTMENT_STORE: ChannelProfile(
        0.10, 6000, 0.8, (200, 2000), (1, 8), (1952, 2008), (1, 1), 0.2, (2, 3)
    ),
    ChannelType.LOCAL_CHAIN: ChannelProfile(
        0.09, 3000, 0.9, (100, 3000), (5, 120), (1990, 2015), (0, 3), 1.0, (2, 3)
    ),
    ChannelType.MULTINATIONAL_CHAIN: ChannelProfile(
        0.03, 9000, 0.6, (300, 5000), (10, 80), (1995, 2012), (0, 4), 1.0, (2, 3)
    ),
}
CHANNEL_ORDER: tuple[str, ...] = tuple(CHANNELS)

_NOTES = (
    "旺季前需提前备货", "每月5日前对账", "关注竞品促销动态", "有意向增开门店",
    "对定制产品兴趣大", "付款及时，信誉良好", "年底返利需提前沟通", "要求送装一体服务",
)  # fmt: skip
_ORGANISATION: dict[str, str] = {
    ChannelType.MULTINATIONAL_CHAIN: "{city}分公司总经理负责，下设家电采购部、营运部、财务部和"
    "售后服务部；采购由大区总部统一审批。",
    ChannelType.LOCAL_CHAIN: "董事长兼总经理，下设采购中心、营运中心、财务部和物流配送中心；"
    "门店店长对销售负责。",
    ChannelType.DEPARTMENT_STORE: "总经理下设商品部、招商部、营运部、财务部；家电楼层由家电部"
    "经理负责。",
    ChannelType.FRANCHISE_STORE: "个体经营，老板兼店长，另有销售员{staff}名、安装师傅{fitters}名。",
    ChannelType.SPECIALTY_STORE: "家庭经营，老板负责进货和大客户，店员负责日常销售。",
}
_MARKETING: dict[str, str] = {
    ChannelType.MULTINATIONAL_CHAIN: "门店零售为主，节假日大型促销与会员营销，线上线下一体化。",
    ChannelType.LOCAL_CHAIN: "区域连锁门店零售，以旧换新和社区团购，配送安装一体。",
    ChannelType.DEPARTMENT_STORE: "专柜联营扣点模式，节庆满减和会员积分活动。",
    ChannelType.FRANCHISE_STORE: "海尔专卖店：社区营销、上门服务，向乡镇延伸网点。",
    ChannelType.SPECIALTY_STORE: "专营部分品类，工程和家装渠道占一定比重。",
}
_PRICE_SYSTEM: dict[str, str] = {
    ChannelType.MULTINATIONAL_CHAIN: "执行全国统一采购价，促销费用按合同比例分摊。",
    ChannelType.LOCAL_CHAIN: "执行区域统一供价，年度返利按销量阶梯计算。",
    ChannelType.DEPARTMENT_STORE: "按零售价扣点结算，扣点率{rate}%。",
    ChannelType.FRANCHISE_STORE: "执行海尔区域统一价格体系，促销价需报备工贸公司。",
    ChannelType.SPECIALTY_STORE: "按批发价进货，零售价自定但不低于指导价。",
}
_MULTINATIONAL_WEBSITES = {
    brand: site for brand, _e, _p, _f, site, _r in words.MULTINATIONAL_CHAINS
}


@dataclass
class CustomerPlan:
    """A customer being generated, with what its outlets and contacts need to know."""

    customer: Customer
    province: ProvinceRef
    city: CityRef
    address: Address
    brand: str
    outlet_format: str
    outlet_count: int
    territory: Territory
    first_outlet_name: str | None = None
    revenue: float = 0.0
    outlets: list[Outlet] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)


def _short_district(district: str) -> str:
    return district[:-1] if len(district) > 2 and district.endswith("区") else district


def _city_label(province: ProvinceRef, city: CityRef) -> str:
    """The value of an outlet's `city`: the municipality for its districts (万州 -> 重庆)."""
    return province.capital if province.code in MUNICIPALITIES else city.name


class CustomerFactory:
    """Builds customers of one branch: names, profiles, outlets and contacts."""

    def __init__(
        self,
        *,
        rand: DemoRandom,
        provinces: dict[str, Province],
        used_names: set[str],
    ) -> None:
        self.rand = rand
        self.provinces = provinces
        self.used_names = used_names
        self.used_chain_cities: set[tuple[str, str]] = set()

    # -- customers ----------------------------------------------------------------------
    def plan(
        self,
        *,
        branch: Branch,
        channel: str,
        territory: Territory,
        manager: User | None,
        status: str,
    ) -> CustomerPlan:
        """One customer of `channel` in the branch's territory (not yet coded or tiered)."""
        r = self.rand
        home = [t for t in territory if t[0].code == branch.province.code] or territory
        province, city, _w = r.weighted(home, [w for _p, _c, w in home])
        if channel == ChannelType.MULTINATIONAL_CHAIN and not self._free_chains(province, city):
            channel = ChannelType.LOCAL_CHAIN
        profile = CHANNELS[channel]
        address = r.street_address(province, city)
        name, name_en, brand, outlet_format, first_outlet = self._names(
            channel, province, city, address
        )
        founded = r.between(*profile.founded)
        revenue = r.lognormal(profile.revenue_median, profile.revenue_sigma)
        joined = (
            None
            if status == CustomerStatus.PROSPECT
            else r.date_between(date(max(founded + 1, 1998), 1, 1), date(AS_OF.year - 1, 12, 31))
        )
        staff = r.between(*profile.employees)
        stores = r.between(*profile.stores)
        outlets = 1
        if r.chance(profile.extra_outlet_chance):
            outlets += r.between(*profile.extra_outlets)
        stores = max(stores, outlets)
        customer = Customer(
            name=name,
            name_en=name_en,
            channel_type=channel,
            branch=branch,
            account_manager=manager,
            status=status,
            legal_representative=r.person().name,
            tax_id=r.credit_code(province, CITIES[province.code].index(city) + 1),
            registered_capital=money(max(10.0, round(revenue * r.rng.uniform(0.05, 0.3), -1))),
            founded_year=founded,
            joined_on=joined,
            employees=staff,
            store_count=stores,
            annual_revenue=money(revenue),
            payment_terms=(terms := r.choice(words.PAYMENT_TERMS[channel])),
            payment_terms_text=as_stored(payment_terms_parse(terms)),
            sales_area=self._sales_area(channel, province, city, address.district),
            organisation=_ORGANISATION[channel].format(
                city=city.name, staff=max(2, staff // 3), fitters=max(1, staff // 6)
            ),
            marketing_model=_MARKETING[channel],
            price_system=_PRICE_SYSTEM[channel].format(rate=r.between(12, 22)),
            product_structure=self._product_structure(),
            brands_carried=self._brands(channel),
            main_competitors="、".join(r.sample(words.COMPETING_RETAILERS, r.between(2, 3))),
            address=address.text,
            phone=r.landline(city),
            email=f"{pinyin_title(brand[:4]).lower()}{r.digits(3)}@example.com"
            if r.chance(0.5)
            else "",
            website=_MULTINATIONAL_WEBSITES.get(brand, ""),
            notes="；".join(r.sample(_NOTES, r.between(1, 2))) if r.chance(0.3) else "",
        )
        return CustomerPlan(
            customer=customer,
            province=province,
            city=city,
            address=address,
            brand=brand,
            outlet_format=outlet_format,
            outlet_count=outlets,
            territory=territory,
            first_outlet_name=first_outlet,
            revenue=revenue,
        )

    def _free_chains(self, province: ProvinceRef, city: CityRef) -> list[words.ChainRow]:
        """The national and multinational chains present in the province that have no
        customer in this city yet (one customer per chain and city)."""
        return [
            chain
            for chain in words.MULTINATIONAL_CHAINS
            if (not chain[5] or province.code in chain[5])
            and (chain[0], city.name) not in self.used_chain_cities
        ]

    def _unique(self, make: list[tuple[str, str, str]]) -> tuple[str, str, str]:
        """The first (name, English name, brand) whose name is still free; then numbered."""
        for name, name_en, brand in make:
            if name not in self.used_names:
                self.used_names.add(name)
                return name, name_en, brand
        name, name_en, brand = make[0]
        n = 2
        while f"{name}（{n}）" in self.used_names:
            n += 1
        self.used_names.add(f"{name}（{n}）")
        return f"{name}（{n}）", name_en, brand

    def _names(
        self, channel: str, province: ProvinceRef, city: CityRef, address: Address
    ) -> tuple[str, str, str, str, str | None]:
        """(name, English name, trade name for outlets, outlet format, first outlet name)."""
        r = self.rand
        c, c_en = _city_label(province, city), city.name_en
        word = r.choice(words.TRADE_WORDS)
        word_en = pinyin_title(word)
        if channel == ChannelType.MULTINATIONAL_CHAIN:
            chain = r.choice(self._free_chains(province, city))
            brand, brand_en, pattern, fmt, _site, _regions = chain
            self.used_chain_cities.add((brand, city.name))
            name = pattern.format(city=c)
            suffix = " Branch" if name.endswith("分公司") or name.endswith("商场") else " Co., Ltd."
            picked = self._unique([(name, f"{brand_en} ({c_en}){suffix}", brand)])
            if fmt == OutletFormat.STORE_IN_STORE and r.chance(0.1):
                fmt = OutletFormat.FLAGSHIP
            return (*picked, fmt, None)
        if channel == ChannelType.LOCAL_CHAIN:
            chain_word = r.choice(words.CHAIN_WORDS)
            en = pinyin_title(chain_word)
            picked = self._unique(
                [
                    (f"{c}{chain_word}家电连锁有限公司", f"{c_en} {en} Appliance Chain Co., Ltd.",
                     f"{chain_word}电器"),
                    (f"{c}{word}电器连锁股份有限公司", f"{c_en} {word_en} Electric Chain Co., Ltd.",
                     f"{word}电器"),
                    (f"{c}{word}数码家电有限公司", f"{c_en} {word_en} Digital Appliance Co., Ltd.",
                     f"{word}数码家电"),
                ][r.between(0, 2) :]
            )  # fmt: skip
            fmt = r.weighted(
                [
                    OutletFormat.STORE_IN_STORE,
                    OutletFormat.SPECIALTY_SHOP,
                    OutletFormat.HYPERMARKET,
                ],
                [7, 2, 1],
            )
            return (*picked, fmt, None)
        if channel == ChannelType.DEPARTMENT_STORE:
            dept, dept_en = r.choice(words.DEPARTMENT_BRANDS)
            mall = r.choice(words.MALL_WORDS)
            options = [
                (f"{c}百货大楼股份有限公司", f"{c_en} Department Store Co., Ltd.", f"{c}百货大楼"),
                (f"{dept}（{c}）有限公司", f"{dept_en} ({c_en}) Co., Ltd.", dept),
                (f"{c}{word}{mall}有限公司", f"{c_en} {word_en} Plaza Co., Ltd.", f"{word}{mall}"),
                (f"{c}第一百货商店", f"{c_en} No. 1 Department Store", f"{c}第一百货"),
            ]
            start = r.weighted([0, 1, 2], [2, 5, 5])
            picked = self._unique(options[start:] + options[:start])
            fmt = OutletFormat.COUNTER if r.chance(0.75) else OutletFormat.STORE_IN_STORE
            return (*picked, fmt, f"{picked[2]}海尔专柜")
        district = address.district
        if channel == ChannelType.FRANCHISE_STORE:
            place = f"{_short_district(district) or c}{address.road}"
            options = [
                (f"{c}{word}电器有限公司", f"{c_en} {word_en} Electric Appliance Co., Ltd.", word),
                (f"海尔专卖店（{c}{place}店）", f"Haier Exclusive Store ({c_en})", word),
                (f"{c}{_short_district(district)}{word}家电经营部", "", word),
            ]
            start = r.weighted([0, 1, 2], [5, 3, 2])
            picked = self._unique(options[start:] + options[:start])
            fmt = OutletFormat.FLAGSHIP if r.chance(0.05) else OutletFormat.FRANCHISE_SHOP
            return (*picked, fmt, f"海尔专卖店（{place}店）")
        kind, kind_en = r.choice(
            [
                ("家电商场", "Appliance Mall"),
                ("电器商行", "Electric Store"),
                ("空调制冷设备有限公司", "Air-Conditioning Co., Ltd."),
                ("厨卫电器经营部", "Kitchen & Bath Appliances"),
                ("数码家电城", "Digital Appliance City"),
            ]
        )
        picked = self._unique(
            [
                (f"{c}{word}{kind}", f"{c_en} {word_en} {kind_en}", f"{word}{kind}"),
                (f"{c}{_short_district(district)}{word}{kind}", "", f"{word}{kind}"),
            ]
        )
        trade = picked[2].removesuffix("有限公司")
        return picked[0], picked[1] if r.chance(0.5) else "", trade, "specialty_shop", trade

    def _sales_area(self, channel: str, province: ProvinceRef, city: CityRef, district: str) -> str:
        r = self.rand
        if channel == ChannelType.MULTINATIONAL_CHAIN:
            return f"{province.short_name}{r.between(2, 8)}个地市"
        if channel == ChannelType.LOCAL_CHAIN:
            return f"{city.name}及周边{r.between(2, 9)}个县市"
        if channel == ChannelType.DEPARTMENT_STORE:
            return f"{city.name}市区"
        return f"{city.name}{district}及周边乡镇" if district else f"{city.name}及周边乡镇"

    def _product_structure(self) -> str:
        r = self.rand
        parts = ["冰箱", "洗衣机", "空调", "热水器", "厨电", "电视", "小家电"]
        shares = [r.rng.uniform(0.5, 3.0) for _ in parts]
        total = sum(shares)
        percents = [round(100 * s / total) for s in shares]
        percents[0] += 100 - sum(percents)
        return "、".join(f"{p}{n}%" for p, n in zip(parts, percents, strict=True))

    def _brands(self, channel: str) -> str:
        r = self.rand
        if channel == ChannelType.FRANCHISE_STORE:
            own = ["海尔", "卡萨帝", "统帅"][: r.between(1, 3)]
            return ",".join(own)
        own = ["海尔"] + (["卡萨帝"] if r.chance(0.5) else [])
        others = r.sample(words.COMPETITOR_BRANDS, r.between(2, 6))
        return ",".join(own + others)

    # -- outlets ------------------------------------------------------------------------
    def outlets(self, plan: CustomerPlan) -> list[Outlet]:
        """The customer's outlets: the first in its own city, a chain's others anywhere in
        the branch's territory; coordinates inside the province (ECharts map)."""
        r = self.rand
        customer = plan.customer
        result = []
        for index in range(plan.outlet_count):
            if index == 0:
                province, city, address = plan.province, plan.city, plan.address
            else:
                if r.chance(0.55):
                    province, city = plan.province, plan.city
                else:
                    territory = plan.territory
                    province, city, _w = r.weighted(territory, [w for _p, _c, w in territory])
                address = r.street_address(province, city)
            district, road = address.district, address.road
            label = _city_label(province, city)
            if index == 0 and plan.first_outlet_name:
                name = plan.first_outlet_name
            elif customer.channel_type == ChannelType.FRANCHISE_STORE:
                name = f"海尔专卖店（{_short_district(district) or label}{road}店）"
            elif customer.channel_type == ChannelType.DEPARTMENT_STORE:
                name = f"{plan.brand}{_short_district(district) or road}店海尔专柜"
            elif customer.channel_type == ChannelType.SPECIALTY_STORE:
                name = f"{plan.brand}{road}分店"
            else:
                name = f"{plan.brand}{label}{_short_district(district)}{road}店"
            radius = 4.0 + city.weight / 5
            lng, lat = geo.random_point_in_province(
                province.short_name, r.rng, near=(city.longitude, city.latitude), radius_km=radius
            )
            fmt = plan.outlet_format
            area_range = {
                OutletFormat.COUNTER: (30, 150),
                OutletFormat.STORE_IN_STORE: (80, 400),
                OutletFormat.FRANCHISE_SHOP: (80, 500),
                OutletFormat.SPECIALTY_SHOP: (60, 300),
                OutletFormat.FLAGSHIP: (500, 2500),
                OutletFormat.HYPERMARKET: (300, 1500),
            }[OutletFormat(fmt)]
            opened_from = customer.joined_on or date(AS_OF.year - 1, 1, 1)
            result.append(
                Outlet(
                    customer=customer,
                    name=name[:200],
                    format=fmt,
                    province=self.provinces[province.code],
                    city=label,
                    address=address.text,
                    latitude=coordinate(lat),
                    longitude=coordinate(lng),
                    floor_area=r.between(*area_range),
                    opened_on=r.date_between(opened_from, AS_OF),
                    is_active=customer.status != CustomerStatus.CLOSED and not r.chance(0.02),
                )
            )
        plan.outlets = result
        return result

    # -- contacts -----------------------------------------------------------------------
    def contacts(self, plan: CustomerPlan) -> list[Contact]:
        """1-3 people at the customer, the first the primary contact; with the personal
        profile that seed 002 asks a salesperson to keep."""
        r = self.rand
        profile = CHANNELS[plan.customer.channel_type]
        count = 3 if plan.customer.is_key_account else r.between(*profile.contacts)
        titles = list(words.CONTACT_TITLES)
        if plan.customer.channel_type in (ChannelType.FRANCHISE_STORE, "specialty_store"):
            titles = [t for t in titles if t[0] in {"总经理", "店长", "财务经理", "副总经理"}]
        picked = r.sample(titles, count)
        result = []
        for index, (title, department, decides) in enumerate(picked):
            person = r.person()
            birthday = r.date_between(date(1962, 1, 1), date(1998, 12, 31))
            result.append(
                Contact(
                    customer=plan.customer,
                    name=person.name,
                    name_en=person.name_en,
                    nickname=(f"{person.surname}总" if decides else f"小{person.surname}")
                    if r.chance(0.3)
                    else "",
                    gender=person.gender,
                    title=title,
                    department=department,
                    is_decision_maker=decides,
                    is_primary=index == 0,
                    phone=r.landline(plan.city) if r.chance(0.6) else "",
                    mobile=r.mobile(),
                    email=f"{person.given_pinyin.lower()}.{person.surname_pinyin.lower()}"
                    f"{r.between(1, 99)}@example.com"
                    if r.chance(0.7)
                    else "",
                    birthday=birthday if r.chance(0.8) else None,
                    birthplace=f"{plan.province.short_name}{plan.city.name}"
                    if r.chance(0.6)
                    else "",
                    education=r.choice(words.EDUCATION),
                    personality=r.choice(words.PERSONALITY),
                    hobbies="、".join(r.sample(words.HOBBIES, r.between(1, 3))),
                    preferences=r.choice(words.PREFERENCES) if r.chance(0.7) else "",
                    taboos=r.choice(words.TABOOS) if r.chance(0.4) else "",
                    anniversaries=f"结婚纪念日 {r.between(1, 12)}月{r.between(1, 28)}日"
                    if r.chance(0.4)
                    else "",
                    family=r.choice(words.FAMILY) if r.chance(0.6) else "",
                )
            )
        plan.contacts = result
        return result


def assign_value(plans: list[CustomerPlan], rand: DemoRandom) -> None:
    """Tier, priority, key account, credit rating and credit limit from revenue.

    Tiers by revenue across all customers (top 5% vip, next 15% major, next 45% ordinary,
    the rest small); key accounts are every multinational chain, the biggest 30% of local chains
    and the vip department stores; priority follows tier, raised one step for a key account.
    """
    revenues = sorted(p.revenue for p in plans)
    n = len(revenues)

    def quantile(q: float) -> float:
        return revenues[min(n - 1, int(q * n))] if n else 0.0

    cut_small, cut_ordinary, cut_major = quantile(0.35), quantile(0.80), quantile(0.95)
    local_revenues = sorted(p.revenue for p in plans if p.customer.channel_type == "local_chain")
    local_cut = local_revenues[int(0.7 * len(local_revenues))] if local_revenues else float("inf")
    tiers = (Tier.SMALL, Tier.ORDINARY, Tier.MAJOR, Tier.VIP)
    ratings = {
        Tier.VIP: ((CreditRating.AAA, CreditRating.AA), (6, 4)),
        Tier.MAJOR: ((CreditRating.AAA, CreditRating.AA, CreditRating.A), (2, 5, 3)),
        Tier.ORDINARY: ((CreditRating.AA, CreditRating.A, CreditRating.B), (2, 5, 3)),
        Tier.SMALL: ((CreditRating.A, CreditRating.B, CreditRating.C), (3, 5, 2)),
    }
    credit_share = {
        CreditRating.AAA: 0.15,
        CreditRating.AA: 0.12,
        CreditRating.A: 0.09,
        CreditRating.B: 0.05,
        CreditRating.C: 0.02,
    }
    for plan in plans:
        c = plan.customer
        tier = tiers[bisect_right([cut_small, cut_ordinary, cut_major], plan.revenue)]
        c.tier = tier
        c.is_key_account = c.status != CustomerStatus.PROSPECT and (
            c.channel_type == ChannelType.MULTINATIONAL_CHAIN
            or (c.channel_type == ChannelType.LOCAL_CHAIN and plan.revenue >= local_cut)
            or (c.channel_type == ChannelType.DEPARTMENT_STORE and tier == Tier.VIP)
        )
        level = {Tier.VIP: 3, Tier.MAJOR: 2, Tier.ORDINARY: 1, Tier.SMALL: 0}[tier]
        level = min(3, level + (1 if c.is_key_account else 0))
        c.priority = (Priority.C, Priority.B, Priority.A, Priority.A_PLUS)[level]
        options, weights = ratings[tier]
        c.credit_rating = rand.weighted(options, weights)
        if c.status == CustomerStatus.PROSPECT:
            c.credit_limit = Decimal("0.00")
        else:
            limit = plan.revenue * 10_000 * credit_share[c.credit_rating]
            c.credit_limit = money(max(50_000.0, round(limit, -4)))
