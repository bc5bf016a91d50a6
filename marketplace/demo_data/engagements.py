"""The demo's engagements (the loader, :mod:`marketplace.demo`, runs them): conversations between
the first demo's enterprises and providers at every stage, so a newcomer logging in as
``sme@demo.gd.cn`` or ``bank@demo.gd.cn`` finds a pipeline with a recorded deal, a conversation
waiting for a reply, a lost one and a fresh inquiry.

Each: the seeker's and the provider's login, the listing's category, who started it, the messages
(side, text, days ago), the stage changes (side, stage, days ago) with the deal or the reason, the
SME's review of a won one, and what the SME shared with consent (profile fields, documents of its
library) and the documents sent with a message (its index).
"""

from __future__ import annotations

from typing import Any

CONVERSATIONS: tuple[dict[str, Any], ...] = (
    {
        "seeker": "sme@demo.gd.cn", "provider": "bank@demo.gd.cn", "category": "financing", "started_by": "seeker",
        "need_category": "financing",
        "messages": [
            ("seeker", "您好，我司为东莞 PCBA 贴片加工企业，年营业收入约 4600 万元，计划新增一条 SMT 产线，"
                       "想申请 300 万元流动资金贷款，期限一年，可提供设备抵押。", 20),
            ("provider", "陈总您好，贵司情况符合我行“科创快贷”条件。请在平台上提供近两年财务报表和纳税证明，"
                         "我们安排客户经理上门尽调。", 19),
            ("seeker", "财务报表和纳税证明已整理好，下周二上午方便到厂里看产线。", 18),
            ("provider", "尽调完成。我行拟授信 300 万元，年利率 3.65%，按月付息、到期还本，无需额外担保费。", 12),
            ("seeker", "条件可以接受，请安排签约。", 11),
            ("provider", "合同已签，款项已于今日发放，祝贵司产线顺利投产。", 8),
        ],
        "stages": [("provider", "proposal", 12), ("provider", "won", 8)],
        "deal": ("loan", 3_000_000),
        # Applied with consent: these profile fields and library documents; the offer came as a file.
        "share": ("credit_code", "annual_revenue_cny", "total_assets_cny", "tax_credit_level"),
        "share_documents": ("statements", "licence"),
        "attachments": {3: "credit_offer"},
        "review": (5, "从申请到放款不到两周，客户经理上门尽调很专业，利率也合理，推荐给有设备投入计划的制造企业。"),
    },
    {
        "seeker": "sme@demo.gd.cn", "provider": "guarantor@demo.gd.cn", "category": "financing", "started_by": "seeker",
        "messages": [
            ("seeker", "我司计划申请 500 万元设备贷款，银行要求提供担保，想了解贵公司的担保费率和反担保要求。", 6),
            ("provider", "您好，我司对科技型小微企业担保费率为 1.2%/年，反担保可接受设备抵押或股东连带责任。"
                         "请先提供营业执照、近一年财务报表和贷款银行的初步意见。", 1),
        ],
        "stages": [],
    },
    {
        "seeker": "sme2@demo.gd.cn", "provider": "bank@demo.gd.cn", "category": "financing", "started_by": "provider",
        "need_category": "financing",
        "messages": [
            ("provider", "梁总您好，看到贵司的融资需求。我行外贸企业“出口信保融”产品额度最高 1000 万元，"
                         "可凭出口信用保险保单融资，欢迎沟通。", 5),
        ],
        "stages": [],
    },
    {
        "seeker": "sme2@demo.gd.cn", "provider": "consult@demo.gd.cn", "category": "service", "started_by": "seeker",
        "messages": [
            ("seeker", "我们准备申报专精特新“小巨人”，想了解辅导服务的内容、周期和费用。", 30),
            ("provider", "辅导周期约 3 个月，含材料梳理、知识产权布局和现场答辩辅导，费用 6 万元，申报成功后另收 2 万元。", 29),
            ("seeker", "费用超出今年预算，我们明年再考虑，谢谢。", 25),
        ],
        "stages": [("seeker", "lost", 25)],
        "reason": "费用超出今年预算，明年再议",
    },
    {
        "seeker": "sme3@demo.gd.cn", "provider": "techtransfer@demo.gd.cn", "category": "technology", "started_by": "seeker",
        "messages": [
            ("seeker", "我们在做生产排程 SaaS，想了解贵中心是否有高校的排程优化算法成果可以许可或合作开发。", 0),
        ],
        "stages": [],
    },
)
