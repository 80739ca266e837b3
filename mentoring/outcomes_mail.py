"""The questionnaire link by e-mail: the respondent's first name and the link, nothing more."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from typing import Any

from common.i18n import _
from mentoring import mail
from models import QuestionnaireLink

log = logging.getLogger(__name__)


def send_link(config: Mapping[str, Any], to: str, link: QuestionnaireLink, url: str,
              first_name: str) -> bool:
    """Send ``url`` to ``to``; whether the mail server took it (a failure loses nothing:
    the coordinator can print the handout or send again)."""
    smtp = mail.Smtp.from_config(config)
    body = "\n\n".join([
        str(_("Hello!")),
        str(_("Please answer a short questionnaire about the mentoring of %(name)s (%(title)s). "
              "It takes about five minutes.", name=first_name,
              title=link.questionnaire.title_lv)),
        url,
        str(_("The link works once, until %(date)s. Please do not pass it on.",
              date=f"{link.expires_on:%d.%m.%Y}")),
    ])
    try:
        with smtp.connect() as connection:
            connection.send_message(smtp.message(
                to, "", str(_("Questionnaire: %(title)s", title=link.questionnaire.title_lv)),
                body, "lv"))
    except (OSError, ValueError, smtplib.SMTPException) as exc:
        log.warning("questionnaire link not sent: %s", exc)
        return False
    return True
