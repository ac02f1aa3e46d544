"""A service done both near home (an office in several districts) and at the city's own hall, which serves
everybody (安康市本级): "在哪办" asks the district, then gives the person's district office first and the city's
hall beside it; someone whose district has no office of its own is sent to the city's hall, not to another
district's."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from guidekit.answers import replies
from guidekit.guides.loader import read_guide_file
from guidekit.guides.schema import Guide
from guidekit.understanding.districts import ELSEWHERE

ROOT = Path(__file__).resolve().parents[3]
CITY_HALL = "安康市市民服务中心民政窗口"


@pytest.fixture(scope="module")
def guide() -> Guide:
    """高龄津贴 with its two district offices (青松区, 和平区) and the city's own hall added."""
    base = read_guide_file(ROOT / "guides" / "old-age-allowance.yml")
    address = {"official": "安康市民生路88号市民服务中心一楼", "plain": "民生路88号,市民服务中心一楼。"}
    hall = base.locations[0].model_dump() | {"name": CITY_HALL, "district": None, "address": address}
    return Guide.model_validate({**base.model_dump(), "locations": [hall, *base.model_dump()["locations"]]})


def test_asking_the_district_is_allowed_beside_an_office_for_the_whole_city(guide):
    assert (
        guide.ask_district
        and guide.districts == ["青松区", "和平区"]
        and [x.name for x in guide.city_wide] == [CITY_HALL]
    )
    one_district = {**guide.model_dump(), "locations": guide.model_dump()["locations"][:2]}
    with pytest.raises(ValidationError, match="ask_district needs two districts"):
        Guide.model_validate(one_district)


def test_the_question_says_several_districts_do_it_and_offers_them(guide):
    asked = replies.district_question(guide, [*guide.districts, ELSEWHERE])
    assert "好几个区都有办的地方" in asked and "要到您家那个区办" not in asked
    assert "1. 青松区" in asked and "3. 别的区" in asked


def test_ones_own_district_first_and_the_city_hall_beside_it_never_another_districts(guide):
    text = replies.location_answer(guide, "和平区")
    assert text.startswith("您家在和平区:请到和平区民生街道便民服务中心办理。")
    assert f"别的地方也能办:{CITY_HALL}。" in text and "青松区" not in text


@pytest.mark.parametrize("district", ["东湖区", ELSEWHERE])
def test_a_district_without_an_office_is_sent_to_the_city_hall(guide, district):
    text = replies.location_answer(guide, district)
    assert f"请到{CITY_HALL}办理,全市的人都能去。\n地址:民生路88号" in text
    assert ("东湖区没有办这件事的地方。" in text) == (district == "东湖区")
    assert "青松区" not in text and "和平区" not in text
    assert replies.hours_answer(guide, district).startswith(f"{CITY_HALL}开门的时间:")


def test_the_hours_are_those_of_ones_own_districts_office(guide):
    assert replies.hours_answer(guide, "青松区").startswith("青松区松柏街道便民服务中心开门的时间:")


def test_at_a_kiosk_in_the_city_hall_it_is_this_hall_whichever_district_one_lives_in(guide, monkeypatch):
    from types import SimpleNamespace

    from actions.flows.topics import _in_this_hall
    from tests.settings_reset import reset_settings

    monkeypatch.setenv("BANSHI_KIOSK_HALLS", f'{{"city-1": {{"{CITY_HALL}": "一楼8号窗口"}}}}')
    reset_settings()
    try:
        for district in (None, "和平区", "东湖区"):
            here = _in_this_hall(SimpleNamespace(kiosk="city-1", guide=guide), district)
            assert here is not None and here[0].name == CITY_HALL and here[1] == "一楼8号窗口"
        assert _in_this_hall(SimpleNamespace(kiosk="west-2", guide=guide), None) is None
    finally:
        monkeypatch.delenv("BANSHI_KIOSK_HALLS")
        reset_settings()
