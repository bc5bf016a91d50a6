"""Technology, training, exhibitions, professional services, policies, procurement and space.

Each offer is written once, by the organization that makes it; dates are offsets in days from
the day the demo is loaded (``start=30`` starts a month from today). A few series are made by
combining curated lists: the provincial training tour (one course, four cities), the monthly
roadshows (themes × months), and the government procurement set-asides (what is bought × the
city governments that buy it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from listings.categories import SUBCATEGORY_LABELS
from marketplace.demo_data.organizations import BY_KEY

CATEGORY_OF = {sub: category for category, subs in SUBCATEGORY_LABELS.items() for sub in subs}
SME_SIZES = ("micro", "small", "medium")


@dataclass(frozen=True)
class Offer:
    org: str
    subcategory: str
    key: str
    title: str
    description: str
    tags: tuple[str, ...]
    fields: dict[str, Any] = field(default_factory=dict)  # structured columns (money in whole CNY)
    dates: dict[str, int] = field(default_factory=dict)  # date column -> days from today
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def category(self) -> str:
        return CATEGORY_OF[self.subcategory]


def tech(org: str, sub: str, key: str, title: str, description: str, tags: tuple[str, ...], price: int,
         industries: tuple[str, ...] = (), stage: str | None = None, partnerships: tuple[str, ...] = (),
         patents: tuple[str, ...] = ()) -> Offer:
    attributes: dict[str, Any] = {}
    if patents:
        attributes["patent_numbers"] = list(patents)
    if stage:
        attributes["development_stage"] = stage
    if partnerships:
        attributes["partnership_types"] = list(partnerships)
    return Offer(org, sub, key, title, description, tags, {"price_cny": price, "industries": list(industries)},
                 attributes=attributes)


def course(org: str, sub: str, key: str, title: str, description: str, tags: tuple[str, ...], price: int,
           start: int, days: int, seats: int, venue: str, *, local: bool = True, schedule: str = "") -> Offer:
    """A course starting in ``start`` days, ``days`` long; registration closes five days before."""
    attributes: dict[str, Any] = {"seats": seats, "venue": venue}
    if schedule:
        attributes["schedule"] = schedule
    regions = [BY_KEY[org].region] if local else []
    return Offer(org, sub, key, title, description, tags, {"price_cny": price, "regions": regions},
                 {"starts_on": start, "ends_on": start + days - 1, "deadline": start - 5}, attributes)


def fair(org: str, sub: str, key: str, title: str, description: str, tags: tuple[str, ...], price: int,
         start: int, days: int, venue: str, visitors: int, booth: str = "", lead: int = 10,
         regions: tuple[str, ...] | None = None) -> Offer:
    """A fair, roadshow or matchmaking event; registration closes ``lead`` days before."""
    attributes: dict[str, Any] = {"venue": venue, "expected_visitors": visitors}
    if booth:
        attributes["booth_size"] = booth
    where = list(regions) if regions is not None else [BY_KEY[org].region]
    return Offer(org, sub, key, title, description, tags, {"price_cny": price, "regions": where},
                 {"starts_on": start, "ends_on": start + days - 1, "deadline": start - lead}, attributes)


def service(org: str, sub: str, key: str, title: str, description: str, tags: tuple[str, ...], price: int,
            delivery_days: int, industries: tuple[str, ...] = ()) -> Offer:
    return Offer(org, sub, key, title, description, tags, {"price_cny": price, "industries": list(industries)},
                 attributes={"delivery_days": delivery_days})


def policy(org: str, sub: str, key: str, title: str, description: str, tags: tuple[str, ...], *,
           max_wan: int | None = None, deadline: int | None = None, documents: tuple[str, ...] = (),
           authority: str = "", sizes: tuple[str, ...] = SME_SIZES, industries: tuple[str, ...] = ()) -> Offer:
    fields: dict[str, Any] = {"regions": [BY_KEY[org].region], "size_classes": list(sizes), "industries": list(industries)}
    if max_wan is not None:
        fields.update(amount_min_cny=0, amount_max_cny=max_wan * 10_000)
    attributes: dict[str, Any] = {"issuing_authority": authority or BY_KEY[org].name}
    if documents:
        attributes["documents_required"] = list(documents)
    return Offer(org, sub, key, title, description, tags, fields, {"deadline": deadline} if deadline else {}, attributes)


def space(org: str, sub: str, key: str, title: str, description: str, tags: tuple[str, ...], price: int,
          address: str, area: int, available_in: int = 0) -> Offer:
    return Offer(org, sub, key, title, description, tags, {"price_cny": price, "regions": [BY_KEY[org].region]},
                 {"starts_on": available_in}, {"address": address, "area_sqm": area})


# fmt: off
TECHNOLOGY: tuple[Offer, ...] = (
    # 岭南工业大学 (its thermal-composite patent is in the showcase)
    tech("demo-uni-lingnan", "patent_license", "ltcc", "低温共烧陶瓷（LTCC）射频封装工艺专利包",
         "包含 3 项发明专利，适用于 5G 射频前端模组和毫米波雷达封装，已在合作企业完成小批量验证。可普通许可或独占许可，"
         "许可费可按销售额提成，学校团队提供一年工艺指导。", ("专利许可", "射频封装", "5G"), 300_000, ("C39",), "pilot",
         ("licence", "transfer"), ("ZL202010348826.1", "ZL202110567213.4", "ZL202210093371.8")),
    tech("demo-uni-lingnan", "rnd_cooperation", "molding", "注塑件翘曲变形仿真与工艺优化联合攻关",
         "材料学院模具与成型团队为企业开展模流分析、翘曲预测和工艺窗口优化，按项目签订技术开发合同，一般 3–6 个月交付，"
         "可联合申报省产学研合作项目。", ("模流分析", "注塑", "产学研"), 150_000, ("C29", "C35", "C38"), "prototype",
         ("joint_development", "commissioned_rnd")),
    tech("demo-uni-lingnan", "tech_transfer", "robot-vision", "工业机器人视觉引导与离线编程技术",
         "机器人视觉定位精度 ±0.05 mm，支持无序抓取和焊缝跟踪，已在家具和五金企业应用。可技术转让，也可作价入股与企业"
         "成立合资公司。", ("机器人", "机器视觉", "智能制造"), 500_000, ("C21", "C33", "C34", "C35"), "pilot",
         ("transfer", "equity")),
    tech("demo-uni-lingnan", "patent_license", "pbat", "可降解 PBAT/PLA 改性材料配方专利",
         "薄膜拉伸强度提升 30%，适用于购物袋、快递袋和农用地膜。提供配方、工艺包和中试指导，专利开放许可，"
         "年许可费 5 万元起。", ("可降解材料", "开放许可", "新材料"), 50_000, ("C29", "C22"), "pilot", ("licence",),
         ("ZL202110781542.3",)),
    tech("demo-uni-lingnan", "patent_license", "electrode-aoi", "锂电池极片表面缺陷在线检测算法",
         "基于深度学习的极片划痕、漏箔和颗粒检测，检出率 99.5%、误报率低于 0.3%，可许可给设备商或电池企业集成，"
         "附源代码和数据标注规范。", ("机器视觉", "锂电池", "缺陷检测"), 200_000, ("C38", "C35", "I65"), "prototype",
         ("licence",), ("ZL202210456738.9",)),
    tech("demo-uni-lingnan", "rnd_cooperation", "joint-lab", "校企联合实验室共建（新材料与电子信息方向）",
         "学校与企业按 1:1 投入共建联合实验室，企业派工程师驻校、学校派研究生驻厂，知识产权按约定共享；适合年研发投入"
         " 500 万元以上的企业。", ("联合实验室", "产学研", "人才培养"), 0, (), "lab", ("joint_development",)),
    tech("demo-uni-lingnan", "industrial_design", "design-school", "设计学院产品创新与用户研究服务",
         "工业设计系师生团队为企业提供用户调研、概念设计和手板验证，适合小家电、家居和文创产品，费用约为市场价的六成，"
         "优秀作品可推荐参加省级工业设计大赛。", ("工业设计", "用户研究", "校企合作"), 60_000, ("C21", "C24", "C38")),
    tech("demo-uni-lingnan", "rnd_cooperation", "digital-twin",
         "Joint R&D on Smart Manufacturing: MES, Digital Twins and Predictive Maintenance",
         "The School of Mechanical Engineering invites SMEs to co-develop digital-twin and predictive-maintenance "
         "solutions on their own production lines. Projects run 6–12 months with a graduate team on site; part of "
         "the cost can be covered by provincial industry-university programmes.",
         ("digital twin", "predictive maintenance", "joint R&D"), 200_000, ("C",), "prototype",
         ("joint_development", "commissioned_rnd")),
    # 粤西海洋科技大学
    tech("demo-uni-haiyang", "tech_transfer", "ras-shrimp", "对虾工厂化循环水养殖技术",
         "养殖密度为传统池塘的 10 倍以上，换水量减少 90%，成活率 75% 以上。提供养殖车间设计、水处理工艺和一个养殖周期"
         "的驻场指导。", ("循环水养殖", "对虾", "水产"), 400_000, ("A04",), "mass_production", ("transfer",)),
    tech("demo-uni-haiyang", "patent_license", "deep-freeze", "水产品超低温速冻与冰晶控制技术",
         "–60℃ 超低温速冻结合冰晶控制，解冻后汁液流失率降低 40%，适用于虾仁、鱼片和预制菜。发明专利普通许可，"
         "可到企业产线调试。", ("速冻", "水产加工", "预制菜"), 150_000, ("C13",), "pilot", ("licence",),
         ("ZL202110902217.6",)),
    tech("demo-uni-haiyang", "patent_license", "alginate", "海藻酸盐医用敷料制备工艺",
         "以国产褐藻为原料制备高吸湿海藻酸钙敷料，已完成型式检验，适合医用耗材企业许可生产或受让。",
         ("海洋生物材料", "医用敷料"), 300_000, ("C27",), "pilot", ("licence", "transfer"), ("ZL201910667125.2",)),
    tech("demo-uni-haiyang", "patent_license", "antifouling", "船舶低表面处理防污涂料",
         "无锡、无铜型防污涂料，防污期 36 个月，适用于渔船、游艇和海上设施，可许可生产或与涂料企业联合开发。",
         ("防污涂料", "船舶", "海洋工程"), 200_000, ("C26", "C37"), "pilot", ("licence", "joint_development"),
         ("ZL202010215583.0",)),
    tech("demo-uni-haiyang", "testing", "seafood-lab", "水产品质量安全快速检测",
         "学校食品检测中心（CMA）提供水产品药物残留、重金属、微生物和甲醛检测，出口日韩批次可加急 48 小时出报告。",
         ("检测", "水产品", "出口"), 1_200, ("C13", "A04")),
    tech("demo-uni-haiyang", "rnd_cooperation", "ready-meals", "预制菜杀菌与保鲜工艺联合开发",
         "食品工程团队与企业共同开发预制菜的杀菌、包装和冷链工艺，目标把冷藏保质期延长一倍，并协助制定企业标准。",
         ("预制菜", "食品工程", "保鲜"), 120_000, ("C13", "C14", "H62"), "prototype",
         ("joint_development", "commissioned_rnd")),
    # 广东先进制造技术研究院（佛山）
    tech("demo-uni-foshan-institute", "tech_transfer", "servo", "伺服电机驱动器国产化方案",
         "自主设计的 400 W–7.5 kW 伺服驱动器方案，含硬件设计、固件和调试软件，已通过 EMC 测试，可转让给机床、包装机械"
         "企业自产。", ("伺服驱动", "国产化", "装备制造"), 800_000, ("C34", "C35", "C38"), "mass_production",
         ("transfer", "licence")),
    tech("demo-uni-foshan-institute", "rnd_cooperation", "voice-module", "智能家电语音与手势交互模组联合开发",
         "研究院提供离线语音识别、手势识别算法和低成本模组设计，与家电企业按项目联合开发，知识产权可归企业。",
         ("智能家电", "语音交互", "模组"), 200_000, ("C38",), "prototype", ("commissioned_rnd",)),
    tech("demo-uni-foshan-institute", "rnd_cooperation", "laser-welding", "激光焊接工艺开发与中试",
         "开放 6 kW 光纤激光焊接与熔覆工作站，为企业开发不锈钢、铝合金和异种金属焊接工艺，出具焊接工艺评定报告。",
         ("激光焊接", "工艺开发", "中试"), 50_000, ("C33", "C34", "C36", "C38"), "pilot", ("commissioned_rnd",)),
    tech("demo-uni-foshan-institute", "patent_license", "conformal-cooling", "金属 3D 打印随形冷却模具技术",
         "随形冷却水路使注塑周期缩短 20%–40%，提供模具设计软件插件和打印参数包，发明专利许可。",
         ("3D打印", "模具", "随形冷却"), 250_000, ("C35", "C29"), "pilot", ("licence",), ("ZL202110328890.5",)),
    tech("demo-uni-foshan-institute", "testing", "appliance-lab", "家电产品可靠性与 EMC 检测",
         "CNAS 认可实验室，提供家电安规、EMC、寿命和噪声测试，可出具 CB 报告所需的测试数据，常规项目 7 个工作日。",
         ("检测", "EMC", "家电"), 6_000, ("C38",)),
    tech("demo-uni-foshan-institute", "rnd_cooperation", "pilot-lines", "中试平台共享：注塑、钣金与 SMT 中试线",
         "研究院中试基地按天出租注塑、钣金和 SMT 中试线（每天 8000 元起），配工艺工程师，帮助企业在量产前完成小批量"
         "试制。", ("中试", "小批量试制", "共享产线"), 8_000, ("C",), "pilot", ("commissioned_rnd",)),
    tech("demo-uni-foshan-institute", "industrial_design", "dfm", "装备产品结构设计与 DFM 评审",
         "机械结构团队为装备企业做结构优化、轻量化和可制造性评审，平均降低物料成本 8%–15%。",
         ("结构设计", "DFM", "降本"), 40_000, ("C34", "C35")),
    # 东莞湾区理工学院
    tech("demo-uni-dongguan", "patent_license", "nano-coating", "精密模具表面纳米复合涂层",
         "模具寿命提升 2–3 倍，适用于冲压和压铸模具，发明专利许可并提供涂层设备选型建议。",
         ("模具涂层", "纳米材料"), 180_000, ("C35", "C33"), "pilot", ("licence",), ("ZL202010771046.8",)),
    tech("demo-uni-dongguan", "patent_license", "pcb-aoi", "PCB 外观 AOI 检测算法",
         "针对多层板和软板的外观缺陷检测算法，兼容主流 AOI 设备，可授权设备商或 PCB 企业使用。",
         ("AOI", "PCB", "机器视觉"), 120_000, ("C39",), "prototype", ("licence",), ("ZL202210118463.1",)),
    tech("demo-uni-dongguan", "tech_transfer", "iot-gateway", "工业设备数据采集网关",
         "支持 Modbus、OPC UA 和主流 PLC 协议的低成本采集网关，硬件成本 800 元以内，可整体转让设计文件。",
         ("数据采集", "工业互联网", "设备联网"), 150_000, ("C",), "mass_production", ("transfer",)),
    tech("demo-uni-dongguan", "rnd_cooperation", "student-projects", "学生工程实践与企业委托研发",
         "企业提出真实工程课题，学院组织教师带领学生团队用一个学期完成，企业只需承担材料费，同时可提前锁定优秀毕业生。",
         ("委托研发", "校企合作", "人才"), 20_000, (), "concept", ("commissioned_rnd",)),
    tech("demo-uni-dongguan", "patent_license", "flex-sensor", "柔性压力传感薄膜",
         "可用于智能座椅、医疗床垫和机器人皮肤，量程 0–200 kPa，可许可生产。",
         ("柔性传感", "新材料"), 200_000, ("C39", "C40"), "prototype", ("licence", "joint_development"),
         ("ZL202110650094.4",)),
    # Technology intermediaries (湾区技术转移中心's testing and brokerage are in the showcase)
    tech("demo-ti-wanqu", "tech_transfer", "international",
         "International Technology Transfer: Sourcing Technologies from Germany, Israel and Singapore",
         "We scout licensable technologies at partner universities and institutes abroad, run the first calls in "
         "English, and handle due diligence, contract negotiation and the registration of imported technology. "
         "Fixed fee plus a success fee.", ("technology transfer", "licensing", "international"), 50_000),
    tech("demo-ti-wanqu", "tech_transfer", "patent-navigation", "专利导航与技术需求挖掘",
         "技术经纪人驻企两天梳理技术瓶颈，出具专利导航报告，并推荐 3–5 项可引进的高校成果。",
         ("专利导航", "技术经纪"), 20_000),
    tech("demo-ti-wanqu", "tech_transfer", "evaluation", "科技成果评价",
         "按照科技成果评价国家标准，组织专家评价成果的技术成熟度和市场价值，出具评价报告，可用于融资和奖项申报。",
         ("成果评价", "技术成熟度"), 15_000),
    tech("demo-ti-wanqu", "tech_transfer", "contract-registration", "技术合同认定登记与税收优惠办理",
         "代办技术开发、技术转让合同的认定登记，帮助企业享受技术转让所得减免和研发费用加计扣除，平均 10 个工作日办结。",
         ("技术合同", "税收优惠"), 3_000),
    tech("demo-ti-foshan", "tech_transfer", "monthly-match", "高校成果进园区对接（家电与装备专场）",
         "每月组织一次高校院所成果对接，聚焦家电和装备制造；企业提交技术需求后，由技术经纪人预先匹配成果和专家。",
         ("成果对接", "家电", "装备制造"), 0, ("C34", "C35", "C38")),
    tech("demo-ti-foshan", "tech_transfer", "onsite", "技术经纪人驻厂诊断",
         "资深技术经纪人带领高校专家上门诊断生产工艺和产品技术问题，出具改进方案，佛山企业可用科技创新券抵扣。",
         ("技术诊断", "创新券"), 8_000),
    tech("demo-ti-foshan", "patent_license", "open-licence", "专利开放许可与拍卖对接",
         "汇集 2000 余项高校院所开放许可专利，明码标价、一站签约，涵盖材料、机械、电气和食品领域。",
         ("开放许可", "专利拍卖"), 0, (), None, ("licence", "transfer")),
    tech("demo-ti-foshan", "tech_transfer", "sino-german", "中德中小企业技术合作对接",
         "依托佛山中德合作平台，组织企业与德国中小企业在智能制造和环保技术领域开展技术引进、合资与代工合作。",
         ("中德合作", "技术引进"), 30_000),
    tech("demo-ti-yuedong", "tech_transfer", "toy-diagnosis", "玩具与工艺品产业技术诊断",
         "组织高校专家为汕头玩具和工艺品企业提供材料安全、结构设计和自动化改造诊断，每家企业两个工作日。",
         ("玩具", "技术诊断"), 5_000, ("C24",)),
    tech("demo-ti-yuedong", "tech_transfer", "dyeing-water", "纺织印染节水减排技术推广",
         "推广低浴比染色、冷轧堆前处理和中水回用等成熟技术，提供方案设计和技术供应商对接，可申请节能改造补助。",
         ("印染", "节水减排", "中水回用"), 20_000, ("C17",)),
    tech("demo-ti-yuedong", "tech_transfer", "kiln", "陶瓷窑炉节能改造技术对接",
         "对接辊道窑余热回收、富氧燃烧和智能温控技术，平均节能 15%–25%，含免费节能诊断。",
         ("陶瓷", "窑炉", "节能"), 15_000, ("C30",)),
    tech("demo-ti-yuedong", "rnd_cooperation", "chaoshan-food", "潮汕特色食品工艺升级联合研发",
         "联合高校食品学院为牛肉丸、卤味和凉果企业开发保鲜和标准化工艺，按项目合作。",
         ("潮汕食品", "标准化", "保鲜"), 80_000, ("C13", "C14"), "prototype", ("joint_development",)),
    # Testing and design firms
    tech("demo-sp-yuejian", "testing", "rohs", "RoHS/REACH 有害物质检测",
         "电子电气产品和材料的 RoHS 10 项、REACH SVHC 检测，出具 CNAS/CMA 报告，常规 5 个工作日、加急 2 个工作日。",
         ("RoHS", "REACH", "检测"), 2_500, ("C38", "C39", "C29")),
    tech("demo-sp-yuejian", "testing", "food-contact", "食品接触材料迁移检测（FDA/LFGB）",
         "陶瓷、不锈钢、塑料制品的食品接触迁移检测，满足美国 FDA 和德国 LFGB 要求，报告中英文版。",
         ("食品接触材料", "FDA", "LFGB"), 3_500, ("C30", "C33", "C29")),
    tech("demo-sp-yuejian", "testing", "toys", "玩具安全检测（EN71/ASTM F963/GB 6675）",
         "物理机械、燃烧性能和可迁移元素检测，覆盖欧盟、美国和国内标准，汕头设有收样点。",
         ("玩具检测", "EN71", "出口"), 3_000, ("C24",)),
    tech("demo-sp-yuejian", "testing", "battery", "Lithium Battery Safety Testing: UN38.3, IEC 62133 and IEC 62619",
         "Transport and safety testing for cells, modules and energy-storage packs, with reports accepted by airlines, "
         "shipping lines and EU importers. Test slots within 5 working days; our engineers explain failures and "
         "retests in Chinese or English.", ("battery testing", "UN38.3", "energy storage"), 15_000, ("C38",)),
    tech("demo-sp-jiangxin", "industrial_design", "appliance", "小家电外观与结构设计",
         "从市场调研、外观设计、结构设计到手板验证的全流程服务，已为 200 多款小家电完成设计，6–8 周交付。",
         ("工业设计", "小家电", "结构设计"), 80_000, ("C38",)),
    tech("demo-sp-jiangxin", "industrial_design", "kitchen-bath", "厨卫五金产品造型设计",
         "为水龙头、花洒和厨房五金提供造型与人机工程设计，熟悉铸造、抛光和电镀的工艺限制。",
         ("厨卫", "造型设计"), 50_000, ("C33",)),
    tech("demo-sp-jiangxin", "industrial_design", "machinery", "工业设备人机工程与外观设计",
         "为数控机床、包装机械等装备提供钣金外观、操作界面和人机工程设计，提升产品溢价。",
         ("装备外观", "人机工程"), 60_000, ("C34", "C35")),
    tech("demo-sp-jiangxin", "industrial_design", "prototype", "设计 + 打样一站式服务",
         "设计定稿后由合作工厂提供 CNC 手板、3D 打印和小批量试产，平均缩短新品上市时间 30%。",
         ("手板", "打样", "新品开发"), 30_000),
    tech("demo-sp-jiangxin", "industrial_design", "export-design", "Product Design for Export Markets",
         "Our designers adapt products to users in the EU and North America: styling, usability tests, CMF and "
         "compliance-aware structure design, with documentation your overseas buyers can review. Typical project: "
         "6–10 weeks.", ("industrial design", "export", "CMF"), 100_000, ("C21", "C24", "C38")),
)

TRAINING: tuple[Offer, ...] = (
    course("demo-sp-zhengxin", "management", "rnd-deduction-class", "研发费用加计扣除与高企财务专题课",
           "讲解研发费用归集口径、辅助账设置和高新技术企业认定中的财务指标，附案例和模板，适合财务负责人。",
           ("研发费用", "高企认定", "财务"), 980, 21, 1, 80, "广州市天河区正信财税培训中心"),
    course("demo-sp-zhengxin", "skills", "export-rebate", "出口退税申报实务",
           "从出口报关、收汇到退税申报的全流程操作，讲解常见退税疑点和风险防范，适合外贸企业财务和单证人员。",
           ("出口退税", "外贸", "财务"), 680, 35, 1, 50, "广州市天河区正信财税培训中心"),
    course("demo-sp-zhuoyue", "management", "lean", "精益生产与现场管理实战班",
           "两天课程讲授 5S、价值流图和快速换模，第二天下午参观顺德标杆工厂，学员带着本厂问题来、带着改善方案走。",
           ("精益生产", "5S", "现场管理"), 3_800, 28, 2, 40, "佛山市顺德区卓越咨询培训中心"),
    course("demo-sp-zhuoyue", "executive", "equity-incentive", "中小企业股权激励设计工作坊",
           "一天工作坊：股权激励的模式、定价、考核与退出，现场为每家企业搭出方案框架，限企业主和合伙人参加。",
           ("股权激励", "企业主", "合伙人"), 4_800, 42, 1, 30, "广州市珠江新城卓越咨询会议中心"),
    course("demo-sp-zhuoyue", "executive", "digital-leadership", "企业家数字化领导力研修班",
           "三天集中研修，讲授数字化战略、数据驱动的经营管理和组织变革，参访两家“灯塔工厂”。",
           ("数字化转型", "企业家", "研修班"), 19_800, 60, 3, 40, "广州市珠江新城卓越咨询会议中心"),
    course("demo-sp-zhuoyue", "management", "amoeba", "阿米巴经营与全面预算管理",
           "讲授经营会计、独立核算单元划分和月度经营分析会，帮助制造企业把利润责任落到车间和班组。",
           ("阿米巴", "全面预算", "经营管理"), 3_600, 49, 2, 50, "东莞市南城区卓越咨询东莞分部"),
    course("demo-sp-yingcai", "skills", "cnc-operator", "数控机床操作工技能提升培训（政府补贴）",
           "理论与实操结合的补贴性职业技能培训，考核通过取得职业技能等级证书，企业在职员工参加免费，还可申领培训补贴。",
           ("数控", "职业技能等级证书", "培训补贴"), 0, 14, 10, 30, "佛山市南海区职业技能培训基地"),
    course("demo-sp-yingcai", "skills", "electrician", "低压电工作业证考证培训",
           "按应急管理部门考纲授课和实操训练，统一报名考试，考试通过发放特种作业操作证。",
           ("电工证", "特种作业"), 1_200, 20, 5, 40, "广州市白云区英才职业培训学校"),
    course("demo-sp-yingcai", "management", "team-leader", "班组长管理能力训练营",
           "面向制造企业班组长：目标管理、现场沟通、新员工带教和安全管理，情景演练占一半课时。",
           ("班组长", "一线管理"), 2_600, 30, 2, 45, "东莞市长安镇英才培训中心", local=False),
    course("demo-sp-yingcai", "management", "labour-law", "劳动用工合规实务（新规解读）",
           "解读最新劳动用工规定，讲解劳动合同、加班工时、灵活用工和劳动争议预防，线上直播与广州会场同步。",
           ("劳动法", "用工合规"), 800, 18, 1, 100, "线上直播 + 广州市天河区英才会场", local=False),
    course("demo-uni-lingnan", "executive", "specialized-ceo", "专精特新企业高级管理人员研修班",
           "学校商学院与工学院联合开设，四个模块：战略、技术创新管理、资本运作和数字化，每个模块两天，学员企业互访。",
           ("专精特新", "高管研修"), 38_000, 45, 8, 50, "岭南工业大学五山校区", schedule="每月集中 2 天，共 4 个模块"),
    course("demo-uni-lingnan", "executive", "cdo", "制造业首席数字官（CDO）研修班",
           "面向分管信息化的副总和 IT 负责人，讲授数字化架构、工业数据治理和项目管理，结业提交本企业转型方案。",
           ("首席数字官", "数字化转型", "研修班"), 26_000, 75, 6, 40, "岭南工业大学五山校区", schedule="每月集中 2 天，共 3 次"),
    course("demo-sp-zhihui-space", "entrepreneurship", "student-camp", "大学生创业训练营",
           "三天训练营：商业模式画布、用户访谈、最小可行产品和路演表达，优秀项目可直接入驻众创空间。",
           ("大学生创业", "训练营"), 0, 16, 3, 60, "广州天河智汇众创空间"),
    course("demo-sp-zhihui-space", "entrepreneurship", "pitch-camp", "创业者融资路演辅导营",
           "投资人一对一打磨商业计划书和路演讲稿，第二天模拟路演并由 10 家机构点评。",
           ("融资路演", "商业计划书"), 1_500, 26, 2, 30, "广州天河智汇众创空间"),
    course("demo-sp-zhihui-space", "entrepreneurship", "hk-macao-camp", "Startup Bootcamp for Hong Kong and Macao Youth in Guangzhou",
           "Three days on company registration, tax, hiring and fundraising in mainland China, taught in English and "
           "Cantonese, with visits to incubators and a pitch night. Free for founders under 35 from Hong Kong and Macao.",
           ("startup", "Hong Kong", "Macao"), 0, 40, 3, 40, "Tianhe Zhihui Co-working Space, Guangzhou"),
    course("demo-sp-songhu-park", "entrepreneurship", "hardtech-camp", "硬科技创业者训练营（松山湖）",
           "面向硬件和智能制造创业团队：供应链管理、量产导入、知识产权与融资，安排参观松山湖机器人和材料平台。",
           ("硬科技", "创业", "量产导入"), 2_000, 33, 4, 40, "东莞松山湖创新园 A 栋路演厅"),
    course("demo-assoc-foshan-appliance", "skills", "eu-battery-rules", "家电出口合规培训（欧盟新电池法规与 ERP）",
           "解读欧盟电池法规、ERP 能效和 WEEE 要求，讲解碳足迹声明和合规文件准备，附企业自查清单。",
           ("出口合规", "欧盟电池法规", "家电"), 500, 24, 1, 120, "佛山市顺德区家电协会会议中心"),
    course("demo-assoc-chaozhou-ceramics", "skills", "hand-painting", "陶瓷手绘与釉上彩技能培训",
           "国家级工艺美术大师授课，五天手绘与釉上彩实操，学员作品参加协会年度评选。",
           ("陶瓷", "手绘", "非遗技艺"), 800, 19, 5, 30, "潮州市枫溪区陶瓷协会培训基地"),
    course("demo-gov-promotion", "executive", "leaders", "中小企业经营管理领军人才培训",
           "省级公益培训项目，分两期共十天，课程涵盖战略、财务、数字化和国际化，学员由各地市推荐。",
           ("领军人才", "公益培训"), 0, 50, 10, 60, "广州市越秀区广东省中小企业培训中心", local=False),
    course("demo-gov-foshan", "skills", "digital-open-class", "中小企业数字化转型公开课（免费）",
           "讲解数字化转型路径、典型场景和补贴政策，现场提供数字化水平免费测评。",
           ("数字化转型", "公益课程"), 0, 12, 1, 200, "佛山市中小企业服务中心多功能厅"),
    course("demo-gov-dongguan", "management", "going-global", "中小企业出海合规培训",
           "讲授出口管制、数据合规、海外知识产权和跨境税务，邀请律师和海关专家答疑。",
           ("出海", "合规", "跨境"), 0, 22, 1, 150, "东莞市民服务中心 2 楼报告厅"),
    course("demo-gov-shantou", "skills", "live-commerce", "直播电商人才培训（免费）",
           "五天实操：选品、直播脚本、投流和售后，结业后推荐到澄海玩具企业和电商产业园就业。",
           ("直播电商", "就业培训"), 0, 17, 5, 80, "汕头市澄海区电商产业园"),
    course("demo-gov-zhanjiang", "skills", "agri-ecommerce", "农产品电商与冷链物流培训",
           "面向农业企业和合作社：农产品品牌、电商运营和冷链物流管理，安排参观预制菜产业园。",
           ("农产品电商", "冷链"), 0, 25, 2, 100, "湛江市中小企业服务中心培训室"),
    course("demo-gov-zhanjiang", "entrepreneurship", "syb", "返乡创业培训（SYB）",
           "创业意识、市场评估、企业财务和创业计划书，结业可申请创业担保贷款和一次性创业补贴。",
           ("返乡创业", "SYB", "创业补贴"), 0, 31, 8, 40, "湛江市中小企业服务中心培训室"),
    course("demo-gov-zhongshan", "management", "ipo-class", "企业上市培育专题课",
           "交易所和券商讲师讲解北交所、创业板上市条件和规范要点，现场提供一对一上市咨询。",
           ("上市培育", "北交所"), 0, 37, 1, 120, "中山市中小企业服务中心会议室"),
)

# The provincial centre's free course on 专精特新 goes on tour: one listing per stop.
TOUR = (("广州", "440100", 15, "广州市越秀区广东省中小企业培训中心"), ("佛山", "440600", 29, "佛山市中小企业服务中心多功能厅"),
        ("汕头", "440500", 43, "汕头市中小企业服务中心报告厅"), ("湛江", "440800", 57, "湛江市中小企业服务中心培训室"))

EXHIBITIONS: tuple[Offer, ...] = (
    fair("demo-assoc-foshan-appliance", "trade_fair", "shunde-expo", "顺德家电博览会标准展位",
         "国内规模最大的家电专业展之一，采购商来自 60 多个国家和地区。会员企业展位费九折，可申请市级参展补贴。",
         ("家电", "展会", "参展补贴"), 9_800, 70, 3, "佛山市顺德区潭州国际会展中心", 50_000, "3m×3m", lead=30),
    fair("demo-assoc-chaozhou-ceramics", "trade_fair", "ceramics-expo", "潮州国际陶瓷博览会展位",
         "设日用陶瓷、卫生陶瓷和艺术陶瓷三大展区，同期举办采购商对接会。",
         ("陶瓷", "展会"), 8_000, 85, 4, "潮州市会展中心", 30_000, "3m×3m", lead=30),
    fair("demo-gov-promotion", "trade_fair", "cismef", "中国国际中小企业博览会广东展团招募",
         "省中小企业发展促进中心组织广东展团参展，标准展位费由省财政全额补贴，优先支持专精特新中小企业。",
         ("中博会", "广东展团", "免费展位"), 0, 100, 4, "广州·中国进出口商品交易会展馆", 100_000, "3m×3m 标准展位",
         lead=45, regions=("440000",)),
    fair("demo-gov-shantou", "trade_fair", "toy-fair", "汕头澄海国际玩具博览会展位（补贴）",
         "汕头本地企业参展可获展位费 70% 补贴，展会同期举办跨境电商选品会。",
         ("玩具", "展会", "跨境电商"), 3_000, 65, 3, "汕头市澄海区玩具会展中心", 40_000, "3m×3m", lead=20),
    fair("demo-org-baichang", "trade_fair", "digital-expo", "粤港澳大湾区中小企业数字化转型展",
         "集中展示工业软件、设备联网、AI 质检和数字化服务商案例，展商可参加同期供需对接。",
         ("数字化转型", "展会"), 6_800, 55, 2, "深圳国际会展中心 8 号馆", 20_000, "3m×3m", lead=20, regions=("440000",)),
    fair("demo-org-baichang", "trade_fair", "jakarta", "Guangdong SME Pavilion at the Jakarta Manufacturing Expo",
         "Join the Guangdong pavilion at Southeast Asia's manufacturing fair: shared booth design, shipping of "
         "samples, interpreters and pre-arranged buyer meetings. Part of the booth fee is covered by provincial "
         "export programmes.", ("trade fair", "Southeast Asia", "export"), 15_000, 120, 4, "JIExpo Kemayoran, Jakarta",
         25_000, "3m×3m", lead=60, regions=("440000",)),
    fair("demo-gov-zhanjiang", "trade_fair", "ready-meal-expo", "湛江国际预制菜产业博览会展位",
         "展示水产、禽畜和调味预制菜，邀请连锁餐饮、商超和团餐采购商，湛江企业展位费减半。",
         ("预制菜", "水产", "展会"), 4_000, 80, 3, "湛江国际会展中心", 30_000, "3m×3m", lead=20),
    fair("demo-org-roadshow", "roadshow", "demo-day-en", "Greater Bay Area Startup Demo Day (English session)",
         "Ten startups pitch in English to investors from Hong Kong, Singapore and the mainland; five minutes of "
         "pitch and five of questions each. Startups apply with a deck; attendance is free for investors and SMEs.",
         ("demo day", "startups", "investors"), 0, 54, 1, "Qianhai Shenzhen-Hong Kong Youth Innovation Hub", 300, lead=14,
         regions=("440000",)),
    fair("demo-org-baichang", "roadshow", "campus-roadshow", "高校科技成果路演（佛山站）",
         "十所高校院所的 20 项成果现场路演，技术经纪人现场撮合，企业可预约与发明人面谈。",
         ("成果路演", "产学研"), 0, 36, 1, "佛山市南海区千灯湖创投小镇", 400),
    fair("demo-org-baichang", "matchmaking_event", "nev-chain", "新能源汽车产业链供需对接会",
         "整车和电池企业发布零部件采购需求，中小企业提前报名并提交产品资料，组委会安排一对一洽谈。",
         ("新能源汽车", "供需对接", "零部件"), 0, 44, 1, "广州市南沙区国际会展中心", 500, regions=("440000",)),
    fair("demo-assoc-foshan-appliance", "matchmaking_event", "appliance-chain", "大中小企业融通对接会（家电产业链）",
         "龙头家电企业采购负责人现场发布注塑、钣金、电机和包装采购计划，中小企业可带样品洽谈。",
         ("大中小企业融通", "家电", "采购对接"), 0, 38, 1, "佛山市顺德区家电协会会议中心", 300),
    fair("demo-gov-dongguan", "matchmaking_event", "bank-match", "银企对接会（东莞松山湖专场）",
         "15 家银行、担保和租赁机构现场设台，企业可提前提交融资需求，服务中心预先匹配并安排洽谈。",
         ("银企对接", "融资"), 0, 27, 1, "东莞市松山湖国际创新创业社区", 300),
    fair("demo-gov-zhanjiang", "matchmaking_event", "produce-match", "粤西农产品产销对接会",
         "组织湛江、茂名、阳江的农产品和水产企业与珠三角商超、团餐和电商采购商对接。",
         ("农产品", "产销对接", "粤西"), 0, 48, 2, "湛江国际会展中心", 800, regions=("440800", "440900", "441700")),
    fair("demo-gov-zhongshan", "matchmaking_event", "lighting-chain", "中山灯饰照明产业链对接会",
         "邀请酒店、商业地产和工程渠道采购商，与古镇灯饰企业开展工程照明和智能照明项目对接。",
         ("灯饰照明", "工程渠道", "对接会"), 0, 34, 1, "中山市古镇镇灯都会展中心", 400),
    fair("demo-assoc-dgelec", "matchmaking_event", "electronics-purchasing", "电子信息产业链采购对接会",
         "终端品牌和 ODM 企业发布 PCBA、结构件和模具采购需求，协会会员企业优先安排洽谈。",
         ("电子信息", "采购对接", "PCBA"), 0, 52, 1, "东莞市南城区国际商务区会议中心", 350),
)

# The monthly hard-tech roadshow: a theme per month.
ROADSHOW_THEMES = (
    ("robotics", "智能制造与机器人", 12), ("energy", "新能源与储能", 40),
    ("chips", "半导体与传感器", 68), ("medtech", "医疗器械与生物材料", 96),
)

SERVICES: tuple[Offer, ...] = (
    service("demo-sp-zhengxin", "tax_accounting", "bookkeeping", "代理记账（小规模纳税人）",
            "月度记账报税、年度汇算清缴和工商年报，配专属会计顾问，每年 3600 元起，一般纳税人另行报价。",
            ("代理记账", "报税"), 3_600, 30),
    service("demo-sp-zhengxin", "tax_accounting", "tax-check", "税务健康检查",
            "对近三年的增值税、企业所得税和个税进行风险排查，出具风险清单和整改建议，适合融资和上市前自查。",
            ("税务风险", "健康检查"), 8_000, 15),
    service("demo-sp-zhengxin", "tax_accounting", "rnd-audit", "研发费用加计扣除专项审计鉴证",
            "出具研发费用加计扣除专项审计报告，协助设置研发辅助账，满足税务备查要求。",
            ("研发费用", "加计扣除", "审计"), 12_000, 20),
    service("demo-sp-zhengxin", "consulting", "specialized-application", "专精特新中小企业申报辅导",
            "对照评价指标诊断企业条件，辅导准备知识产权、研发和财务材料，撰写申报书，全程跟进至公示。",
            ("专精特新", "申报辅导"), 20_000, 45),
    service("demo-sp-zhuoyue", "consulting", "lean-onsite", "精益生产咨询（6 个月驻厂）",
            "顾问团队驻厂六个月，推行价值流改善、快速换模和目视化管理，按交期达成率和库存周转设定改善目标。",
            ("精益生产", "驻厂咨询"), 180_000, 180, ("C",)),
    service("demo-sp-zhuoyue", "consulting", "strategy", "企业战略与组织诊断",
            "访谈管理层和骨干员工，梳理业务组合和组织能力，输出三年战略地图和组织调整方案。",
            ("战略规划", "组织诊断"), 50_000, 30),
    service("demo-sp-zhuoyue", "consulting", "esg", "ESG 与碳管理报告编制",
            "按客户和监管要求编制 ESG 报告，完成组织碳盘查，回应出口客户的供应链 ESG 问卷。",
            ("ESG", "碳盘查"), 60_000, 45),
    service("demo-sp-zhuoyue", "consulting", "digital-diagnosis", "数字化转型诊断（可用服务券抵扣）",
            "按照中小企业数字化水平评测指标进行诊断，出具改造路线图和供应商建议，可使用中小企业服务券抵扣。",
            ("数字化转型", "诊断", "服务券"), 30_000, 20),
    service("demo-sp-zhuoyue", "consulting", "sea-entry", "Market Entry Consulting for Southeast Asia",
            "Market sizing, channel partner search and entity set-up for Vietnam, Thailand and Indonesia, delivered "
            "with local partners. We prepare the first distributor meetings and a 12-month entry plan.",
            ("market entry", "Southeast Asia", "distributors"), 80_000, 60),
    service("demo-sp-yuefa", "legal", "retainer", "企业常年法律顾问",
            "合同审查、劳动用工、债权催收等日常法律咨询不限次数，每年四次法律风险体检，律师两小时内响应。",
            ("法律顾问", "合同审查"), 36_000, 365),
    service("demo-sp-yuefa", "legal", "contracts", "合同审查与合同模板定制",
            "审查采购、销售、加工承揽等合同并出具修改意见，为企业定制常用合同模板和签约流程。",
            ("合同审查", "合同模板"), 5_000, 7),
    service("demo-sp-yuefa", "legal", "labour-disputes", "劳动争议处理与用工合规",
            "代理劳动仲裁和诉讼，梳理规章制度和劳动合同，降低用工纠纷风险。",
            ("劳动争议", "用工合规"), 15_000, 30),
    service("demo-sp-yuefa", "legal", "export-control", "出口管制与跨境贸易合规咨询",
            "评估出口产品和客户的管制风险，建立出口合规制度，处理海外客户的合规问卷和尽职调查。",
            ("出口管制", "跨境合规"), 30_000, 20),
    service("demo-sp-yuefa", "legal", "equity-finance", "股权架构设计与融资法律服务",
            "设计持股平台和股权激励架构，起草和谈判投资协议，陪同企业完成融资交割。",
            ("股权架构", "融资法律"), 50_000, 30),
    service("demo-sp-yuefa", "legal", "contracts-en", "Legal Review of Foreign Trade Contracts (English and Chinese)",
            "Bilingual lawyers review sales, distribution and OEM contracts with overseas buyers: payment terms, "
            "warranties, liability caps, governing law and arbitration. Written comments within 7 days.",
            ("contract review", "foreign trade", "bilingual"), 8_000, 7),
    service("demo-sp-zhichuang", "ip", "invention-patent", "发明专利申请代理",
            "技术交底、检索、撰写和答复审查意见全程代理，代理费 6000 元起（不含官费），可申请专利优先审查。",
            ("发明专利", "专利代理"), 6_000, 30),
    service("demo-sp-zhichuang", "ip", "trademark", "商标注册与马德里国际商标",
            "国内商标注册 1500 元起，马德里国际注册可覆盖 100 多个国家，附商标监测一年。",
            ("商标注册", "马德里"), 1_500, 10),
    service("demo-sp-zhichuang", "ip", "fto", "专利侵权风险排查（FTO）",
            "新品上市或出口前检索目标市场的有效专利，评估侵权风险并提出规避设计建议。",
            ("FTO", "侵权风险", "出口"), 40_000, 30),
    service("demo-sp-zhichuang", "ip", "ip-management", "知识产权管理体系贯标（GB/T 29490）",
            "建立企业知识产权管理体系并通过认证，是高企认定和专精特新评价的加分项。",
            ("贯标", "知识产权管理"), 30_000, 90),
    service("demo-sp-zhichuang", "ip", "high-value-patents", "高价值专利培育与专利布局",
            "围绕核心产品开展专利挖掘和布局，形成专利组合，可同步规划 PCT 国际申请。",
            ("高价值专利", "专利布局", "PCT"), 80_000, 120),
    service("demo-sp-zhilian", "it", "mes", "轻量化 MES 生产执行系统（中小企业版）",
            "订阅制 MES，覆盖工单、报工、质量追溯和设备看板，两个月上线，可申请数字化转型补助。",
            ("MES", "生产管理", "数字化"), 98_000, 60, ("C",)),
    service("demo-sp-zhilian", "it", "machine-data", "设备联网与数据采集",
            "为注塑机、CNC 和冲床加装采集网关，实时采集产量、稼动率和故障，按台计价。",
            ("设备联网", "数据采集"), 30_000, 30, ("C",)),
    service("demo-sp-zhilian", "it", "cloud-erp", "ERP 上云实施",
            "为中小企业实施云 ERP，覆盖采购、库存、销售和财务，含数据迁移和三个月驻场陪跑。",
            ("ERP", "上云"), 45_000, 45),
    service("demo-sp-zhilian", "it", "security-mlps", "网络安全等级保护测评辅导",
            "协助完成定级备案、差距分析和整改，对接测评机构，满足客户和监管的网络安全要求。",
            ("等保", "网络安全"), 25_000, 40),
    service("demo-sp-zhilian", "it", "custom-apps", "工业 App 定制开发",
            "针对质检、仓储、设备点检等场景定制移动端应用，与现有 ERP 和 MES 对接。",
            ("工业App", "定制开发"), 60_000, 60),
    service("demo-sp-yingcai", "hr", "blue-collar", "蓝领招聘与批量用工",
            "覆盖粤东西北和广西、湖南的招聘渠道，按到岗人数收费，每人 800 元起，保证 30 天在职。",
            ("招聘", "蓝领", "普工"), 800, 15),
    service("demo-sp-yingcai", "hr", "flexible-staffing", "劳务派遣与灵活用工",
            "旺季临时用工和岗位外包，代发工资并代缴社保，管理费每人每月 300 元起。",
            ("劳务派遣", "灵活用工"), 300, 7),
    service("demo-sp-yingcai", "hr", "pay-design", "薪酬绩效体系设计",
            "岗位价值评估、薪酬带宽和绩效考核方案，配套计件和技能工资设计，适合 100–500 人的制造企业。",
            ("薪酬设计", "绩效考核"), 40_000, 45),
    service("demo-sp-yingcai", "hr", "payroll", "社保公积金代理",
            "异地员工社保公积金代缴、入离职手续和个税申报，每人每月 50 元。",
            ("社保代理", "薪税服务"), 50, 30),
    service("demo-sp-yuejian", "certification", "iso", "ISO 9001/14001/45001 管理体系认证",
            "三体系一次审核、一次发证，审核员熟悉制造业现场，可提供认证前内审培训。",
            ("ISO认证", "体系认证"), 18_000, 45),
    service("demo-sp-yuejian", "certification", "ccc", "CCC 强制性产品认证代理",
            "产品单元划分、送样检测、工厂检查到发证全流程代理，灯具、小家电和电线电缆经验丰富。",
            ("CCC认证", "强制性认证"), 12_000, 60),
    service("demo-sp-yuejian", "certification", "ce", "CE 认证（欧盟市场准入）",
            "LVD、EMC、机械指令和 RED 等 CE 认证，编写技术文件和符合性声明，协助处理欧盟进口商的合规核查。",
            ("CE认证", "欧盟", "出口"), 8_000, 20),
    service("demo-sp-yuejian", "certification", "iatf", "IATF 16949 汽车质量管理体系认证辅导",
            "五大工具培训、过程审核和第三方认证陪审，帮助零部件企业进入整车厂和一级供应商体系。",
            ("IATF16949", "汽车零部件"), 60_000, 120),
    service("demo-sp-yuejian", "certification", "carbon-label", "产品碳足迹核算与碳标签认证",
            "按国际标准核算产品碳足迹，出具核查声明和碳标签证书，应对欧盟客户的碳数据要求。",
            ("碳足迹", "碳标签", "出口"), 35_000, 45),
)

POLICIES: tuple[Offer, ...] = (
    policy("demo-gov-promotion", "subsidy", "little-giants", "专精特新中小企业奖补",
           "对新认定的国家级专精特新“小巨人”企业给予一次性奖励，最高 100 万元；省级专精特新中小企业按各地市政策配套"
           "奖励。企业在平台填报后由各地市中小企业主管部门初审。", ("专精特新", "奖补", "小巨人"),
           max_wan=100, deadline=75, documents=("认定文件", "申请表", "近一年审计报告"), sizes=("small", "medium")),
    policy("demo-gov-promotion", "tax", "small-profit", "小型微利企业所得税优惠",
           "年应纳税所得额不超过 300 万元的部分，减按 25% 计入应纳税所得额，按 20% 的税率缴纳企业所得税（实际税负 5%）。"
           "预缴和汇算清缴时自行申报享受，无需审批。", ("所得税", "小微企业", "减税"),
           authority="国家税务总局广东省税务局", sizes=("micro", "small")),
    policy("demo-gov-promotion", "tax", "rnd-super-deduction", "研发费用税前加计扣除（100%）",
           "企业开展研发活动实际发生的研发费用，未形成无形资产的按实际发生额的 100% 在税前加计扣除；形成无形资产的按成本"
           "的 200% 摊销。可在 10 月预缴时提前享受。", ("研发费用", "加计扣除"),
           authority="国家税务总局广东省税务局", sizes=()),
    policy("demo-gov-promotion", "tax", "hnte-rate", "高新技术企业减按 15% 税率征收企业所得税",
           "经认定的高新技术企业减按 15% 的税率征收企业所得税，资格有效期三年；认定申报每年分批受理。",
           ("高新技术企业", "所得税"), authority="广东省科学技术厅", sizes=()),
    policy("demo-gov-promotion", "tax", "six-taxes", "“六税两费”减半征收",
           "小规模纳税人、小型微利企业和个体工商户的资源税、城市维护建设税、房产税、城镇土地使用税、印花税、耕地占用税"
           "和教育费附加、地方教育附加减半征收。", ("六税两费", "减税降费"),
           authority="国家税务总局广东省税务局", sizes=("micro", "small")),
    policy("demo-gov-promotion", "fee_reduction", "guarantee-fee", "政府性融资担保降费奖补",
           "省财政对年化担保费率不超过 1% 的政府性融资担保业务给予奖补，小微企业实际担保费率可降至 0.5% 以下，"
           "企业通过合作担保机构申请即可享受。", ("担保费", "降费", "普惠金融"), max_wan=20,
           documents=("担保合同", "贷款合同"), sizes=("micro", "small")),
    policy("demo-gov-promotion", "subsidy", "service-vouchers", "中小企业服务券（免费领取）",
           "可用于购买平台上的管理咨询、数字化、知识产权和检测认证服务，每家企业每年最多 5 万元，先到先得。",
           ("服务券", "公共服务"), max_wan=5, deadline=120, documents=("营业执照", "服务合同")),
    policy("demo-gov-promotion", "fee_reduction", "union-fee-refund", "小微企业工会经费全额返还",
           "小额缴费的小微企业工会经费全额返还，用于职工培训和关爱活动，按季度自动返还、无需申请。",
           ("工会经费", "返还"), authority="广东省总工会", sizes=("micro", "small")),
    policy("demo-gov-foshan", "subsidy", "smart-transformation", "佛山市制造业数字化智能化转型补助",
           "对实施数字化智能化改造的规上工业企业，按项目软硬件投入的 20% 给予补助，单个项目最高 500 万元。",
           ("数字化转型", "智能化改造", "补助"), max_wan=500, deadline=60,
           documents=("项目申报书", "投资发票", "项目验收报告"), industries=("C",)),
    policy("demo-gov-foshan", "subsidy", "upscale", "佛山市中小企业“小升规”奖励",
           "首次纳入规模以上工业统计的中小企业给予一次性奖励 20 万元，连续两年保持规上的再奖励 10 万元。",
           ("小升规", "奖励"), max_wan=20, deadline=90, documents=("统计入库证明", "申请表"), industries=("C",)),
    policy("demo-gov-foshan", "subsidy", "hnte-award", "佛山市高新技术企业认定奖励",
           "首次通过高新技术企业认定的企业给予 30 万元奖励，重新认定的给予 10 万元。",
           ("高新技术企业", "奖励"), max_wan=30, deadline=100, documents=("高新技术企业证书", "申请表")),
    policy("demo-gov-foshan", "fee_reduction", "job-retention", "佛山市稳岗返还与一次性扩岗补助",
           "上年度未裁员或裁员率低于标准的中小企业返还上年度实际缴纳失业保险费的 60%；新招用高校毕业生的每人补助 1500 元。",
           ("稳岗返还", "扩岗补助"), max_wan=50, deadline=45, documents=("社保缴费证明",)),
    policy("demo-gov-foshan", "subsidy", "innovation-vouchers", "佛山市科技创新券",
           "中小企业购买检测、研发设计和技术转移服务时，可用创新券抵扣服务费的 50%，每家每年最高 20 万元。",
           ("创新券", "科技服务"), max_wan=20, deadline=150, documents=("服务合同", "付款凭证")),
    policy("demo-gov-dongguan", "subsidy", "specialized-award", "东莞市专精特新企业奖励",
           "对新认定的省级专精特新中小企业奖励 20 万元，国家级专精特新“小巨人”企业奖励 50 万元。",
           ("专精特新", "奖励"), max_wan=50, deadline=70, documents=("认定文件", "申请表"), sizes=("small", "medium")),
    policy("demo-gov-dongguan", "subsidy", "retrofit", "东莞市技术改造设备奖励",
           "按技术改造项目设备投资额的 10%–15% 给予奖励，单个项目最高 1000 万元，可与贷款贴息叠加享受。",
           ("技术改造", "设备投资", "奖励"), max_wan=1000, deadline=80,
           documents=("技改项目备案证明", "设备发票", "项目验收报告"), industries=("C",)),
    policy("demo-gov-dongguan", "fee_reduction", "guarantee-subsidy", "东莞市小微企业融资担保费补贴",
           "通过合作担保机构获得贷款的小微企业，按实际支付担保费的 50% 给予补贴，每家每年最高 20 万元。",
           ("担保费补贴", "融资"), max_wan=20, deadline=110, documents=("担保合同", "担保费发票"), sizes=("micro", "small")),
    policy("demo-gov-dongguan", "subsidy", "cloud", "东莞市企业上云用云补助",
           "企业购买云主机、云 ERP、云 MES 等服务的，按实际支出的 30% 补助，每家最高 10 万元。",
           ("上云", "数字化"), max_wan=10, deadline=90, documents=("云服务合同", "付款凭证")),
    policy("demo-gov-zhongshan", "subsidy", "ipo-award", "中山市企业上市挂牌奖励",
           "企业完成股份制改造、辅导备案和成功上市的分阶段奖励，合计最高 500 万元；在区域性股权市场专精特新专板挂牌奖励 20 万元。",
           ("上市奖励", "股改", "挂牌"), max_wan=500, deadline=120, documents=("股改或辅导备案证明", "申请表"),
           sizes=("small", "medium")),
    policy("demo-gov-zhongshan", "subsidy", "loan-interest", "中山市工业企业技术改造贷款贴息",
           "对技术改造项目的银行贷款按实际付息额的 50% 贴息，单个企业每年最高 300 万元。",
           ("贴息", "技术改造"), max_wan=300, deadline=95, documents=("贷款合同", "付息凭证", "技改项目备案证明"),
           industries=("C",)),
    policy("demo-gov-zhongshan", "fee_reduction", "rent-relief", "中山市国有物业小微企业租金减免",
           "承租市属国有物业的小微企业和个体工商户，可申请减免三个月租金。",
           ("租金减免", "小微企业"), max_wan=10, deadline=40, documents=("租赁合同", "营业执照"), sizes=("micro", "small")),
    policy("demo-gov-shantou", "subsidy", "credit-insurance-premium", "汕头市外贸企业出口信用保险保费补贴",
           "对投保出口信用保险的外贸企业按实缴保费的 50% 给予补贴，小微企业统保保费全额补贴，每家最高 50 万元。",
           ("出口信用保险", "保费补贴", "外贸"), max_wan=50, deadline=100, documents=("保单", "保费发票")),
    policy("demo-gov-shantou", "subsidy", "cross-border-ecommerce", "汕头市跨境电商企业扶持资金",
           "对跨境电商出口额同比增长的企业、新建海外仓和独立站的企业给予奖励，每家最高 100 万元。",
           ("跨境电商", "海外仓", "扶持资金"), max_wan=100, deadline=85, documents=("出口数据", "海外仓租赁合同")),
    policy("demo-gov-shantou", "fee_reduction", "toy-testing-fee", "汕头市玩具企业检测认证费用补贴",
           "玩具企业产品出口检测和认证费用按 50% 给予补贴，每家每年最高 10 万元。",
           ("检测补贴", "玩具", "出口认证"), max_wan=10, deadline=65, documents=("检测报告", "费用发票"),
           industries=("C24",)),
    policy("demo-gov-zhanjiang", "subsidy", "ready-meals", "湛江市预制菜产业发展扶持资金",
           "对预制菜企业新建生产线、冷链仓储和品牌建设项目按投资额的 20% 给予扶持，每个项目最高 200 万元。",
           ("预制菜", "冷链", "扶持资金"), max_wan=200, deadline=70, documents=("项目申报书", "投资凭证"),
           industries=("C13", "C14", "H62")),
    policy("demo-gov-zhanjiang", "subsidy", "agri-interest", "湛江市农业龙头企业贷款贴息",
           "市级以上农业产业化龙头企业的流动资金贷款按 LPR 的 50% 贴息，每家每年最高 100 万元。",
           ("农业龙头企业", "贴息"), max_wan=100, deadline=90, documents=("龙头企业证书", "贷款合同", "付息凭证"),
           industries=("A", "C13", "C14")),
    policy("demo-gov-zhanjiang", "fee_reduction", "inspection-fee", "湛江市水产品出口检验检疫费用减免",
           "对出口水产品企业的检验检疫和第三方检测费用给予减免和补贴，每家每年最高 5 万元。",
           ("出口", "检验检疫", "水产品"), max_wan=5, deadline=120, documents=("出口报关单", "检测费用发票"),
           industries=("C13", "A04")),
)

# What city governments buy under the set-aside for small and micro enterprises:
# (key, item, description, budget in 万元, purchaser with {city}).
GOVERNMENT_PURCHASES = (
    ("desks", "中小学课桌椅采购",
     "采购可调节学生课桌椅 3000 套，本项目专门面向中小企业采购，评审时对小微企业报价给予 10% 的价格扣除。", 150,
     "{city}某区教育局"),
    ("medical", "社区卫生服务中心医用耗材采购",
     "一年期医用耗材供货，分三个包，允许联合体投标，小微企业参与联合体的份额不低于 30%。", 80, "{city}某区卫生健康局"),
    ("office-furniture", "政务服务中心办公家具采购",
     "办公桌椅、文件柜和会议家具的采购与安装，本项目专门面向中小企业，要求提供环保检测报告。", 60, "{city}政务服务中心"),
    ("street-lights", "道路照明 LED 灯具节能改造",
     "更换 2000 套道路照明 LED 灯具并加装单灯控制，预留 40% 份额面向小微企业，接受合同融资。", 300,
     "{city}城市管理和综合执法局"),
    ("canteen", "机关食堂食材配送服务",
     "一年期食材配送服务，要求具备食品经营许可和冷链配送能力，专门面向中小企业。", 120, "{city}某区机关事务服务中心"),
    ("cleaning", "公共场馆物业保洁服务",
     "体育馆和图书馆的保洁与绿化养护服务，服务期一年，专门面向中小企业。", 90, "{city}文化广电旅游体育局"),
    ("it-ops", "政务信息系统运维服务",
     "机房、网络和 12 个业务系统的运维服务，要求驻场工程师 3 名，专门面向中小企业。", 200, "{city}政务服务数据管理局"),
    ("cctv", "中小学校园安防监控升级",
     "20 所学校的高清监控和一键报警系统升级，预留份额面向小微企业，评审价格扣除 10%。", 180, "{city}某区教育局"),
    ("water-testing", "农村饮水工程水质检测服务",
     "全年 4 次对 120 个供水点开展水质检测，要求具备 CMA 资质，专门面向中小企业。", 40, "{city}水务局"),
    ("flood-supplies", "防汛应急物资储备采购",
     "采购救生衣、沙袋、抽水泵和应急照明设备，专门面向中小企业，分批交货。", 70, "{city}应急管理局"),
)
# Which purchases each city's government publishes (indexes into GOVERNMENT_PURCHASES), and
# the days until the tender closes.
GOVERNMENT_BUYERS = {
    "demo-gov-foshan": ((0, 18), (3, 32)),
    "demo-gov-dongguan": ((6, 21), (7, 27)),
    "demo-gov-zhongshan": ((3, 25), (2, 16)),
    "demo-gov-shantou": ((4, 19), (8, 30)),
    "demo-gov-zhanjiang": ((1, 23), (9, 14)),
    "demo-gov-promotion": ((6, 28),),
}

# Large-enterprise supply opportunities, published for the big buyers by associations, organizers
# and the platform: (org, key, title, description, purchaser, yearly volume in 万元, days to apply,
# regions, industries).
SUPPLY_CALLS = (
    ("demo-assoc-foshan-appliance", "appliance-parts", "头部家电企业二级供应商招募：注塑与钣金结构件",
     "家电龙头企业扩充二级供应商库，需注塑件、钣金件年供货能力 500 万元以上，通过 ISO 9001 认证，距顺德 2 小时车程内优先。",
     "顺德某头部家电集团采购中心", 5000, 30, ("440600", "442000", "440100"), ("C29", "C33")),
    ("demo-assoc-foshan-appliance", "appliance-packaging", "家电龙头企业包装材料年度招标",
     "采购瓦楞纸箱、EPE 和纸浆模塑缓冲包装，鼓励可降解方案，要求 FSC 认证和 48 小时送货能力。",
     "佛山某家电上市公司", 1200, 25, ("440600", "441900", "442000"), ("C22", "C29")),
    ("demo-org-baichang", "battery-trays", "新能源汽车主机厂：铝合金电池托盘供应商招募",
     "整车企业为新平台车型招募电池托盘和车身铝型材供应商，要求 IATF 16949 体系和搅拌摩擦焊能力。",
     "广州某新能源汽车整车企业", 8000, 40, ("440000",), ("C32", "C33", "C36")),
    ("demo-org-baichang", "pack-parts", "储能龙头企业：电池 PACK 结构件与线束采购",
     "储能系统集成商采购电池箱体、汇流排和线束，要求具备 UL 或 IEC 认证经验，样品测试合格后签订框架协议。",
     "深圳某储能系统集成商", 3000, 35, ("440000",), ("C33", "C38")),
    ("demo-assoc-dgelec", "pcba-outsourcing", "电子 ODM 龙头：PCBA 外协加工厂招募",
     "ODM 企业招募 PCBA 外协工厂，要求 SMT 线体 3 条以上、具备 AOI 和 X-Ray 检测，汽车电子经验优先。",
     "东莞某电子 ODM 上市公司", 6000, 28, ("441900", "440300", "441300"), ("C39",)),
    ("demo-assoc-dgelec", "molds", "消费电子品牌：精密模具与五金件供应商",
     "采购注塑模具、冲压模具和五金件，模具精度 ±0.01 mm，需提供模流分析报告。",
     "东莞某消费电子品牌商", 2000, 33, ("441900", "440300"), ("C35", "C33")),
    ("demo-platform", "ready-meals-oem", "大型连锁餐饮集团：预制菜代工厂招募",
     "连锁餐饮集团招募粤菜预制菜代工厂，要求 SC 许可和 HACCP 体系，日产能 10 吨以上、具备冷链配送。",
     "广州某连锁餐饮集团", 3000, 45, ("440000",), ("C13", "C14")),
    ("demo-platform", "home-retail", "国际家居零售商：华南地区家具与家居用品采购",
     "采购实木家具、板式家具和陶瓷餐具，要求通过社会责任审核和 FSC 认证，欢迎首次合作的中小企业报名。",
     "某国际家居零售商华南采购中心", 10000, 50, ("440000",), ("C21", "C30")),
    ("demo-assoc-chaozhou-ceramics", "hotel-porcelain", "国际酒店集团：酒店瓷与餐具年度采购",
     "酒店管理集团亚太区采购部年度招标酒店瓷、餐具和茶具，要求 FDA/LFGB 检测报告和 45 天交期。",
     "某国际酒店管理集团亚太采购部", 1500, 38, ("445100", "445200", "440500"), ("C30",)),
    ("demo-platform", "knives-en", "Supplier Search: Kitchen Knives and Cookware for a European Retailer",
     "A European kitchenware retailer is adding suppliers of kitchen knives, scissors and stainless-steel cookware. "
     "Requirements: LFGB food-contact reports, BSCI or SMETA audit, and the ability to ship 20,000 units a month.",
     "A European kitchenware retailer (sourcing office in Shenzhen)", 800, 42, ("440000",), ("C33",)),
    ("demo-gov-promotion", "pv-brackets", "能源央企供应链：光伏支架与五金件中小企业供应商入库",
     "能源企业华南采购中心开展中小企业供应商入库，品类为光伏支架、紧固件和电缆桥架，入库后可参加年度框架招标。",
     "某能源央企华南采购中心", 20000, 36, ("440000",), ("C33", "C32")),
)

SPACES: tuple[Offer, ...] = (
    space("demo-sp-songhu-park", "incubator", "offices", "松山湖创新园孵化器独立办公室",
          "60–300 平方米独立办公室，含公共会议室和路演厅，入孵企业前 6 个月租金五折，可代办工商注册。月租 45 元/㎡。",
          ("孵化器", "独立办公室", "租金优惠"), 45, "东莞市松山湖高新区创新园 B 栋", 60),
    space("demo-sp-songhu-park", "coworking", "desks", "松山湖联合办公工位（含注册地址）",
          "开放工位每月 600 元，含网络、打印和会议室时长，可提供工商注册地址。",
          ("联合办公", "工位", "注册地址"), 600, "东莞市松山湖高新区创新园 A 栋 3 楼", 6),
    space("demo-sp-songhu-park", "factory", "pilot-plant", "松山湖中试厂房（带 5 吨行车）",
          "单层 1500 平方米起租，层高 9 米，带 5 吨行车和 630 kVA 专变，适合智能装备和新材料中试。月租 35 元/㎡。",
          ("中试厂房", "行车", "智能装备"), 35, "东莞市松山湖高新区工业南路", 1500, 15),
    space("demo-sp-zhihui-space", "coworking", "tianhe-desks", "天河智汇联合办公工位",
          "地铁口联合办公，开放工位每月 800 元，固定工位 1000 元，含创业辅导和每月一次投资人见面会。",
          ("联合办公", "创业服务"), 800, "广州市天河区天河北路智汇大厦 12 楼", 6),
    space("demo-sp-zhihui-space", "incubator", "software-incubator", "智汇孵化器（软件与数字创意方向）",
          "面向软件、数字创意和人工智能团队，提供 40–200 平方米办公室和云资源券，入孵前 6 个月租金减免。月租 60 元/㎡。",
          ("孵化器", "软件", "数字创意"), 60, "广州市天河区天河北路智汇大厦 15 楼", 40),
    space("demo-sp-zhihui-space", "coworking", "live-studio", "共享直播间与摄影棚（按小时计费）",
          "6 间直播间和 1 个 200 平方米摄影棚，含灯光和声卡，每小时 150 元，会员八折。",
          ("直播间", "摄影棚", "共享空间"), 150, "广州市天河区天河北路智汇大厦 5 楼", 40),
    space("demo-sp-zhihui-space", "coworking", "founders-desks", "Co-working Desks for Foreign Founders in Tianhe",
          "English-speaking co-working community near Tianhe Sports Center: flexible desks from CNY 900 a month, "
          "help with company registration and visas, and monthly founder dinners.",
          ("co-working", "foreign founders", "Guangzhou"), 900, "Zhihui Tower, Tianhe North Road, Guangzhou", 6),
    space("demo-sp-zhuxi-park", "factory", "standard", "珠西智造产业园标准厂房（首年免租）",
          "3000 平方米起的标准厂房，层高 10 米、承重 5 吨，首年免租、第二年起月租 18 元/㎡，适合装备制造和五金企业。",
          ("标准厂房", "首年免租", "装备制造"), 18, "江门市江海区珠西智造产业园", 3000),
    space("demo-sp-zhuxi-park", "factory", "warehouse", "高标准仓储厂房（带卸货平台）",
          "5000 平方米高标仓，带卸货平台和消防喷淋，适合电商仓储和物流分拨，月租 22 元/㎡。",
          ("高标仓", "仓储", "物流"), 22, "江门市江海区珠西智造产业园 C 区", 5000, 30),
    space("demo-sp-zhuxi-park", "factory", "custom-build", "园区定制厂房（可租可售）",
          "根据企业工艺定制建设 1 万平方米以上厂房，可租可售，租金 16 元/㎡ 起，购买可办理分割产权证。",
          ("定制厂房", "可租可售"), 16, "江门市江海区珠西智造产业园 D 区", 10000, 20),
    space("demo-gov-foshan", "factory", "micro-park", "南海区小微企业园厂房（入园租金补贴）",
          "800–3000 平方米的标准厂房，经认定入园的小微企业享受三年租金补贴，补贴后月租约 20 元/㎡。",
          ("小微企业园", "租金补贴", "标准厂房"), 20, "佛山市南海区狮山镇小微企业园", 800),
    space("demo-gov-zhongshan", "incubator", "torch", "中山火炬区科技企业孵化器",
          "国家级孵化器，提供 100 平方米起的研发办公空间和公共实验室，入孵企业可申请研发补助。月租 30 元/㎡。",
          ("国家级孵化器", "研发办公"), 30, "中山市火炬开发区科技大道", 100),
    space("demo-gov-shantou", "incubator", "toy-creative", "澄海玩具创意产业孵化园",
          "为玩具设计和 IP 创业团队提供办公、样品展厅和直播间，前两年租金减半，月租 15 元/㎡。",
          ("玩具创意", "孵化园", "IP"), 15, "汕头市澄海区玩具创意产业园", 200),
    space("demo-gov-zhanjiang", "incubator", "marine", "湛江海洋产业孵化器",
          "面向海洋生物、水产科技和预制菜的初创企业，提供办公、共享实验室和中试车间，月租 20 元/㎡。",
          ("海洋产业", "孵化器", "预制菜"), 20, "湛江市麻章区海洋科技产业园", 150),
    space("demo-uni-lingnan", "incubator", "science-park", "岭南工业大学科技园孵化场地",
          "大学科技园为师生创业和校企合作团队提供办公和实验场地，可对接学校设备共享平台，月租 50 元/㎡。",
          ("大学科技园", "孵化"), 50, "广州市天河区五山路岭南工业大学科技园", 80),
    space("demo-uni-dongguan", "incubator", "student-base", "大学生创业孵化基地（免租金）",
          "为在校生和毕业五年内的校友创业团队免费提供工位和小型办公室，配创业导师。",
          ("大学生创业", "免租金"), 0, "东莞市松山湖大学路湾区理工学院创业园", 30),
    space("demo-uni-haiyang", "factory", "pilot-workshop", "海洋科技中试车间出租",
          "600 平方米食品级中试车间，带冷库和污水处理设施，适合水产加工和海洋生物企业中试，月租 25 元/㎡。",
          ("中试车间", "食品级", "冷库"), 25, "湛江市麻章区海洋科技大学中试基地", 600),
)
# fmt: on
