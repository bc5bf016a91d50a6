"""A bilingual glossary of SME-service terms, for lexical matching across languages and for
needs that describe a problem rather than a product ("下游回款慢" → receivables financing).

Each group lists phrases that mean the same thing or point at the same service, in Chinese and
English. A text that contains any phrase of a group is matched as if it contained all of them.
These are domain facts about the service categories, not rules for particular records.
"""

from __future__ import annotations

GROUPS: tuple[tuple[str, ...], ...] = (
    # financing
    ("贷款", "信贷", "借款", "信用贷", "loan", "loans", "credit line", "bank credit"),
    ("流动资金", "资金周转", "周转资金", "周转", "现金流", "working capital", "cash flow", "liquidity"),
    ("应收账款", "回款", "账期", "保理", "供应链金融", "应收", "receivable", "receivables", "factoring", "supply chain finance", "invoice financing"),
    ("融资担保", "担保", "保证", "guarantee", "guarantor", "surety"),
    ("融资租赁", "售后回租", "直租", "设备租赁", "leasing", "lease", "sale-leaseback", "equipment finance"),
    ("股权融资", "股权投资", "天使投资", "风险投资", "创投", "融资轮", "equity", "investment", "investor", "venture capital", "angel", "vc"),
    ("上市", "挂牌", "ipo", "listing support", "stock exchange", "新三板", "北交所"),
    ("信用保险", "出口信用保险", "credit insurance", "export credit insurance", "保险"),
    ("抵押", "质押", "collateral", "mortgage", "pledge"),
    ("设备", "生产线", "机床", "equipment", "machinery", "production line"),
    ("债券", "bond", "bonds"),
    # technology
    ("专利", "知识产权", "发明专利", "专利许可", "patent", "patents", "intellectual property", "licence", "license", "licensing"),
    ("技术转移", "成果转化", "科技成果", "技术转让", "technology transfer", "tech transfer", "commercialisation", "commercialization"),
    ("检测", "检验", "测试", "认证", "检测认证", "testing", "inspection", "certification", "test", "emc", "ce", "fcc"),
    ("工业设计", "产品设计", "外观设计", "industrial design", "product design"),
    ("研发", "产学研", "联合研发", "合作研发", "r&d", "research", "joint development", "research and development"),
    # training
    ("培训", "课程", "训练营", "研修", "training", "course", "courses", "workshop", "bootcamp"),
    ("管理", "经营管理", "企业管理", "management", "leadership"),
    ("总裁班", "高管", "executive", "emba", "ceo"),
    ("创业", "初创", "创业者", "entrepreneurship", "startup", "start-up", "founder"),
    # exhibitions and events
    ("展会", "博览会", "交易会", "展览", "展位", "参展", "trade fair", "fair", "exhibition", "expo", "booth", "exhibitor"),
    ("路演", "roadshow", "pitch", "demo day"),
    ("对接会", "洽谈会", "撮合", "matchmaking", "b2b meetings", "business matching"),
    # professional services
    ("法律", "律师", "法务", "合同", "诉讼", "维权", "legal", "lawyer", "law firm", "contract", "litigation"),
    ("商标", "品牌保护", "侵权", "仿冒", "trademark", "brand protection", "infringement", "counterfeit"),
    ("税务", "财税", "记账", "会计", "审计", "tax", "accounting", "bookkeeping", "audit"),
    ("数字化", "信息化", "数字化转型", "erp", "mes", "saas", "上云", "digital", "digitalisation", "digitalization", "digital transformation", "it", "software"),
    ("人力资源", "招聘", "用工", "社保", "hr", "human resources", "recruitment", "hiring", "payroll"),
    ("咨询", "顾问", "consulting", "consultant", "advisory"),
    ("跨境电商", "外贸", "出口", "海外市场", "cross-border", "e-commerce", "export", "exports", "overseas", "foreign trade", "amazon"),
    # policy
    ("补贴", "补助", "资助", "奖励", "专项资金", "扶持资金", "subsidy", "subsidies", "grant", "grants", "funding"),
    ("税收优惠", "减税", "加计扣除", "免税", "退税", "tax incentive", "tax relief", "tax credit", "tax refund"),
    ("减免", "降费", "费用减免", "fee reduction", "fee waiver"),
    ("专精特新", "小巨人", "高新技术企业", "高企", "specialised and sophisticated", "high-tech enterprise"),
    # procurement
    ("采购", "招标", "投标", "政府采购", "供应商", "procurement", "tender", "bidding", "purchasing", "supplier"),
    # space
    ("厂房", "标准厂房", "车间", "仓库", "factory", "plant", "workshop space", "warehouse"),
    ("孵化器", "众创空间", "加速器", "incubator", "accelerator", "maker space"),
    ("办公", "工位", "联合办公", "写字楼", "office", "coworking", "co-working", "desk"),
)


def _index() -> dict[str, int]:
    index: dict[str, int] = {}
    for number, group in enumerate(GROUPS):
        for phrase in group:
            index.setdefault(phrase.lower(), number)
    return index


PHRASE_GROUP = _index()
