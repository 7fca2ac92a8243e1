"""Part 一 of the notice as data (``tongnan_calc.clerk.duties``) and ``tongnan-calc duties``.

Every text in ``duties`` must be the notice's own words: it is checked against
the copy shipped in the repository (``docs/notice.zh.txt``), whose SHA-256 is pinned
here to the original's (``shared/policy/notice.zh.txt`` of the project), so the suite
needs no file outside the repository and skips nothing.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tongnan_calc.clerk import duties
from tongnan_calc.clerk.duties import KEY_TASKS, MEASURE_TEXT, PART_TWO, UNIT_EN, all_tasks, find_unit, units_named
from tongnan_calc.cli.app import app
from tongnan_calc.core.model import MEASURE_CLAUSES
from tongnan_calc.rules.load import DEFAULT_RULES, load_rules
from tongnan_calc.rules.schema import NOTICE_UNITS

ROOT = Path(__file__).resolve().parents[1]
REPO_COPY = ROOT / "docs" / "notice.zh.txt"
NOTICE_SHA256 = "4e912815297356a484ded01a5ab291e25c5b18ea7fdfb041c0f94bc189b020d4"
"""The SHA-256 of the original notice (``shared/policy/notice.zh.txt``), which the copy must match."""
ENV = {"COLUMNS": "200"}


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def part_one(text: str) -> str:
    return text.split("一、重点工作分工", 1)[1].split("二、政策措施落实责任分解", 1)[0]


def part_two(text: str) -> str:
    return text.split("二、政策措施落实责任分解", 1)[1]


# --- the data is the notice's -----------------------------------------------------------------


def test_the_repository_copy_exists() -> None:
    assert REPO_COPY.exists()


def test_the_repository_copy_is_the_original_notice() -> None:
    assert hashlib.sha256(REPO_COPY.read_bytes()).hexdigest() == NOTICE_SHA256


def test_every_task_is_verbatim_with_its_units() -> None:
    one = part_one(read(REPO_COPY))
    for area in KEY_TASKS:
        assert f"{area.number}{area.title}\n" in one, area.number
        for task in area.tasks:
            assert task.text + task.units_text in one, task.title
            assert task.text.startswith(task.title + "。")


def test_every_clause_of_part_two_is_verbatim_with_its_units() -> None:
    two = part_two(read(REPO_COPY))
    for clause in PART_TWO:
        assert f"{clause.number}{clause.text}{clause.units_text}" in two, clause.number
    for measure, text in MEASURE_TEXT.items():
        assert text in two, measure


def test_nothing_in_the_notice_is_left_out() -> None:
    """The notice's own structure, read independently: 9 areas, every bracketed task, 7 clauses."""
    one = part_one(read(REPO_COPY))
    areas = re.findall(r"^\s*(（[一二三四五六七八九]）)(\S+)$", one, flags=re.MULTILINE)
    assert [(a.number, a.title) for a in KEY_TASKS] == areas
    assert len(areas) == 9
    tasks = re.findall(r"^\s*(\S+?)（([^（）]+)牵头，([^（）]+)协助）$", one, flags=re.MULTILINE)
    assert len(tasks) == len(all_tasks()) == 22
    for (_, task), (text, lead, assist) in zip(all_tasks(), tasks, strict=True):
        assert (task.text, task.lead, task.assist) == (text, tuple(lead.split("、")), tuple(assist.split("、")))
    clauses = re.findall(r"^\s*(（[一二三四五六七]）)", part_two(read(REPO_COPY)), flags=re.MULTILINE)
    assert [c.number for c in PART_TWO] == clauses


def test_every_unit_named_is_a_notice_unit() -> None:
    named = set(units_named())
    for _, task in all_tasks():
        assert set(task.lead) <= NOTICE_UNITS, task.title
        assert set(task.assist) <= NOTICE_UNITS, task.title
        assert not set(task.lead) & set(task.assist), task.title
    for clause in PART_TWO:
        assert set(clause.units) <= NOTICE_UNITS, clause.number
    assert named == NOTICE_UNITS  # and NOTICE_UNITS lists no unit the notice does not name
    assert set(UNIT_EN) == NOTICE_UNITS


def test_the_clauses_cover_the_measures() -> None:
    computed = [m for clause in PART_TWO for m in clause.measures]
    assert sorted(computed) == sorted(MEASURE_CLAUSES)
    for clause in PART_TWO:
        for measure in clause.measures:
            assert MEASURE_CLAUSES[measure] == clause.label
    assert set(MEASURE_TEXT) == set(MEASURE_CLAUSES)
    assert PART_TWO[6].measures == ()  # 二（七） is the stacking rule, no line of its own
    assert duties.STACKING_TEXT.endswith("享受微企扶持的不再享受上述优惠政策。")


def test_the_shipped_rule_file_names_the_notices_responsible_units() -> None:
    rules = load_rules(DEFAULT_RULES)
    for clause in PART_TWO:
        for measure in clause.measures:
            assert rules.measures[measure].responsible == clause.units, measure


def test_hand_counted_roles() -> None:
    # counted by hand in the notice: 区商务局 is named in every one of the 22 tasks,
    # leading 12 and assisting 10; 区财政局 leads none and assists 14; 潼南工商局 leads one.
    def count(unit: str, role: str) -> int:
        return sum(1 for _, task in all_tasks() if task.role(unit) == role)

    assert (count("区商务局", "lead"), count("区商务局", "assist")) == (12, 10)
    assert (count("区财政局", "lead"), count("区财政局", "assist")) == (0, 14)
    assert [t.title for _, t in all_tasks() if t.role("潼南工商局") == "lead"] == ["建立信用认证体系"]
    assert [t.title for _, t in all_tasks() if t.role("区统计局") == "lead"] == ["建立统计监测体系"]
    joint = [t.title for _, t in all_tasks() if len(t.lead) == 2]
    assert joint == ["引进一批国内外品牌企业", "支持网上创业", "加强人才培训", "支持引进高端人才"]


def test_find_unit() -> None:
    assert find_unit("区财政局") == "区财政局"
    assert find_unit(" 财政 ") == "区财政局"
    assert find_unit("district finance bureau") == "区财政局"
    assert find_unit("Statistics") == "区统计局"
    with pytest.raises(duties.UnknownUnit, match="several"):
        find_unit("局")
    with pytest.raises(duties.UnknownUnit, match="not named in the notice"):
        find_unit("区卫生局")


# --- the command --------------------------------------------------------------------------------


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["duties", *args], env=ENV)
    return result.exit_code, result.stdout, result.stderr


def test_duties_lists_every_task_and_measure() -> None:
    code, out, _ = invoke()
    assert code == 0
    for area in KEY_TASKS:
        assert f"{area.number}{area.title}" in out
        for task in area.tasks:
            assert task.title[:12] in out
    for measure in MEASURE_CLAUSES:
        assert measure in out
    assert "叠加与排除规则" in out  # 二（七）


def test_duties_for_one_unit() -> None:
    code, out, _ = invoke("--unit", "财政")
    assert code == 0
    assert "区财政局牵头的工作（0项）" in out
    assert "区财政局协助的工作（14项）" in out
    assert "区财政局负责的政策措施（8项）" in out  # the seven measures and 二（七）
    code, out, _ = invoke("--unit", "潼南工商局")
    assert code == 0
    assert "潼南工商局牵头的工作（1项）" in out
    assert "建立信用认证体系。支持信用认证平台发展" in out  # the task's text
    assert "潼南工商局负责的政策措施（2项）" in out  # key_support (from the rule file) and 二（七）
    assert "key_support" in out and "rent" not in out.split("负责的政策措施")[1]


def test_duties_in_english() -> None:
    code, out, _ = invoke("--unit", "区统计局", "--lang", "en")
    assert code == 0
    assert "Tasks District Statistics Bureau (区统计局) leads (1)" in out
    assert "Planning the sector as a whole" in out


def test_an_unknown_unit_exits_2_with_one_line() -> None:
    code, out, err = invoke("--unit", "区卫生局", "--lang", "en")
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("error: unit '区卫生局' is not named in the notice")


def test_the_measures_follow_the_rule_file(tmp_path: Path) -> None:
    """An analyst's revision of `responsible` shows at once: the units come from rules.yaml."""
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    old = "responsible: [区商务局, 区财政局, 潼南工商局]   # 二（一） 责任单位"
    assert text.count(old) == 1
    revised = tmp_path / "rules.yaml"
    revised.write_text(text.replace(old, "responsible: [区商务局, 区财政局, 潼南工商局, 区统计局]"), encoding="utf-8")
    code, out, _ = invoke("--unit", "区统计局", "--rules", str(revised))
    assert code == 0
    assert "区统计局负责的政策措施（1项）" in out
    assert "key_support" in out
    code, out, _ = invoke("--unit", "区统计局")
    assert "区统计局负责的政策措施（0项）" in out


def test_an_invalid_rule_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text("schema: 1\n", encoding="utf-8")
    code, _, err = invoke("--rules", str(bad), "--lang", "en")
    assert code == 2
    assert err.startswith("error: ")
