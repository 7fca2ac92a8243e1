"""The terminal rendering of ``tongnan-calc explain``: one rich panel per measure.

Renders an ``explain.Explanation`` (built in the functional core); computes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from tongnan_calc.clerk.explain import SHEET_ZH, Condition, Explanation, MeasureExplanation
from tongnan_calc.core.model import InputIssue, ParamUse, PriorPayout
from tongnan_calc.core.say import Lang
from tongnan_calc.report.screen import plain
from tongnan_calc.report.terminal import STATUS_STYLE
from tongnan_calc.text.basis import param_value, step_text
from tongnan_calc.text.messages import measure_label, status_label

WORDS: dict[str, tuple[str, str]] = {
    "title": ("{name}（{code}）{year}年度计算说明", "How {year} was computed for {name} ({code})"),
    "rules": ("规则文件", "rule file"),
    "input": ("输入工作簿", "input workbook"),
    "ledger": ("发放台账", "ledger"),
    "no_ledger": (
        "未使用发放台账：未读取以往发放记录，一次性奖励和累计上限可能重复发放",
        "NO LEDGER: no prior payouts were read, so one-time rewards and lifetime caps may be paid twice",
    ),
    "ledger_read": ("{path}（本企业以往发放 {count} 条）", "{path} ({count} prior payout(s) of this enterprise)"),
    "records": ("本企业记录", "records of this enterprise"),
    "rows": ("{sheet} {count} 行", "{sheet} {count} row(s)"),
    "facts": ("企业信息", "enterprise"),
    "issues": ("涉及本企业的输入问题", "Input issues concerning this enterprise"),
    "no_issues": ("无涉及本企业的输入问题", "no input issue concerns this enterprise"),
    "prior": ("以往发放（台账，{year}年以前）", "Prior payouts (ledger, before {year})"),
    "no_prior": ("台账中无本企业{year}年以前的发放记录", "the ledger holds no payout to it before {year}"),
    "notice": ("条款原文", "the notice"),
    "clause": ("条款", "clause"),
    "stacking": ("另适用 二（七）", "with 二（七）"),
    "responsible": ("责任单位", "responsible units"),
    "result": ("结果", "result"),
    "conditions": ("条件", "conditions"),
    "condition": ("条件", "condition"),
    "seen": ("所填/所见", "seen"),
    "met": ("结果", "met"),
    "params": ("所用规则参数", "rule-file values used"),
    "param": ("参数", "parameter"),
    "value": ("值", "value"),
    "effective": ("生效日期", "in force from"),
    "reference": ("依据文件", "source"),
    "intervals": ("租金区间", "rent intervals"),
    "from": ("起", "from"),
    "to": ("止", "to"),
    "days": ("天数", "days"),
    "lease_rows": ("租赁行", "lease rows"),
    "rent": ("期间租金", "rent"),
    "area": ("面积（㎡）", "area (m²)"),
    "factor": ("面积系数", "area factor"),
    "rate": ("补助比例", "rate"),
    "subsidy": ("补助", "subsidy"),
    "steps": ("计算步骤", "steps"),
    "caps": ("上限", "caps"),
    "applied": ("已适用", "applied"),
    "not_applied": ("未触及", "not reached"),
    "measure_prior": ("以往发放", "prior payouts"),
    "rounding": ("舍入", "rounding"),
    "rounding_text": (
        "精确值 {exact} → 四舍五入至0.01元：{rounded}（每行只舍入一次，上限先于舍入）",
        "exact {exact} → half up to 0.01 yuan: {rounded} (one rounding per line, caps before it)",
    ),
    "blocking": ("阻止计算的输入错误", "input errors blocking it"),
    "summary": ("汇总", "Summary"),
    "measure": ("措施", "measure"),
    "status": ("状态", "status"),
    "amount": ("金额（元）", "amount (yuan)"),
    "total": ("应付合计", "total payable"),
    "year": ("年度", "year"),
    "tier": ("档次", "tier"),
    "where": ("位置", "where"),
    "severity": ("严重程度", "severity"),
    "message": ("问题", "message"),
    "none": ("无", "none"),
}

MET = {True: ("✓", "green"), False: ("✗", "red"), None: ("—", "dim")}
FACT_HEADERS: dict[str, str] = {
    "credit_code": "统一社会信用代码",
    "name": "企业名称",
    "ecommerce_entity": "电子商务法人企业",
    "settled_on": "落户日期",
    "micro_support": "享受微企扶持",
    "hq_type": "机构类型",
    "renowned": "国内外知名企业",
    "city_key": "市重点培育",
    "demo_level": "示范企业级别",
    "spun_off": "特色传统企业分离设立",
    "operating_since": "开始运营日期",
    "row": "行",
}


def word(key: str, lang: Lang, **args: object) -> str:
    return WORDS[key][0 if lang == "zh" else 1].format(**args)


def money(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:,.2f}"


def print_explanation(console: Console, expl: Explanation) -> None:
    """The header, the enterprise's issues and prior payouts, a panel per measure, and a summary."""
    lang = expl.lang
    ent = expl.enterprise
    console.print(
        Panel(_header(expl), title=plain(word("title", lang, name=ent.name, code=ent.credit_code, year=expl.year)))
    )
    console.print(_issues(expl.issues, lang))
    console.print(_prior(expl.prior, expl.year, lang))
    for measure in expl.measures:
        console.print(measure_panel(measure, lang))
    console.print(_summary(expl, lang))


def _header(expl: Explanation) -> RenderableType:
    lang = expl.lang
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    src = expl.sources
    if src is not None:
        rules = f"{src.rules_path} ({src.rules_version}, SHA-256 {src.rules_sha256[:12]}…)"
        table.add_row(word("rules", lang), plain(rules))
        table.add_row(word("input", lang), plain(f"{src.input_path} (SHA-256 {src.input_sha256[:12]}…)"))
        if src.ledger_path is None:
            table.add_row(word("ledger", lang), Text(word("no_ledger", lang), style="bold red"))
        else:
            read = word("ledger_read", lang, path=src.ledger_path, count=len(expl.prior))
            table.add_row(word("ledger", lang), plain(read))
    for key, value in expl.facts:
        head = FACT_HEADERS.get(key, key)
        table.add_row(head if lang == "zh" else key, plain(value))
    counts = ("；" if lang == "zh" else "; ").join(
        word("rows", lang, sheet=f"{SHEET_ZH[sheet]}（{sheet}）" if lang == "zh" else sheet, count=count)
        for sheet, count in expl.record_counts
    )
    table.add_row(word("records", lang), plain(counts))
    return table


def _issues(issues: Sequence[InputIssue], lang: Lang) -> RenderableType:
    if not issues:
        return Text(word("no_issues", lang), style="dim")
    table = Table(title=word("issues", lang))
    for key in ("where", "severity", "value", "message"):
        table.add_column(word(key, lang), overflow="fold")
    for issue in issues:
        style = "red" if issue.severity == "error" else "yellow" if issue.severity == "warning" else "dim"
        table.add_row(
            plain(issue.where(lang)),
            plain(issue.severity_text(lang), style),
            plain(issue.value or ""),
            plain(issue.text(lang)),
        )
    return table


def _prior_table(prior: Sequence[PriorPayout], lang: Lang, title: str | None = None) -> Table:
    table = Table(title=title)
    for key in ("year", "measure", "tier"):
        table.add_column(word(key, lang))
    table.add_column(word("amount", lang), justify="right")
    for payout in prior:
        table.add_row(
            str(payout.year), plain(measure_label(payout.measure, lang)), money(payout.tier), money(payout.amount)
        )
    return table


def _prior(prior: Sequence[PriorPayout], year: int, lang: Lang) -> RenderableType:
    if not prior:
        return Text(word("no_prior", lang, year=year), style="dim")
    return _prior_table(prior, lang, word("prior", lang, year=year))


def _section(title: str) -> Text:
    return Text(f"\n{title}", style="bold")


def _conditions(conditions: Sequence[Condition], lang: Lang) -> Table:
    table = Table(box=None, show_header=True, pad_edge=False)
    table.add_column(word("met", lang), justify="center")
    table.add_column(word("condition", lang), overflow="fold", ratio=3)
    table.add_column(word("seen", lang), overflow="fold", ratio=2)
    for condition in conditions:
        mark, style = MET[condition.met]
        table.add_row(Text(mark, style=style), plain(condition.text), plain(condition.seen))
    return table


def measure_panel(m: MeasureExplanation, lang: Lang) -> Panel:
    """One measure: the clause, the result, the conditions, the values used, the steps, caps, prior, rounding."""
    style = STATUS_STYLE[m.status]
    parts: list[RenderableType] = []
    if m.notice_text:
        parts.append(plain(f"{word('notice', lang)} {m.clause}", "bold"))
        parts.append(plain(f"“{m.notice_text}”", "italic"))
    if m.stacking_text:
        parts.append(Text(word("stacking", lang), style="bold"))
        parts.append(plain(f"“{m.stacking_text}”", "italic dim"))
    colon = "：" if lang == "zh" else ": "
    parts.append(Text.assemble((f"{word('responsible', lang)}{colon}", "bold"), plain("、".join(m.responsible))))
    result = Text.assemble((f"{word('result', lang)}{colon}", "bold"), (status_label(m.status.value, lang), style))
    if m.amount is not None:
        result.append(f"  {money(m.amount)}", style=style)
    if m.tier is not None:
        result.append(f"  ({word('tier', lang)} {money(m.tier)})")
    result.append_text(plain(f"  — {m.reason}"))
    parts.append(result)
    if m.conditions:
        parts.extend([_section(word("conditions", lang)), _conditions(m.conditions, lang)])
    if m.blocking:
        parts.append(_section(word("blocking", lang)))
        parts.extend(
            plain(f"{issue.where(lang)}{colon}{issue.text(lang)} ({issue.value or ''})", "red") for issue in m.blocking
        )
    if m.params:
        parts.extend([_section(word("params", lang)), _params(m.params, lang)])
    if m.intervals:
        table = Table(box=None, pad_edge=False)
        for key in ("from", "to", "days", "lease_rows", "rent", "area", "factor", "rate", "subsidy"):
            table.add_column(word(key, lang), justify="left" if key in ("from", "to", "lease_rows") else "right")
        for i in m.intervals:
            table.add_row(
                i.start.isoformat(), i.end.isoformat(), str(i.days), plain(i.lease_rows), plain(i.rent),
                plain(i.area_m2), plain(i.factor), plain(i.rate), plain(i.subsidy),
            )  # fmt: skip
        parts.extend([_section(word("intervals", lang)), table])
    if m.steps:
        parts.append(_section(word("steps", lang)))
        parts.extend(plain(step_text(s, lang)) for s in m.steps)
    if m.caps:
        parts.append(_section(word("caps", lang)))
        for cap in m.caps:
            state = word("applied" if cap.applied else "not_applied", lang)
            parts.append(
                Text.assemble(
                    plain(f"{cap.name} = {cap.value} ({cap.effective.isoformat()}): "),
                    (state, "bold yellow" if cap.applied else "dim"),
                    plain(f" — {cap.detail}" if cap.applied else ""),
                )
            )
    if m.prior:
        parts.extend([_section(word("measure_prior", lang)), _prior_table(m.prior, lang)])
    if m.rounding is not None:
        text = word("rounding_text", lang, exact=m.rounding.exact, rounded=m.rounding.rounded)
        parts.extend([_section(word("rounding", lang)), plain(text)])
    title = Text.assemble(
        (f"{m.clause} {measure_label(m.measure, lang)}", "bold"),
        plain(f" · {m.title}  "),
        (status_label(m.status.value, lang), style),
    )
    if m.amount is not None:
        title.append(f" {money(m.amount)}", style=style)
    return Panel(Group(*parts), title=title, title_align="left", border_style=style)


def _params(params: Sequence[ParamUse], lang: Lang) -> Table:
    """The rule-file values used: name, value, clause, in force from, and the document that sets each
    (文号, date, clause, URL) when the rule file names one."""
    table = Table(box=None, pad_edge=False)
    for key in ("param", "value"):
        table.add_column(word(key, lang), overflow="fold")
    table.add_column(word("clause", lang))
    table.add_column(word("effective", lang))
    referenced = any(p.reference for p in params)
    if referenced:
        table.add_column(word("reference", lang), overflow="fold")
    for p in params:
        row: list[RenderableType] = [p.name, Text(param_value(p, lang)), p.clause, p.effective.isoformat()]
        table.add_row(*row, *([Text(p.reference or "")] if referenced else []))
    return table


def _summary(expl: Explanation, lang: Lang) -> Table:
    table = Table(title=word("summary", lang))
    for key in ("measure", "clause", "status"):
        table.add_column(word(key, lang))
    table.add_column(word("amount", lang), justify="right")
    for m in expl.measures:
        style = STATUS_STYLE[m.status]
        table.add_row(
            plain(measure_label(m.measure, lang)),
            plain(m.clause),
            plain(status_label(m.status.value, lang), style),
            Text(money(m.amount), style=style),
        )
    table.add_row(Text(word("total", lang), style="bold"), "", "", Text(money(expl.total_payable), style="bold"))
    return table
