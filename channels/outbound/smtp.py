"""E-mail through an SMTP server."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from channels.outbound.message import Channel, Outbound, Receipt, SendFailed

logger = logging.getLogger(__name__)


class SmtpSender:
    """E-mail through an SMTP server, one connection per message (they are rare)."""

    def __init__(
        self,
        host: str,
        port: int,
        sender_address: str,
        username: str = "",
        password: str = "",
        use_tls: bool = False,
        timeout: float = 10,
    ) -> None:
        self.host = host
        self.port = port
        self.sender_address = sender_address
        self.username = username
        self.password = password
        self.use_tls = use_tls  # STARTTLS; never falls back to sending in the clear
        self.timeout = timeout

    def send(self, message: Outbound) -> Receipt:
        if message.channel is not Channel.EMAIL:
            raise ValueError(f"SMTP does not send {message.channel.value}")
        email = self._compose(message)
        try:
            self._deliver(email)
        except smtplib.SMTPRecipientsRefused as error:
            codes = sorted({code for code, _text in error.recipients.values()})
            # 4xx is the server's "not now" (greylisting, full mailbox); 5xx is final.
            retryable = any(400 <= code < 500 for code in codes)
            raise SendFailed(f"smtp recipient refused {codes}", retryable=retryable) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError) as error:
            # Our sender address or credentials: fixable by an operator, not the recipient's fault.
            raise SendFailed(
                f"smtp {type(error).__name__} {error.smtp_code}", retryable=True
            ) from None
        except smtplib.SMTPResponseException as error:
            retryable = not 500 <= error.smtp_code < 600
            raise SendFailed(f"smtp error {error.smtp_code}", retryable=retryable) from None
        except (smtplib.SMTPException, OSError) as error:
            raise SendFailed(f"smtp unreachable: {type(error).__name__}", retryable=True) from None
        logger.info("outbound email handed to SMTP")
        return Receipt(provider_sid=str(email["Message-ID"]), status="sent")

    def _compose(self, message: Outbound) -> EmailMessage:
        email = EmailMessage()
        email["Subject"] = message.subject
        email["From"] = self.sender_address
        email["To"] = message.to
        # make_msgid's default domain is a DNS lookup of this host: slow, and may leak its name.
        email["Message-ID"] = make_msgid(domain=self.sender_address.rpartition("@")[2])
        # Quoted-printable keeps "¿Cómo está?" 7-bit clean for relays without 8BITMIME.
        email.set_content(message.body, charset="utf-8", cte="quoted-printable")
        return email

    def _deliver(self, email: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(email)
