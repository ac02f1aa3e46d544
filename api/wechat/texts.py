"""What the WeChat account says by itself, outside the assistant's answers. Short, polite, numbered."""

from __future__ import annotations

from typing import Sequence

EXAMPLES = ("补社保卡要带什么", "老年优待证在哪里办", "身份证到期了怎么换")


def welcome() -> str:
    examples = "\n".join(f"{i}. {q}" for i, q in enumerate(EXAMPLES, 1))
    return (
        "您好,欢迎关注长辈办事通!\n"
        "我可以告诉您,去办事要带哪些材料。\n"
        "您可以打字问我,也可以按住说话,发语音问我。\n"
        f"比如:\n{examples}\n"
        "想问哪一个,回复数字就行,比如「1」。"
    )


def voice_not_understood(hotline: str) -> str:
    return (
        "对不起,这条语音我没听清。\n"
        "请您打字问我,比如「补社保卡要带什么」。\n"
        f"您也可以到办事大厅的自助机上问,或者打{hotline}。"
    )


def only_text(hotline: str) -> str:
    return f"对不起,我只看得懂文字。\n请您打字问我,比如「补社保卡要带什么」。\n有急事,请打{hotline}。"


def service_menu(names: Sequence[str]) -> str:
    lines = "\n".join(f"{i}. {name}" for i, name in enumerate(names, 1))
    return f"这些事我都能帮您:\n{lines}\n请回复数字,比如「1」。"


def too_slow(hotline: str) -> str:
    return f"对不起,系统有点忙。\n请您过一会儿再发一次。\n有急事,请打{hotline}。"


def something_wrong(hotline: str) -> str:
    return f"对不起,系统暂时出了问题。\n请您稍后再试,或者打{hotline}。"
