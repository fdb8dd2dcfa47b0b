"""The wire bytes examdesk builds for a message read, in a mail client's parser, exactly as the
email package's own composition of the same message does."""

from __future__ import annotations

import email
import mimetypes
from email import encoders
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import default

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examdesk.adapters.mail import Attachment, OutgoingMail, compose


def oracle(mail: OutgoingMail, sender: str, sender_name: str) -> bytes:
    """The same message composed with the email package (what examdesk did before)."""
    from email.header import Header
    from email.utils import formataddr

    body = MIMEText(mail.text, "plain", "utf-8")
    if mail.html:
        alt = MIMEMultipart("alternative")
        alt.attach(body)
        alt.attach(MIMEText(mail.html, "html", "utf-8"))
        body = alt
    msg = MIMEMultipart("mixed") if mail.attachments else body
    if mail.attachments:
        msg.attach(body)
        for att in mail.attachments:
            mimetype = mimetypes.guess_type(att.filename)[0] or "application/octet-stream"
            maintype, subtype = mimetype.split("/", 1)
            part = MIMEApplication(att.content, subtype) if maintype == "application" else MIMEBase(maintype, subtype)
            if maintype != "application":
                part.set_payload(att.content)
                encoders.encode_base64(part)
            part.add_header("Content-Disposition", "attachment", filename=att.filename)
            msg.attach(part)
    msg["From"] = formataddr((sender_name, sender), charset="utf-8")
    msg["To"] = formataddr((mail.to_name, mail.to_email), charset="utf-8")
    msg["Subject"] = Header(mail.subject, "utf-8")
    return msg.as_bytes()


def read(data: bytes) -> dict:
    m = email.message_from_bytes(data, policy=default)
    text = m.get_body(("plain",))
    html = m.get_body(("html",))
    return {
        "from": (m["From"].addresses[0].display_name, m["From"].addresses[0].addr_spec),
        "to": (m["To"].addresses[0].display_name, m["To"].addresses[0].addr_spec),
        "subject": str(m["Subject"]),
        "text": text.get_content() if text else None,
        "html": html.get_content() if html else None,
        "attachments": [(p.get_filename(), p.get_content()) for p in m.iter_attachments()],
    }


CASES = [
    OutgoingMail("Ana", "ana@example.org", "Short", "Hello\n", None, (), "id1@x", "k1"),
    OutgoingMail(
        'Zoë "Quote" Nguyễn 阮',
        "zoe@example.org",
        "Días de evaluación para su familia, con archivo de calendario (2026-27) " * 3,
        "Línea 1\nLínea 2 🙂\n" * 40,
        "<p>Hola &amp; adiós</p>",
        (
            Attachment("testing-notice_ED-1A2B3C4D5E6F7A8B_es.docx", bytes(range(256)) * 200),
            Attachment("exams.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
            Attachment('résumé "x".pdf', b"%PDF-1.7 ..."),
        ),
        "id2@x",
        "k2",
    ),
]


@pytest.mark.parametrize("mail", CASES)
def test_a_message_reads_as_the_email_package_composes_it(mail):
    ours = compose(mail, sender="assessment@district.example.org", sender_name="Mesa Verde USD Assessment Office")
    theirs = oracle(mail, "assessment@district.example.org", "Mesa Verde USD Assessment Office")
    assert read(ours.data) == read(theirs)
    lines = ours.data.split(b"\r\n")
    assert b"\n" not in b"".join(lines) and max(len(line) for line in lines) <= 998  # RFC 5322 wire form
    parsed = email.message_from_bytes(ours.data, policy=default)
    assert parsed["Message-ID"] == f"<{mail.message_id}>" and parsed["X-Examdesk-Key"] == mail.idempotency_key
    assert ours.attachments == tuple(a.filename for a in mail.attachments) and not parsed.defects


@settings(max_examples=300, deadline=None)
@given(
    st.text(st.one_of(st.characters(min_codepoint=32, max_codepoint=126), st.just("\t")), max_size=90),
    st.sampled_from(["From", "To", "Subject", "Reply-To"]),
)
def test_a_short_ascii_header_is_written_as_the_email_package_folds_it(text: str, name: str) -> None:
    from email.header import Header

    from examdesk.adapters.mail import _encoded

    folded = Header(text, "us-ascii", header_name=name).encode(linesep="\r\n")
    assert _encoded(text, name) == f"{name}: {folded}".encode("ascii")
