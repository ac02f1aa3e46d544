"""找人工 at a hall kiosk: the help desk's place, and the staff call over a real loopback HTTP server."""

from __future__ import annotations

import asyncio
import time

import pytest

from api.kiosk.help_desk import ALREADY, CALLED, FAILED, NO_CALL, HelpDesk
from api.schemas import ChatResponse, ChatState, Message
from guidekit.answers.replies import COMPLAINT_HEARD
from tests.conftest import StaffCalls


@pytest.fixture()
def call_system():
    systems = []

    def make(**kwargs):
        system = StaffCalls(**kwargs)
        systems.append(system)
        return system

    yield make
    for system in systems:
        system.close()


def _desk(url=None, timeout=2.0, cooldown=120.0, clock=time.monotonic):
    return HelpDesk({"east-1": "东门进来右手边的咨询台", "bad id!": "x"}, "大厅的咨询台", url, timeout, cooldown, clock)


def _handoff(text="您可以打电话找工作人员:0000-12333(社保中心)。", topic="handoff"):
    return ChatResponse(
        session_id="kiosk:abc",
        messages=[Message(text=text)],
        state=ChatState(topic=topic, service_id="id-card-reissue"),
    )


def test_each_kiosk_names_its_own_help_desk_and_an_unknown_one_the_halls():
    desk = _desk()
    assert desk.where("east-1") == "东门进来右手边的咨询台"
    assert desk.where("west-2") == desk.where(None) == "大厅的咨询台"
    assert "bad id!" not in desk.desks


def test_without_a_call_system_the_person_is_sent_to_the_desk():
    reply = asyncio.run(_desk().answer_at_kiosk(_handoff(), "east-1"))
    assert [m.text for m in reply.messages] == ["请您去东门进来右手边的咨询台找工作人员。他们会当面帮您。"]
    assert reply.state.topic == "handoff" and reply.session_id == "kiosk:abc"


def test_a_call_rings_once_per_cooldown_and_carries_no_personal_data(call_system):
    system = call_system()
    now = [1000.0]
    desk = _desk(system.url, cooldown=60, clock=lambda: now[0])
    assert asyncio.run(desk.call_staff("east-1", "id-card-reissue")) == CALLED
    assert asyncio.run(desk.call_staff("east-1", "id-card-reissue")) == ALREADY
    assert asyncio.run(desk.call_staff("west-2", None)) == CALLED  # another kiosk rings on its own
    now[0] += 61
    assert asyncio.run(desk.call_staff("east-1", None)) == CALLED
    assert len(system.calls) == 3
    assert system.calls[0]["kiosk"] == "east-1" and system.calls[0]["service_id"] == "id-card-reissue"
    assert set(system.calls[0]) == {"kiosk", "desk", "service_id", "asked_at"}


def test_a_call_system_that_refuses_sends_the_person_to_the_desk_and_rings_again_next_time(call_system, caplog):
    system = call_system(status=500)
    desk = _desk(system.url)
    reply = asyncio.run(desk.answer_at_kiosk(_handoff(), "east-1"))
    assert reply.messages[0].text.startswith("请您去东门进来右手边的咨询台找工作人员")
    assert "staff call from kiosk east-1 failed (500)" in caplog.text
    assert asyncio.run(desk.call_staff("east-1", None)) == FAILED  # not remembered as rung


def test_a_call_system_that_hangs_costs_the_person_at_most_the_timeout(call_system):
    system = call_system(delay=3.0)
    started = time.monotonic()
    assert asyncio.run(_desk(system.url, timeout=0.5).call_staff("east-1", None)) == FAILED
    assert time.monotonic() - started < 2.0


def test_a_complaint_at_the_kiosk_is_still_heard_first():
    reply = asyncio.run(_desk().answer_at_kiosk(_handoff(COMPLAINT_HEARD + "您说的情况……"), None))
    assert reply.messages[0].text == COMPLAINT_HEARD + "请您去大厅的咨询台找工作人员。他们会当面帮您。"


def test_other_answers_pass_through_untouched(call_system):
    system = call_system()
    reply = _handoff("第1样,身份证。", topic="materials")
    assert asyncio.run(_desk(system.url).answer_at_kiosk(reply, "east-1")) is reply
    assert system.calls == []


def test_no_call_system_is_no_call():
    assert asyncio.run(_desk().call_staff("east-1", None)) == NO_CALL
