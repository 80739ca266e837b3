"""Sending e-mail over SMTP, configured from the environment (``MAIL_*``)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    username: str = ""
    password: str = ""
    starttls: bool = False
    use_ssl: bool = False
    sender: str = "mentori@localhost"
    timeout: float = 30.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Smtp:
        return cls(host=config["MAIL_SERVER"], port=int(config["MAIL_PORT"]),
                   username=config.get("MAIL_USERNAME", ""),
                   password=config.get("MAIL_PASSWORD", ""),
                   starttls=bool(config.get("MAIL_STARTTLS")),
                   use_ssl=bool(config.get("MAIL_SSL")),
                   sender=config.get("MAIL_FROM", "mentori@localhost"))

    def message(self, to: str, to_name: str, subject: str, body: str,
                language: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = formataddr((to_name, to))
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message.set_content(body)
        message["Content-Language"] = language  # after set_content, which resets Content-*
        return message

    def connect(self) -> smtplib.SMTP:
        """An open, authenticated connection; the caller closes it (``with``)."""
        if self.use_ssl:
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout,
                context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                server.starttls(context=ssl.create_default_context())
        if self.username:
            server.login(self.username, self.password)
        return server
