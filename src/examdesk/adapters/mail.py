"""Mail: compose one MIME message per packet, deliver it through a transport.

Messages are built as wire bytes directly (headers encoded by the email package's Header and
formataddr; parts base64), so the outbox and SMTP carry identical bytes with a deterministic
Message-ID; tests check them against the email package's own composition. SMTP delivery goes
through yagmail, which owns the connection, TLS and login.
"""

from __future__ import annotations

import binascii
import mimetypes
import re
import smtplib
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header
from email.utils import format_datetime, formataddr
from functools import lru_cache
from pathlib import Path
from typing import Protocol, TextIO
from urllib.parse import quote

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


@dataclass(frozen=True)
class WireMessage:
    """A message as it goes on the wire and into the outbox (the same bytes), with what the
    transports and the outbox index need to know of it."""

    data: bytes  # CRLF line endings
    key: str  # the idempotency key
    message_id: str  # with its angle brackets
    subject: str
    attachments: tuple[str, ...]


@lru_cache(maxsize=1024)  # a month's subjects and sender repeat for thousands of messages
def _encoded(text: str, name: str) -> bytes:
    """A header field, RFC 2047-encoded when it is not ASCII, folded at 78 columns."""
    if text.isascii() and len(name) + 2 + len(text) <= 78 and text.replace("\t", " ").isprintable():
        return f"{name}: {text}".encode("ascii")  # what Header gives a short ASCII line, without its work
    try:
        text.encode("ascii")
        header = Header(text, "us-ascii", header_name=name)
    except UnicodeEncodeError:
        header = Header(text, "utf-8", header_name=name)
    return f"{name}: {header.encode(linesep=CRLF)}".encode("ascii")


def _address(name: str, email: str) -> str:
    return formataddr((name, email), charset="utf-8")


def _b64(content: bytes) -> bytes:
    """Base64 in lines of 76 characters ending CRLF, as the email package writes it (a third faster)."""
    if not content:
        return b""
    encoded = binascii.b2a_base64(content, newline=False)
    return CRLF_B.join([encoded[i : i + 76] for i in range(0, len(encoded), 76)]) + CRLF_B


def _part(content_type: str, content: bytes, extra: list[bytes] | None = None) -> bytes:
    head = [f"Content-Type: {content_type}".encode(), b"MIME-Version: 1.0", b"Content-Transfer-Encoding: base64"]
    return CRLF_B.join([*head, *(extra or []), b"", _b64(content)])


def _multipart(subtype: str, boundary: str, parts: list[bytes]) -> bytes:
    sep = f"--{boundary}".encode()
    body = [f'Content-Type: multipart/{subtype}; boundary="{boundary}"'.encode(), b"MIME-Version: 1.0", b""]
    for part in parts:
        body += [sep, part]
    body += [sep + b"--", b""]
    return CRLF_B.join(body)


def _filename(name: str) -> bytes:
    """The Content-Disposition of an attachment (RFC 2231 for a name that is not plain ASCII)."""
    try:
        name.encode("ascii")
        if not re.search(r'["\\\r\n]', name):
            return f'Content-Disposition: attachment; filename="{name}"'.encode()
    except UnicodeEncodeError:
        pass
    return f"Content-Disposition: attachment; filename*=utf-8''{quote(name, safe='')}".encode()


def compose(
    mail: OutgoingMail, *, sender: str, sender_name: str, reply_to: str | None = None, now: datetime | None = None
) -> WireMessage:
    """The message's wire bytes, built directly: the structure the email package (and yagmail)
    would build (multipart/mixed of multipart/alternative text and HTML, then the attachments,
    each base64), at a fraction of the cost of its generator; the outbox and SMTP get the same
    bytes. The boundaries come from the idempotency key, so a message is the same every time."""
    body = _part('text/plain; charset="utf-8"', mail.text.encode("utf-8"))
    if mail.html:
        html = _part('text/html; charset="utf-8"', mail.html.encode("utf-8"))
        body = _multipart("alternative", f"=={mail.idempotency_key}.alt==", [body, html])
    if mail.attachments:
        parts = [body]
        for att in mail.attachments:
            mimetype = att.mimetype or mimetypes.guess_type(att.filename)[0] or "application/octet-stream"
            parts.append(_part(mimetype, att.content, [_filename(att.filename)]))
        body = _multipart("mixed", f"=={mail.idempotency_key}.mix==", parts)
    headers = [
        _encoded(_address(sender_name, sender), "From"),
        _encoded(_address(mail.to_name, mail.to_email), "To"),
    ]
    if reply_to:
        headers.append(_encoded(reply_to, "Reply-To"))
    headers += [
        _encoded(mail.subject, "Subject"),
        f"Date: {format_datetime(now or datetime.now(UTC))}".encode(),
        f"Message-ID: <{mail.message_id}>".encode(),
        f"X-Examdesk-Key: {mail.idempotency_key}".encode(),
    ]
    data = CRLF_B.join(headers) + CRLF_B + body
    return WireMessage(
        data=data,
        key=mail.idempotency_key,
        message_id=f"<{mail.message_id}>",
        subject=mail.subject,
        attachments=tuple(a.filename for a in mail.attachments),
    )


CRLF = "\r\n"
CRLF_B = b"\r\n"


def message_bytes(message: WireMessage) -> bytes:
    """The message as it goes on the wire and into the outbox: the same bytes."""
    return message.data


class Transport(Protocol):
    name: str

    def open(self) -> None: ...
    def send(self, message: WireMessage, envelope_to: str) -> None: ...
    def close(self) -> None: ...


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


class OutboxTransport:
    """Writes each message as a complete .eml file, plus an index.csv of what was written."""

    name = "outbox"

    def __init__(self, directory: Path):
        self.directory = directory
        self._index: TextIO | None = None  # index.csv, open from open() to close()

    def open(self) -> None:
        make_private_dir(self.directory)
        index = self.directory / "index.csv"
        with _OUTBOX_INDEX_LOCK:  # several connections may open the same outbox at once
            new = not index.exists()
            if new:
                make_private_file(index)
            self._index = index.open("a", newline="", encoding="utf-8")
            if new:
                self._index.write(csv_text([["written_at", "message_id", "to", "subject", "attachments", "file"]]))
                self._index.flush()

    def send(self, message: WireMessage, envelope_to: str) -> None:
        if self._index is None:
            self.open()
        assert self._index is not None
        key = message.key
        final = self.directory / f"{key}.eml"
        write_atomic(final, message_bytes(message))
        row = [
            datetime.now(UTC).isoformat(timespec="seconds"),
            message.message_id,
            envelope_to,
            message.subject,
            len(message.attachments),
            final.name,
        ]
        self._index.write(csv_text([row]))  # one line, appended whole (the file is opened to append)
        self._index.flush()

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None


_OUTBOX_INDEX_LOCK = threading.Lock()


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

    def send(self, message: WireMessage, envelope_to: str) -> None:
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
            code, reply = smtp.data(message.data)
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
