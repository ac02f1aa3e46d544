"""Requests as WeChat's server builds them, written from WeChat's documentation (not with wechatpy):

signature     = sha1(sorted([token, timestamp, nonce]) joined)
msg_signature = sha1(sorted([token, timestamp, nonce, Encrypt]) joined)
Encrypt       = base64(AES-256-CBC(key = b64decode(EncodingAESKey + "="), iv = key[:16],
                PKCS#7 to 32 bytes of: 16 random bytes + len(msg) as 4 bytes big-endian + msg + AppID))
"""

from __future__ import annotations

import base64
import hashlib
import os
import random
import re
import string
import struct
import time
from typing import Dict, Optional, Tuple

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def sha1_of(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signed_params(token: str, **extra: str) -> Dict[str, str]:
    timestamp = str(int(time.time()))
    nonce = "".join(random.choices(string.digits, k=9))
    return {"signature": sha1_of(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce, **extra}


def text_xml(openid: str, content: str, msg_id: int, to: str = "gh_banshi") -> str:
    return (
        f"<xml><ToUserName><![CDATA[{to}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


def voice_xml(openid: str, recognition: str, msg_id: int) -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_banshi]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[voice]]></MsgType>"
        f"<MediaId><![CDATA[media{msg_id}]]></MediaId><Format><![CDATA[amr]]></Format>"
        f"<Recognition><![CDATA[{recognition}]]></Recognition><MsgId>{msg_id}</MsgId></xml>"
    )


def image_xml(openid: str, msg_id: int) -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_banshi]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[image]]></MsgType>"
        f"<PicUrl><![CDATA[http://127.0.0.1/p.jpg]]></PicUrl><MediaId><![CDATA[m{msg_id}]]></MediaId>"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )


def event_xml(openid: str, event: str, key: str = "", create_time: Optional[int] = None) -> str:
    key_xml = f"<EventKey><![CDATA[{key}]]></EventKey>" if key else ""
    return (
        f"<xml><ToUserName><![CDATA[gh_banshi]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{event}]]></Event>{key_xml}</xml>"
    )


def reply_content(xml: str) -> str:
    match = re.search(r"<Content><!\[CDATA\[(.*?)\]\]></Content>", xml, re.S)
    assert match, xml
    return match.group(1)


class SafeMode:
    """Encrypting like WeChat's server, and decrypting what our endpoint answers."""

    def __init__(self, token: str, aes_key: str, app_id: str):
        self.token, self.app_id = token, app_id
        self.key = base64.b64decode(aes_key + "=")

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    def encrypt(self, xml: str) -> str:
        msg = xml.encode("utf-8")
        plain = os.urandom(16) + struct.pack(">I", len(msg)) + msg + self.app_id.encode()
        pad = 32 - len(plain) % 32
        plain += bytes([pad]) * pad
        enc = self._cipher().encryptor()
        return base64.b64encode(enc.update(plain) + enc.finalize()).decode()

    def decrypt(self, encrypted: str) -> Tuple[str, str]:
        dec = self._cipher().decryptor()
        plain = dec.update(base64.b64decode(encrypted)) + dec.finalize()
        plain = plain[: -plain[-1]]
        length = struct.unpack(">I", plain[16:20])[0]
        return plain[20 : 20 + length].decode("utf-8"), plain[20 + length :].decode()

    def request(self, xml: str, tamper: bool = False) -> Tuple[Dict[str, str], str]:
        encrypted = self.encrypt(xml)
        params = signed_params(self.token, encrypt_type="aes")
        params["msg_signature"] = sha1_of(self.token, params["timestamp"], params["nonce"], encrypted)
        if tamper:
            params["msg_signature"] = "0" * 40
        body = f"<xml><ToUserName><![CDATA[gh_banshi]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        return params, body

    def open_reply(self, body: str) -> str:
        """Check the reply's MsgSignature and return the decrypted reply XML."""
        encrypted = re.search(r"<Encrypt><!\[CDATA\[(.*?)\]\]></Encrypt>", body).group(1)
        signature = re.search(r"<MsgSignature><!\[CDATA\[(.*?)\]\]></MsgSignature>", body).group(1)
        timestamp = re.search(r"<TimeStamp>(\d+)</TimeStamp>", body).group(1)
        nonce = re.search(r"<Nonce><!\[CDATA\[(.*?)\]\]></Nonce>", body).group(1)
        assert signature == sha1_of(self.token, timestamp, nonce, encrypted)
        xml, app_id = self.decrypt(encrypted)
        assert app_id == self.app_id
        return xml
