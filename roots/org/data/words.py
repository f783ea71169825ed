"""Word pools for realistic demo data: names of people, companies, roads and profiles.

Tuples, never sets, so that a seeded random choice picks the same word on every run. Most
pools are written as space-separated words to keep the tables compact.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# The commonest Chinese surnames as surname:pinyin:relative frequency.
SURNAMES: tuple[tuple[str, str, int], ...] = tuple(
    (surname, pinyin, int(weight))
    for surname, pinyin, weight in (
        item.split(":")
        for item in _words(
            "王:Wang:72 李:Li:71 张:Zhang:68 刘:Liu:55 陈:Chen:46 杨:Yang:32 黄:Huang:25 "
            "赵:Zhao:22 吴:Wu:21 周:Zhou:21 徐:Xu:14 孙:Sun:13 马:Ma:13 朱:Zhu:12 胡:Hu:11 "
            "郭:Guo:11 何:He:10 高:Gao:10 林:Lin:10 罗:Luo:9 郑:Zheng:9 梁:Liang:8 谢:Xie:7 "
            "宋:Song:7 唐:Tang:7 许:Xu:6 韩:Han:6 冯:Feng:6 邓:Deng:6 曹:Cao:6 彭:Peng:5 "
            "曾:Zeng:5 肖:Xiao:5 田:Tian:5 董:Dong:5 袁:Yuan:5 潘:Pan:4 于:Yu:4 蒋:Jiang:4 "
            "蔡:Cai:4 余:Yu:4 杜:Du:4 叶:Ye:4 程:Cheng:4 苏:Su:3 魏:Wei:3 吕:Lü:3 丁:Ding:3 "
            "任:Ren:3 沈:Shen:3 姚:Yao:3 卢:Lu:3 姜:Jiang:3 崔:Cui:3 钟:Zhong:3 谭:Tan:3 陆:Lu:3 "
            "汪:Wang:3 范:Fan:3 金:Jin:3 石:Shi:3 廖:Liao:3 贾:Jia:2 夏:Xia:2 韦:Wei:2 付:Fu:2 "
            "方:Fang:2 白:Bai:2 邹:Zou:2 孟:Meng:2 熊:Xiong:2 秦:Qin:2 邱:Qiu:2 江:Jiang:2 "
            "尹:Yin:2 薛:Xue:2 闫:Yan:2 段:Duan:2 雷:Lei:2 侯:Hou:2 龙:Long:2 史:Shi:2 陶:Tao:2 "
            "黎:Li:2 贺:He:2 顾:Gu:2 毛:Mao:2 郝:Hao:2 龚:Gong:1 邵:Shao:1 万:Wan:1 钱:Qian:1 "
            "严:Yan:1 覃:Qin:1 武:Wu:1 戴:Dai:1 莫:Mo:1 孔:Kong:1 向:Xiang:1 汤:Tang:1 "
            "欧阳:Ouyang:1 司马:Sima:1 上官:Shangguan:1 诸葛:Zhuge:1"
        )
    )
)

# Given names, by gender: single characters and common two-character names.
GIVEN_MALE: tuple[str, ...] = _words(
    "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宁 凯 峰 亮 健 彬 建国 建华 志强 海涛 "
    "晓东 国庆 立新 文博 子轩 浩然 宇航 俊杰 志刚 永刚 明辉 海波 建军 卫东 振华 德明 国栋 宏伟 "
    "春雷 晓峰 天宇 博文 家豪 一鸣 泽宇 思远"
)
GIVEN_FEMALE: tuple[str, ...] = _words(
    "芳 娜 敏 静 丽 艳 娟 霞 燕 玲 婷 雪 慧 红 洁 倩 莉 萍 琳 颖 晓燕 丽娟 雅琴 秀英 桂英 玉兰 "
    "欣怡 梓涵 诗琪 思雨 海燕 春梅 丽华 晓红 美玲 雅婷 佳怡 雨欣 婉清 若曦 淑珍 红梅 文静 晓丽 "
    "凤英 金凤 嘉欣 心怡"
)

# Trade names (字号) of local companies.
TRADE_WORDS: tuple[str, ...] = _words(
    "华通 恒信 鑫源 宏达 顺达 永盛 百佳 万家 汇通 众诚 泰和 瑞丰 嘉禾 兴隆 福源 天润 金源 佳美 "
    "和美 诚信 信达 隆昌 昌盛 盛达 宏远 东方 金叶 银河 星光 阳光 海纳 海润 富源 丰华 华美 中天 "
    "鸿运 运通 达利 利民 民生 安家 家和 和顺 聚丰 德润 正泰 新业 广源 永信 金诚 亿家 惠民 乐家 "
    "美满 天成 启航 远大 锦程 博达 新天地 百姓 大众 鼎盛 九州 万通 恒达 汇丰源 金桥 德众"
)

# Trade names of local retail chains (地方连锁).
CHAIN_WORDS: tuple[str, ...] = _words(
    "华联 三联 百大 万佳 新一佳 家乐购 惠多 大润家 好又多 佳惠 百姓家电 易家 乐购家 汇银 宏图 "
    "永盛 众合 家福 万和 福满家"
)

# Department-store brands (百货) and their English names.
DEPARTMENT_BRANDS: tuple[tuple[str, str], ...] = (
    ("王府井百货", "Wangfujing Department Store"),
    ("银泰百货", "Intime Department Store"),
    ("新世界百货", "New World Department Store"),
    ("百盛", "Parkson"),
    ("大商", "Dashang"),
    ("天虹", "Rainbow Department Store"),
    ("万达百货", "Wanda Department Store"),
    ("金鹰购物中心", "Golden Eagle"),
    ("茂业百货", "Maoye Department Store"),
    ("友谊商城", "Friendship Store"),
    ("华润万象汇", "CR Mixc"),
    ("太平洋百货", "Pacific Department Store"),
)

# National and multinational chains: (brand, English, company pattern, outlet format,
# official website, provinces where the chain is, empty = everywhere).
ChainRow = tuple[str, str, str, str, str, tuple[str, ...]]
MULTINATIONAL_CHAINS: tuple[ChainRow, ...] = (
    ("国美电器", "GOME", "{city}国美电器有限公司", "store_in_store", "https://www.gome.com.cn", ()),
    (
        "苏宁易购",
        "Suning.com",
        "苏宁易购集团股份有限公司{city}分公司",
        "store_in_store",
        "https://www.suning.com",
        (),
    ),
    (
        "五星电器",
        "Five Star Appliance",
        "江苏五星电器有限公司{city}分公司",
        "store_in_store",
        "https://www.five-star.cn",
        ("320000", "330000", "340000"),
    ),
    (
        "百思买",
        "Best Buy",
        "百思买（{city}）商贸有限公司",
        "flagship",
        "https://www.bestbuy.com",
        ("310000", "320000", "330000", "110000"),
    ),
    (
        "家乐福",
        "Carrefour",
        "{city}家乐福商业有限公司",
        "hypermarket",
        "https://www.carrefour.com.cn",
        (),
    ),
    (
        "沃尔玛",
        "Walmart",
        "沃尔玛（{city}）百货有限公司",
        "hypermarket",
        "https://www.walmart.cn",
        (),
    ),
    (
        "麦德龙",
        "Metro",
        "麦德龙商业集团有限公司{city}商场",
        "hypermarket",
        "https://www.metro.com.cn",
        (),
    ),
    (
        "欧尚",
        "Auchan",
        "欧尚（{city}）超市有限公司",
        "hypermarket",
        "https://www.auchan.com.cn",
        (),
    ),
    (
        "永旺",
        "AEON",
        "永旺（{city}）商业有限公司",
        "hypermarket",
        "https://www.aeon.com.cn",
        ("110000", "120000", "370000", "440000", "320000"),
    ),
    (
        "山姆会员商店",
        "Sam's Club",
        "山姆会员商店（{city}）有限公司",
        "hypermarket",
        "https://www.samsclub.cn",
        (),
    ),
)

ROADS: tuple[str, ...] = _words(
    "人民路 解放路 中山路 建设路 和平路 胜利路 新华路 长江路 黄河路 五一路 文化路 青年路 朝阳路 "
    "光明路 友谊路 幸福路 迎宾大道 滨河路 南京路 北京路 东风路 健康路 红旗路 工业路 学府路 "
    "世纪大道 花园路 府前街 新城大道 金融街 商业街 体育路 车站路 延安路 淮河路 泰山路"
)

# Famous shopping streets by city, used now and then for a flagship address.
SHOPPING_STREETS: dict[str, tuple[str, ...]] = {
    "北京": ("王府井大街", "西单北大街", "建国路", "中关村大街"),
    "上海": ("南京东路", "淮海中路", "徐家汇路", "陆家嘴环路"),
    "青岛": ("香港中路", "台东三路", "辽阳西路", "山东路"),
    "广州": ("天河路", "北京路", "上下九路", "中山五路"),
    "深圳": ("深南大道", "东门中路", "华强北路", "福华三路"),
    "成都": ("春熙路", "红星路", "盐市口顺城大街"),
    "武汉": ("江汉路", "中山大道", "解放大道"),
    "南京": ("新街口中山路", "湖南路", "中央路"),
    "杭州": ("延安路", "武林路", "解放路"),
    "济南": ("泉城路", "经四路", "泺源大街"),
}

MALL_WORDS: tuple[str, ...] = ("购物广场", "商业中心", "购物中心", "商厦", "广场")

CONTACT_TITLES: tuple[tuple[str, str, bool], ...] = (
    # (title, department, decision maker)
    ("总经理", "总经办", True),
    ("董事长", "总经办", True),
    ("副总经理", "总经办", True),
    ("采购总监", "采购部", True),
    ("采购经理", "采购部", False),
    ("家电部经理", "家电事业部", False),
    ("品类经理", "商品部", False),
    ("店长", "门店", False),
    ("财务经理", "财务部", False),
    ("营运总监", "营运部", True),
    ("市场部经理", "市场部", False),
    ("售后服务主管", "售后服务部", False),
)

EDUCATION: tuple[str, ...] = _words("高中 中专 大专 本科 本科 本科 硕士 MBA")
PERSONALITY: tuple[str, ...] = _words(
    "性格开朗，健谈 稳重细致，重数据 雷厉风行，决策快 为人低调，重信誉 注重细节，要求严格 "
    "热情好客 谨慎保守，重风险 务实，喜欢直来直去"
)
HOBBIES: tuple[str, ...] = _words(
    "钓鱼 羽毛球 书法 茶道 高尔夫 摄影 登山 象棋 乒乓球 游泳 跑步 收藏紫砂壶 听京剧 旅游 篮球 "
    "读书 骑行 太极拳"
)
PREFERENCES: tuple[str, ...] = _words(
    "喜欢喝铁观音 爱喝普洱茶 爱吃海鲜 偏爱川菜 喜欢喝咖啡 不喝酒 喜欢红酒 爱吃面食 口味清淡 "
    "喜欢鲁菜"
)
TABOOS: tuple[str, ...] = _words(
    "不吃辣 不抽烟，忌二手烟 不吃羊肉 不喜欢应酬到深夜 忌讳迟到 不吃海鲜"
)
FAMILY: tuple[str, ...] = _words(
    "已婚，育有一子 已婚，育有一女 已婚，育有一子一女 已婚，孩子在读大学 已婚，孩子刚上小学 未婚 "
    "已婚，与父母同住"
)

HAIER_BRANDS = ("海尔", "卡萨帝", "统帅")
COMPETITOR_BRANDS: tuple[str, ...] = _words(
    "美的 格力 海信 容声 西门子 松下 小天鹅 奥克斯 TCL 长虹 创维 三星 LG 博世 惠而浦 方太 老板 "
    "志高 美菱 康佳"
)
COMPETING_RETAILERS: tuple[str, ...] = _words(
    "国美电器 苏宁易购 京东家电专卖店 天猫优品 五星电器 本地个体家电店 美的专卖店 格力专卖店"
)

PAYMENT_TERMS: dict[str, tuple[str, ...]] = {
    "multinational_chain": ("月结60天", "月结90天", "票到60天付款"),
    "local_chain": ("月结30天", "月结45天", "承兑汇票90天"),
    "department_store": ("月结30天", "月结60天", "扣点结算，月结"),
    "franchise_store": ("款到发货", "预付30%，余款月结", "款到发货，年底返利"),
    "specialty_store": ("款到发货", "现款现货", "预付50%，余款15天"),
}

# Supplied categories as category:word used in the supplier's company name.
SUPPLIER_CATEGORIES: tuple[tuple[str, str], ...] = tuple(
    (category, word)
    for category, word in (
        item.split(":")
        for item in _words(
            "压缩机:压缩机 电机:电机 钣金件:金属制品 注塑件:塑胶制品 包装材料:包装 线束:电线电缆 "
            "电子元器件:电子 玻璃:玻璃 钢材:钢铁贸易 塑料粒子:新材料 制冷剂:化工 阀门:阀门 "
            "泡沫:泡沫塑料 印刷电路板:电路科技 显示屏:显示科技 模具:模具 紧固件:标准件 "
            "橡胶件:橡胶 铜管:铜业 保温材料:保温材料 温控器:自动化 洗涤电机:机电 门封条:密封件 "
            "蒸发器:换热器"
        )
    )
)
