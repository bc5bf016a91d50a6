"""Demonstration data: Guangdong organizations of every kind, each with a login.

Loading is an upsert by external id and e-mail, so running it twice changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from listings.importer import import_records
from marketplace.accounts import services as accounts
from marketplace.organizations import services as organizations
from marketplace.organizations.kinds import role_of_kind
from marketplace.organizations.models import Membership, Organization
from marketplace.reference import check_character

DEMO_PASSWORD = "demo-2026"
DEMO_POSTINGS = Path(__file__).with_name("demo_postings.jsonl")
WAN = 10_000


def _code(first17: str) -> str:
    return first17 + check_character(first17)


# (login e-mail, person, organization fields, verification status)
DEMO: list[tuple[str, str, dict[str, Any], str]] = [
    ("sme@demo.gd.cn", "陈志强", dict(
        external_id="demo-sme-jinglian", name="东莞市精联电子科技有限公司", kind="sme",
        credit_code=_code("91441900MA4UJ5N2X"), region="441900", industry="C39",
        employees=85, annual_revenue_cny=4600 * WAN, total_assets_cny=3200 * WAN, founded_year=2013,
        description="专注消费电子和汽车电子的PCBA贴片加工与电源模块制造，拥有两条SMT产线，正在推进智能工厂改造。",
        tags=["PCBA", "SMT", "汽车电子"], website="https://jinglian.example.cn"), "verified"),
    ("sme2@demo.gd.cn", "梁嘉欣", dict(
        external_id="demo-sme-meichu", name="佛山市顺德区美厨家电有限公司", kind="sme",
        credit_code=_code("91440606MA52K8R1P"), region="440600", industry="C38",
        employees=360, annual_revenue_cny=28000 * WAN, total_assets_cny=21000 * WAN, founded_year=2008,
        description="小家电研发制造企业，主营空气炸锅、电饭煲，产品出口东南亚及欧洲，计划拓展跨境电商渠道。",
        tags=["小家电", "出口", "跨境电商"]), "verified"),
    ("sme3@demo.gd.cn", "黄晓东", dict(
        external_id="demo-sme-yunfan", name="广州市云帆软件有限公司", kind="sme",
        credit_code=_code("91440101MA5D0A7C3"), region="440100", industry="I65",
        employees=8, annual_revenue_cny=120 * WAN, total_assets_cny=90 * WAN, founded_year=2021,
        description="为中小制造企业提供进销存和生产排程SaaS的初创软件公司。",
        tags=["SaaS", "初创企业"]), "pending"),
    ("consult@demo.gd.cn", "刘敏", dict(
        external_id="demo-sp-zhengxin", name="广州市正信财税咨询有限公司", kind="service_provider",
        credit_code=_code("91440104MA59L3T0Q"), region="440100", industry="L72",
        description="提供代理记账、税务筹划、高新技术企业认定和专精特新申报辅导服务。",
        tags=["财税", "高企认定", "专精特新"]), "verified"),
    ("techtransfer@demo.gd.cn", "周静", dict(
        external_id="demo-ti-wanqu", name="深圳市湾区技术转移服务中心", kind="tech_intermediary",
        credit_code=_code("52440300MJL2806H7"), region="440300", industry="M75",
        description="技术经纪与成果转化服务机构，对接高校院所专利与中小企业技术需求。",
        tags=["技术转移", "专利许可"]), "verified"),
    ("university@demo.gd.cn", "吴教授", dict(
        external_id="demo-uni-lingnan", name="岭南工业大学科技成果转化办公室", kind="university",
        credit_code=_code("12440000455859K9W"), region="440100", industry="P83",
        description="负责学校专利许可、作价入股和校企联合研发项目，重点领域为新材料、智能制造与电子信息。",
        tags=["产学研", "新材料"]), "verified"),
    ("investor@demo.gd.cn", "郑浩", dict(
        external_id="demo-inv-yuechuang", name="粤创天使投资基金管理（深圳）有限公司", kind="investor",
        credit_code=_code("91440300MA5G1QW8L"), region="440300", industry="J67",
        description="关注硬科技和数字经济早期项目的天使投资机构，单笔投资 300–2000 万元。",
        tags=["天使投资", "硬科技"]), "verified"),
    ("bank@demo.gd.cn", "林晓华", dict(
        external_id="demo-bank-zhujiang", name="珠江农商银行中山分行", kind="bank",
        credit_code=_code("91442000MA4WB2E6J"), region="442000", industry="J66",
        description="面向中山及周边小微企业的普惠金融服务，提供信用贷、税易贷和设备按揭贷款。",
        tags=["普惠金融", "信用贷"]), "verified"),
    ("guarantor@demo.gd.cn", "何建国", dict(
        external_id="demo-gua-yuexin", name="广东粤信融资担保有限公司", kind="guarantor",
        credit_code=_code("91440000MA4UP7D5N"), region="440000", industry="J69",
        description="省级政策性融资担保机构，为科技型和制造业中小企业提供贷款担保，担保费率不高于1%。",
        tags=["融资担保", "政策性担保"]), "verified"),
    ("microfinance@demo.gd.cn", "谭伟", dict(
        external_id="demo-mf-huishang", name="佛山市南海区汇商小额贷款有限公司", kind="microfinance",
        credit_code=_code("91440605MA4X3JH2C"), region="440600", industry="J66",
        description="为个体工商户和小微企业提供短期周转贷款，最快当天放款。",
        tags=["小额贷款", "周转"]), "unverified"),
    ("leasing@demo.gd.cn", "冯丽", dict(
        external_id="demo-lease-rongtong", name="广州融通融资租赁有限公司", kind="leasing_company",
        credit_code=_code("91440101MA5CKT4R6"), region="440100", industry="L71",
        description="设备融资租赁与售后回租，服务于注塑、数控机床和新能源设备采购。",
        tags=["融资租赁", "售后回租"]), "verified"),
    ("government@demo.gd.cn", "袁主任", dict(
        external_id="demo-gov-promotion", name="广东省中小企业发展促进中心", kind="government",
        credit_code=_code("12440000MB2C12345"), region="440000", industry="S92",
        description="承担全省中小企业公共服务体系建设、专精特新培育和惠企政策兑现工作。",
        tags=["惠企政策", "专精特新"]), "verified"),
    ("association@demo.gd.cn", "邓会长", dict(
        external_id="demo-assoc-dgelec", name="东莞市电子信息行业协会", kind="association",
        credit_code=_code("51441900MJK7153A8"), region="441900", industry="S95",
        description="东莞电子信息企业的行业组织，组织展会、培训和供需对接活动。",
        tags=["行业协会", "电子信息"]), "verified"),
    ("organizer@demo.gd.cn", "许晴", dict(
        external_id="demo-org-baichang", name="广东百场千企对接活动组委会", kind="organizer",
        credit_code=_code("52440000MJL90321X"), region="440100", industry="L72",
        description="组织“百场千企”银企对接会、技术成果路演和产业链供需对接活动。",
        tags=["银企对接", "路演"]), "verified"),
    ("admin@demo.gd.cn", "平台管理员", dict(
        external_id="demo-platform", name="广东中小企业服务平台运营中心", kind="platform",
        credit_code=_code("12440000MB1D67890"), region="440000", industry="L72",
        description="平台运营方：审核机构资质、维护服务目录并监测服务体系运行。",
        tags=["平台运营"]), "verified"),
]


def load(session: Session) -> list[tuple[str, str, str]]:
    """Upsert the demo organizations and logins; returns (e-mail, role, organization name)."""
    logins = []
    for email, person, fields, status in DEMO:
        organization = session.scalar(
            select(Organization).where(Organization.external_id == fields["external_id"])
        )
        if organization is None:
            organization = Organization(external_id=fields["external_id"], name=fields["name"], kind=fields["kind"])
            session.add(organization)
            session.flush()
        profile = {k: v for k, v in fields.items() if k not in ("external_id", "kind")}
        organizations.update_profile(session, organization, profile, actor=None)
        organization.verification_status = status
        user = accounts.find_user_by_email(session, email)
        if user is None:
            user = accounts.create_user(
                session, email=email, password=DEMO_PASSWORD, display_name=person,
                is_admin=fields["kind"] == "platform",
            )
        if organization.member(user) is None:
            session.add(Membership(organization=organization, user=user, role="owner"))
        session.flush()
        role = "admin" if user.is_admin else role_of_kind(organization.kind)
        logins.append((email, role, organization.name))
    # Listings and needs of the demo organizations, through the importer (an upsert as well).
    import_records(session, DEMO_POSTINGS)
    _demo_event(session)
    return logins


DEMO_EVENT = "广东“百场千企”银企对接会（佛山站）"


def _demo_event(session: Session) -> None:
    """A matchmaking event open for registration two weeks ahead, with some delegates registered
    (created once; later runs leave it as it is)."""
    from datetime import timedelta

    from listings.models import Listing, Need
    from marketplace.events import participation
    from marketplace.events import services as events
    from marketplace.events.models import Event
    from marketplace.timeutil import utcnow

    if session.scalar(select(Event.id).where(Event.title == DEMO_EVENT)) is not None:
        return
    organizer = accounts.find_user_by_email(session, "organizer@demo.gd.cn")
    day = (utcnow() + timedelta(days=14)).date()
    event = events.save_event(session, organizer.memberships[0].organization, organizer, {
        "title": DEMO_EVENT,
        "description": "银行、担保、投资机构与中小微企业一对一洽谈：流动资金、设备融资、知识产权质押、股权融资。"
                       "报名后请选择带来的需求，提交约见申请；主办方排期后发布每人日程。",
        "venue": "佛山市民服务中心三楼多功能厅",
        "plan": {"days": [day.isoformat()], "start": "09:30", "end": "12:00", "meeting_minutes": 20, "gap_minutes": 5,
                 "breaks": [["10:45", "11:00"]]},
        "tables": 6, "approval": "open", "max_requests": 6, "max_meetings": 5, "fill_recommended": True,
        "roles": {"sme": "seeker", **{k: "provider" for k in ("bank", "guarantor", "investor", "microfinance", "leasing_company")}},
    })
    events.set_phase(session, event, organizer, "registration", event.version)
    for email, _person, fields, _status in DEMO:
        if fields["kind"] not in event.roles:
            continue
        user = accounts.find_user_by_email(session, email)
        organization = user.memberships[0].organization
        listing_ids = session.scalars(select(Listing.id).where(Listing.organization_id == organization.id,
                                                               Listing.status == "published")).all()
        need_ids = session.scalars(select(Need.id).where(Need.organization_id == organization.id,
                                                         Need.status == "published")).all()
        participation.register(session, event, user, organization, {
            "delegate_name": user.display_name, "listing_ids": list(listing_ids)[:3], "need_ids": list(need_ids)[:3]})
