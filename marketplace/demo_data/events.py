"""The texts of the demo's two matchmaking events (the loader, :mod:`marketplace.demo`, runs them).

- the first demo's event, open for registration two weeks ahead, with a few delegates;
- a bank–enterprise matchmaking day next week whose schedule is already published: every SME and
  financing institution attends, requests were sent, answered (mostly yes) and scheduled.
"""

from __future__ import annotations

from typing import Any

FINANCING_KINDS = ("bank", "guarantor", "investor", "microfinance", "leasing_company")
ROLES = {"sme": "seeker", **{kind: "provider" for kind in FINANCING_KINDS}}

REGISTRATION_EVENT: dict[str, Any] = {
    "title": "广东“百场千企”银企对接会（佛山站）",
    "description": "银行、担保、投资机构与中小微企业一对一洽谈：流动资金、设备融资、知识产权质押、股权融资。"
                   "报名后请选择带来的需求，提交约见申请；主办方排期后发布每人日程。",
    "venue": "佛山市民服务中心三楼多功能厅",
    "plan": {"start": "09:30", "end": "12:00", "meeting_minutes": 20, "gap_minutes": 5, "breaks": [["10:45", "11:00"]]},
    "tables": 6, "approval": "open", "max_requests": 6, "max_meetings": 5, "fill_recommended": True,
    "roles": ROLES,
}
REGISTRATION_IN_DAYS = 14

SCHEDULED_EVENT: dict[str, Any] = {
    "title": "珠三角制造业中小企业融资对接日（东莞松山湖）",
    "description": "省中小企业发展促进中心指导、“百场千企”组委会主办。22 家银行、担保、小贷、租赁和投资机构与 30 余家"
                   "制造业中小企业一对一洽谈，每场 20 分钟。日程已发布：请登录查看自己的约见安排，当天凭签到码入场。",
    "venue": "东莞市松山湖国际创新创业社区 3 号楼会议中心",
    "plan": {"start": "09:00", "end": "12:30", "meeting_minutes": 20, "gap_minutes": 5, "breaks": [["10:40", "11:00"]]},
    "tables": 12, "approval": "open", "max_requests": 6, "max_meetings": 5, "fill_recommended": False,
    "roles": ROLES,
}
SCHEDULED_IN_DAYS = 6

# The delegate's title, by the organization's kind.
DELEGATE_TITLES = {
    "sme": ("总经理", "财务总监", "董事长", "副总经理"),
    "bank": ("普惠金融部客户经理", "公司业务部负责人"),
    "guarantor": ("业务部经理",),
    "microfinance": ("信贷主管",),
    "leasing_company": ("业务总监",),
    "investor": ("投资总监", "投资经理"),
}

# What an enterprise writes when it asks an institution for a meeting: {org} is its name,
# {need} its need's title, {offer} the institution's listing that fits.
ASK = (
    "您好！我们是{org}。{need}，看到贵方的“{offer}”比较契合，希望在对接会上当面了解申请条件和审批周期。",
    "{org}申请约见：{need}。想请教“{offer}”的额度、利率和所需材料，谢谢！",
    "您好，我司近期{need}，对“{offer}”很感兴趣，希望约 20 分钟沟通具体方案。——{org}",
)
# What an institution writes when it invites an enterprise.
INVITE = (
    "您好，我们关注到贵司的融资需求，“{offer}”或许适合，欢迎在对接会上面谈。——{org}",
    "{org}诚邀面谈：我们的“{offer}”近期有优惠额度，可现场预审。",
)
# Why an institution declines (before the meeting).
DECLINE = (
    "这笔需求更适合我们在贵司所在地的支行办理，已转给对口客户经理，会后会主动联系您。",
    "我们目前只做有两年以上纳税记录的企业，建议先准备近两年的财务报表，会后可以先做材料预审。",
    "当天我们的洽谈以设备类项目为主，流动资金需求请直接到网点办理，效率更高。",
)
FULL = "本场洽谈时段已约满，会后客户经理会主动电话联系。"
