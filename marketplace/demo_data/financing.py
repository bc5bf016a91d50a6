"""Financing products: a catalogue per kind of institution, and who offers which on what terms.

A :class:`Product` is written once with placeholders; each institution that offers it fills in
its own area ({area}: the cities it serves), amounts ({span}, scaled by the institution's size),
term ({term}) and rate ({rate}: the product's base rate plus the institution's margin). So nine
banks compete with the same kinds of loan on different terms, as they do. English products
use {area_en} and {span_en}.
"""

from __future__ import annotations

from dataclasses import dataclass

SME_SIZES = ("micro", "small", "medium")
SMALL = ("micro", "small")


@dataclass(frozen=True)
class Product:
    subcategory: str
    title: str
    description: str
    amount_wan: tuple[int, int]
    tags: tuple[str, ...]
    documents: tuple[str, ...] = ()
    term: int | None = None
    rate: float | None = None
    collateral: bool | None = None
    industries: tuple[str, ...] = ()
    sizes: tuple[str, ...] = SME_SIZES
    scales: bool = True  # the institution's scale applies to the amounts


@dataclass(frozen=True)
class Offering:
    """What one institution offers: its area, its scale (× the product's amounts), its margin
    over the product's base rate, and the product keys."""

    regions: tuple[str, ...]
    products: tuple[str, ...]
    scale: float = 1.0
    margin: float = 0.0


_BASIC = ("营业执照", "近两年财务报表", "近 12 个月纳税证明")

# fmt: off
BANK_PRODUCTS: dict[str, Product] = {
    "working_capital": Product(
        "loan", "{brand}·制造业流动资金贷",
        "面向{area}制造业中小企业的流动资金贷款，用于原材料采购、支付货款和工资等日常经营周转。额度 {span}，"
        "期限最长 {term} 个月，年化利率 {rate}% 起；可采用信用、保证、抵押或组合担保方式，支持按月付息、到期还本"
        "或分期还款，到期后经营正常的可申请无还本续贷。",
        (50, 1000), ("流动资金", "制造业", "经营周转"), (*_BASIC, "主要购销合同"), 24, 3.55, False, ("C",)),
    "tax_credit": Product(
        "loan", "{brand}·税易贷",
        "依据企业纳税信用等级和近两年纳税额核定额度的纯信用贷款，{area}纳税信用 A、B 级的小微企业均可申请。"
        "手机银行线上申请、系统自动审批，最快当天放款；额度 {span}，期限 {term} 个月，随借随还、按日计息，"
        "年化利率 {rate}% 起。",
        (10, 300), ("信用贷", "银税互动", "线上贷款"), ("营业执照", "纳税信用等级证明", "法定代表人身份证"),
        12, 3.45, False, sizes=SMALL),
    "equipment": Product(
        "loan", "{brand}·设备更新贷款",
        "支持{area}中小企业购置和更新生产设备、实施技术改造，可叠加设备更新和技术改造贷款贴息政策。贷款金额最高为"
        "设备价款的 80%，额度 {span}，期限最长 {term} 个月，年化利率 {rate}% 起；以所购设备抵押并追加实际控制人"
        "保证，还款计划可与设备投产进度匹配。",
        (100, 3000), ("设备更新", "技术改造", "贴息"), (*_BASIC, "设备采购合同", "技改项目备案证明"),
        60, 3.3, True, ("C",)),
    "ip_pledge": Product(
        "loan", "{brand}·知识产权质押贷",
        "以发明专利、实用新型专利或注册商标质押，为轻资产的科技型中小企业融资；合作评估机构免费评估，纳入知识产权"
        "质押融资风险补偿范围。服务{area}企业，额度 {span}，期限最长 {term} 个月，年化利率 {rate}% 起。",
        (50, 1000), ("知识产权质押", "科技型企业", "专利"), ("营业执照", "专利证书或商标注册证", "近两年财务报表"),
        36, 3.6, True),
    "specialized": Product(
        "loan", "{brand}·专精特新贷",
        "专为{area}的专精特新中小企业、创新型中小企业和高新技术企业设计，综合研发投入、知识产权和在手订单授信，"
        "以信用方式为主。额度 {span}，期限最长 {term} 个月，年化利率 {rate}% 起，并提供结算、代发工资和股权融资"
        "对接的一户一策方案。",
        (200, 3000), ("专精特新", "信用贷款", "科技金融"), ("营业执照", "专精特新或高新技术企业证书", "近两年审计报告"),
        36, 3.4, False, sizes=("small", "medium")),
    "plant_mortgage": Product(
        "loan", "{brand}·厂房按揭贷",
        "用于购买{area}工业园区的标准厂房或产业用房，首付不低于 30%，以所购厂房抵押。额度 {span}，期限最长 {term} "
        "个月，年化利率 {rate}% 起，可等额本息或按季还款，前 12 个月可只付息不还本。",
        (300, 5000), ("厂房按揭", "产业用房", "固定资产贷款"), ("营业执照", "厂房买卖合同", "近两年财务报表"),
        120, 3.7, True),
    "first_loan": Product(
        "loan", "{brand}·首贷户培育贷",
        "面向{area}从未在银行获得过贷款的小微企业和个体工商户，客户经理上门调查、资料从简，纯信用发放。额度 {span}，"
        "期限 {term} 个月，年化利率 {rate}% 起，按月付息，额度内可循环使用。",
        (10, 100), ("首贷", "普惠金融", "小微企业"), ("营业执照", "法定代表人身份证", "近 6 个月银行流水"),
        12, 3.3, False, sizes=SMALL),
    "green": Product(
        "loan", "{brand}·绿色转型贷",
        "支持{area}企业实施节能改造、屋顶光伏、清洁生产和污水处理设施投资，可用合同能源管理收益权、碳减排量等增信。"
        "额度 {span}，期限最长 {term} 个月，年化利率 {rate}% 起，符合条件的项目可享受碳减排支持工具优惠利率。",
        (100, 5000), ("绿色金融", "节能改造", "光伏"), ("营业执照", "项目可行性研究报告", "能评或环评批复"),
        60, 3.2, False),
    "order_finance": Product(
        "supply_chain", "{brand}·订单融资（应收账款质押）",
        "以核心企业的采购订单或应收账款质押，在中征应收账款融资服务平台登记后放款，最高可贷应收账款金额的 80%。"
        "服务{area}的配套供应商，额度 {span}，期限与账期匹配、最长 {term} 个月，年化利率 {rate}% 起，回款后自动还款。",
        (50, 2000), ("应收账款", "订单融资", "供应链金融"), ("营业执照", "采购订单或应收账款清单", "近两年财务报表"),
        12, 3.5, False),
    "e_credit": Product(
        "supply_chain", "{brand}·供应链 e 信",
        "与{area}的龙头制造企业合作，核心企业开具的电子债权凭证可在线拆分、转让或贴现，上游供应商无需抵押即可提前"
        "回款，T+0 到账。单户额度 {span}，期限最长 {term} 个月，贴现年化利率 {rate}% 起。",
        (10, 1000), ("电子债权凭证", "供应链金融", "核心企业"), ("营业执照", "与核心企业的交易合同"),
        12, 2.9, False),
    "trade_finance": Product(
        "supply_chain", "{brand}·外贸订单融资（信保项下）",
        "为{area}的出口企业提供出运前订单融资和出运后信保保单融资：投保出口信用保险后可凭保单和货运单据融资，"
        "最高可融发票金额的 90%。额度 {span}，期限最长 {term} 个月，年化利率 {rate}% 起，人民币和美元均可。",
        (50, 2000), ("外贸融资", "出口信用保险", "订单融资"), ("营业执照", "出口合同", "出口信用保险保单"),
        12, 3.1, False),
    "bond": Product(
        "bond", "{brand}·科创票据与集合票据承销",
        "为符合条件的科技型企业发行科创票据、中期票据提供主承销服务，也可组织{area}优质中小企业联合发行集合票据。"
        "单户融资规模 {span}，期限最长 {term} 个月，发行利率参考同期市场水平，从立项到发行约 3 个月。",
        (3000, 30000), ("债券融资", "科创票据", "直接融资"), ("近三年审计报告", "主体信用评级报告", "募集资金用途说明"),
        60, None, None, sizes=("small", "medium"), scales=False),
    "venture_loan": Product(
        "loan", "{brand}·投贷联动科创贷",
        "为已获得创投机构投资的科技型初创企业提供信用贷款，参考最近一轮估值和投资机构意见授信，可附认股选择权。"
        "服务{area}，额度 {span}，期限最长 {term} 个月，年化利率 {rate}% 起。",
        (100, 2000), ("投贷联动", "科技初创", "信用贷款"), ("营业执照", "最近一轮融资协议", "近一年财务报表"),
        36, 3.8, False, scales=False),
    "startup_loan": Product(
        "loan", "{brand}·创业担保贷款",
        "符合条件的小微企业可申请创业担保贷款，由政府性融资担保机构提供担保、免除反担保，财政按规定贴息，贴息后年化"
        "利率约 {rate}%。服务{area}，额度 {span}，期限最长 {term} 个月。",
        (20, 300), ("创业担保贷款", "财政贴息", "小微企业"), ("营业执照", "新招用员工社保缴费证明", "法定代表人身份证"),
        36, 2.0, False, sizes=SMALL, scales=False),
    "agri_loan": Product(
        "loan", "{brand}·乡村振兴贷",
        "面向{area}的农业企业、家庭农场和农产品加工企业，可用土地经营权、农业设施和茶园、果园等活体资产抵押，"
        "额度 {span}，期限最长 {term} 个月，年化利率 {rate}% 起，还款可与采收季节匹配。",
        (10, 500), ("乡村振兴", "农业贷款", "土地经营权"), ("营业执照", "土地流转合同", "近一年经营流水"),
        36, 3.9, True, ("A", "C13", "C14", "C15")),
    "marine_loan": Product(
        "loan", "{brand}·海洋渔业贷",
        "支持{area}的水产养殖、海洋捕捞和水产品加工企业，可用渔船、养殖设施和冷库抵押，额度 {span}，期限最长 {term} "
        "个月，年化利率 {rate}% 起，可配套渔业保险。",
        (20, 1000), ("海洋经济", "水产养殖", "渔业贷款"), ("营业执照", "养殖证或渔船证书", "近一年经营流水"),
        36, 4.1, True, ("A04", "C13")),
    "cross_border": Product(
        "supply_chain", "Cross-border RMB Trade Finance for Exporters",
        "For exporters and cross-border e-commerce sellers in {area_en}: pre-shipment order finance, invoice "
        "discounting and cross-border RMB settlement in one facility. Limits of {span_en}, tenor up to {term} months, "
        "annual rate from {rate}%. Bilingual relationship managers; apply in English or Chinese.",
        (50, 2000), ("trade finance", "cross-border RMB", "export"), ("Business licence", "Export contracts"),
        12, 3.2, False),
}

GUARANTEE_PRODUCTS: dict[str, Product] = {
    "batch": Product(
        "guarantee", "{brand}·小微企业贷款批量担保",
        "与{area}的合作银行开展批量担保（“见贷即保”），小微企业无需抵押或只需实际控制人反担保，银行审批通过即可放款。"
        "单户担保额度 {span}，期限最长 {term} 个月，年担保费率 {rate}%，政府性融资担保降费奖补后企业实际负担更低。",
        (50, 1000), ("批量担保", "见贷即保", "政府性融资担保"), ("营业执照", "合作银行授信审批意见"),
        12, 1.0, False, sizes=SMALL),
    "renewal": Product(
        "guarantee", "{brand}·续贷担保",
        "为{area}贷款即将到期、经营正常的中小企业提供续贷担保，配合银行无还本续贷，企业无需筹措过桥资金。"
        "担保额度 {span}，期限最长 {term} 个月，年担保费率 {rate}%。",
        (100, 2000), ("续贷", "无还本续贷", "融资担保"), ("营业执照", "原贷款合同", "近两年财务报表"),
        24, 0.8, False),
    "ip": Product(
        "guarantee", "{brand}·知识产权质押融资担保",
        "对以专利、商标质押贷款的科技型中小企业提供担保，与银行、评估机构和保险公司风险共担，{area}企业均可申请。"
        "担保额度 {span}，期限最长 {term} 个月，年担保费率 {rate}%。",
        (50, 1000), ("知识产权", "质押融资", "风险共担"), ("营业执照", "专利证书", "知识产权评估报告"),
        36, 1.0, False),
    "bid_bond": Product(
        "guarantee", "{brand}·投标与履约保函",
        "为参与政府采购和工程招投标的{area}中小企业开具投标保函、履约保函和预付款保函，替代现金保证金、释放流动资金，"
        "最快 1 个工作日出函。保函金额 {span}，期限最长 {term} 个月，年费率 {rate}%。",
        (10, 2000), ("保函", "政府采购", "履约担保"), ("营业执照", "招标文件或合同"),
        24, 0.5, False),
    "tech": Product(
        "guarantee", "{brand}·科技贷担保",
        "面向{area}的高新技术企业和专精特新中小企业，依据研发投入、专利和订单授信担保，不要求固定资产反担保。"
        "单户担保额度 {span}，期限最长 {term} 个月，年担保费率 {rate}%。",
        (100, 3000), ("科技担保", "专精特新", "信用担保"), ("营业执照", "高新技术企业证书", "近两年审计报告"),
        36, 1.0, False, sizes=("small", "medium")),
    "startup": Product(
        "guarantee", "{brand}·创业担保贷款担保",
        "为{area}符合条件的小微企业创业担保贷款提供担保，免除反担保，担保费由财政承担，贴息直接扣减。"
        "担保额度 {span}，期限最长 {term} 个月。",
        (20, 300), ("创业担保", "免反担保", "小微企业"), ("营业执照", "新招用员工社保缴费证明"),
        36, 0.0, False, sizes=SMALL, scales=False),
}

MICROFINANCE_PRODUCTS: dict[str, Product] = {
    "turnover": Product(
        "loan", "{brand}·小微周转贷",
        "解决{area}小微企业和个体工商户的短期资金周转，凭经营流水和纳税记录授信，额度 {span}，期限 {term} 个月，"
        "年化利率 {rate}%，最快当天放款，可提前还款、不收违约金。",
        (5, 100), ("周转", "小额贷款", "当天放款"), ("营业执照", "近 6 个月银行流水"), 12, 9.8, False, sizes=SMALL),
    "bridge": Product(
        "loan", "{brand}·续贷过桥资金",
        "企业在{area}合作银行的贷款到期、续贷已获审批时，提供短期过桥资金用于归还旧贷，续贷放款后即还。额度 {span}，"
        "期限最长 {term} 个月（通常 10–30 天），按日计息，折合年化利率 {rate}%。",
        (50, 500), ("过桥资金", "续贷", "短期周转"), ("营业执照", "银行续贷审批意见"), 1, 10.9, False),
    "merchant": Product(
        "loan", "{brand}·商户经营贷",
        "面向{area}的个体工商户、小商户和网店店主，凭营业执照和近 6 个月经营流水申请，额度 {span}，期限 {term} 个月，"
        "年化利率 {rate}%，按月等额还款。",
        (3, 50), ("个体工商户", "经营贷", "小额贷款"), ("营业执照", "近 6 个月经营流水"), 12, 11.5, False, sizes=("micro",)),
    "property": Product(
        "loan", "{brand}·房产抵押经营贷",
        "以企业主或企业名下的住宅、商铺、厂房抵押，为{area}小微企业提供中短期经营资金，额度 {span}，期限最长 {term} "
        "个月，年化利率 {rate}% 起。",
        (30, 500), ("抵押贷款", "经营贷"), ("营业执照", "房产证", "近 6 个月银行流水"), 36, 8.4, True, sizes=SMALL),
    "ecommerce": Product(
        "supply_chain", "{brand}·电商卖家回款贷",
        "根据电商平台的待结算货款和历史销售数据授信，帮助{area}的网店和跨境电商卖家提前回款，额度 {span}，期限最长 "
        "{term} 个月，年化利率 {rate}%，随借随还。",
        (5, 200), ("电商", "跨境电商", "回款"), ("营业执照", "店铺后台近 12 个月销售数据"), 6, 10.5, False, ("F",), SMALL),
    "aquaculture": Product(
        "loan", "{brand}·水产养殖周转贷",
        "为{area}的对虾、罗非鱼养殖户和水产加工企业提供投苗、饲料采购周转资金，额度 {span}，期限最长 {term} 个月"
        "（可匹配养殖周期），年化利率 {rate}%。",
        (5, 200), ("水产养殖", "周转", "乡村振兴"), ("营业执照或养殖证", "近一年经营流水"), 10, 9.6, False, ("A04", "C13")),
}

LEASING_PRODUCTS: dict[str, Product] = {
    "leaseback": Product(
        "leasing", "{brand}·设备售后回租",
        "企业将自有生产设备出售给租赁公司再租回使用，设备不离厂即可盘活存量资产、补充营运资金。服务{area}企业，"
        "融资额 {span}，租期最长 {term} 个月，综合年化成本 {rate}% 起，租期结束 1 元留购。",
        (100, 3000), ("售后回租", "盘活设备", "融资租赁"), ("营业执照", "设备发票和清单", "近两年财务报表"), 48, 5.6, False),
    "direct": Product(
        "leasing", "{brand}·新设备直租（厂商合作）",
        "与设备厂商合作，企业选定设备后由租赁公司付款购买并出租给企业，首付低至 10%，部分厂商提供贴息。适用于{area}"
        "企业的数控机床、注塑机和激光设备采购，融资额 {span}，租期最长 {term} 个月，年化利率 {rate}% 起。",
        (50, 2000), ("直租", "设备采购", "厂商贴息"), ("营业执照", "设备采购意向书", "近两年财务报表"), 60, 5.2, False, ("C",)),
    "vehicles": Product(
        "leasing", "{brand}·新能源物流车融资租赁",
        "为{area}的物流、城配和商贸企业提供新能源物流车以租代购方案，保险和充电服务打包，首付 0–20%，融资额 {span}，"
        "租期最长 {term} 个月，年化利率 {rate}% 起。",
        (30, 1000), ("新能源物流车", "以租代购", "城配"), ("营业执照", "运输经营许可证"), 36, 5.9, False, ("G", "F", "C")),
    "lab": Product(
        "leasing", "{brand}·检测与研发仪器融资租赁",
        "帮助{area}的检测机构、研发型企业和医疗器械企业租用高端检测与研发仪器，融资额 {span}，租期最长 {term} 个月，"
        "年化利率 {rate}% 起，可按季还租。",
        (50, 1500), ("研发仪器", "检测设备", "融资租赁"), ("营业执照", "仪器采购合同"), 48, 5.5, False,
        ("C27", "C35", "C39", "C40", "M")),
    "solar": Product(
        "leasing", "{brand}·工商业屋顶光伏与储能租赁",
        "为{area}工厂的屋顶光伏和工商业储能项目提供融资租赁，以电费收益和设备作为还款来源，企业零投入或少投入即可"
        "用上绿电，融资额 {span}，租期最长 {term} 个月，年化利率 {rate}% 起。",
        (100, 5000), ("屋顶光伏", "工商业储能", "绿色电力"), ("营业执照", "屋顶产权证明", "近 12 个月电费单"), 120, 5.0, False),
    "ship": Product(
        "leasing", "{brand}·船舶与游艇融资租赁",
        "为{area}的船舶制造、游艇经营和航运企业提供新造船融资租赁和在建船舶融资，融资额 {span}，租期最长 {term} 个月，"
        "年化利率 {rate}% 起，可采用保税租赁结构。",
        (300, 10000), ("船舶租赁", "游艇", "保税租赁"), ("营业执照", "造船合同", "近两年财务报表"), 96, 5.3, False, ("C37", "G55")),
    "charging": Product(
        "leasing", "{brand}·充电桩与换电站设备租赁",
        "为{area}的园区、物流场站和停车场运营方提供充电桩、换电站设备的融资租赁，以充电服务费收益还款，融资额 {span}，"
        "租期最长 {term} 个月，年化利率 {rate}% 起。",
        (100, 3000), ("充电桩", "新能源", "收益权"), ("营业执照", "场地租赁合同"), 84, 5.4, False),
    "cross_border": Product(
        "leasing", "Cross-border Equipment Leasing via Hengqin",
        "Import production equipment through a Hengqin-registered lessor: we buy the machine abroad, handle customs and "
        "lease it to your plant in {area_en}. Financing of {span_en}, tenor up to {term} months, annual rate from "
        "{rate}%, with a bonded leasing structure for eligible equipment.",
        (300, 5000), ("equipment leasing", "import", "Hengqin"), ("Business licence", "Equipment quotation"), 60, 4.8, False, ("C",)),
}

INVESTOR_PRODUCTS: dict[str, Product] = {
    "seed": Product(
        "equity", "{brand}·高校科研团队种子轮投资",
        "面向{area}高校和新型研发机构的科研团队，投资成果转化的早期项目，单笔 {span}，协助完成公司设立、专利作价入股和"
        "首批客户验证。",
        (100, 500), ("种子轮", "成果转化", "科研团队"), ("商业计划书", "核心专利清单"), industries=("C", "I65", "M")),
    "pre_a": Product(
        "equity", "Pre-A Investment for Hardware Startups in the Greater Bay Area",
        "We lead or co-lead Pre-A rounds of {span_en} for hardware startups with a working prototype and first paying "
        "customers: robotics, sensors, new energy and smart devices. After investing we introduce suppliers in Shenzhen "
        "and Dongguan and help prepare the next round.",
        (500, 2000), ("Pre-A", "hardware", "venture capital"), ("Pitch deck", "Cap table"), industries=("C", "I65")),
    "growth": Product(
        "equity", "{brand}·成长期股权投资（A 轮至 C 轮）",
        "投资{area}先进制造、新材料和企业服务领域年营业收入 5000 万元以上、增长稳健的企业，单笔 {span}，可领投，"
        "投后提供上市规划、战略客户和并购资源。",
        (2000, 10000), ("成长期投资", "先进制造", "新材料"), ("商业计划书", "近三年财务报表"), industries=("C", "I65", "M"),
        sizes=("small", "medium")),
    "specialized": Product(
        "equity", "{brand}·专精特新企业股权融资",
        "面向国家级和省级专精特新企业，以少数股权投资支持扩产和研发，单笔 {span}，不谋求控股、不干预经营，可与合作"
        "银行的投贷联动产品组合使用。",
        (1000, 5000), ("专精特新", "少数股权", "扩产"), ("商业计划书", "专精特新认定证书"), sizes=("small", "medium")),
    "buyout": Product(
        "equity", "{brand}·产业并购与老股转让",
        "为希望引入产业资本、创始股东部分退出或寻求被并购的{area}中小企业提供交易撮合和并购融资，交易规模 {span}。",
        (3000, 30000), ("并购", "老股转让", "产业资本"), ("近三年审计报告", "股权结构说明"), scales=False),
    "ipo": Product(
        "listing_support", "{brand}·北交所上市保荐与辅导",
        "为{area}的专精特新中小企业提供北交所上市全流程服务：上市可行性评估、股份制改造、辅导备案、申报和持续督导，"
        "拟募资规模 {span}。可先免费出具上市诊断报告。",
        (5000, 30000), ("北交所", "上市辅导", "专精特新"), ("近三年审计报告", "股权结构说明"), sizes=("small", "medium")),
    "regional_board": Product(
        "listing_support", "{brand}·区域性股权市场挂牌（专精特新专板）",
        "协助{area}中小企业在区域性股权市场专精特新专板挂牌，获得规范化辅导、路演和股权融资对接，挂牌费用可申请地方"
        "补贴；挂牌后拟融资规模 {span}。",
        (500, 5000), ("区域股权市场", "专精特新专板", "挂牌"), ("营业执照", "近两年财务报表")),
    "pre_ipo": Product(
        "listing_support", "{brand}·拟上市企业股改与规范治理",
        "为计划三年内上市的{area}企业梳理股权结构、财务内控和关联交易，完成股份制改造；费用可分阶段支付，上市成功后"
        "与保荐承销费用抵扣。适合拟募资 {span} 的企业。",
        (3000, 20000), ("股份制改造", "规范治理", "上市前准备"), ("近三年审计报告",), sizes=("small", "medium")),
    "private_bond": Product(
        "bond", "{brand}·中小企业私募债与可转债承销",
        "为{area}的成长型中小企业在交易所发行中小企业私募债、可转换公司债券，单只发行规模 {span}，期限最长 {term} 个月，"
        "可搭配政府性融资担保增信。",
        (3000, 50000), ("私募债", "可转债", "债券承销"), ("近三年审计报告", "信用评级报告"), term=60, sizes=("small", "medium")),
    "abs": Product(
        "bond", "{brand}·应收账款资产支持证券（ABS）",
        "将核心企业上游供应商的应收账款打包发行资产支持证券，帮助{area}供应链上的中小企业低成本提前回款，单期规模 "
        "{span}，期限最长 {term} 个月。",
        (5000, 100000), ("资产证券化", "应收账款", "供应链"), ("应收账款清单", "基础交易合同"), term=24),
    "fund_direct": Product(
        "equity", "{brand}·制造业转型升级直投",
        "基金直接投资{area}装备制造、家电、新材料企业的智能化改造和扩产项目，单笔 {span}，投资期 5–7 年，可约定"
        "创始股东回购退出。",
        (1000, 10000), ("政府引导基金", "智能化改造", "直投"), ("商业计划书", "近三年财务报表"), industries=("C",)),
    "fund_partner": Product(
        "equity", "{brand}·子基金合作与返投对接",
        "参股社会资本发起的子基金，子基金投资{area}企业的金额不低于本基金出资的 1.5 倍；有融资需求的企业可经本基金"
        "对接 20 余支合作子基金，单笔 {span}。",
        (500, 5000), ("子基金", "返投", "股权融资"), ("商业计划书",)),
    "relay": Product(
        "equity", "{brand}·科技企业接力投资",
        "对已获得天使轮或 A 轮投资的{area}科技型企业进行跟投和接力投资，单笔 {span}，优先支持首台（套）装备和关键"
        "零部件项目。",
        (500, 3000), ("接力投资", "首台套", "关键零部件"), ("商业计划书", "最近一轮融资协议"), industries=("C", "M")),
}

INSURANCE_PRODUCTS: dict[str, Product] = {
    "export": Product(
        "insurance", "{brand}·小微企业出口信用保险统保",
        "年出口额 500 万美元以下的{area}小微外贸企业可加入统保平台，保费由地方财政补贴，承保海外买家拒收、拒付和破产"
        "风险，最高赔付比例 90%，出险后可凭保单向银行融资。保险金额 {span}。",
        (50, 5000), ("出口信用保险", "统保", "保费补贴"), ("营业执照", "近一年出口报关数据"), sizes=SMALL),
    "domestic": Product(
        "insurance", "{brand}·国内贸易信用保险",
        "为{area}向下游经销商和工程客户赊销的企业承保应收账款坏账风险，帮助企业放心扩大赊销，并可以保单增信申请银行"
        "融资。保险金额 {span}，费率约为赊销额的 0.2%–0.5%。",
        (100, 10000), ("内贸险", "应收账款", "赊销"), ("营业执照", "主要客户名单和赊销记录")),
    "policy_finance": Product(
        "insurance", "{brand}·信保保单融资对接",
        "帮助已投保信用保险的{area}企业把赔款权益转让给合作银行，获得无抵押的贸易融资，融资额 {span}，期限最长 {term} "
        "个月，年化利率 {rate}% 起。",
        (50, 3000), ("保单融资", "信用保险", "贸易融资"), ("信用保险保单", "出口或销售合同"), 12, 3.3, False),
    "liability": Product(
        "insurance", "Product Liability Insurance for Exporters to the EU and US",
        "Covers third-party injury and property damage caused by your products sold in the EU, the US and Southeast Asia, "
        "including legal defence and recall costs. Limits of indemnity of {span_en}; required by most overseas retailers "
        "and marketplaces. Quotes within 3 working days for exporters in {area_en}.",
        (100, 3000), ("product liability", "export", "insurance"), ("Business licence", "Product list and export markets")),
}
# fmt: on

CATALOGUES = {
    "bank": BANK_PRODUCTS,
    "guarantor": GUARANTEE_PRODUCTS,
    "microfinance": MICROFINANCE_PRODUCTS,
    "leasing_company": LEASING_PRODUCTS,
    "investor": INVESTOR_PRODUCTS,
    "service_provider": INSURANCE_PRODUCTS,
}

PROVINCE = ("440000",)

# Who offers what: organization key -> Offering (the catalogue is the organization's kind's).
OFFERINGS: dict[str, Offering] = {
    # Banks: the first demo's bank keeps its two hand-written loans (showcase) and adds these.
    "demo-bank-zhujiang": Offering(
        ("442000", "440700", "440400"),
        ("working_capital", "ip_pledge", "first_loan", "order_finance", "specialized", "green"), 1.0, 0.05),
    "demo-bank-lingnan-foshan": Offering(
        ("440600", "441200"),
        ("working_capital", "tax_credit", "equipment", "ip_pledge", "specialized", "plant_mortgage",
         "order_finance", "e_credit", "green"), 2.0, 0.0),
    "demo-bank-yuehai-shunde": Offering(
        ("440600",),
        ("working_capital", "tax_credit", "first_loan", "equipment", "order_finance", "trade_finance", "green",
         "plant_mortgage"), 1.0, 0.1),
    "demo-bank-wanqu-shenzhen": Offering(
        ("440300", "441300"),
        ("specialized", "ip_pledge", "venture_loan", "tax_credit", "working_capital", "e_credit", "bond",
         "cross_border"), 2.0, -0.05),
    "demo-bank-dongjiang-dongguan": Offering(
        ("441900", "441300"),
        ("working_capital", "tax_credit", "equipment", "order_finance", "e_credit", "plant_mortgage", "first_loan",
         "trade_finance"), 1.5, 0.05),
    "demo-bank-yuedong-shantou": Offering(
        ("440500", "445100", "445200", "441500", "441400"),
        ("working_capital", "tax_credit", "first_loan", "equipment", "trade_finance", "ip_pledge", "green"), 0.8, 0.15),
    "demo-bank-xijiang-zhaoqing": Offering(
        ("441200", "445300", "441800"),
        ("first_loan", "tax_credit", "working_capital", "agri_loan", "startup_loan"), 0.3, 0.35),
    "demo-bank-nanhaiwan-zhanjiang": Offering(
        ("440800", "440900", "441700"),
        ("working_capital", "tax_credit", "equipment", "marine_loan", "trade_finance", "first_loan", "agri_loan"),
        0.8, 0.2),
    "demo-bank-puhui-guangzhou": Offering(
        PROVINCE,
        ("working_capital", "tax_credit", "specialized", "ip_pledge", "equipment", "bond", "startup_loan", "green",
         "e_credit"), 3.0, 0.1),
    # Guarantors
    "demo-gua-yuexin": Offering(PROVINCE, ("batch", "ip", "bid_bond", "renewal"), 1.5),
    "demo-gua-channan": Offering(("440600",), ("batch", "renewal", "bid_bond", "startup"), 1.0, 0.1),
    "demo-gua-songhu": Offering(("441900",), ("tech", "ip", "batch", "renewal"), 1.0, 0.2),
    # Microfinance
    "demo-mf-huishang": Offering(("440600",), ("bridge", "merchant", "property"), 1.0),
    "demo-mf-huitong": Offering(("441900",), ("turnover", "bridge", "ecommerce", "property"), 1.0, 0.3),
    "demo-mf-haihui": Offering(("440800", "440900"), ("turnover", "aquaculture", "merchant"), 0.8, 0.4),
    # Leasing
    "demo-lease-rongtong": Offering(("440100", "440600", "441900", "442000"), ("leaseback", "vehicles", "lab"), 1.0),
    "demo-lease-hengqin": Offering(PROVINCE, ("direct", "ship", "leaseback", "cross_border"), 1.5, -0.2),
    "demo-lease-qianhai": Offering(("440300", "441900", "441300", "440100"), ("solar", "charging", "vehicles", "direct"),
                                   1.2, 0.1),
    # Investors
    "demo-inv-yuechuang": Offering(PROVINCE, ("seed", "pre_a")),
    "demo-inv-wanqu-vc": Offering(PROVINCE, ("growth", "specialized", "buyout")),
    "demo-inv-yuexin-sec": Offering(PROVINCE, ("ipo", "regional_board", "pre_ipo", "private_bond", "abs")),
    "demo-inv-foshan-fund": Offering(("440600",), ("fund_direct", "fund_partner", "relay")),
    # The credit-insurance broker
    "demo-sp-xinbao": Offering(PROVINCE, ("export", "domestic", "policy_finance", "liability")),
}
