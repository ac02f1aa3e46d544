"""Formatting answers for WeChat, and cleaning what users type there."""

from api.schemas import ChatResponse, ChatState, Message
from api.wechat.format import answer_texts, for_wechat, split_text, user_text
from guidekit.answers.replies import NEXT_HINT


def test_split_keeps_every_character_and_prefers_paragraph_breaks():
    paragraphs = ["第一段。" * 50, "第二段。" * 50, "第三段。" * 50]  # 200 characters each
    parts = split_text("\n\n".join(paragraphs), 450)
    assert parts == ["\n\n".join(paragraphs[:2]), paragraphs[2]]


def test_a_single_long_line_is_cut_after_a_full_stop():
    line = "这是一句不太长的话。" * 100  # 1000 characters
    parts = split_text(line, 600)
    assert all(len(p) <= 600 for p in parts) and "".join(parts) == line
    assert all(p.endswith("。") for p in parts)


def test_spoken_hints_become_reply_hints():
    assert "回复「下一个」" in for_wechat(NEXT_HINT)
    assert "说「" not in for_wechat(NEXT_HINT)
    assert for_wechat("**重要**:带身份证") == "重要:带身份证"


def test_an_item_carries_the_reply_hint_only_when_the_assistant_gave_one():
    """The hint is said once per conversation (and after a misunderstanding), not on every item."""
    hinted = ChatResponse(
        session_id="s",
        messages=[Message(text="第1样,身份证。\n说「下一个」听下一样。")],
        state=ChatState(topic="materials", item_index=1, item_count=3),
    )
    (text,) = answer_texts(hinted, 600)
    assert text.startswith("第1样") and "回复「下一个」" in text
    plain = ChatResponse(
        session_id="s",
        messages=[Message(text="第2样,户口本。家里的户口本。")],
        state=ChatState(topic="materials", item_index=2, item_count=3),
    )
    assert answer_texts(plain, 600) == ["第2样,户口本。家里的户口本。"]


def test_user_text_drops_faces_and_a_leading_slash():
    assert user_text("[微笑]/::)补社保卡") == "补社保卡"
    assert user_text("/next_item") == "next_item"
    assert user_text("/::)") == ""
