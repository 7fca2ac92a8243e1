"""The JSON output of a run (SPEC §7): for other programs."""

from __future__ import annotations

import json
from typing import Any

from tongnan_calc.messages import Lang, render
from tongnan_calc.model import Line, Status
from tongnan_calc.money import fmt
from tongnan_calc.runner import RunResult


def line_json(line: Line, lang: Lang) -> dict[str, Any]:
    return {
        "credit_code": line.credit_code,
        "name": line.name,
        "measure": line.measure,
        "clause": line.clause,
        "status": line.status.value,
        "amount": None if line.amount is None else fmt(line.amount),
        "tier": None if line.tier is None else fmt(line.tier),
        "reason": render(line.reason, lang),
        "basis": line.basis.lines(),
    }


def result_json(result: RunResult, lang: Lang = "zh", *, include_ineligible: bool = True) -> dict[str, Any]:
    totals = result.totals
    return {
        "year": result.year,
        "rules": {"version": result.rules.version, "sha256": result.rules.sha256, "path": result.rules.path},
        "input": {"path": result.input_path, "sha256": result.input_sha256},
        "ledger": None
        if result.ledger is None
        else {"path": result.ledger.path, "prior_payouts_read": result.ledger.prior_read},
        "entitlements": [
            line_json(line, lang) for line in result.lines if include_ineligible or line.status is not Status.INELIGIBLE
        ],
        "input_issues": [
            {
                "sheet": issue.sheet,
                "row": issue.row,
                "column": issue.column,
                "header": issue.header,
                "value": issue.value,
                "severity": issue.severity,
                "message": issue.message,
                "credit_code": issue.credit_code,
            }
            for issue in result.batch.issues
        ],
        "totals": {
            "payable": fmt(totals.payable),
            "by_measure": {measure: fmt(amount) for measure, amount in totals.by_measure.items()},
            "lines": {status.value: count for status, count in totals.counts.items()},
        },
    }


def dumps(result: RunResult, lang: Lang = "zh") -> str:
    return json.dumps(result_json(result, lang), ensure_ascii=False, indent=2) + "\n"
