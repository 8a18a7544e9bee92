"""Signed unsubscribe tokens (itsdangerous): a link in a mail unsubscribes exactly that subscription.

Tokens never expire on purpose: a reader who finds a year-old alert must still be able to stop the mail.
They name the subscription id and the address, so a token cannot be replayed against a different address.
"""

from __future__ import annotations

from urllib.parse import urlencode

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "payerwatch-unsubscribe"


def make_token(secret: str, subscription_id: int, email: str) -> str:
    return URLSafeSerializer(secret, salt=SALT).dumps({"s": subscription_id, "e": email.lower()})


def read_token(secret: str, token: str) -> tuple[int, str] | None:
    """(subscription id, email) for a genuine token, None for anything else."""
    try:
        data = URLSafeSerializer(secret, salt=SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) or not isinstance(data.get("e"), str):
        return None
    return data["s"], data["e"]


def unsubscribe_url(base_url: str, secret: str, subscription_id: int, email: str) -> str:
    return f"{base_url}/unsubscribe?{urlencode({'token': make_token(secret, subscription_id, email)})}"
