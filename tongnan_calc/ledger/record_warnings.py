"""What ``ledger record`` records but says aloud: a workbook computed with another rule file than the
one the recording checks against, a payout recorded again after it was reversed, and payouts of a run
already recorded from another workbook (rows the reviewer may have deleted there).

None of them refuses the workbook: each can be right (a revised rule file installed between the run and
the recording, a reversal that was itself the mistake, a run approved in two parts), but each can also
be a clerk's slip that the ledger would otherwise take in silently."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from tongnan_calc.core.rules import Rules
from tongnan_calc.core.say import Say
from tongnan_calc.ledger.entries import _Payout, _Source

SHA_SHOWN = 12  # hex digits of a rule file's SHA-256 shown in a warning


def other_rules(workbook: Path, run_version: str, run_sha256: str, rules: Rules) -> Say | None:
    """The workbook was computed with a rule file other than ``rules`` (by SHA-256): the tier and
    interest-cap checks of the recording used ``rules``, not the run's."""
    if run_sha256 == rules.sha256:
        return None
    run_sha, sha = run_sha256[:SHA_SHOWN], rules.sha256[:SHA_SHOWN]
    return Say(
        f"{workbook} 计算时所用的规则文件（版本 {run_version}，SHA-256 {run_sha}…）与本次记录核对所用的规则文件"
        f" {rules.path}（版本 {rules.version}，SHA-256 {sha}…）不同：档次和贴息上限按后者核对；"
        "记录时请用 --rules 指定计算时所用的规则文件",
        f"{workbook} was computed with another rule file (version {run_version}, SHA-256 {run_sha}…) than"
        f" {rules.path} (version {rules.version}, SHA-256 {sha}…), which this recording checked tiers and the"
        " interest cap against: record with --rules naming the rule file the run used",
    )


def reversed_before(conn: sqlite3.Connection, payout: _Payout) -> tuple[int, int, str] | None:
    """(the entry, the reversal, its reason) when the same payout (code, year, measure, tier) was recorded
    before and reversed (the latest such reversal); None otherwise."""
    found = conn.execute(
        "SELECT p.id, r.id, r.reason FROM entries AS p JOIN entries AS r ON r.reverses = p.id"
        " WHERE p.kind = 'payout' AND p.credit_code = ? AND p.year = ? AND p.measure = ? AND p.tier IS ?"
        " ORDER BY r.id DESC LIMIT 1",
        payout.key(),
    ).fetchone()
    return None if found is None else (int(found[0]), int(found[1]), str(found[2]))


def reinstated(conn: sqlite3.Connection, add: Sequence[_Payout]) -> list[Say]:
    """Payouts about to be recorded whose same payout was recorded before and reversed: recording brings
    it back into force, which the clerk must know."""
    said: list[Say] = []
    for payout in add:
        found = reversed_before(conn, payout)
        if found is None:
            continue
        entry, reversal, reason = found
        what = payout.describe()
        said.append(
            payout.label()
            + Say(
                f"：{what.zh} 曾记入台账（条目 {entry}）并已冲销（条目 {reversal}：{reason}），现再次记入；"
                "如该冲销仍然有效，请冲销新记入的条目",
                f": {what.en} was recorded before (entry {entry}) and reversed (entry {reversal}: {reason});"
                " it is recorded again: if the reversal stands, reverse the new entry",
            )
        )
    return said


def reimported(found: tuple[int, int, str]) -> Say:
    """The history import's warning on a row whose payout was recorded before and reversed."""
    entry, reversal, reason = found
    return Say(
        f"曾记入台账（条目 {entry}）并已冲销（条目 {reversal}：{reason}），现再次导入；"
        "如该冲销仍然有效，请冲销新导入的条目",
        f"recorded before (entry {entry}) and reversed (entry {reversal}: {reason}); it is imported again:"
        " if the reversal stands, reverse the new entry",
    )


def same_run_elsewhere(conn: sqlite3.Connection, source: _Source, add: Sequence[_Payout]) -> Say | None:
    """Payouts added from a workbook of a run (year, rule file, input workbook) that was already recorded
    from another workbook file: the rows added may be rows the reviewer deleted from that one."""
    if not add:
        return None
    found = conn.execute(
        "SELECT file_name, recorded_at FROM sources WHERE kind = 'record' AND year = ? AND rules_sha256 = ?"
        " AND input_sha256 = ? AND file_sha256 IS NOT ? ORDER BY id LIMIT 1",
        (source.year, source.rules_sha256, source.input_sha256, source.file_sha256),
    ).fetchone()
    if found is None:
        return None
    other, when = str(found[0]), str(found[1])
    rows = "、".join(p.label().zh for p in add[:5]) + (f"等{len(add)}笔" if len(add) > 5 else "")
    rows_en = ", ".join(p.label().en for p in add[:5]) + (f" and {len(add) - 5} more" if len(add) > 5 else "")
    payouts = "1 payout" if len(add) == 1 else f"{len(add)} payouts"
    them = "it" if len(add) == 1 else "them"
    return Say(
        f"{source.file_name} 与此前已记录的 {other}（{when}）出自同一次计算（{source.year} 年度，同一输入工作簿和"
        f"规则文件），本次又记入了台账中尚无的 {len(add)} 笔发放（{rows}）：如这些行是审核时从 {other} 中删去"
        "（未获批准）的，请用 `tongnan-calc ledger reverse` 冲销",
        f"{source.file_name} comes from the same run as {other}, recorded at {when} (year {source.year}, the same"
        f" input workbook and rule file), and added {payouts} the ledger did not hold ({rows_en}):"
        f" if the reviewer deleted {them} from {other} (rejected), reverse {them} with `tongnan-calc ledger reverse`",
    )


def same_run_missing(conn: sqlite3.Connection, source: _Source, payouts: Sequence[_Payout]) -> Say | None:
    """Payouts in force, recorded from another workbook file of the same run (year, rule file, input
    workbook), that this workbook does not hold: the reviewer may have deleted them from this copy
    (rejected) after the other was recorded — the order ``same_run_elsewhere`` does not see."""
    held = {p.key() for p in payouts}
    found = conn.execute(
        "SELECT e.id, e.credit_code, e.year, e.measure, e.tier, s.file_name FROM payouts_in_force AS e"
        " JOIN sources AS s ON s.id = e.source_id WHERE s.kind = 'record' AND s.year = ? AND s.rules_sha256 = ?"
        " AND s.input_sha256 = ? AND s.file_sha256 IS NOT ? ORDER BY e.id",
        (source.year, source.rules_sha256, source.input_sha256, source.file_sha256),
    ).fetchall()
    missing = [row for row in found if (str(row[1]), int(row[2]), str(row[3]), row[4]) not in held]
    if not missing:
        return None
    other = str(missing[0][5])
    ids = [str(row[0]) for row in missing]
    shown, more = ids[:5], len(ids) - 5
    listed_zh = "、".join(shown) + (f"等{len(ids)}条" if more > 0 else "")
    listed = ", ".join(shown) + (f" and {more} more" if more > 0 else "")
    entries, counted, them = (
        ("entry", "1 payout", "it") if len(ids) == 1 else ("entries", f"{len(ids)} payouts", "them")
    )
    return Say(
        f"{source.file_name} 与此前已记录的 {other} 出自同一次计算（{source.year} 年度，同一输入工作簿和规则文件），"
        f"但没有台账中从 {other} 记入的 {len(ids)} 笔发放（条目 {listed_zh}）：如这些行是审核时删去（未获批准）的，"
        "请用 `tongnan-calc ledger reverse` 冲销",
        f"{source.file_name} comes from the same run as {other} (year {source.year}, the same input workbook and"
        f" rule file) but lacks {counted} recorded from it ({entries} {listed}): if the reviewer"
        f" deleted {them} (rejected), reverse {them} with `tongnan-calc ledger reverse`",
    )
