"""Invented Chinese news text in the seed format, for the benchmark's data.

The seed corpus (``Rock-Candy-Tea--RSSHUB-PAGE``) is financial and tech news
from RSS feeds: a bold dateline ``《财联社》6月19日讯（记者 某某）``, short
paragraphs, ``<strong>`` runs, images hotlinked with
``referrerpolicy="no-referrer"``, bold one-line subheads, everything wrapped in
``<div>``. Everything here is made up (companies, people, figures); only the
shape is the seed's. A ``random.Random`` drives every choice, so a given seed
gives the same text every time.
"""

import datetime as dt

# Sections › desks › sub-feeds: 4 × 5 × 4, the seed's three levels.
SECTIONS = {
    "金融": (["财联社", "证券时报网", "新浪财经", "华尔街见闻", "第一财经"], ["深度", "电报", "公司", "市场"]),
    "科技": (["36kr", "IT 之家", "钛媒体", "极客公园", "雷锋网"], ["快讯", "深度", "产品", "评测"]),
    "产经": (["本站", "界面新闻", "每日经济新闻", "21世纪经济报道", "经济观察网"], ["公司", "消费", "汽车", "能源"]),
    "宏观": (["财联社", "新华财经", "中国证券报", "澎湃新闻", "央视财经"], ["政策", "数据", "国际", "评论"]),
}
# How much of the site each section is (the list pages' sizes differ).
SECTION_WEIGHTS = {"金融": 35, "科技": 25, "产经": 25, "宏观": 15}
# What each section writes about (keys of TOPICS).
SECTION_TOPICS = {
    "金融": ["markets", "banks", "chips"],
    "科技": ["chips", "ai", "internet"],
    "产经": ["autos", "energy", "consumer"],
    "宏观": ["macro", "trade", "banks"],
}

# Per topic: title subjects, title predicates, body sentences. Only "chips"
# says 芯片, so a search for it matches a realistic share of the articles.
# fmt: off
TOPICS = {
    "chips": (
        ["国产芯片", "晶圆代工厂", "半导体设备", "存储芯片", "车规级芯片", "先进封装", "光刻胶", "芯片设计公司"],
        ["扩产提速", "订单回暖", "迎来涨价潮", "国产化率提升", "加码研发投入", "库存见底", "出货量创新高",
         "遭遇产能瓶颈"],
        [
            "国内晶圆厂扩产节奏明显加快，半导体设备的国产化进程也随之提速。",
            "多位业内人士表示，刻蚀和薄膜沉积两类设备已率先进入规模化验证阶段。",
            "存储芯片价格连续三个季度上涨，模组厂商的库存压力明显缓解。",
            "一家芯片设计公司的负责人坦言，流片成本上升正在挤压中小企业的利润空间。",
            "人工智能芯片带动的先进封装需求，正在为本土厂商打开新的窗口。",
            "车规级芯片的认证周期通常长达两年，只有少数企业能够稳定供货。",
            "据某券商测算，今年上半年国产设备在主要晶圆厂招标中的占比已接近三成。",
            "光刻、量测检测等环节的国产化仍处于起步阶段，核心零部件依赖进口。",
            "业内普遍认为，芯片制造是一个高度协同的系统工程，单点突破并不意味着整体自主。",
            "多家机构预计，未来三年国内半导体设备市场规模仍将保持两位数增长。",
        ],
    ),
    "ai": (
        ["大模型公司", "算力租赁", "智能体应用", "开源模型", "人工智能创业公司", "多模态模型", "推理服务商"],
        ["商业化加速", "融资升温", "价格战打响", "用户数翻倍", "发布新一代产品", "落地金融场景", "加速出海"],
        [
            "大模型的推理成本在一年内下降了约九成，应用层公司迎来密集的产品发布期。",
            "算力租赁需求旺盛，部分数据中心的机柜已被预订到明年下半年。",
            "一位投资人表示，今年的人工智能项目更看重收入质量，而不是用户规模。",
            "开源模型的能力快速追赶，闭源厂商开始在服务和生态上寻找差异。",
            "智能体应用在客服、编程和办公场景中率先落地，付费转化率逐步提升。",
            "多家云厂商宣布下调模型调用价格，行业价格战进一步升级。",
            "监管部门发布生成式人工智能服务的备案新规，明确了数据安全要求。",
            "业内人士指出，高质量的中文语料仍然是训练模型的稀缺资源。",
        ],
    ),
    "internet": (
        ["电商平台", "短视频平台", "本地生活服务", "云计算厂商", "游戏公司", "在线旅游平台", "社交应用"],
        ["调整组织架构", "发布三季报", "降本增效见成效", "上线新功能", "加码海外市场", "用户增长放缓", "回购股份"],
        [
            "随着营收增速放缓，互联网大厂纷纷调整战略，把降本增效作为主要目标。",
            "云计算厂商不再以牺牲利润换取营收，盈利成为考核业务的重要指标。",
            "平台方面表示，将继续加大对中小商家的流量扶持力度。",
            "短视频平台的电商业务增速依然可观，但获客成本持续攀升。",
            "多名员工向记者透露，公司内部正在推进新一轮的业务整合。",
            "分析人士认为，出海已成为互联网公司寻找第二增长曲线的重要方向。",
            "在线旅游平台的酒店预订量同比增长约两成，出境游恢复明显。",
            "游戏版号发放保持常态化，行业信心逐步回暖。",
        ],
    ),
    "markets": (
        ["三大指数", "北向资金", "科创板", "券商板块", "人民币汇率", "国债期货", "港股市场", "新股申购"],
        ["集体收涨", "震荡整理", "成交额破万亿", "大幅净流入", "创年内新高", "午后跳水", "迎来开门红", "获机构看好"],
        [
            "沪指全天震荡走高，两市成交额较上一交易日明显放大。",
            "盘面上，券商、保险等大金融板块集体走强，资源股表现疲软。",
            "北向资金全天净买入超过五十亿元，连续第三个交易日净流入。",
            "有分析师指出，当前市场估值处于历史较低水平，中长期配置价值凸显。",
            "某私募基金经理表示，短期内市场仍将以结构性行情为主。",
            "人民币兑美元汇率小幅走强，离岸市场交投活跃。",
            "新股申购热度不减，多只新股上市首日涨幅超过一倍。",
            "截至收盘，上证指数报三千二百点附近，深证成指和创业板指同步上涨。",
        ],
    ),
    "banks": (
        ["国有大行", "城商行", "理财子公司", "保险资管", "消费金融公司", "信托行业", "公募基金"],
        ["下调存款利率", "净息差承压", "不良率下降", "发行永续债", "规模回升", "迎来新规", "加大信贷投放"],
        [
            "多家银行宣布下调定期存款利率，部分期限降幅达到二十个基点。",
            "在净息差持续收窄的背景下，银行正在加快发展中间业务。",
            "理财产品规模在经历调整后企稳回升，现金管理类产品占比下降。",
            "监管部门要求金融机构加大对小微企业和制造业的信贷支持。",
            "某城商行相关负责人表示，将进一步压降高风险资产的规模。",
            "保险资金对权益资产的配置比例有所提高，长期资金入市步伐加快。",
            "业内人士认为，利率下行周期中，银行的资产质量总体保持稳定。",
        ],
    ),
    "autos": (
        ["新能源车企", "动力电池", "智能驾驶", "充电桩运营商", "合资品牌", "二手车市场", "汽车零部件"],
        ["扎堆出海", "价格企稳", "销量创新高", "开启降价", "加速整合", "发布新车型", "订单排到明年"],
        [
            "新能源汽车渗透率持续提升，上月零售销量同比增长约四成。",
            "动力电池原材料价格企稳，电池厂商的毛利率有所修复。",
            "多家车企宣布在东南亚和欧洲建设工厂，海外销量快速增长。",
            "城市领航辅助驾驶功能陆续开放，用户付费意愿仍待观察。",
            "经销商反映，价格战导致单车利润明显下滑，部分门店面临亏损。",
            "充电基础设施建设提速，高速公路服务区的快充覆盖率大幅提高。",
            "汽车零部件企业积极切入新能源供应链，订单结构发生明显变化。",
        ],
    ),
    "energy": (
        ["光伏组件", "风电整机厂商", "储能项目", "煤炭企业", "氢能产业", "电网投资", "油气公司"],
        ["盈利修复", "装机量大增", "招标规模扩大", "价格触底", "签下大单", "产能出清", "迎来政策利好"],
        [
            "今年以来全国新增光伏装机规模再创新高，组件价格则持续下行。",
            "风电整机厂商的毛利率在连续下滑后出现修复迹象。",
            "新型储能项目的招标规模快速扩大，但收益模式仍不清晰。",
            "能源主管部门表示，将加快推进跨省跨区输电通道建设。",
            "业内人士指出，行业正在经历一轮产能出清，头部企业的优势进一步扩大。",
            "迎峰度夏期间，多地用电负荷创历史新高，电力供应总体平稳。",
            "氢能产业的示范项目陆续落地，制氢成本有望继续下降。",
        ],
    ),
    "consumer": (
        ["双十一", "白酒行业", "餐饮连锁", "免税零售", "国货美妆", "家电企业", "咖啡品牌"],
        ["消费观察", "销售额增长", "门店加速扩张", "迎来复苏", "库存承压", "推出新品", "布局下沉市场"],
        [
            "今年的购物节预售期明显拉长，平台的优惠规则也更加简单直接。",
            "消费者更加看重性价比，平价品牌的销量增速明显快于高端品牌。",
            "餐饮连锁企业加快开店步伐，加盟模式成为扩张的主要方式。",
            "有券商研究员认为，消费复苏的节奏仍将呈现温和回升的态势。",
            "家电以旧换新政策带动相关品类销售额同比增长约三成。",
            "国货美妆品牌借助直播渠道快速成长，但营销费用居高不下。",
            "白酒企业的渠道库存仍处于消化阶段，批发价格有所松动。",
        ],
    ),
    "macro": (
        ["央行", "统计局", "财政部", "制造业采购经理指数", "居民消费价格", "社会融资规模", "专项债"],
        ["货币政策展望", "发布最新数据", "释放稳增长信号", "超出市场预期", "保持合理增长", "加快发行", "继续回升"],
        [
            "统计局数据显示，上月规模以上工业增加值同比增长约百分之五。",
            "央行表示，将继续实施稳健的货币政策，保持流动性合理充裕。",
            "制造业采购经理指数连续两个月位于荣枯线以上，经济景气水平回升。",
            "财政部门要求加快专项债券的发行和使用进度，尽快形成实物工作量。",
            "多位经济学家预计，全年经济增长目标有望顺利实现。",
            "居民消费价格指数温和上涨，核心通胀保持稳定。",
            "社会融资规模增量好于预期，企业中长期贷款明显增加。",
        ],
    ),
    "trade": (
        ["外贸企业", "跨境电商", "集装箱运价", "出口订单", "港口吞吐量", "自贸试验区", "中欧班列"],
        ["回暖明显", "运价上涨", "开拓新兴市场", "保持增长", "迎来旺季", "扩大开放", "开行量创新高"],
        [
            "海关总署数据显示，前十个月我国货物贸易进出口总值同比增长。",
            "跨境电商企业积极布局海外仓，物流时效明显提升。",
            "集装箱运价在旺季来临前出现上涨，部分航线舱位紧张。",
            "外贸企业负责人表示，新兴市场的订单增长弥补了传统市场的下滑。",
            "沿海主要港口的集装箱吞吐量保持增长，航运市场景气回升。",
            "自贸试验区推出一批制度创新成果，进一步便利企业跨境投资。",
        ],
    ),
}

# Sentences any story may use: connective tissue between topic sentences.
GENERIC_SENTENCES = [
    "记者了解到，相关方面正在抓紧研究具体的落实措施。",
    "对此，多位受访人士表达了谨慎乐观的态度。",
    "值得注意的是，这一变化在过去几个月里已经有所显现。",
    "一位不愿具名的业内人士告诉记者，行业内的分化还将继续。",
    "从长期看，行业的基本面没有发生根本变化。",
    "公司方面表示，将根据市场情况适时调整经营策略。",
    "有分析人士提醒，投资者应注意短期波动带来的风险。",
    "截至发稿，相关公司尚未对此作出公开回应。",
    "“今年的情况和往年不太一样。”一位从业十多年的人士感慨道。",
    "数据显示，相关指标已连续多个月保持增长。",
]

# Bold one-line subheads (the seed writes them as <p><strong>…</strong></p>).
SUBHEADS = [
    "从“能用”到“好用”", "短板仍在", "以规模换增长的时代过去了", "加强自研正在成为破局点",
    "新的增长点在哪里", "分化加剧", "政策持续加码", "机构怎么看", "下一步怎么走", "成本压力仍存",
]  # fmt: skip

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN_NAMES = [
    "岚", "心怡", "伟", "静", "晓东", "敏", "磊", "芳", "洋", "婷", "强", "颖", "军", "佳", "涛", "琳",
    "鹏", "雪", "超", "倩", "浩然", "子涵", "一鸣", "若曦", "思远", "雨桐", "建国", "海燕", "志强", "晨",
    "博文", "欣然", "天宇", "梦瑶", "俊杰", "诗琪", "明轩", "嘉怡", "宇航", "晓彤",
]  # fmt: skip

# Tags: a few hundred subjects of financial news, used with a long tail.
TAG_WORDS = [
    "芯片", "人工智能", "新能源", "半导体", "大模型", "光伏", "储能", "锂电池", "新能源汽车", "智能驾驶",
    "云计算", "数据中心", "算力", "消费电子", "5G", "物联网", "机器人", "低空经济", "商业航天", "生物医药",
    "创新药", "医疗器械", "白酒", "消费", "房地产", "银行", "保险", "券商", "基金", "理财",
    "A股", "港股", "美股", "科创板", "北交所", "IPO", "并购重组", "分红", "回购", "减持",
    "央行", "降准", "降息", "LPR", "人民币", "汇率", "外贸", "出口", "关税", "跨境电商",
    "CPI", "PPI", "PMI", "GDP", "社融", "专项债", "地方债", "财政政策", "货币政策", "稳增长",
    "电商", "直播带货", "短视频", "游戏", "元宇宙", "区块链", "数字人民币", "金融科技", "支付", "网络安全",
    "黄金", "原油", "煤炭", "钢铁", "有色金属", "稀土", "化工", "农业", "猪肉", "粮食",
    "航运", "港口", "物流", "快递", "航空", "旅游", "酒店", "餐饮", "零售", "家电",
    "手机", "苹果", "华为", "小米", "特斯拉", "比亚迪", "宁德时代", "英伟达", "台积电", "阿里巴巴",
]  # fmt: skip
TAG_SUFFIXES = ["", "产业链", "政策", "概念股", "出海"]

# fmt: on

IMAGE_HOSTS = ["https://img.example-news.cn/images", "https://pic.example-media.cn/upload"]


def tag_names(count):
    """``count`` distinct tag names, the plain subjects first."""
    names = []
    for suffix in TAG_SUFFIXES:
        for word in TAG_WORDS:
            names.append(word + suffix)
            if len(names) == count:
                return names
    raise ValueError(f"only {len(names)} tag names available")


def person_names(rng, count):
    """``count`` distinct invented Chinese names."""
    names, seen = [], set()
    while len(names) < count:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def image_url(rng, when):
    return f"{rng.choice(IMAGE_HOSTS)}/{when:%Y%m%d}/{rng.randrange(16**10):010x}.jpg"


def title(rng, topic):
    subjects, predicates, sentences = TOPICS[topic]
    text = rng.choice(subjects) + rng.choice(predicates)
    if rng.random() < 0.4:
        text += "：" + rng.choice(sentences).rstrip("。").split("，")[0]
    return text


def body_html(rng, topic, *, desk, reporter, when, first_image=None):
    """One raw seed-format body (before sanitising): ``<div>``-wrapped HTML.

    Every body has at least one image (``first_image`` when given: the seed
    uses the first image as the post's ``headimg``), ``referrerpolicy`` and all.
    """
    own = TOPICS[topic][2]

    def sentence():
        return rng.choice(GENERIC_SENTENCES) if rng.random() < 0.25 else rng.choice(own)

    def paragraph(count):
        parts = []
        for _ in range(count):
            text = sentence()
            if rng.random() < 0.15:
                text = f"<strong>{text}</strong>"
            parts.append(text)
        return "".join(parts)

    def image(url=None):
        return f'<p><img src="{url or image_url(rng, when)}" alt="image" referrerpolicy="no-referrer"></p>'

    lines = [f"<p><strong>{desk} {when.month}月{when.day}日讯（记者 {reporter}）</strong>{paragraph(2)}</p>"]
    first_at = rng.randint(1, 3)
    for index in range(1, rng.randint(7, 17)):
        roll = rng.random()
        if index == first_at:
            lines.append(image(first_image))
        elif roll < 0.12:
            lines.append(f"<p><strong>{rng.choice(SUBHEADS)}</strong></p>")
        elif roll < 0.2:
            lines.append(image())
        lines.append(f"<p>{paragraph(rng.randint(1, 4))}</p>")
    inner = "\n".join(lines)
    return f'<div>   \n<div class="m-b-10">{inner}\n</div>\n</div>\n            '


def seed_post(rng, topic, *, path, desk, reporter, when, tags=()):
    """The text of one Hexo post exactly as the seed's generator writes it.

    A blank first line, 1-space list indent, RFC 2822 date, ``headimg`` and
    ``thumbnail`` from the first image, and no final newline.
    """
    head = image_url(rng, when)
    lines = ["", "---", f"title: '{title(rng, topic)}'", "categories: "]
    lines += [f" - {part}" for part in path]
    lines += [f"headimg: '{head}'", f"author: {desk}", "comments: false"]
    lines.append(f"date: {when.astimezone(dt.UTC):%a, %d %b %Y %H:%M:%S} GMT")
    lines.append(f"thumbnail: '{head}'")
    if tags:
        lines.append("tags:")
        lines += [f" - {tag}" for tag in tags]
    lines += ["---", "", body_html(rng, topic, desk=desk, reporter=reporter, when=when, first_image=head)]
    return "\n".join(lines)
