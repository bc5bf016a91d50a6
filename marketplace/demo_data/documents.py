"""The demo's documents: small, real PDF files (a financial statement summary, a business licence
copy, a credit offer) made with reportlab, so the sharing and download paths can be tried with
the demo logins. Figures come from the organization's demo profile."""

from __future__ import annotations

import io
from typing import Any

from marketplace.money import amount_text


def pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF with ``title`` and ``lines`` (Chinese set in the viewer's Song font)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    page.setTitle(title)
    width, height = A4
    page.setFont("STSong-Light", 18)
    page.drawString(60, height - 80, title)
    page.setFont("STSong-Light", 11)
    for i, line in enumerate(lines):
        page.drawString(60, height - 120 - i * 20, line)
    page.setFont("STSong-Light", 8)
    page.drawString(60, 40, "演示数据 · 广东中小企业服务平台")
    page.showPage()
    page.save()
    return out.getvalue()


def statements(organization: Any) -> tuple[str, bytes]:
    revenue, assets = organization.annual_revenue_cny or 0, organization.total_assets_cny or 0
    lines = [f"企业名称：{organization.name}", f"统一社会信用代码：{organization.credit_code or '—'}",
             f"营业收入（2025 年度）：{amount_text(revenue, 'zh')}",
             f"营业收入（2024 年度）：{amount_text(revenue * 88 // 100, 'zh')}",
             f"资产总额（2025 年末）：{amount_text(assets, 'zh')}",
             f"负债总额（2025 年末）：{amount_text(assets * 46 // 100, 'zh')}",
             f"净利润（2025 年度）：{amount_text(revenue * 7 // 100, 'zh')}",
             "注：摘要，完整报表经会计师事务所审计。"]
    return "2024—2025年度财务报表（摘要）.pdf", pdf("2024—2025 年度财务报表（摘要）", lines)


def licence(organization: Any) -> tuple[str, bytes]:
    lines = [f"名称：{organization.name}", f"统一社会信用代码：{organization.credit_code or '—'}",
             "类型：有限责任公司", f"成立日期：{organization.founded_year or 2015} 年",
             "登记机关：市场监督管理局"]
    return "营业执照（副本）.pdf", pdf("营业执照（副本）", lines)


def credit_offer(provider: Any, seeker: Any, amount: int) -> tuple[str, bytes]:
    lines = [f"授信申请人：{seeker.name}", f"授信机构：{provider.name}", f"授信金额：{amount_text(amount, 'zh')}",
             "期限：12 个月", "年利率：3.65%，按月付息、到期还本", "担保方式：设备抵押"]
    return "授信方案.pdf", pdf("授信方案", lines)
