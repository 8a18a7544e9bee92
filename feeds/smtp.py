"""SMTP delivery with the one distinction the outbox needs: may this message be retried or not?

Connection trouble and 4xx replies are temporary (retry later, with backoff); 5xx replies are permanent for
that recipient. One connection is reused for a whole ``send`` run and reopened after an error.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from feeds.config import SmtpSettings


class DeliveryError(Exception):
    def __init__(self, message: str, permanent: bool, connection_lost: bool = False):
        super().__init__(message)
        self.permanent = permanent
        self.connection_lost = connection_lost


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


class Mailer:
    """A lazily opened SMTP session; ``send`` raises :class:`DeliveryError` with the classification."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    @property
    def where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _connect(self) -> smtplib.SMTP:
        """Open, secure and log in; every failure becomes a :class:`DeliveryError` that names the server
        and which step failed, because "unreachable" and "refused our login" are fixed in different places."""
        s = self.settings
        context = ssl.create_default_context()
        try:
            if s.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        except ssl.SSLError as exc:
            raise self._down(f"TLS handshake failed ({exc.reason or exc})") from exc
        except (OSError, smtplib.SMTPException) as exc:
            reason = (
                exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
            )
            raise self._down(f"unreachable ({reason})") from exc
        try:
            smtp.ehlo()
            if s.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise self._down(
                        "the server does not offer STARTTLS (set PAYERWATCH_SMTP_SECURITY=tls for a TLS "
                        "port, "
                        "or none for a local relay)"
                    )
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.user:
                try:
                    smtp.login(s.user, s.password or "")
                except smtplib.SMTPAuthenticationError as exc:
                    raise self._down(
                        f"login refused for user {s.user} ({_reply(exc.smtp_code, exc.smtp_error)})"
                    ) from exc
                except smtplib.SMTPNotSupportedError as exc:
                    raise self._down("the server offers no login (AUTH) on this connection") from exc
        except DeliveryError:
            smtp.close()
            raise
        except ssl.SSLError as exc:
            smtp.close()
            raise self._down(f"TLS handshake failed ({exc.reason or exc})") from exc
        except (OSError, smtplib.SMTPException) as exc:
            smtp.close()
            raise self._down(f"connection lost while greeting ({type(exc).__name__}: {exc})") from exc
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _down(self, what: str) -> DeliveryError:
        """The server (or our configuration of it) is at fault, not the message: keep everything queued."""
        return DeliveryError(f"{self.where}: {what}", permanent=False, connection_lost=True)

    def send(self, msg: EmailMessage, sender: str, recipient: str) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            refused = self._smtp.send_message(msg, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise DeliveryError(_reply(code, text), permanent=code >= 500) from exc
        except smtplib.SMTPSenderRefused as exc:
            self.close()
            # our From address is refused: the operator's configuration, not this message, is at fault,
            # so every queued alert stays queued (like a refused login) instead of failing for good
            raise DeliveryError(
                _reply(exc.smtp_code, exc.smtp_error), permanent=False, connection_lost=True
            ) from exc
        except smtplib.SMTPAuthenticationError as exc:
            self.close()
            # a wrong password is the operator's to fix; the message itself is fine, so keep it queued
            raise DeliveryError(
                _reply(exc.smtp_code, exc.smtp_error), permanent=False, connection_lost=True
            ) from exc
        except smtplib.SMTPResponseException as exc:  # sender refused, data refused, other replies
            if exc.smtp_code >= 500:
                raise DeliveryError(_reply(exc.smtp_code, exc.smtp_error), permanent=True) from exc
            self.close()
            raise DeliveryError(_reply(exc.smtp_code, exc.smtp_error), permanent=False) from exc
        except (OSError, smtplib.SMTPException) as exc:  # refused, reset, timeout, disconnected, TLS
            self.close()
            raise self._down(f"connection lost ({type(exc).__name__}: {exc})") from exc
        if refused:  # only possible with several recipients; kept for completeness
            code, text = next(iter(refused.values()))
            raise DeliveryError(_reply(code, text), permanent=code >= 500)

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None
