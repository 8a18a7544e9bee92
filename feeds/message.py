"""Composing alert mails: multipart text + HTML, a subject naming payer, drug and change, a deterministic
Message-ID and RFC 8058 one-click unsubscribe headers.

The Message-ID depends only on what the mail carries (the delivery, or the digest's deliveries), so if a
retry re-sends a mail whose first attempt was in fact delivered, the receiving side can recognise the
duplicate.
"""

from __future__ import annotations

import hashlib
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from feeds.present import change_html, change_text, change_title, esc, one_line
from feeds.tokens import unsubscribe_url
from store.models import ChangeContext, Subscription, utcnow

SUBJECT_MAX = 180
# RFC 8058 one-click unsubscribe needs ``List-Unsubscribe: <https://…>`` as plain ASCII on the wire. The
# default policy folds at 78 columns and, finding no place to fold a long URL, RFC 2047-encodes it
# (``=?utf-8?q?=3Chttps…``), which mail providers do not recognise. Headers are only folded past RFC 5322's
# hard limit of 998 characters instead; every header we write is far shorter, so none is ever encoded.
MAIL_POLICY = policy.SMTP.clone(max_line_length=998)
BODY_STYLE = "font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222;max-width:640px"


def _domain(mail_from: str) -> str:
    addr = parseaddr(mail_from)[1]
    return addr.rsplit("@", 1)[1] if "@" in addr else "payerwatch.invalid"


def message_id(delivery_ids: list[int], change_ids: list[str], mail_from: str) -> str:
    key = ",".join(f"{d}:{c}" for d, c in zip(delivery_ids, change_ids, strict=True))
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    kind = "alert" if len(delivery_ids) == 1 else "digest"
    return f"<payerwatch.{kind}.{delivery_ids[0]}.{digest}@{_domain(mail_from)}>"


def _subject(text: str) -> str:
    text = one_line(text)
    return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 1] + "…"


def _html_page(title: str, sections: list[str], unsubscribe: str, why: str) -> str:
    body = '<hr style="border:0;border-top:1px solid #ddd;margin:16px 0">'.join(sections)
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title></head>"
        f'<body style="margin:0;padding:16px;background:#ffffff"><div style="{BODY_STYLE}">'
        f'<p style="font-size:12px;color:#777;margin:0 0 12px 0">payerwatch alert</p>{body}'
        f'<p style="font-size:12px;color:#777;margin-top:24px">{esc(why)} '
        f'<a href="{esc(unsubscribe)}" style="color:#777">Unsubscribe</a>.</p>'
        "</div></body></html>"
    )


def compose(
    contexts: list[ChangeContext],
    delivery_ids: list[int],
    subscription: Subscription,
    *,
    mail_from: str,
    base_url: str,
    secret: str,
    digest_key: str | None = None,
) -> EmailMessage:
    """One mail for one change (immediate) or several (a daily digest) to one subscription."""
    unsubscribe = unsubscribe_url(base_url, secret, subscription.id, subscription.email)
    why = f"You get this because {subscription.email} subscribed to payerwatch alerts."
    if len(contexts) == 1 and digest_key is None:
        subject = _subject(f"[payerwatch] {change_title(contexts[0])}")
    else:
        payers = sorted({one_line(c.payer) for c in contexts})
        subject = _subject(
            f"[payerwatch] {len(contexts)} policy change{'s' if len(contexts) != 1 else ''}"
            f"{' on ' + digest_key if digest_key else ''}: {', '.join(payers)}"
        )
    text_parts = [change_text(c, base_url) for c in contexts]
    text = ("\n\n" + "-" * 60 + "\n\n").join(text_parts)
    text += f"\n\n--\n{why}\nUnsubscribe: {unsubscribe}\n"
    html_sections = [
        f'<h2 style="font-size:17px;margin:0 0 6px 0">{esc(change_title(c))}</h2>{change_html(c, base_url)}'
        for c in contexts
    ]

    msg = EmailMessage(policy=MAIL_POLICY)
    msg["Subject"] = subject
    msg["From"] = mail_from
    msg["To"] = subscription.email
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = message_id(delivery_ids, [c.change.id for c in contexts], mail_from)
    msg["List-Unsubscribe"] = f"<{unsubscribe}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    msg.add_alternative(_html_page(subject, html_sections, unsubscribe, why), subtype="html")
    return msg
