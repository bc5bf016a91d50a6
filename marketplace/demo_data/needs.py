"""What the SMEs ask for: need templates filled with each firm's own traits.

A template's texts name ``{product}``, ``{equipment}``, ``{market}``, ``{tech}`` and ``{cert}`` (the
firm's traits, :mod:`marketplace.demo_data.organizations`), ``{name}`` and ``{city}``, and
``{amount}`` (the sum in 万元 or 元). :data:`WANTS` says which firm needs what, how much, and
by when.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NeedTemplate:
    subcategory: str
    title: str
    description: str
    tags: tuple[str, ...]
    money: str = "amount_cny"  # or budget_cny


# fmt: off
TEMPLATES: dict[str, NeedTemplate] = {
    "working_capital": NeedTemplate(
        "loan", "{market}订单增长，需要 {amount}流动资金",
        "{name}主营{product}，今年{market}的订单比去年增长约三成，需要提前采购备货，回款账期 90 天左右。希望获得 "
        "{amount}流动资金贷款，期限一年，可接受信用加保证的方式，必要时可用自有设备或厂房抵押。",
        ("流动资金", "备货", "订单增长")),
    "equipment_loan": NeedTemplate(
        "loan", "购置{equipment}，寻求 {amount}设备贷款",
        "为扩大产能、降低人工成本，计划购置{equipment}，设备投资约 {amount}。希望申请设备更新贷款，期限 3–5 年，"
        "最好能叠加设备更新贴息政策，可以所购设备抵押。",
        ("设备贷款", "技术改造", "扩产")),
    "leasing": NeedTemplate(
        "leasing", "{equipment}拟采用融资租赁",
        "计划新增{equipment}，总价约 {amount}，自有资金只够支付两成。希望采用直租或售后回租方式，租期 3 年左右，"
        "租金按月或按季支付。",
        ("融资租赁", "设备采购")),
    "equity": NeedTemplate(
        "equity", "{product}业务寻求 {amount}股权融资",
        "{name}的{product}已实现规模化销售，主要客户为{market}，收入连续两年增长超过 50%。计划出让 10%–15% 股权融资 "
        "{amount}，用于研发和扩产，希望引入有产业资源的投资机构。",
        ("股权融资", "扩产", "研发")),
    "guarantee": NeedTemplate(
        "guarantee", "缺少抵押物，寻求担保支持 {amount}银行贷款",
        "公司厂房为租赁，固定资产少，银行要求提供担保。希望融资担保机构为 {amount}流动资金贷款提供担保，担保费率"
        "希望不超过 1%，可以接受实际控制人反担保。",
        ("融资担保", "轻资产", "小微企业")),
    "supply_chain": NeedTemplate(
        "supply_chain", "{market}回款周期长，寻求应收账款融资",
        "对{market}的应收账款约 {amount}，账期 90–120 天，占用了大量营运资金。希望以应收账款质押、电子债权凭证贴现"
        "或保理方式提前回款。",
        ("应收账款", "供应链金融", "回款")),
    "ip_loan": NeedTemplate(
        "loan", "以发明专利质押融资 {amount}",
        "公司围绕{product}形成了多项发明专利，但缺少可抵押的固定资产。希望以专利质押获得 {amount}贷款，"
        "用于{tech}方面的研发投入。",
        ("知识产权质押", "专利", "研发投入")),
    "listing": NeedTemplate(
        "listing_support", "计划三年内上市，寻求上市辅导",
        "公司营业收入连续三年增长，已是省级专精特新中小企业，拟三年内申报北交所上市，计划募资约 {amount}。"
        "希望券商提供上市可行性评估、股改和规范治理辅导。",
        ("上市辅导", "北交所", "股改")),
    "insurance": NeedTemplate(
        "insurance", "出口赊销订单需要信用保险保障",
        "{market}的新客户要求 90 天赊销，单个客户授信约 {amount}，担心海外买家拖欠货款。希望投保出口信用保险，"
        "并了解保费补贴和保单融资。",
        ("出口信用保险", "赊销", "外贸")),
    "testing": NeedTemplate(
        "testing", "{product}需要第三方检测报告",
        "{product}即将批量供应{market}，客户要求提供第三方检测报告。希望有资质的检测机构安排检测并给出整改建议，"
        "报告需中英文版，两周内完成，预算 {amount}。",
        ("第三方检测", "出口", "检测报告"), "budget_cny"),
    "rnd": NeedTemplate(
        "rnd_cooperation", "寻求高校合作攻关：{tech}",
        "{name}在{tech}方面遇到瓶颈，自有研发团队难以突破。希望与高校或研究院合作，采用委托开发或共建实验室的方式，"
        "预算 {amount}，可联合申报产学研项目。",
        ("产学研", "联合研发", "技术攻关"), "budget_cny"),
    "patent": NeedTemplate(
        "patent_license", "寻找专利许可：{tech}",
        "希望引进与{tech}相关的成熟专利技术，普通许可或独占许可均可，许可方需提供技术指导和工艺调试，预算 {amount}。",
        ("专利许可", "技术引进"), "budget_cny"),
    "design": NeedTemplate(
        "industrial_design", "新一代{product}外观与结构设计",
        "计划推出面向{market}的新一代{product}，需要设计公司完成用户研究、外观和结构设计以及手板验证，"
        "三个月内定稿，预算 {amount}。",
        ("工业设计", "新品开发"), "budget_cny"),
    "tech_transfer": NeedTemplate(
        "tech_transfer", "引进成熟技术：{tech}",
        "{name}希望引进{tech}方面已在同行应用的成熟技术，请技术经纪机构帮助寻找技术来源并组织对接，预算 {amount}。",
        ("技术引进", "技术转移"), "budget_cny"),
    "skills": NeedTemplate(
        "skills", "一线员工设备操作与质检技能培训",
        "新购设备陆续投产，约 20 名一线员工需要设备操作、点检和质量检验方面的培训，希望在{city}或线上进行，"
        "能取得职业技能等级证书更好，预算 {amount}。",
        ("技能培训", "一线员工"), "budget_cny"),
    "management": NeedTemplate(
        "management", "中层管理者精益管理培训",
        "公司规模扩大后中层管理跟不上，希望为 15 名车间主任和班组长安排精益生产和现场管理培训，最好含标杆工厂参观，"
        "预算 {amount}。",
        ("管理培训", "精益生产"), "budget_cny"),
    "executive": NeedTemplate(
        "executive", "企业主参加数字化转型研修班",
        "企业主和两名副总希望系统学习数字化转型和资本运作，寻找高校或机构的研修班，可接受每月集中上课，预算 {amount}。",
        ("研修班", "企业家", "数字化转型"), "budget_cny"),
    "entrepreneurship": NeedTemplate(
        "entrepreneurship", "创始团队需要创业辅导",
        "公司成立不久，创始团队希望得到商业模式、融资和团队管理方面的辅导，最好能对接投资人，预算 {amount}。",
        ("创业辅导", "初创企业"), "budget_cny"),
    "trade_fair": NeedTemplate(
        "trade_fair", "寻找面向{market}的展会展位",
        "希望参加面向{market}的行业展会展示{product}，需要标准展位和参展补贴信息，预算 {amount}。",
        ("展会", "参展", "市场开拓"), "budget_cny"),
    "matchmaking": NeedTemplate(
        "matchmaking_event", "希望参加{market}的采购对接会",
        "{name}希望拓展{market}渠道，寻找能与采购负责人面对面洽谈的对接会，可以带样品参加，预算 {amount}。",
        ("采购对接", "渠道拓展"), "budget_cny"),
    "certification": NeedTemplate(
        "certification", "申请{cert}",
        "重点客户要求取得{cert}，希望认证机构提供差距分析、辅导和认证，半年内拿证，预算 {amount}。",
        ("认证", "客户要求"), "budget_cny"),
    "ip": NeedTemplate(
        "ip", "{product}的专利布局与商标注册",
        "新产品即将上市，希望代理机构做专利检索和布局，并在主要出口国注册商标，防止被仿冒，预算 {amount}。",
        ("知识产权", "专利布局", "商标"), "budget_cny"),
    "legal": NeedTemplate(
        "legal", "跨境贸易合同与合规法律服务",
        "出口业务增长较快，需要律师审查与{market}的合同，梳理出口合规风险，最好能担任常年法律顾问，预算 {amount}。",
        ("法律服务", "跨境合规", "合同审查"), "budget_cny"),
    "it": NeedTemplate(
        "it", "上线 MES 或仓储管理系统，实现数据透明",
        "目前靠纸质单据和 Excel 管理订单、生产和库存，交期和质量难追溯。希望上线轻量化 MES 或仓储管理系统并实现设备联网，"
        "预算 {amount}，希望能用数字化补贴或服务券抵扣。",
        ("MES", "数字化", "设备联网"), "budget_cny"),
    "tax_accounting": NeedTemplate(
        "tax_accounting", "研发费用归集与加计扣除申报",
        "今年研发投入明显增加，但财务人员对研发费用归集不熟悉。希望财税机构协助设置研发辅助账并完成加计扣除申报，"
        "预算 {amount}。",
        ("研发费用", "加计扣除", "财税"), "budget_cny"),
    "hr": NeedTemplate(
        "hr", "招聘 20 名一线员工和技术骨干",
        "订单增加需要扩招 20 名一线员工和技术骨干，希望人力资源机构在一个月内完成招聘，可以接受部分劳务派遣，"
        "预算 {amount}。",
        ("招聘", "技术工人"), "budget_cny"),
    "consulting": NeedTemplate(
        "consulting", "专精特新中小企业申报咨询",
        "公司在{product}细分领域有技术积累，希望咨询机构评估是否符合专精特新中小企业条件，并辅导准备申报材料，"
        "预算 {amount}。",
        ("专精特新", "申报咨询"), "budget_cny"),
    "subsidy": NeedTemplate(
        "subsidy", "了解技术改造和数字化补贴政策",
        "计划投入约 {amount}用于{equipment}和数字化改造，希望了解{city}和省里可以申报的补助、贴息政策及申报时间。",
        ("补贴政策", "技术改造", "数字化")),
    "tax_policy": NeedTemplate(
        "tax", "咨询高新技术企业和研发费用税收优惠",
        "公司研发投入占收入的 8% 以上，希望了解高新技术企业认定条件和研发费用加计扣除的享受方式，预计年研发投入 {amount}。",
        ("税收优惠", "高新技术企业")),
    "supply": NeedTemplate(
        "supply", "寻找龙头企业供应链合作，供应{product}",
        "{name}具备{product}的稳定量产能力，年供货能力约 {amount}，希望进入龙头企业的供应商名录，可配合验厂和送样。",
        ("供应链", "供应商入库", "大中小企业融通")),
    "gov_procurement": NeedTemplate(
        "government", "希望参与政府采购项目",
        "{name}的{product}适合公共机构采购，希望了解面向中小企业的政府采购预留份额项目和供应商注册流程，"
        "单个项目规模约 {amount}。",
        ("政府采购", "中小企业预留份额")),
    "factory": NeedTemplate(
        "factory", "扩产需要 2000 ㎡ 左右的标准厂房",
        "现有厂房已满负荷，计划在{city}或周边租用 2000 平方米左右的标准厂房，层高 8 米以上、可装行车，月租金预算 {amount}。",
        ("标准厂房", "扩产", "租赁"), "budget_cny"),
    "incubator": NeedTemplate(
        "incubator", "寻找有中试条件的孵化器场地",
        "团队需要 100 平方米左右、带公共实验室或中试条件的孵化器场地，希望享受租金减免和创业辅导，月租金预算 {amount}。",
        ("孵化器", "中试", "初创企业"), "budget_cny"),
}

# Which firm needs what: org key -> (template key, amount in 万元 for amount_cny templates or in
# 元 for budget_cny ones, needed by (days from today) or None).
WANTS: dict[str, tuple[tuple[str, int, int | None], ...]] = {
    "demo-sme-jinglian": (("certification", 60_000, 150),),
    "demo-sme-meichu": (("working_capital", 500, 60), ("design", 120_000, 90)),
    "demo-sme-yunfan": (("equity", 500, None),),
    "demo-sme-hengli": (("working_capital", 800, 45), ("supply", 5000, None)),
    "demo-sme-ruijie": (("equipment_loan", 600, 75), ("equity", 3000, None), ("certification", 30_000, 120)),
    "demo-sme-dengdu": (("working_capital", 300, 40), ("gov_procurement", 200, None), ("design", 80_000, 100)),
    "demo-sme-meiao": (("supply_chain", 1000, 50), ("rnd", 200_000, None), ("executive", 60_000, 120)),
    "demo-sme-dingsheng": (("leasing", 500, 60), ("patent", 250_000, None)),
    "demo-sme-lvyuan": (("guarantee", 300, 45), ("tech_transfer", 100_000, None)),
    "demo-sme-xinlian": (("equity", 3000, None), ("ip_loan", 1000, 90), ("testing", 50_000, 60)),
    "demo-sme-yuntu": (("equity", 1500, None), ("tax_policy", 300, None)),
    "demo-sme-haian": (("leasing", 2000, 120), ("certification", 80_000, 150)),
    "demo-sme-pengli": (("working_capital", 1000, 60), ("testing", 80_000, 45), ("insurance", 500, None),
                         ("listing", 15000, None)),
    "demo-sme-chenpi": (("working_capital", 150, 30), ("trade_fair", 15_000, 80), ("tax_accounting", 8_000, None)),
    "demo-sme-kaiping": (("equipment_loan", 400, 90), ("tech_transfer", 150_000, None)),
    "demo-sme-zhiqu": (("testing", 20_000, 40), ("ip", 30_000, None)),
    "demo-sme-fengxi": (("working_capital", 500, 50), ("insurance", 300, None), ("consulting", 20_000, 90)),
    "demo-sme-puning": (("equipment_loan", 800, 100), ("tech_transfer", 200_000, None)),
    "demo-sme-haiyu": (("working_capital", 600, 45), ("rnd", 150_000, None)),
    "demo-sme-juhong": (("guarantee", 100, 60), ("patent", 100_000, None), ("incubator", 5_000, None)),
    "demo-sme-gaoyao": (("working_capital", 200, 50), ("it", 80_000, None), ("skills", 12_000, None)),
    "demo-sme-yingde": (("equipment_loan", 120, 70), ("trade_fair", 10_000, 90)),
    "demo-sme-nanxiong": (("equipment_loan", 500, 80), ("certification", 40_000, None), ("subsidy", 500, None)),
    "demo-sme-kedu": (("leasing", 1500, 90), ("certification", 60_000, 150), ("management", 40_000, None)),
    "demo-sme-wanlv": (("working_capital", 300, 40), ("matchmaking", 5_000, None)),
    "demo-sme-daojian": (("supply_chain", 400, 60), ("trade_fair", 30_000, 100)),
    "demo-sme-hailufeng": (("working_capital", 50, 30), ("certification", 10_000, None)),
    "demo-sme-yunshi": (("equipment_loan", 300, 90), ("tech_transfer", 80_000, None)),
    "demo-sme-zhubao": (("ip", 50_000, None), ("legal", 30_000, None)),
    "demo-sme-xiandao": (("working_capital", 400, 50), ("rnd", 100_000, None), ("factory", 60_000, 90)),
    "demo-sme-changping": (("leasing", 600, 70), ("it", 100_000, None), ("hr", 20_000, 30)),
    "demo-sme-xiaoyi": (("supply_chain", 100, 30), ("ip", 10_000, None), ("entrepreneurship", 5_000, None)),
    "demo-sme-xiaolan": (("working_capital", 100, 40), ("hr", 15_000, 30), ("design", 30_000, None)),
}
# fmt: on

# Who sees each need (the records' ``visibility``). Most go to providers (the default: a need
# names its company and what it wants to borrow); what a firm wants anyone to answer (courses,
# fairs, space, supplier and procurement openings) is public; a few sensitive plans (a listing,
# equity rounds, R&D bottlenecks) are private: used for matching only.
PUBLIC_TEMPLATES = frozenset({
    "skills", "management", "executive", "entrepreneurship", "trade_fair", "matchmaking", "supply",
    "gov_procurement", "factory", "incubator",
})
PRIVATE_NEEDS = frozenset({
    ("demo-sme-pengli", "listing"), ("demo-sme-xinlian", "equity"), ("demo-sme-yuntu", "equity"),
    ("demo-sme-meiao", "rnd"), ("demo-sme-haiyu", "rnd"),
})


def visibility_of(org_key: str, template_key: str) -> str:
    """Who sees the need ``template_key`` of the firm ``org_key``."""
    if (org_key, template_key) in PRIVATE_NEEDS:
        return "private"
    return "public" if template_key in PUBLIC_TEMPLATES else "providers"
