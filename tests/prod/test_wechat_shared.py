"""Two API processes behind one WeChat account: a resent message reaching the other process is still
answered once, because the once-only record lives in Redis."""

from __future__ import annotations

import concurrent.futures
import time
import uuid

from tests.settings_reset import reset_settings
from api.settings import get_api_settings
from tests.api.conftest import APP_ID, LiveApi, TOKEN, assistant, fake_wechat, post, wechat_env  # noqa: F401
from tests.api.wechat_protocol import signed_params, text_xml


def test_a_retry_reaching_another_api_process_is_not_answered_twice(
    wechat_env, assistant, fake_wechat, redis_url, monkeypatch
):
    from api.main import create_app

    monkeypatch.setenv("BANSHI_LOCK_STORE_URL", redis_url)
    reset_settings()
    assistant.delay = 1.5
    openid = f"oShared{uuid.uuid4().hex[:8]}"
    xml = text_xml(openid, "老年证在哪里办", int(time.time() * 1000))
    with LiveApi(create_app(assistant=assistant)) as first, LiveApi(create_app(assistant=assistant)) as second:
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            bodies = list(
                pool.map(lambda i: post((first, second)[i % 2].url, signed_params(TOKEN), xml).text, range(4))
            )
        assert bodies == ["success"] * 4
        assert fake_wechat.wait_for_texts(openid, 1) == ["您问的是:老年证在哪里办"]
        time.sleep(2.0)  # a duplicate from the other process would have arrived by now
        assert fake_wechat.texts_to(openid) == ["您问的是:老年证在哪里办"]
    assert len(assistant.calls) == 1


def test_api_processes_share_one_access_token_and_its_renewal(wechat_env, fake_wechat, redis_url, monkeypatch):
    import asyncio

    import redis

    from api.wechat.delivery import SENT, CustomerService

    monkeypatch.setenv("BANSHI_LOCK_STORE_URL", redis_url)
    reset_settings()
    redis.Redis.from_url(redis_url).delete(f"banshi:wechat:{APP_ID}_access_token")  # none left from an earlier run
    first, second = CustomerService(get_api_settings()), CustomerService(get_api_settings())  # as in two processes

    def send(service, text):
        return asyncio.run(service.send_text("oTokenShared", text))

    assert send(first, "一") == SENT and send(second, "二") == SENT
    assert fake_wechat.token_requests == 1
    fake_wechat.revoke_tokens()  # e.g. someone reset the app secret's token in the console
    assert send(second, "三") == SENT and send(first, "四") == SENT
    assert fake_wechat.token_requests == 2  # the renewal by one process serves the other
    assert fake_wechat.texts_to("oTokenShared") == ["一", "二", "三", "四"]
