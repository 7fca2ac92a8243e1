"""The two flag measures: key_support 二（一） and demo_priority 二（六） first sentence.

SPEC §4: key_support flags when (hq_type is set and renowned = yes) or
city_key = yes, responsible units from the rule file; demo_priority flags when
demo_level is national or municipal.  A flag carries no amount.
"""

from __future__ import annotations

import pytest
from factories import SHIPPED, assert_ineligible, ent, rec

from tongnan_calc.core.measures import MEASURES
from tongnan_calc.core.model import Status
from tongnan_calc.text.messages import render

key_support = MEASURES["key_support"]
demo_priority = MEASURES["demo_priority"]

HQ_TYPES = ("national_hq", "western_ops_center", "regional_logistics_center", "settlement_center")
HQ_LABELS = {
    "national_hq": "全国性总部",
    "western_ops_center": "西部营运中心",
    "regional_logistics_center": "区域性物流配送中心",
    "settlement_center": "结算中心",
}


@pytest.mark.parametrize("hq_type", HQ_TYPES)
def test_key_support_renowned_hq(hq_type: str) -> None:
    line = key_support(rec(ent(hq_type=hq_type, renowned=True)), 2015, SHIPPED)
    assert line.status is Status.FLAG
    assert line.amount is None
    assert line.clause == "二（一）"
    # responsible units from the rule file: 区商务局, 区财政局, 潼南工商局
    assert line.responsible == ("区商务局", "区财政局", "潼南工商局")
    assert HQ_LABELS[hq_type] in render(line.reason, "zh")


def test_key_support_city_key() -> None:
    line = key_support(rec(ent(city_key=True)), 2015, SHIPPED)
    assert line.status is Status.FLAG
    assert line.amount is None
    assert "市重点培育" in render(line.reason, "zh")


def test_key_support_city_key_without_hq_or_renown() -> None:
    line = key_support(rec(ent(city_key=True, hq_type=None, renowned=False)), 2015, SHIPPED)
    assert line.status is Status.FLAG


def test_key_support_hq_not_renowned_is_ineligible() -> None:
    line = key_support(rec(ent(hq_type="settlement_center", renowned=False)), 2015, SHIPPED)
    assert_ineligible(line, "二（一）", "知名")


def test_key_support_renowned_without_hq_is_ineligible() -> None:
    line = key_support(rec(ent(hq_type=None, renowned=True)), 2015, SHIPPED)
    assert_ineligible(line, "二（一）")


def test_key_support_nothing_is_ineligible() -> None:
    assert_ineligible(key_support(rec(ent()), 2015, SHIPPED), "二（一）")


@pytest.mark.parametrize(("level", "label"), [("national", "国家级"), ("municipal", "市级")])
def test_demo_priority_flag(level: str, label: str) -> None:
    line = demo_priority(rec(ent(demo_level=level)), 2015, SHIPPED)
    assert line.status is Status.FLAG
    assert line.amount is None
    assert line.clause == "二（六）"
    assert line.responsible == ("区经济信息委", "区商务局", "区财政局")
    assert label in render(line.reason, "zh")


def test_demo_priority_no_level_is_ineligible() -> None:
    assert_ineligible(demo_priority(rec(ent(demo_level=None)), 2015, SHIPPED), "二（六）")
