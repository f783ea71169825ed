"""The 42 regional trade companies (工贸公司) and the 34 provincial call centres.

Branch codes run B01..B42 in the order of the province code, then by city; `slug` is the
city in pinyin and names the branch's demo users (`bm_qingdao`, `am_qingdao_03`).
Provinces with a big market have two or more branches; Tibet is served from Chengdu and
Hong Kong, Macao and Taiwan by no domestic branch.
"""

from __future__ import annotations

from dataclasses import dataclass

from roots.org.data.provinces import CITIES, PROVINCES


@dataclass(frozen=True, slots=True)
class BranchRef:
    """A regional trade company as it is stored in `org.Branch`."""

    code: str
    slug: str
    city: str
    name_en_city: str
    province_code: str
    weight: int
    covers: tuple[str, ...]
    """Province codes where the branch's customers are (its own first)."""

    @property
    def name(self) -> str:
        return f"{self.city}工贸"

    @property
    def name_en(self) -> str:
        return f"{self.name_en_city} Trading Company"


@dataclass(frozen=True, slots=True)
class CallCenterRef:
    """A provincial call centre as it is stored in `org.CallCenter`."""

    code: str
    name: str
    province_code: str
    phone: str
    seats: int


# (slug, city, English, province, market weight, other provinces covered)
_BRANCH_ROWS: tuple[tuple[str, str, str, str, int, tuple[str, ...]], ...] = (
    ("beijing", "北京", "Beijing", "110000", 100, ()),
    ("tianjin", "天津", "Tianjin", "120000", 60, ()),
    ("shijiazhuang", "石家庄", "Shijiazhuang", "130000", 45, ()),
    ("tangshan", "唐山", "Tangshan", "130000", 30, ()),
    ("taiyuan", "太原", "Taiyuan", "140000", 40, ()),
    ("huhehaote", "呼和浩特", "Hohhot", "150000", 35, ()),
    ("shenyang", "沈阳", "Shenyang", "210000", 50, ()),
    ("dalian", "大连", "Dalian", "210000", 40, ()),
    ("changchun", "长春", "Changchun", "220000", 40, ()),
    ("haerbin", "哈尔滨", "Harbin", "230000", 45, ()),
    ("shanghai", "上海", "Shanghai", "310000", 100, ()),
    ("nanjing", "南京", "Nanjing", "320000", 60, ()),
    ("suzhou", "苏州", "Suzhou", "320000", 55, ()),
    ("xuzhou", "徐州", "Xuzhou", "320000", 35, ()),
    ("hangzhou", "杭州", "Hangzhou", "330000", 60, ()),
    ("ningbo", "宁波", "Ningbo", "330000", 45, ()),
    ("wenzhou", "温州", "Wenzhou", "330000", 35, ()),
    ("hefei", "合肥", "Hefei", "340000", 50, ()),
    ("fuzhou", "福州", "Fuzhou", "350000", 45, ()),
    ("xiamen", "厦门", "Xiamen", "350000", 40, ()),
    ("nanchang", "南昌", "Nanchang", "360000", 40, ()),
    ("jinan", "济南", "Jinan", "370000", 60, ()),
    ("qingdao", "青岛", "Qingdao", "370000", 70, ()),
    ("yantai", "烟台", "Yantai", "370000", 40, ()),
    ("linyi", "临沂", "Linyi", "370000", 35, ()),
    ("zhengzhou", "郑州", "Zhengzhou", "410000", 60, ()),
    ("luoyang", "洛阳", "Luoyang", "410000", 35, ()),
    ("wuhan", "武汉", "Wuhan", "420000", 60, ()),
    ("changsha", "长沙", "Changsha", "430000", 55, ()),
    ("guangzhou", "广州", "Guangzhou", "440000", 80, ()),
    ("shenzhen", "深圳", "Shenzhen", "440000", 70, ()),
    ("nanning", "南宁", "Nanning", "450000", 40, ()),
    ("haikou", "海口", "Haikou", "460000", 20, ()),
    ("chongqing", "重庆", "Chongqing", "500000", 60, ()),
    ("chengdu", "成都", "Chengdu", "510000", 65, ("540000",)),
    ("guiyang", "贵阳", "Guiyang", "520000", 35, ()),
    ("kunming", "昆明", "Kunming", "530000", 40, ()),
    ("xian", "西安", "Xi'an", "610000", 55, ()),
    ("lanzhou", "兰州", "Lanzhou", "620000", 30, ()),
    ("xining", "西宁", "Xining", "630000", 15, ()),
    ("yinchuan", "银川", "Yinchuan", "640000", 18, ()),
    ("wulumuqi", "乌鲁木齐", "Urumqi", "650000", 30, ()),
)

BRANCHES: tuple[BranchRef, ...] = tuple(
    BranchRef(
        code=f"B{index:02d}",
        slug=slug,
        city=city,
        name_en_city=english,
        province_code=province,
        weight=weight,
        covers=(province, *others),
    )
    for index, (slug, city, english, province, weight, others) in enumerate(_BRANCH_ROWS, start=1)
)
"""The 42 branches, B01..B42."""

_CALL_CENTER_PHONES = {"810000": "+852 2169 0000", "820000": "+853 2878 0000"}


def call_centers() -> tuple[CallCenterRef, ...]:
    """One call centre per province (34), coded CC + the first two digits of the province."""
    result = []
    for province in PROVINCES:
        capital = next(c for c in CITIES[province.code] if c.name == province.capital)
        phone = _CALL_CENTER_PHONES.get(province.code)
        if phone is None:
            phone = f"{capital.area_code}-{8000_0000 + int(province.code[:2]) * 1111:08d}"
        seats = 10 + capital.weight
        result.append(
            CallCenterRef(
                code=f"CC{province.code[:2]}",
                name=f"{province.short_name}呼叫中心",
                province_code=province.code,
                phone=phone,
                seats=seats,
            )
        )
    return tuple(result)
