"""The demo organizations: every kind, all 21 prefecture-level cities of Guangdong.

Each has one login (``email``, password ``demo-2026``), a valid unified social credit code, a
GB/T 4754 industry and a region; SMEs carry employees, revenue and assets (in 万元 here) so that
their 2011 size class comes out as intended, and ``traits``: the phrases their needs are made of
(:mod:`marketplace.demo_data.needs`). The first fifteen are the first demo's organizations,
unchanged (same external ids, e-mails and credit codes).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from marketplace.reference import CHARSET, REGIONS, check_character

WAN = 10_000


def code(first17: str) -> str:
    """A unified social credit code: the first 17 characters and their check character."""
    return first17 + check_character(first17)


# Registration authority + organization type (GB 32100-2015): companies 91, public institutions
# 12, social associations 51, social service organizations 52, law firms 31.
CODE_TYPES = {"association": "51", "organizer": "52", "government": "12", "university": "12"}


def derived_code(key: str, kind: str, region: str, code_type: str | None = None) -> str:
    """A stable made-up credit code for a demo organization (from its external id)."""
    digest = hashlib.sha256(key.encode()).digest()
    body = "MA" + "".join(CHARSET[b % len(CHARSET)] for b in digest[:7])
    return code((code_type or CODE_TYPES.get(kind, "91")) + region + body)


@dataclass(frozen=True)
class Org:
    key: str  # external id
    kind: str
    name: str
    region: str
    industry: str
    description: str
    tags: tuple[str, ...]
    email: str
    person: str
    brand: str = ""  # the short name in product titles (岭南银行·…)
    status: str = "verified"
    employees: int | None = None
    revenue_wan: int | None = None
    assets_wan: int | None = None
    founded: int | None = None
    credit_code: str = ""
    website: str | None = None
    traits: dict[str, str] = field(default_factory=dict)

    @property
    def city(self) -> str:
        """The city's short name (佛山), or 广东 for the province."""
        return REGIONS[self.region].name_zh.removesuffix("市").removesuffix("省")

    def profile(self) -> dict[str, Any]:
        """The organization's fields as the demo loader saves them (money in whole CNY)."""
        fields: dict[str, Any] = {
            "external_id": self.key, "name": self.name, "kind": self.kind,
            "credit_code": self.credit_code or derived_code(self.key, self.kind, self.region),
            "region": self.region, "industry": self.industry, "description": self.description,
            "tags": list(self.tags),
        }
        for name, value in (("employees", self.employees), ("founded_year", self.founded), ("website", self.website)):
            if value is not None:
                fields[name] = value
        if self.revenue_wan is not None:
            fields["annual_revenue_cny"] = self.revenue_wan * WAN
        if self.assets_wan is not None:
            fields["total_assets_cny"] = self.assets_wan * WAN
        if self.kind == "sme":  # most demo enterprises pay their taxes well (纳税信用 A or B)
            fields["tax_credit_level"] = "AABAMAB"[sum(map(ord, self.key)) % 7]
        return fields


def _sme(key: str, email: str, person: str, name: str, region: str, industry: str, size: tuple[int, int, int, int],
         description: str, tags: tuple[str, ...], traits: dict[str, str], **extra: Any) -> Org:
    employees, revenue, assets, founded = size
    return Org(key, "sme", name, region, industry, description, tags, email, person, employees=employees,
               revenue_wan=revenue, assets_wan=assets, founded=founded, traits=traits, **extra)


def _traits(product: str, equipment: str, market: str, tech: str, cert: str) -> dict[str, str]:
    return {"product": product, "equipment": equipment, "market": market, "tech": tech, "cert": cert}


# fmt: off
LEGACY: tuple[Org, ...] = (
    _sme("demo-sme-jinglian", "sme@demo.gd.cn", "陈志强", "东莞市精联电子科技有限公司", "441900", "C39", (85, 4600, 3200, 2013),
         "专注消费电子和汽车电子的PCBA贴片加工与电源模块制造，拥有两条SMT产线，正在推进智能工厂改造。",
         ("PCBA", "SMT", "汽车电子"),
         _traits("PCBA 贴片加工和电源模块", "一条高速 SMT 贴片线", "汽车电子一级供应商", "电源模块的高效散热设计",
                 "IATF 16949 汽车质量管理体系认证"),
         credit_code=code("91441900MA4UJ5N2X"), website="https://jinglian.example.cn"),
    _sme("demo-sme-meichu", "sme2@demo.gd.cn", "梁嘉欣", "佛山市顺德区美厨家电有限公司", "440600", "C38", (360, 28000, 21000, 2008),
         "小家电研发制造企业，主营空气炸锅、电饭煲，产品出口东南亚及欧洲，计划拓展跨境电商渠道。",
         ("小家电", "出口", "跨境电商"),
         _traits("空气炸锅和电饭煲", "两条自动化装配线", "东南亚和欧洲家电进口商", "小家电的低噪声电机与智能温控",
                 "欧盟 CE 与 ERP 能效认证"),
         credit_code=code("91440606MA52K8R1P")),
    _sme("demo-sme-yunfan", "sme3@demo.gd.cn", "黄晓东", "广州市云帆软件有限公司", "440100", "I65", (8, 120, 90, 2021),
         "为中小制造企业提供进销存和生产排程SaaS的初创软件公司。",
         ("SaaS", "初创企业"),
         _traits("生产排程 SaaS", "云服务器与开发测试环境", "珠三角中小制造企业", "多工序生产排程优化算法",
                 "软件产品登记与 ISO 27001 信息安全认证"),
         status="pending", credit_code=code("91440101MA5D0A7C3")),
    Org("demo-sp-zhengxin", "service_provider", "广州市正信财税咨询有限公司", "440100", "L72",
        "提供代理记账、税务筹划、高新技术企业认定和专精特新申报辅导服务。", ("财税", "高企认定", "专精特新"),
        "consult@demo.gd.cn", "刘敏", brand="正信财税", credit_code=code("91440104MA59L3T0Q")),
    Org("demo-ti-wanqu", "tech_intermediary", "深圳市湾区技术转移服务中心", "440300", "M75",
        "技术经纪与成果转化服务机构，对接高校院所专利与中小企业技术需求。", ("技术转移", "专利许可"),
        "techtransfer@demo.gd.cn", "周静", brand="湾区技术转移中心", credit_code=code("52440300MJL2806H7")),
    Org("demo-uni-lingnan", "university", "岭南工业大学科技成果转化办公室", "440100", "P83",
        "负责学校专利许可、作价入股和校企联合研发项目，重点领域为新材料、智能制造与电子信息。", ("产学研", "新材料"),
        "university@demo.gd.cn", "吴教授", brand="岭南工业大学", credit_code=code("12440000455859K9W")),
    Org("demo-inv-yuechuang", "investor", "粤创天使投资基金管理（深圳）有限公司", "440300", "J67",
        "关注硬科技和数字经济早期项目的天使投资机构，单笔投资 300–2000 万元。", ("天使投资", "硬科技"),
        "investor@demo.gd.cn", "郑浩", brand="粤创天使", credit_code=code("91440300MA5G1QW8L")),
    Org("demo-bank-zhujiang", "bank", "珠江农商银行中山分行", "442000", "J66",
        "面向中山及周边小微企业的普惠金融服务，提供信用贷、税易贷和设备按揭贷款。", ("普惠金融", "信用贷"),
        "bank@demo.gd.cn", "林晓华", brand="珠江农商银行", credit_code=code("91442000MA4WB2E6J")),
    Org("demo-gua-yuexin", "guarantor", "广东粤信融资担保有限公司", "440000", "J69",
        "省级政策性融资担保机构，为科技型和制造业中小企业提供贷款担保，担保费率不高于1%。", ("融资担保", "政策性担保"),
        "guarantor@demo.gd.cn", "何建国", brand="粤信担保", credit_code=code("91440000MA4UP7D5N")),
    Org("demo-mf-huishang", "microfinance", "佛山市南海区汇商小额贷款有限公司", "440600", "J66",
        "为个体工商户和小微企业提供短期周转贷款，最快当天放款。", ("小额贷款", "周转"),
        "microfinance@demo.gd.cn", "谭伟", brand="汇商小贷", status="unverified", credit_code=code("91440605MA4X3JH2C")),
    Org("demo-lease-rongtong", "leasing_company", "广州融通融资租赁有限公司", "440100", "L71",
        "设备融资租赁与售后回租，服务于注塑、数控机床和新能源设备采购。", ("融资租赁", "售后回租"),
        "leasing@demo.gd.cn", "冯丽", brand="融通租赁", credit_code=code("91440101MA5CKT4R6")),
    Org("demo-gov-promotion", "government", "广东省中小企业发展促进中心", "440000", "S92",
        "承担全省中小企业公共服务体系建设、专精特新培育和惠企政策兑现工作。", ("惠企政策", "专精特新"),
        "government@demo.gd.cn", "袁主任", brand="省中小企业促进中心", credit_code=code("12440000MB2C12345")),
    Org("demo-assoc-dgelec", "association", "东莞市电子信息行业协会", "441900", "S95",
        "东莞电子信息企业的行业组织，组织展会、培训和供需对接活动。", ("行业协会", "电子信息"),
        "association@demo.gd.cn", "邓会长", brand="东莞电子信息行业协会", credit_code=code("51441900MJK7153A8")),
    Org("demo-org-baichang", "organizer", "广东百场千企对接活动组委会", "440100", "L72",
        "组织“百场千企”银企对接会、技术成果路演和产业链供需对接活动。", ("银企对接", "路演"),
        "organizer@demo.gd.cn", "许晴", brand="百场千企", credit_code=code("52440000MJL90321X")),
    Org("demo-platform", "platform", "广东中小企业服务平台运营中心", "440000", "L72",
        "平台运营方：审核机构资质、维护服务目录并监测服务体系运行。", ("平台运营",),
        "admin@demo.gd.cn", "平台管理员", brand="平台运营中心", credit_code=code("12440000MB1D67890")),
)

SMES: tuple[Org, ...] = (
    _sme("demo-sme-hengli", "sme4@demo.gd.cn", "何志明", "佛山市南海区恒力铝型材有限公司", "440600", "C32", (180, 16000, 12000, 2006),
         "建筑铝型材与工业铝型材挤压、氧化和喷涂一体化生产企业，拥有 8 条挤压线，产品供应珠三角门窗幕墙和新能源汽车电池托盘厂商。",
         ("铝型材", "新能源汽车配套", "表面处理"),
         _traits("工业铝型材", "一条 3600 吨铝挤压生产线", "新能源汽车电池托盘厂商", "高强度铝合金挤压模具寿命偏短",
                 "IATF 16949 汽车质量管理体系认证")),
    _sme("demo-sme-ruijie", "sme5@demo.gd.cn", "罗俊杰", "佛山市顺德区锐捷数控机械有限公司", "440600", "C34", (120, 9000, 7500, 2011),
         "研发制造数控折弯机、激光切割机和钣金自动化生产线，产品销往国内钣金加工企业并出口东南亚，是省级专精特新中小企业。",
         ("数控机床", "钣金自动化", "专精特新"),
         _traits("数控折弯机和激光切割机", "两台五轴加工中心", "东南亚钣金加工企业", "折弯机的视觉定位与自动编程",
                 "欧盟 CE 机械指令认证")),
    _sme("demo-sme-dengdu", "sme6@demo.gd.cn", "麦秀英", "中山市古镇灯都照明科技有限公司", "442000", "C38", (65, 3500, 2200, 2012),
         "古镇灯饰产业带的商业照明企业，主营轨道射灯、智能调光面板灯，自有品牌在电商平台和工程渠道销售。",
         ("LED照明", "智能调光", "工程照明"),
         _traits("智能调光 LED 灯具", "自动化灯具老化测试线", "酒店和商业空间工程客户", "灯具的蓝牙 Mesh 智能调光方案",
                 "CCC 认证与欧盟 ERP 能效标签")),
    _sme("demo-sme-meiao", "sme7@demo.gd.cn", "张美玲", "中山市美澳家居用品有限公司", "442000", "C21", (420, 26000, 18000, 2004),
         "实木与板式家具出口企业，为欧美家居品牌做 ODM，近两年开拓国内定制家居市场。",
         ("家具出口", "ODM", "定制家居"),
         _traits("实木餐桌椅和板式柜类", "数控开料与封边生产线", "欧美家居连锁品牌", "水性漆涂装工艺和 VOCs 治理",
                 "FSC 森林认证")),
    _sme("demo-sme-dingsheng", "sme8@demo.gd.cn", "叶国栋", "东莞市鼎盛精密模具有限公司", "441900", "C35", (150, 8000, 6500, 2009),
         "精密注塑模具和五金冲压模具制造，服务消费电子、汽车零部件和医疗器械客户，年交付模具 600 余套。",
         ("精密模具", "注塑", "冲压"),
         _traits("精密注塑模具", "慢走丝线切割机和高速铣", "汽车零部件和医疗器械客户", "模具随形冷却水路的金属 3D 打印",
                 "ISO 13485 医疗器械质量管理体系认证")),
    _sme("demo-sme-lvyuan", "sme9@demo.gd.cn", "钟丽华", "东莞市绿源环保包装材料有限公司", "441900", "C22", (45, 2600, 1800, 2015),
         "生产瓦楞纸箱、蜂窝纸板和可降解缓冲包装，为家电和电子企业提供包装设计与配送一体化服务。",
         ("环保包装", "纸箱", "可降解"),
         _traits("瓦楞纸箱和蜂窝纸板", "全自动水性印刷开槽模切机", "家电和电子制造企业", "纸浆模塑替代 EPS 泡沫缓冲",
                 "FSC-COC 产销监管链认证")),
    _sme("demo-sme-xinlian", "sme10@demo.gd.cn", "王博文", "深圳市芯联传感科技有限公司", "440300", "C39", (60, 4800, 3600, 2017),
         "MEMS 压力与温湿度传感器模组研发企业，产品用于智能家电、工业物联网和新能源汽车热管理，拥有发明专利 12 项。",
         ("传感器", "MEMS", "物联网", "专精特新"),
         _traits("MEMS 压力传感器模组", "晶圆级测试与标定设备", "新能源汽车热管理厂商", "传感器的温度漂移补偿算法",
                 "AEC-Q100 车规级可靠性认证")),
    _sme("demo-sme-yuntu", "sme11@demo.gd.cn", "李思远", "深圳市云图智能科技有限公司", "440300", "I65", (35, 900, 600, 2019),
         "工业视觉检测软件公司，提供基于深度学习的表面缺陷检测系统，已在 3C 和锂电行业落地 40 余条产线。",
         ("机器视觉", "人工智能", "工业软件"),
         _traits("AI 视觉缺陷检测系统", "GPU 训练服务器", "3C 和锂电池制造企业", "小样本条件下的缺陷检测模型",
                 "CMMI 三级评估")),
    _sme("demo-sme-haian", "sme12@demo.gd.cn", "郭海涛", "珠海市海岸线游艇制造有限公司", "440400", "C37", (210, 15000, 13000, 2008),
         "玻璃钢与铝合金游艇、公务艇设计制造企业，位于珠海平沙游艇产业基地，产品出口澳洲和东南亚。",
         ("游艇", "船舶制造", "出口"),
         _traits("玻璃钢休闲游艇", "真空导入成型模具和龙门加工中心", "澳洲和东南亚游艇经销商", "碳纤维复合材料船体轻量化",
                 "欧盟游艇指令（RCD）CE 认证")),
    _sme("demo-sme-pengli", "sme13@demo.gd.cn", "刘鹏", "惠州市鹏锂新能源科技有限公司", "441300", "C38", (380, 32000, 24000, 2014),
         "储能电池模组与 PACK 制造企业，为户用储能和两轮电动车提供磷酸铁锂电池系统，配套 BMS 自主研发。",
         ("锂电池", "储能", "BMS"),
         _traits("磷酸铁锂储能电池 PACK", "全自动模组 PACK 生产线", "欧洲户用储能集成商", "电池包热失控的早期预警",
                 "UN38.3 与 IEC 62619 认证")),
    _sme("demo-sme-chenpi", "sme14@demo.gd.cn", "陈伟", "江门市新会陈皮食品有限公司", "440700", "C14", (28, 1800, 1500, 2016),
         "新会陈皮深加工企业，生产陈皮茶、陈皮酱和陈皮糕点，拥有 300 亩柑园合作基地和线上旗舰店。",
         ("新会陈皮", "食品加工", "电商"),
         _traits("陈皮茶和陈皮休闲食品", "低温烘干与自动包装设备", "电商平台和连锁茶饮品牌", "陈皮黄酮提取与保质期延长",
                 "HACCP 食品安全体系认证")),
    _sme("demo-sme-kaiping", "sme15@demo.gd.cn", "司徒健", "开平市水口卫浴五金有限公司", "440700", "C33", (90, 5200, 4000, 2007),
         "水口卫浴产业集群的水龙头和花洒制造企业，具备铜件铸造、抛光、电镀全流程，为国内工程渠道和出口品牌代工。",
         ("卫浴五金", "水龙头", "电镀"),
         _traits("铜水龙头和花洒", "机器人抛光工作站", "国内精装修工程渠道", "无铅铜合金与电镀废水回用",
                 "北美 cUPC 认证")),
    _sme("demo-sme-zhiqu", "sme16@demo.gd.cn", "蔡少鹏", "汕头市澄海区智趣玩具有限公司", "440500", "C24", (75, 3000, 2000, 2013),
         "澄海玩具产业带的益智积木和 STEAM 教育玩具企业，拥有自主 IP 和 60 多项外观专利，产品进入国内连锁和跨境电商。",
         ("玩具", "STEAM教育", "跨境电商"),
         _traits("益智积木和编程教育玩具", "全自动注塑机和移印设备", "跨境电商和国内母婴连锁", "编程玩具的低成本主控方案",
                 "EN71 和 ASTM F963 玩具安全认证")),
    _sme("demo-sme-fengxi", "sme17@demo.gd.cn", "林楚生", "潮州市枫溪陶瓷制品有限公司", "445100", "C30", (130, 6500, 5200, 2005),
         "日用陶瓷与酒店瓷生产企业，拥有两条隧道窑，产品供应国内酒店集团并出口中东和欧洲。",
         ("日用陶瓷", "酒店用瓷", "出口"),
         _traits("酒店用日用陶瓷", "节能辊道窑", "中东和欧洲酒店用品采购商", "低温快烧釉料配方",
                 "FDA 与 LFGB 食品接触材料检测")),
    _sme("demo-sme-puning", "sme18@demo.gd.cn", "黄泽鸿", "普宁市华纺织造有限公司", "445200", "C17", (160, 7800, 6000, 2010),
         "以针织面料织造和数码印花为主的纺织企业，服务普宁内衣和服装产业带，日产面料 30 吨。",
         ("纺织", "数码印花", "针织面料"),
         _traits("针织面料和数码印花布", "高速数码印花机", "内衣和运动服装品牌", "印染废水深度处理与中水回用",
                 "OEKO-TEX Standard 100 认证")),
    _sme("demo-sme-haiyu", "sme19@demo.gd.cn", "吴海生", "湛江市海渔水产冷链有限公司", "440800", "C13", (110, 9000, 7000, 2012),
         "对虾、罗非鱼加工与冷链仓储企业，拥有 5000 吨冷库，产品供应国内商超并出口日韩。",
         ("水产加工", "冷链", "预制菜"),
         _traits("冻虾仁和罗非鱼片", "速冻隧道和真空包装线", "日韩水产进口商和国内商超", "水产预制菜的保鲜工艺",
                 "BRCGS 全球食品安全标准认证")),
    _sme("demo-sme-juhong", "sme20@demo.gd.cn", "杨佩玲", "化州市化橘红生物科技有限公司", "440900", "C27", (18, 600, 800, 2018),
         "以化橘红为原料的中药饮片和健康食品研发企业，正在申请化橘红提取物的新食品原料许可。",
         ("化橘红", "中药饮片", "大健康"),
         _traits("化橘红饮片和润喉片", "超临界二氧化碳萃取设备", "连锁药房和大健康电商", "化橘红柚皮苷的提取纯化",
                 "药品 GMP 符合性检查")),
    _sme("demo-sme-gaoyao", "sme21@demo.gd.cn", "梁志坚", "肇庆市高要区金利五金制品有限公司", "441200", "C33", (55, 2200, 1600, 2009),
         "金利五金产业集群的门窗五金与箱包五金企业，主营合页、拉手和锁具配件，具备压铸和表面处理能力。",
         ("五金制品", "压铸", "门窗五金"),
         _traits("门窗合页和拉手", "自动压铸岛", "门窗系统品牌", "锌合金压铸件的气孔控制", "ISO 9001 质量管理体系认证")),
    _sme("demo-sme-yingde", "sme22@demo.gd.cn", "邓秋月", "清远市英德红茶农业发展有限公司", "441800", "A01", (25, 380, 900, 2015),
         "英德红茶种植与初制加工企业，自有茶园 800 亩，带动周边 200 户茶农，发展茶旅融合。",
         ("英德红茶", "茶园", "乡村振兴"),
         _traits("英红九号红茶", "茶叶自动化揉捻与发酵设备", "茶饮连锁和礼品渠道", "茶园病虫害绿色防控", "有机产品认证")),
    _sme("demo-sme-nanxiong", "sme23@demo.gd.cn", "朱建华", "韶关市南雄精细化工有限公司", "440200", "C26", (85, 4200, 5000, 2011),
         "位于南雄精细化工基地的水性涂料树脂生产企业，产品用于家具漆和工业防腐涂料。",
         ("水性树脂", "精细化工", "环保涂料"),
         _traits("水性丙烯酸树脂", "反应釜 DCS 自动控制系统", "家具漆和工业涂料企业", "低 VOC 水性树脂的耐水性改进",
                 "ISO 14001 环境管理体系认证")),
    _sme("demo-sme-kedu", "sme24@demo.gd.cn", "古永强", "梅州市客都电子元件有限公司", "441400", "C39", (240, 11000, 8000, 2006),
         "印制电路板（PCB）制造企业，主营双面板和多层板，服务家电、安防和汽车电子客户。",
         ("PCB", "电子元件", "汽车电子"),
         _traits("双面及多层 PCB", "LDI 激光直接成像机", "家电和汽车电子客户", "高频高速板材的加工工艺",
                 "IATF 16949 汽车质量管理体系认证")),
    _sme("demo-sme-wanlv", "sme25@demo.gd.cn", "赖文轩", "河源市万绿水饮品有限公司", "441600", "C15", (70, 2800, 3500, 2013),
         "依托万绿湖水源的包装饮用水与茶饮料企业，年产能 10 万吨，覆盖粤东北和珠三角商超渠道。",
         ("饮用水", "饮料", "快消品"),
         _traits("天然饮用水和无糖茶饮", "高速吹灌旋一体机", "珠三角商超和便利店", "无糖茶饮的风味稳定",
                 "FSSC 22000 食品安全体系认证")),
    _sme("demo-sme-daojian", "sme26@demo.gd.cn", "冯锦荣", "阳江市阳东区利刃刀剪实业有限公司", "441700", "C33", (140, 6800, 5000, 2003),
         "阳江刀剪产业的厨房刀具与园艺剪制造企业，为国际厨具品牌代工，同时运营自有品牌。",
         ("刀剪", "厨房刀具", "出口"),
         _traits("不锈钢厨房刀具", "机器人开刃与激光打标设备", "欧美厨具品牌", "粉末冶金钢刀具的热处理",
                 "德国 LFGB 食品接触材料检测")),
    _sme("demo-sme-hailufeng", "sme27@demo.gd.cn", "彭晓燕", "汕尾市海陆丰农特产电子商务有限公司", "441500", "F52", (8, 600, 200, 2020),
         "销售汕尾海鲜干货、油柑和农特产品的电商企业，在主流电商和直播平台开设店铺。",
         ("农特产品", "直播电商", "海产干货"),
         _traits("海鲜干货和油柑", "冷链打包与仓储设备", "直播电商和社区团购", "干货产品的溯源与分级", "绿色食品认证")),
    _sme("demo-sme-yunshi", "sme28@demo.gd.cn", "欧阳明", "云浮市云城区石材加工有限公司", "445300", "C30", (60, 2500, 3000, 2008),
         "云浮石材产业基地的大理石和人造石加工企业，提供台面、背景墙等家装工程石材。",
         ("石材", "人造石", "家装"),
         _traits("人造石台面和大理石板材", "数控水刀切割机", "家装公司和精装地产项目", "石材粉尘回收与废料再利用",
                 "绿色建材产品认证")),
    _sme("demo-sme-zhubao", "sme29@demo.gd.cn", "潘嘉怡", "广州市番禺区金艺珠宝首饰有限公司", "440100", "C24", (45, 3600, 2500, 2010),
         "番禺珠宝产业的 K 金和银饰设计加工企业，承接国内外品牌 OEM，正在打造自有设计师品牌。",
         ("珠宝首饰", "设计", "OEM"),
         _traits("K 金与银饰首饰", "3D 打印蜡模与激光焊接设备", "国内外珠宝品牌", "首饰电铸硬金工艺",
                 "国家珠宝玉石质量检验")),
    _sme("demo-sme-xiandao", "sme30@demo.gd.cn", "谢振邦", "广州市鲜道餐饮管理有限公司", "440100", "H62", (80, 2500, 1200, 2016),
         "经营 12 家社区粤式快餐门店和中央厨房，正在开发预制菜产品进入商超和企业团餐渠道。",
         ("餐饮连锁", "中央厨房", "预制菜"),
         _traits("粤式快餐和预制菜", "中央厨房自动化炒制设备", "企业团餐和社区商超", "预制菜的口味还原与冷链保鲜",
                 "ISO 22000 食品安全管理体系认证")),
    _sme("demo-sme-changping", "sme31@demo.gd.cn", "袁振华", "东莞市常平通达物流仓储有限公司", "441900", "G59", (60, 1500, 3000, 2012),
         "为东莞制造企业提供仓储、分拣和城配服务，运营 2 万平方米高标仓和 40 台配送车辆。",
         ("仓储物流", "城配", "供应链"),
         _traits("第三方仓储与城市配送", "20 台新能源物流车", "东莞电子和家具制造企业", "仓储管理系统与自动分拣",
                 "AAA 级物流企业评估")),
    _sme("demo-sme-xiaoyi", "sme32@demo.gd.cn", "方子健", "深圳市小蚁跨境贸易有限公司", "440300", "F51", (4, 800, 300, 2021),
         "面向东南亚市场的跨境电商卖家，主营手机配件和小家电，在 Shopee、Lazada 开设店铺。",
         ("跨境电商", "东南亚", "手机配件"),
         _traits("手机配件和小家电", "东南亚海外仓", "Shopee 和 Lazada 等东南亚电商平台", "多平台订单与库存管理",
                 "出口商品 CE/FCC 认证")),
    _sme("demo-sme-xiaolan", "sme33@demo.gd.cn", "何嘉豪", "中山市小榄精锐锁具有限公司", "442000", "C33", (15, 900, 600, 2017),
         "小榄五金锁具产业带的智能门锁配件企业，为品牌锁企提供锁体、把手和电子模组代工。",
         ("智能门锁", "五金锁具", "代工"),
         _traits("智能门锁锁体", "三台 CNC 加工中心", "智能门锁品牌商", "低功耗指纹识别模组", "公安部锁具检测")),
)

PROVIDERS: tuple[Org, ...] = (
    # Banks
    Org("demo-bank-lingnan-foshan", "bank", "岭南银行佛山分行", "440600", "J66",
        "深耕佛山制造业的城商行分行，设有制造业金融服务中心，提供流动资金、设备更新、供应链和知识产权融资。",
        ("制造业金融", "供应链金融", "设备更新"), "bank2@demo.gd.cn", "区志华", brand="岭南银行"),
    Org("demo-bank-yuehai-shunde", "bank", "粤海商业银行顺德支行", "440600", "J66",
        "服务顺德家电、家具和机械产业集群，重点支持小微企业首贷、外贸融资和绿色转型。",
        ("小微金融", "外贸融资", "绿色金融"), "bank3@demo.gd.cn", "苏晓红", brand="粤海银行"),
    Org("demo-bank-wanqu-shenzhen", "bank", "湾区科创银行深圳分行", "440300", "J66",
        "专注科技型企业的科技金融专营机构，提供投贷联动、知识产权质押和跨境金融服务。",
        ("科技金融", "投贷联动", "跨境金融"), "bank4@demo.gd.cn", "Kevin 陈", brand="湾区科创银行",
        website="https://gbatechbank.example.cn"),
    Org("demo-bank-dongjiang-dongguan", "bank", "东江农商银行东莞分行", "441900", "J66",
        "立足东莞、辐射惠州的农商银行分行，为电子信息、模具和物流企业提供普惠信贷和供应链金融。",
        ("普惠信贷", "供应链金融"), "bank5@demo.gd.cn", "卢嘉明", brand="东江农商银行"),
    Org("demo-bank-yuedong-shantou", "bank", "粤东商业银行汕头分行", "440500", "J66",
        "服务汕潮揭及汕尾、梅州的区域性银行，熟悉玩具、陶瓷、纺织等特色产业，提供外贸和小微信贷。",
        ("粤东", "外贸金融", "特色产业"), "bank6@demo.gd.cn", "陈泽楷", brand="粤东银行"),
    Org("demo-bank-xijiang-zhaoqing", "bank", "肇庆西江村镇银行股份有限公司", "441200", "J66",
        "扎根肇庆、云浮和清远县域的村镇银行，专注小微企业、个体工商户和乡村振兴信贷。",
        ("村镇银行", "乡村振兴", "县域金融"), "bank7@demo.gd.cn", "黎振东", brand="西江村镇银行"),
    Org("demo-bank-nanhaiwan-zhanjiang", "bank", "南海湾银行湛江分行", "440800", "J66",
        "服务湛江、茂名、阳江的区域银行分行，重点支持海洋渔业、农产品加工和粤西制造业。",
        ("海洋经济", "粤西", "农产品加工"), "bank8@demo.gd.cn", "庞国强", brand="南海湾银行"),
    Org("demo-bank-puhui-guangzhou", "bank", "珠三角普惠银行广州分行", "440100", "J66",
        "全省布局的普惠金融专营银行分行，产品覆盖信用贷、专精特新贷、设备更新贷款和债券承销。",
        ("普惠金融", "专精特新", "债券承销"), "bank9@demo.gd.cn", "黄志远", brand="普惠银行"),
    # Guarantors, microfinance, leasing
    Org("demo-gua-channan", "guarantor", "佛山市禅南融资担保有限公司", "440600", "J69",
        "佛山市政府性融资担保机构，与 12 家合作银行开展批量担保，单户担保费率不超过 1%。",
        ("政府性融资担保", "批量担保"), "guarantor2@demo.gd.cn", "梁永康", brand="禅南担保"),
    Org("demo-gua-songhu", "guarantor", "东莞市松湖科技融资担保有限公司", "441900", "J69",
        "面向东莞科技型中小企业的融资担保公司，提供科技贷担保、知识产权质押担保和续贷担保。",
        ("科技担保", "知识产权"), "guarantor3@demo.gd.cn", "莫思敏", brand="松湖担保"),
    Org("demo-mf-huitong", "microfinance", "东莞市长安汇通小额贷款有限公司", "441900", "J66",
        "服务东莞长安、虎门一带五金和电子小微企业的小额贷款公司，提供周转贷和续贷过桥。",
        ("小额贷款", "过桥资金"), "microfinance2@demo.gd.cn", "曾伟强", brand="汇通小贷"),
    Org("demo-mf-haihui", "microfinance", "湛江市海惠小额贷款有限公司", "440800", "J66",
        "为湛江水产养殖户、农产品加工和商贸小微企业提供小额、快速的经营贷款。",
        ("小额贷款", "水产养殖"), "microfinance3@demo.gd.cn", "符海燕", brand="海惠小贷"),
    Org("demo-lease-hengqin", "leasing_company", "横琴湾区融资租赁有限公司", "440400", "L71",
        "注册于横琴的融资租赁公司，开展船舶、高端装备和跨境设备租赁业务。",
        ("融资租赁", "跨境租赁", "船舶"), "leasing2@demo.gd.cn", "欧嘉欣", brand="横琴租赁"),
    Org("demo-lease-qianhai", "leasing_company", "深圳前海新能融资租赁有限公司", "440300", "L71",
        "专注新能源领域的融资租赁公司：光伏、储能、充电桩和新能源物流车。",
        ("新能源", "融资租赁"), "leasing3@demo.gd.cn", "宋志成", brand="前海新能租赁"),
    # Investors
    Org("demo-inv-wanqu-vc", "investor", "广州湾区成长创业投资有限公司", "440100", "J67",
        "专注先进制造、新材料和企业服务的成长期创投机构，管理规模 30 亿元，单笔投资 2000 万–1 亿元。",
        ("创业投资", "成长期", "先进制造"), "investor2@demo.gd.cn", "梁宇航", brand="湾区成长创投"),
    Org("demo-inv-yuexin-sec", "investor", "粤信证券有限责任公司", "440100", "J67",
        "总部位于广州的证券公司，投资银行部为中小企业提供北交所和创业板上市保荐、债券承销和区域股权市场挂牌服务。",
        ("上市辅导", "债券承销", "北交所"), "investor3@demo.gd.cn", "高明轩", brand="粤信证券"),
    Org("demo-inv-foshan-fund", "investor", "佛山市制造业转型升级产业投资基金管理有限公司", "440600", "J67",
        "佛山市政府引导基金的管理人，直投和参股子基金，支持装备制造、家电和新材料企业转型升级。",
        ("政府引导基金", "产业投资"), "investor4@demo.gd.cn", "岑国良", brand="佛山产业基金"),
    # Service providers
    Org("demo-sp-zhuoyue", "service_provider", "广东卓越企业管理咨询有限公司", "440100", "L72",
        "为中小企业提供战略、精益生产、组织绩效和数字化转型咨询，已服务 800 多家制造企业。",
        ("管理咨询", "精益生产", "数字化转型"), "service2@demo.gd.cn", "杜文斌", brand="卓越咨询"),
    Org("demo-sp-yuefa", "service_provider", "广东粤法律师事务所", "440100", "L72",
        "以公司商事、劳动用工和跨境贸易为特色的律师事务所，为 300 多家中小企业担任常年法律顾问。",
        ("法律服务", "合规", "跨境贸易"), "service3@demo.gd.cn", "区律师", brand="粤法律所",
        credit_code=derived_code("demo-sp-yuefa", "service_provider", "440100", "31")),
    Org("demo-sp-zhichuang", "service_provider", "深圳市知创知识产权代理有限公司", "440300", "L72",
        "国家知识产权局备案的专利代理机构，提供专利、商标、版权代理和海外知识产权布局服务。",
        ("知识产权", "专利代理", "商标"), "service4@demo.gd.cn", "唐晓峰", brand="知创知识产权"),
    Org("demo-sp-zhilian", "service_provider", "东莞市智联工业软件有限公司", "441900", "I65",
        "面向中小制造企业的工业软件与数字化服务商，产品包括轻量化 MES、设备联网和数据看板。",
        ("工业软件", "MES", "数字化转型"), "service5@demo.gd.cn", "曹志伟", brand="智联工业软件"),
    Org("demo-sp-yingcai", "service_provider", "广州市英才人力资源服务有限公司", "440100", "L72",
        "人力资源服务机构，提供招聘、劳务派遣、薪酬社保代理和职业技能培训。",
        ("人力资源", "招聘", "职业培训"), "service6@demo.gd.cn", "邱慧", brand="英才人力"),
    Org("demo-sp-yuejian", "service_provider", "广东粤检认证检测有限公司", "440100", "M74",
        "获 CNAS、CMA 资质的第三方检测认证机构，提供产品检测、体系认证和出口市场准入服务。",
        ("检测认证", "CNAS", "出口准入"), "service7@demo.gd.cn", "简国华", brand="粤检认证"),
    Org("demo-sp-jiangxin", "service_provider", "佛山市顺德区匠心工业设计有限公司", "440600", "M74",
        "位于顺德工业设计园区的设计公司，擅长小家电、厨卫和机械装备的外观、结构与用户体验设计。",
        ("工业设计", "小家电", "结构设计"), "service8@demo.gd.cn", "卢思彤", brand="匠心设计"),
    Org("demo-sp-xinbao", "service_provider", "华南信用保险经纪有限公司", "440100", "J68",
        "保险经纪公司，为外贸和内贸企业安排信用保险、保单融资和产品责任险。",
        ("信用保险", "保险经纪"), "service9@demo.gd.cn", "冼志勇", brand="华南信保经纪"),
    Org("demo-sp-songhu-park", "service_provider", "东莞松山湖创新园运营管理有限公司", "441900", "L72",
        "松山湖高新区的产业园运营商，提供孵化器、联合办公、中试厂房和企业服务。",
        ("产业园", "孵化器", "标准厂房"), "service10@demo.gd.cn", "温晓琳", brand="松山湖创新园"),
    Org("demo-sp-zhihui-space", "service_provider", "广州天河智汇众创空间管理有限公司", "440100", "L72",
        "国家级众创空间运营方，为初创团队提供工位、创业辅导和投融资对接。",
        ("众创空间", "创业服务"), "service11@demo.gd.cn", "何思琪", brand="智汇众创"),
    Org("demo-sp-zhuxi-park", "service_provider", "江门市珠西智造产业园运营有限公司", "440700", "L72",
        "珠江西岸先进装备制造产业园的运营方，提供标准厂房、仓储和园区配套服务。",
        ("产业园", "标准厂房", "珠江西岸"), "service12@demo.gd.cn", "甄永健", brand="珠西智造产业园"),
    # Technology
    Org("demo-ti-foshan", "tech_intermediary", "佛山市湾区技术市场服务有限公司", "440600", "M75",
        "佛山的技术市场运营机构，提供技术经纪、成果评价、技术合同登记和中外技术合作对接。",
        ("技术市场", "技术经纪"), "techtransfer2@demo.gd.cn", "孔令辉", brand="佛山技术市场"),
    Org("demo-ti-yuedong", "tech_intermediary", "汕头市粤东科技成果转化服务中心", "440500", "M75",
        "服务粤东玩具、纺织、陶瓷和食品产业的科技服务机构，组织技术诊断和成果对接。",
        ("成果转化", "粤东"), "techtransfer3@demo.gd.cn", "郑楚鸿", brand="粤东成果转化中心",
        credit_code=derived_code("demo-ti-yuedong", "tech_intermediary", "440500", "52")),
    Org("demo-uni-haiyang", "university", "粤西海洋科技大学技术转移中心", "440800", "P83",
        "学校的技术转移机构，优势领域为水产养殖、海洋生物和食品工程。",
        ("海洋科技", "水产", "食品工程"), "university2@demo.gd.cn", "符教授", brand="粤西海洋科技大学"),
    Org("demo-uni-foshan-institute", "university", "广东先进制造技术研究院（佛山）", "440600", "M73",
        "省市共建的新型研发机构，设有智能装备、激光加工和家电可靠性实验室，开放中试平台。",
        ("新型研发机构", "中试平台", "智能装备"), "university3@demo.gd.cn", "邵研究员", brand="先进制造研究院"),
    Org("demo-uni-dongguan", "university", "东莞湾区理工学院产学研合作处", "441900", "P83",
        "应用型本科院校的校企合作部门，面向东莞电子、模具企业开展委托研发和人才联合培养。",
        ("产学研", "应用型高校"), "university4@demo.gd.cn", "黎教授", brand="东莞湾区理工学院"),
    # Government programmes
    Org("demo-gov-foshan", "government", "佛山市中小企业服务中心", "440600", "S92",
        "佛山市工业和信息化主管部门下属的公共服务机构，负责中小企业政策宣贯、资金申报和服务券发放。",
        ("惠企政策", "数字化转型"), "government2@demo.gd.cn", "陆科长", brand="佛山市中小企业服务中心"),
    Org("demo-gov-dongguan", "government", "东莞市中小企业服务中心", "441900", "S92",
        "东莞市中小企业公共服务平台的运营单位，办理专精特新、技术改造和融资扶持政策申报。",
        ("惠企政策", "专精特新"), "government3@demo.gd.cn", "叶科长", brand="东莞市中小企业服务中心"),
    Org("demo-gov-zhongshan", "government", "中山市中小企业服务中心", "442000", "S92",
        "负责中山市中小企业扶持资金、上市培育和产业链对接工作。",
        ("惠企政策", "上市培育"), "government4@demo.gd.cn", "吴科长", brand="中山市中小企业服务中心"),
    Org("demo-gov-shantou", "government", "汕头市中小企业服务中心", "440500", "S92",
        "汕头市中小企业公共服务机构，重点服务玩具创意、纺织服装和跨境电商企业。",
        ("惠企政策", "跨境电商"), "government5@demo.gd.cn", "蔡科长", brand="汕头市中小企业服务中心"),
    Org("demo-gov-zhanjiang", "government", "湛江市中小企业服务中心", "440800", "S92",
        "湛江市中小企业公共服务机构，推动农产品加工、海洋产业和预制菜产业发展。",
        ("惠企政策", "预制菜", "海洋产业"), "government6@demo.gd.cn", "李科长", brand="湛江市中小企业服务中心"),
    # Associations and organizers
    Org("demo-assoc-foshan-appliance", "association", "佛山市家电行业协会", "440600", "S95",
        "佛山家电企业的行业组织，会员 600 余家，组织家电博览会、出口合规培训和产业链对接。",
        ("行业协会", "家电"), "association2@demo.gd.cn", "冯秘书长", brand="佛山家电协会"),
    Org("demo-assoc-chaozhou-ceramics", "association", "潮州市陶瓷行业协会", "445100", "S95",
        "潮州陶瓷企业的行业组织，组织陶瓷博览会、技能培训和标准制定。",
        ("行业协会", "陶瓷"), "association3@demo.gd.cn", "陈秘书长", brand="潮州陶瓷协会"),
    Org("demo-org-roadshow", "organizer", "深圳湾区创投路演中心有限公司", "440300", "L72",
        "专业路演与投融资活动机构，每月举办硬科技、专精特新和高校成果路演，连接 200 多家投资机构。",
        ("路演", "投融资对接"), "organizer2@demo.gd.cn", "Vivian 林", brand="湾区创投路演中心"),
)
# fmt: on

ORGANIZATIONS: tuple[Org, ...] = LEGACY + SMES + PROVIDERS
BY_KEY: dict[str, Org] = {org.key: org for org in ORGANIZATIONS}


def of_kind(*kinds: str) -> list[Org]:
    return [org for org in ORGANIZATIONS if org.kind in kinds]
