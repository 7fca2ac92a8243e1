"""Part 一 of the notice as data: who leads and who assists each key task; and part 二's clauses.

重庆市潼南区人民政府办公室关于促进电子商务发展重点工作分工及政策措施落实责任分解的通知
(a copy is ``docs/notice.zh.txt``).  Part 一 (重点工作分工) divides the key work into
nine areas, （一） to （九）; each task under an area is a paragraph that ends with its
units in brackets, "（X牵头，Y、Z协助）": ``lead`` are the units before 牵头,
``assist`` those before 协助, in the notice's order.  Part 二 (政策措施落实责任分解)
has seven clauses, each ending "（责任单位：…）"; six are computed by the measures
named in ``Clause.measures`` and 二（七） is the stacking and exclusion rule.

Every text here is copied verbatim from the notice (``tests/test_duties.py`` checks
it against ``docs/notice.zh.txt`` and the shared copy), without the bracketed units,
which are the tuples.  The units responsible for a *measure* come from the rule
file (``responsible``), so that ``duties`` stays in step with ``rules.yaml``; the
notice's own 责任单位 are kept here as ``Clause.units``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

Role = Literal["lead", "assist", "responsible"]


@dataclass(frozen=True)
class Task:
    """One key task of part 一: a paragraph of the notice and its units."""

    title: str  # the paragraph's first sentence, without its full stop
    text: str  # the paragraph as in the notice, without the bracketed units
    lead: tuple[str, ...]  # 牵头
    assist: tuple[str, ...]  # 协助

    @property
    def units_text(self) -> str:
        """The bracket that ends the paragraph in the notice."""
        return f"（{'、'.join(self.lead)}牵头，{'、'.join(self.assist)}协助）"

    def role(self, unit: str) -> Role | None:
        if unit in self.lead:
            return "lead"
        if unit in self.assist:
            return "assist"
        return None


@dataclass(frozen=True)
class Area:
    """One of the nine numbered areas of part 一, （一） to （九）."""

    number: str  # "（一）"
    title: str
    title_en: str
    tasks: tuple[Task, ...]


@dataclass(frozen=True)
class Clause:
    """One clause of part 二 and its 责任单位 as the notice names them."""

    number: str  # "（二）"
    text: str  # as in the notice, without "（责任单位：…）"
    units: tuple[str, ...]
    measures: tuple[str, ...]  # the measure ids computed under it

    @property
    def label(self) -> str:
        return f"二{self.number}"

    @property
    def units_text(self) -> str:
        return f"（责任单位：{'、'.join(self.units)}）"


KEY_TASKS: tuple[Area, ...] = (
    Area(
        number="（一）",
        title="统筹规划行业发展",
        title_en="Planning the sector as a whole",
        tasks=(
            Task(
                title="制定发展规划",
                text="制定发展规划。结合我区功能定位，进一步加强调研，摸清我区电子商务发展现状，理清发展思路，科学规划布局，做好顶层设计。",
                lead=("区商务局",),
                assist=("区发改委", "区财政局", "区经济信息委", "区金融服务中心", "潼南工商局"),
            ),
            Task(
                title="建立统计监测体系",
                text="建立统计监测体系。开展电子商务统计方法、指标和体系研究，建立电子商务统计制度，定期发布电子商务年度发展报告。",
                lead=("区统计局",),
                assist=("区商务局",),
            ),
            Task(
                title="推动创新发展",
                text="推动创新发展。引导网络零售企业与高校、科研院所、行业协会、第三方服务机构等加强交流合作，研究促进产业发展的关键、核心、共性技术，鼓励企业利用高新技术提升消费体验，探索发展O2O、移动电子商务等新兴模式，不断开拓新的领域和市场，助推产业发展。",
                lead=("区商务局",),
                assist=("区发改委", "区财政局", "区经济信息委", "区科委"),
            ),
        ),
    ),
    Area(
        number="（二）",
        title="培育引进龙头企业",
        title_en="Cultivating and attracting leading enterprises",
        tasks=(
            Task(
                title="引进一批国内外品牌企业",
                text="引进一批国内外品牌企业。采取专题招商、以商招商、委托招商、上门招商、网络招商等模式，引进国内外知名电子商务企业在我区设立具有独立法人资格的全国性总部、西部运营中心（基地）、区域性物流配送中心（基地）、结算中心及研发中心等机构。",
                lead=("区经济信息委", "区商务局"),
                assist=(
                    "区发改委",
                    "区财政局",
                    "区国土房管局",
                    "区规划局",
                    "区金融服务中心",
                    "潼南地税局",
                    "潼南工商局",
                    "潼南国税局",
                ),
            ),
            Task(
                title="培育一批本地骨干企业",
                text="培育一批本地骨干企业。通过电子商务示范企业评选、项目资金支持、整体市场推广等方式，支持一批立足本地、具有发展潜力和辐射空间的电子商务企业发展壮大。引导现有综合型、行业型信息服务平台加快转型为集交易、支付和信息服务于一体的电子商务平台。",
                lead=("区商务局",),
                assist=(
                    "区发改委",
                    "区财政局",
                    "区经济信息委",
                    "区规划局",
                    "区市政局",
                    "区金融服务中心",
                    "潼南地税局",
                    "潼南工商局",
                    "潼南国税局",
                ),
            ),
        ),
    ),
    Area(
        number="（三）",
        title="鼓励传统企业开拓网上市场",
        title_en="Encouraging traditional enterprises to open online markets",
        tasks=(
            Task(
                title="鼓励有条件的传统企业自建电子商务平台",
                text="鼓励有条件的传统企业自建电子商务平台。支持传统骨干商贸企业和专业市场利用门店、货源、品牌、物流配送等商业资源，通过自建、收购、兼并等方式建立电商平台，开展电子商务业务，促进线上线下融合发展。",
                lead=("区商务局",),
                assist=("区发改委", "区财政局", "区经济信息委", "潼南地税局", "潼南工商局", "潼南国税局"),
            ),
            Task(
                title="引导中小企业运用第三方平台开展电子商务",
                text="引导中小企业运用第三方平台开展电子商务。通过补贴技术服务年费、开展网络营销实战培训等方式，支持中小传统企业发挥专、精、特、新的优势，应用国内外知名第三方网络零售平台开设网上旗舰店和专卖店，发展网络零售。",
                lead=("区商务局",),
                assist=("区财政局", "区经济信息委", "区农委", "潼南地税局", "潼南工商局", "潼南国税局"),
            ),
        ),
    ),
    Area(
        number="（四）",
        title="发展壮大网商群体，打造电子商务集聚区",
        title_en="Growing the community of online merchants; e-commerce clusters",
        tasks=(
            Task(
                title="支持网上创业",
                text="支持网上创业。广泛开展电子商务普及教育和技能培训，采取“培训+孵化+培育”模式，在财税、融资等方面支持高校毕业生、个体工商户、涉农组织和小微企业网上创业，促进网商多元化发展。",
                lead=("区商务局", "区人力社保局"),
                assist=(
                    "区财政局",
                    "区经济信息委",
                    "区教委",
                    "团区委",
                    "区妇联",
                    "潼南地税局",
                    "潼南工商局",
                    "潼南国税局",
                ),
            ),
            Task(
                title="鼓励创建电子商务产业园",
                text="鼓励创建电子商务产业园。按照政府推动、企业参与、市场运作的模式，重点在工业园区和江北新城创建产业集聚、上下游协同发展的电子商务产业园。",
                lead=("区商务局",),
                assist=(
                    "区发改委",
                    "区财政局",
                    "区经济信息委",
                    "区国土房管局",
                    "区规划局",
                    "区工业园区管委会",
                    "区新城管委会",
                ),
            ),
            Task(
                title="培育电子商务专业楼宇集群",
                text="培育电子商务专业楼宇集群。结合产业发展实际，支持行业协会、龙头企业、物业持有者利用都市楼宇，打造集网络购物体验、网购产品展示、网商宣传推介、网商人才培训等于一体的功能齐全、配套完善的电子商务专业楼宇，增强电子商务承载能力，促进网商抱团发展。",
                lead=("区商务局",),
                assist=("区财政局", "区城乡建委", "潼南工商局", "区新城管委会"),
            ),
            Task(
                title="支持电子商务创业孵化基地建设",
                text="支持电子商务创业孵化基地建设。支持高等院校、科研机构和企业在我区建设电子商务创业孵化基地，搭建网络信息服务、创业咨询服务、投融资服务平台，降低电子商务创业风险和创业成本。",
                lead=("区人力社保局",),
                assist=("区财政局", "区经济信息委", "区科委", "区商务局", "潼南工商局", "区金融服务中心"),
            ),
        ),
    ),
    Area(
        number="（五）",
        title="增强网购产品的生产能力",
        title_en="Strengthening the production of goods sold online",
        tasks=(
            Task(
                title="提高网购产品的设计生产能力",
                text="提高网购产品的设计生产能力。支持我区化工、汽摩（配件）、电子产品、手机、灯饰、农副特色产品等优势、特色产业的生产企业与网购市场对接，设计、生产适销对路的高附加值特色网购产品，打造专供网络零售的“副品牌”“子品牌”。鼓励建设集商务洽谈、商品展示、产品生产为一体的网购产品生产、采购基地。",
                lead=("区经济信息委",),
                assist=("区农委", "区财政局", "区商务局", "潼南工商局", "潼南质监局"),
            ),
        ),
    ),
    Area(
        number="（六）",
        title="完善物流仓储配送体系",
        title_en="Improving logistics, warehousing and delivery",
        tasks=(
            Task(
                title="打造“配送聚集区―配送中心―社区末端”三级城市配送网络",
                text="打造“配送聚集区―配送中心―社区末端”三级城市配送网络。建设物流园区、城市配送功能区、货运市场等城市配送功能集聚区。鼓励城市配送企业联盟合作，建设集中仓储、统一配送的物流配送中心。鼓励社区商业网点、便利店、物业管理等社区末端开展配送集中收投业务。建设物流公共信息平台，研究制定城市配送车辆管理制度，推广物流自动化和城市配送车辆标准化管理，构建高效通畅的集中配送体系。",
                lead=("区发改委",),
                assist=("区商务局", "区公安局", "区国土房管局", "区规划局", "区市政园林局", "潼南邮政公司"),
            ),
            Task(
                title="发展适合电子商务的快递服务",
                text="发展适合电子商务的快递服务。支持重点电子商务企业自建物流配送体系，建设集自动存取、自动输送、自动分拣为一体的自动化订单处理中心。鼓励国内外知名第三方物流企业在潼建设适合电子商务发展需求的仓储基地。支持第四方物流企业开展物流规划、咨询、供应链管理等服务。",
                lead=("区发改委",),
                assist=("区商务局", "区公安局", "区国土房管局", "区规划局", "区市政园林局", "潼南邮政公司"),
            ),
        ),
    ),
    Area(
        number="（七）",
        title="推进电子商务金融服务和信用认证",
        title_en="Financial services and credit certification for e-commerce",
        tasks=(
            Task(
                title="发展电子支付业务",
                text="发展电子支付业务。鼓励拓展互联网金融服务业务，强化在线支付功能，大力发展电子商业汇票，推动移动支付、网上支付、电话支付等新兴支付业务。支持第三方支付发展，鼓励设立和引入第三方支付机构，积极探索开展网上支付国际业务。",
                lead=("区金融服务中心",),
                assist=("区发改委", "区经济信息委", "区商务局"),
            ),
            Task(
                title="拓宽电子商务企业融资渠道",
                text="拓宽电子商务企业融资渠道。鼓励银行和其他金融机构积极探索开展网商供应链贷款、基于网络交易数据的信用贷款等新型信贷业务。支持小额贷款公司创新金融服务，依托电子商务平台的企业信用数据，开发网络联贷联保等融资产品，为中小电子商务企业和网上创业者提供小额贷款。",
                lead=("区金融服务中心",),
                assist=("区发改委", "区商务局"),
            ),
            Task(
                title="建立信用认证体系",
                text="建立信用认证体系。支持信用认证平台发展，开展电子商务交易平台和经营主体信用评价与认证服务。探索建立电子商务行为诚信档案，制定电子商务信用规范，成立电子商务企业诚信联盟，建立电子商务信用风险赔偿机制，保障消费者利益。",
                lead=("潼南工商局",),
                assist=("区经济信息委", "区商务局"),
            ),
        ),
    ),
    Area(
        number="（八）",
        title="推进移动电子商务应用，发展大数据处理业务",
        title_en="Mobile e-commerce applications and big-data processing",
        tasks=(
            Task(
                title="开展智慧商圈建设",
                text="开展智慧商圈建设。依托移动网络、物联网技术、智能终端，整合线上线下资源，发展针对消费者的LBS+O2O的个性化商务模式，推动移动电子商务在城区核心商圈的试点应用，促进消费者和商家的良性互动，打造智慧商圈。",
                lead=("区商务局",),
                assist=("区发改委", "区财政局", "区经济信息委", "区市政园林局"),
            ),
            Task(
                title="发展移动电子商务APP应用",
                text="发展移动电子商务APP应用。支持开发移动电子商务APP，普及二维码、NFC支付等智能应用，逐步实现公共设施和商业设施快捷查询、商家位置和商品信息快速检索、商品在线交易、评价互动以及商业信息分析等功能，发展网上购物与店面体验相融合的消费模式。建设集移动电子商务软硬件研发、系统集成、电子交易、手机支付、安全认证、信用服务、外包服务和业务运营为一体的产业基地。支持基础电信运营商、增值业务服务商、内容提供商和金融服务机构之间的协作，加快移动电子商务服务平台建设，推动移动电子商务在餐饮、购物和旅游等领域的深化应用。",
                lead=("区经济信息委",),
                assist=("区科委", "区商务局", "区旅游局", "区金融服务中心"),
            ),
            Task(
                title="鼓励企业建立数据中心，开展大数据应用",
                text="鼓励企业建立数据中心，开展大数据应用。鼓励重点电子商务企业加强信息采集和分析研究，建立包含消费习惯、消费热点、消费行为、店铺点击量、订单流转率等海量信息数据中心。支持企业充分利用云计算和大数据技术，对消费者购物习惯、消费特征等进行分析，了解消费者喜好和消费节奏，为电子商务企业制定营销策略、创新商业模式等提供支撑。",
                lead=("区经济信息委",),
                assist=("区发改委", "区商务局"),
            ),
        ),
    ),
    Area(
        number="（九）",
        title="加强人才队伍建设",
        title_en="Building up talent",
        tasks=(
            Task(
                title="加强人才培训",
                text="加强人才培训。推动高等院校与行业协会、电子商务集聚区及大型电子商务企业开展合作，建立多种形式的产学研战略联盟和院校教育、实践锻炼相结合的开放式人才培养体系。围绕市场分析、案例讲解、网络营销技巧和专业团队建设等内容，面向网商、高校毕业生、个体工商户、下岗职工等开展电子商务实战培训。",
                lead=("区人力社保局", "区商务局"),
                assist=("区财政局", "区经济信息委", "区科委"),
            ),
            Task(
                title="支持引进高端人才",
                text="支持引进高端人才。充分利用户口迁移、社会保险、配偶工作、子女入学、个人所得税奖励等方面的政策支持，建立有效的人才引进和奖励机制，支持企业引进高级管理人才、高端营运人才和核心技术人才。",
                lead=("区人力社保局", "区商务局"),
                assist=("区财政局", "区教委", "区公安局", "潼南地税局", "潼南国税局"),
            ),
        ),
    ),
)

PART_TWO: tuple[Clause, ...] = (
    Clause(
        number="（一）",
        text="对在我区设立全国性总部、西部营运中心（基地）、区域性物流配送中心（基地）、结算中心的国内外知名电子商务企业，以及我市重点培育的电子商务企业，给予重点支持。符合市级微型企业孵化园奖励条件的，按相关规定奖励",
        units=("区商务局", "区财政局", "潼南工商局"),
        measures=("key_support",),
    ),
    Clause(
        number="（二）",
        text="新落户区内的电子商务企业租用规划商务楼宇作办公用房的，前两年分别按租金的60%和30%予以补助，返还租金计算面积最高不超过2000平方米。",
        units=("区商务局", "区财政局"),
        measures=("rent",),
    ),
    Clause(
        number="（三）",
        text="对于区内特色传统企业分离成立独立的电子商务法人企业并运行一年以上的，给予一次性2万元的奖励。",
        units=("区商务局", "区财政局"),
        measures=("spin_off",),
    ),
    Clause(
        number="（四）",
        text="电子商务企业租用数据专线的，给予不超过租赁费用30%的补贴，每年补助金额最高10万元人民币，补贴期限为2年。",
        units=("区商务局", "区财政局"),
        measures=("data_line",),
    ),
    Clause(
        number="（五）",
        text="对年销售额首次突破5000万元、1亿元、10亿元的电子商务企业，给予一次性奖励（不重复享受）。",
        units=("区商务局", "区财政局"),
        measures=("sales_milestone",),
    ),
    Clause(
        number="（六）",
        text="从事电子商务的国家级、市级电子商务示范企业申报民营发展专项资金，优先给予支持。重点建设项目贷款，按银行同期基准利率的50%给予贷款贴息，每个企业贴息最高不超过50万元。",
        units=("区经济信息委", "区商务局", "区财政局"),
        measures=("demo_priority", "loan_interest"),
    ),
    Clause(
        number="（七）",
        text="电子商务法人企业可享受以上（二）至（五）项优惠政策（含其他财政扶持资金等）所获财政补贴补助可累计叠加。对符合微型企业扶持条件的，按相关规定给予扶持。享受微企扶持的不再享受上述优惠政策。",
        units=("区商务局", "区财政局", "潼南工商局"),
        measures=(),
    ),
)


# The words of the notice each measure computes: 二（六） holds two measures, one sentence each.
MEASURE_TEXT: Mapping[str, str] = {
    "key_support": PART_TWO[0].text,
    "rent": PART_TWO[1].text,
    "spin_off": PART_TWO[2].text,
    "data_line": PART_TWO[3].text,
    "sales_milestone": PART_TWO[4].text,
    "demo_priority": "从事电子商务的国家级、市级电子商务示范企业申报民营发展专项资金，优先给予支持。",
    "loan_interest": "重点建设项目贷款，按银行同期基准利率的50%给予贷款贴息，每个企业贴息最高不超过50万元。",
}

# 二（七）, which every measure of 二（二） to （五） must also satisfy.
STACKING_TEXT: str = PART_TWO[6].text

UNIT_EN: Mapping[str, str] = {
    "区商务局": "District Commerce Bureau",
    "区财政局": "District Finance Bureau",
    "区发改委": "District Development and Reform Commission",
    "区经济信息委": "District Economy and Information Technology Commission",
    "区金融服务中心": "District Financial Services Centre",
    "潼南工商局": "Tongnan Administration for Industry and Commerce",
    "区统计局": "District Statistics Bureau",
    "区科委": "District Science and Technology Commission",
    "区国土房管局": "District Land Resources and Housing Bureau",
    "区规划局": "District Planning Bureau",
    "潼南地税局": "Tongnan Local Taxation Bureau",
    "潼南国税局": "Tongnan State Taxation Bureau",
    "区市政局": "District Municipal Administration Bureau",
    "区农委": "District Agriculture Commission",
    "区人力社保局": "District Human Resources and Social Security Bureau",
    "区教委": "District Education Commission",
    "团区委": "District Committee of the Communist Youth League",
    "区妇联": "District Women's Federation",
    "区工业园区管委会": "District Industrial Park Management Committee",
    "区新城管委会": "District New Town Management Committee",
    "区城乡建委": "District Urban and Rural Construction Commission",
    "潼南质监局": "Tongnan Quality and Technical Supervision Bureau",
    "区公安局": "District Public Security Bureau",
    "区市政园林局": "District Municipal Administration and Landscaping Bureau",
    "潼南邮政公司": "Tongnan Postal Company",
    "区旅游局": "District Tourism Bureau",
}


def all_tasks() -> tuple[tuple[Area, Task], ...]:
    return tuple((area, task) for area in KEY_TASKS for task in area.tasks)


def units_named() -> tuple[str, ...]:
    """Every unit the notice names in parts 一 and 二, in order of first appearance."""
    seen: dict[str, None] = {}
    for _, task in all_tasks():
        seen.update(dict.fromkeys(task.lead + task.assist))
    for clause in PART_TWO:
        seen.update(dict.fromkeys(clause.units))
    return tuple(seen)


class UnknownUnit(ValueError):
    """A unit name that matches no unit of the notice, or several."""


def find_unit(text: str, units: Iterable[str] | None = None) -> str:
    """The unit meant by ``text``: its exact Chinese name, its English name, or a unique part of the Chinese name."""
    names = tuple(units) if units is not None else units_named()
    wanted = text.strip()
    if wanted in names:
        return wanted
    folded = wanted.casefold()
    for name in names:
        if UNIT_EN.get(name, "").casefold() == folded:
            return name
    matches = [name for name in names if wanted and (wanted in name or folded in UNIT_EN.get(name, "").casefold())]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise UnknownUnit(f"unit {text!r} matches several units: {'、'.join(matches)}")
    raise UnknownUnit(f"unit {text!r} is not named in the notice; the units are: {'、'.join(names)}")
