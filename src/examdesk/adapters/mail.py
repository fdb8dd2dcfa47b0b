"""Mail: compose one MIME message per packet, deliver it through a transport.

Messages are composed with the standard library's email package (so the outbox and SMTP
carry identical bytes and a deterministic Message-ID); SMTP delivery goes through yagmail,
which owns the connection, TLS and login.
"""

from __future__ import annotations

import mimetypes
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email import encoders
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Protocol

import yagmail

from ..errors import ConfigurationError, DeliveryError
from .files import make_private_dir, make_private_file, write_atomic
from .safe_csv import csv_text


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = ""


@dataclass(frozen=True)
class OutgoingMail:
    to_name: str
    to_email: str
    subject: str
    text: str
    html: str | None
    attachments: tuple[Attachment, ...]
    message_id: str  # without angle brackets
    idempotency_key: str


def _header(text: str) -> str | Header:
    try:
        text.encode("ascii")
        return text
    except UnicodeEncodeError:
        return Header(text, "utf-8")


def compose(
    mail: OutgoingMail, *, sender: str, sender_name: str, reply_to: str | None = None, now: datetime | None = None
) -> Message:
    """The MIME message (the email package's classic API: the same structure yagmail builds, and
    several times cheaper to produce than the modern EmailMessage with its header objects)."""
    body: Message = MIMEText(mail.text, "plain", "utf-8")
    if mail.html:
        alternative = MIMEMultipart("alternative")
        alternative.attach(body)
        alternative.attach(MIMEText(mail.html, "html", "utf-8"))
        body = alternative
    msg: Message
    if mail.attachments:
        msg = MIMEMultipart("mixed")
        msg.attach(body)
        for att in mail.attachments:
            mimetype = att.mimetype or mimetypes.guess_type(att.filename)[0] or "application/octet-stream"
            maintype, subtype = mimetype.split("/", 1)
            part = MIMEApplication(att.content, subtype) if maintype == "application" else MIMEBase(maintype, subtype)
            if maintype != "application":
                part.set_payload(att.content)
                encoders.encode_base64(part)
            part.add_header("Content-Disposition", "attachment", filename=att.filename)
            msg.attach(part)
    else:
        msg = body
    msg["From"] = formataddr((sender_name, sender), charset="utf-8")
    msg["To"] = formataddr((mail.to_name, mail.to_email), charset="utf-8")
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Subject"] = _header(mail.subject)  # type: ignore[assignment]  # email accepts a Header
    msg["Date"] = format_datetime(now or datetime.now(UTC))
    msg["Message-ID"] = f"<{mail.message_id}>"
    msg["X-Examdesk-Key"] = mail.idempotency_key
    return msg


WIRE = compat32.clone(linesep="\r\n")  # SMTP line endings; smtplib does not convert bytes


def message_bytes(message: Message) -> bytes:
    """The message as it goes on the wire and into the outbox: the same bytes."""
    return message.as_bytes(policy=WIRE)


def attachment_names(message: Message) -> list[str]:
    return [name for p in message.walk() if (name := p.get_filename())]


class Transport(Protocol):
    name: str

    def open(self) -> None: ...
    def send(self, message: Message, envelope_to: str) -> None: ...
    def close(self) -> None: ...


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


class OutboxTransport:
    """Writes each message as a complete .eml file, plus an index.csv of what was written."""

    name = "outbox"

    def __init__(self, directory: Path):
        self.directory = directory

    def open(self) -> None:
        make_private_dir(self.directory)

    def send(self, message: Message, envelope_to: str) -> None:
        key = message["X-Examdesk-Key"]
        final = self.directory / f"{key}.eml"
        write_atomic(final, message_bytes(message))
        index = self.directory / "index.csv"
        new = not index.exists()
        if new:
            make_private_file(index)
        with index.open("a", newline="", encoding="utf-8") as fh:
            if new:
                fh.write(csv_text([["written_at", "message_id", "to", "subject", "attachments", "file"]]))
            attachments = attachment_names(message)
            fh.write(
                csv_text(
                    [
                        [
                            datetime.now(UTC).isoformat(timespec="seconds"),
                            message["Message-ID"],
                            envelope_to,
                            message["Subject"],
                            len(attachments),
                            final.name,
                        ]
                    ]
                )
            )

    def close(self) -> None:
        pass


class SmtpTransport:
    """Sends over one SMTP connection per batch, through yagmail."""

    name = "smtp"

    def __init__(
        self,
        *,
        host: str,
        port: int,
        security: str,
        sender: str,
        username: str | None,
        password: str | None,
        timeout: float = 30,
    ):
        if username and not password:
            raise ConfigurationError(
                "mail.username is set but EXAMDESK_MAIL__PASSWORD is not: "
                "set the SMTP password in the environment (never in a file)"
            )
        self.sender = sender
        self._client = yagmail.SMTP(
            user=username or sender,
            password=password,
            host=host,
            port=port,
            smtp_ssl=security == "ssl",
            smtp_starttls=security == "starttls",
            smtp_skip_login=not username,
            soft_email_validation=False,
            timeout=timeout,
        )
        self._client.set_logging(None)  # yagmail's log names recipients; ours does not
        self._open = False

    def open(self) -> None:
        try:
            self._client.login()
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(
                f"cannot connect to SMTP server {self._client.host}:{self._client.port}: {type(exc).__name__}: {exc}",
                temporary=True,
                connection_failed=True,
            ) from None
        self._open = True

    def send(self, message: Message, envelope_to: str) -> None:
        """Envelope step by step, so a drop before DATA (safe to retry) is told apart from a
        drop after the content went out (maybe delivered: never resent automatically)."""
        if not self._open:
            self.open()
        smtp = self._client.smtp
        stage = "envelope"
        try:
            smtp.ehlo_or_helo_if_needed()
            code, reply = smtp.mail(self.sender)
            if code != 250:
                if code == 421:
                    self._drop()
                else:
                    smtp.rset()
                raise DeliveryError(
                    f"MAIL FROM refused: {code} {reply.decode(errors='replace')}", temporary=400 <= code < 500
                )
            code, reply = smtp.rcpt(envelope_to)
            if code not in (250, 251):
                if code == 421:  # the server is closing the link: reconnect for the next try
                    self._drop()
                else:
                    smtp.rset()
                raise DeliveryError(f"{code} {reply.decode(errors='replace')}", temporary=400 <= code < 500)
            stage = "data"
            code, reply = smtp.data(message_bytes(message))
            if code != 250:
                raise DeliveryError(f"{code} {reply.decode(errors='replace')}", temporary=400 <= code < 500)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._open = False
            raise DeliveryError(
                f"connection lost during {stage}: {exc}", temporary=True, maybe_delivered=stage == "data"
            ) from None
        except smtplib.SMTPDataError as exc:
            raise DeliveryError(
                f"{exc.smtp_code} {_text(exc.smtp_error)}", temporary=400 <= exc.smtp_code < 500
            ) from None

    def _drop(self) -> None:
        """Forget a connection the server is closing; the next send reconnects."""
        self._open = False
        try:
            self._client.smtp.close()
        except (OSError, smtplib.SMTPException):
            pass

    def close(self) -> None:
        if self._open:
            self._client.close()
        self._open = False
