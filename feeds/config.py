"""Settings for feeds and mail, read from the environment in one place.

Why one module: the CLI, the scheduler and the web app must agree on the base URL (links in feeds and mail
point at it) and on the secret that signs unsubscribe tokens, or a link mailed by ``send`` would be refused
by ``serve``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
SECRET_FILE = "secret.key"


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 25
    security: str = "starttls"  # starttls | tls | none
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0


@dataclass(frozen=True)
class Settings:
    base_url: str
    secret: str
    mail_from: str
    smtp: SmtpSettings


def secret_for(data_dir: Path | None) -> str:
    """``PAYERWATCH_SECRET``, else a random secret kept next to the archive.

    Persisting it in the data directory keeps links valid across restarts without asking every user to
    configure a secret; a deployment with several hosts sets the environment variable instead.
    """
    env = os.environ.get("PAYERWATCH_SECRET")
    if env:
        return env
    if data_dir is None:
        raise RuntimeError("PAYERWATCH_SECRET is not set and there is no data directory to keep one in")
    path = Path(data_dir) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{SECRET_FILE}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(32))
        try:
            os.link(tmp, path)  # atomic and refuses to overwrite: a concurrent first run keeps one secret
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


def base_url() -> str:
    return (os.environ.get("PAYERWATCH_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def smtp_settings() -> SmtpSettings:
    security = (os.environ.get("PAYERWATCH_SMTP_SECURITY") or "starttls").lower()
    if security not in ("starttls", "tls", "none"):
        raise ValueError(f"PAYERWATCH_SMTP_SECURITY must be starttls, tls or none, not {security!r}")
    default_port = 465 if security == "tls" else 25
    return SmtpSettings(
        host=os.environ.get("PAYERWATCH_SMTP_HOST") or "127.0.0.1",
        port=int(os.environ.get("PAYERWATCH_SMTP_PORT") or default_port),
        security=security,
        user=os.environ.get("PAYERWATCH_SMTP_USER") or None,
        password=os.environ.get("PAYERWATCH_SMTP_PASSWORD") or None,
    )


def load_settings(data_dir: Path | None = None) -> Settings:
    return Settings(
        base_url=base_url(),
        secret=secret_for(data_dir),
        mail_from=os.environ.get("PAYERWATCH_MAIL_FROM") or "payerwatch@localhost",
        smtp=smtp_settings(),
    )
