"""Demo news for `seed_demo`: about twenty items from headquarters (company news, promotion
notices, policies) over the six months before the demo's "today" (`AS_OF`), some for every
channel customer and some for chosen channel types, one draft. Deterministic and written with
`bulk_create` (with the "created" history rows)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from simple_history.utils import bulk_create_with_history

from roots.customers.models import ChannelType
from roots.org.demo.common import AS_OF, DemoRandom, not_after_now
from roots.org.models import Role, User
from roots.portal.models import NewsItem, NewsKind

HISTORY_REASON = "seed_demo"
CH = ChannelType

# (title, kind, audience, body paragraphs)
NEWS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("海尔2026年渠道合作伙伴大会在青岛召开", NewsKind.NEWS, (),
     ("来自全国的渠道合作伙伴齐聚青岛，共同探讨零距离服务与定制化合作。",
      "总部发布了年度渠道政策和新品路线图，会后各工贸公司将组织区域宣讲。")),
    ("新春焕新季促销通知", NewsKind.PROMOTION_NOTICE, (),
     ("春节前冰箱、洗衣机焕新，全渠道让利 8%。",
      "活动期间订单自动享受促销价，请各门店提前备货。")),
    ("空调迎夏备货政策（连锁渠道）", NewsKind.PROMOTION_NOTICE,
     (CH.MULTINATIONAL_CHAIN, CH.LOCAL_CHAIN),
     ("为保障夏季供货，连锁渠道空调提前备货享受 6% 优惠。",
      "备货订单需在 5 月 31 日前提交，工贸公司按区域优先排产。")),
    ("2026年度返利政策", NewsKind.POLICY, (),
     ("年度返利按季度结算，以对账单确认的销售额为准。",
      "返利在季度结束后 30 日内入账，可在门户的“费用与返利”中查询。")),
    ("对账单网上确认流程上线", NewsKind.NEWS, (),
     ("每月对账单将在门户发布，请在 10 日内确认或对有疑问的明细提出异议。",
      "客户经理将在 2 个工作日内答复异议。")),
    ("定制订单七天投产承诺", NewsKind.POLICY, (),
     ("客户接受报价后，定制产品 7 天内投产，进度在门户实时可查。",)),
    ("百货渠道电视旺季冲量政策", NewsKind.PROMOTION_NOTICE, (CH.DEPARTMENT_STORE,),
     ("下半年百货渠道电视享受 6% 专项支持，并提供专柜形象物料。",)),
    ("专卖店形象升级补贴", NewsKind.POLICY, (CH.FRANCHISE_STORE,),
     ("专卖店完成新形象装修可申请装修补贴，最高 5 万元。",
      "申请材料通过客户经理提交，审批通过后以费用形式入账。")),
    ("专营店样机政策说明", NewsKind.POLICY, (CH.SPECIALTY_STORE,),
     ("新品样机按出厂价 7 折结算，上市满 6 个月后可申请调换。",)),
    ("投诉处理时限承诺", NewsKind.POLICY, (),
     ("紧急问题 4 小时内响应，一般问题 24 小时内响应。",
      "门户中的投诉由您的客户经理负责跟进，处理进度实时可查。")),
    ("热水器以旧换新活动", NewsKind.PROMOTION_NOTICE, (),
     ("热水器以旧换新补贴 5%，活动期间全渠道适用。",)),
    ("卡萨帝高端套系上市", NewsKind.NEWS, (CH.MULTINATIONAL_CHAIN, CH.DEPARTMENT_STORE),
     ("卡萨帝冰洗空高端套系正式上市，首批样机将配送至重点门店。",)),
    ("物流配送时效提升", NewsKind.NEWS, (),
     ("新建的区域配送中心投入使用，省会城市 24 小时送达，地级市 48 小时送达。",)),
    ("618 年中大促（专卖店、专营店）", NewsKind.PROMOTION_NOTICE,
     (CH.FRANCHISE_STORE, CH.SPECIALTY_STORE),
     ("6 月 1 日至 30 日，专卖店与专营店享受额外 4% 让利。",)),
    ("信用额度调整说明", NewsKind.POLICY, (),
     ("信用额度每季度根据回款情况评估调整，逾期账款将影响可用额度。",)),
    ("导购培训计划", NewsKind.NEWS, (),
     ("各工贸公司将在下月组织新品导购培训，请门店报名。",)),
    ("区域连锁冰箱年末清仓", NewsKind.PROMOTION_NOTICE, (CH.LOCAL_CHAIN,),
     ("区域连锁渠道冰箱、冷柜年末库存调整，最高让利 10%。",)),
    ("售后服务网点扩展", NewsKind.NEWS, (),
     ("全国新增 300 个售后服务网点，顾客报修更快上门。",)),
    ("进销存数据上报要求", NewsKind.POLICY, (),
     ("请各门店每周上报进销存数据，可上传表格或通过接口对接。",
      "数据用于库存周转分析，帮助门店合理备货。")),
    ("双十一备货通知（草稿）", NewsKind.PROMOTION_NOTICE, (),
     ("待总部审批后发布。",)),
)  # fmt: skip


def seed_news(*, scale: str, rng: DemoRandom) -> dict[str, int]:
    """Write the demo news (the same ~20 items at every scale); answers counts by table.
    News that exists already is kept (nothing is added)."""
    if NewsItem.objects.exists():
        return {}
    tz = ZoneInfo(settings.TIME_ZONE)
    author = User.objects.filter(role=Role.HQ_ADMIN, is_active=True).order_by("username").first()
    start = AS_OF - timedelta(days=180)
    days = sorted(rng.date_between(start, AS_OF) for _ in NEWS)
    items = []
    for (title, kind, audience, paragraphs), day in zip(NEWS, days, strict=True):
        moment = datetime.combine(day, time(rng.between(9, 17), rng.choice((0, 15, 30, 45))), tz)
        items.append(
            NewsItem(
                title=title,
                body="\n\n".join(paragraphs),
                kind=kind,
                audience=sorted(str(a) for a in audience),
                published_at=not_after_now(moment),  # news of today is out already
                is_published="草稿" not in title,
                author=author,
            )
        )
    bulk_create_with_history(items, NewsItem, default_change_reason=HISTORY_REASON)
    return {"news": len(items)}
