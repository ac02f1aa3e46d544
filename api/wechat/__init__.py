"""WeChat Official Account (公众号) front end: protocol checks, formatting, once-only handling, delivery.

The router is api/routers/wechat.py; the protocol itself (signatures, AES, XML) is wechatpy's.
"""
