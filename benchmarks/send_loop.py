"""examdesk's send loop (ledger + claim + compose + SMTP through yagmail) against a plain yagmail loop.

    .venv/bin/python benchmarks/send_loop.py [--messages 2000] [--attachment-kb 30]

Both send the same number of messages, each with a 30 KB attachment, to an SMTP server on
127.0.0.1 (aiosmtpd's Sink handler, in its own process). The plain loop is the efficient one:
one connection, yagmail's prepare_send() + sendmail() per message, nothing recorded. examdesk's
loop records every message in its SQLite ledger (pending, claimed, sent), builds it with the
email package and sends it over one connection. Prints messages per second for each and the
ratio; the target is at least 0.8.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import yagmail

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the SMTP server did not start")


def plain_yagmail(port: int, count: int, attachment: Path) -> float:
    client = yagmail.SMTP(
        user="examdesk@example.org",
        host="127.0.0.1",
        port=port,
        smtp_starttls=False,
        smtp_ssl=False,
        smtp_skip_login=True,
        soft_email_validation=False,
    )
    client.set_logging(None)
    client.login()
    start = time.perf_counter()
    for i in range(count):
        to = f"person{i}@example.org"
        recipients, message = client.prepare_send(
            to=to, subject=f"Documents {i}", contents="Your documents are attached.", attachments=[str(attachment)]
        )
        client.smtp.sendmail(client.user, recipients, message)
    elapsed = time.perf_counter() - start
    client.close()
    return elapsed


def examdesk_loop(port: int, count: int, attachment: Path, workdir: Path) -> float:
    os.environ.update(
        EXAMDESK_MAIL__TRANSPORT="smtp",
        EXAMDESK_MAIL__HOST="127.0.0.1",
        EXAMDESK_MAIL__PORT=str(port),
        EXAMDESK_MAIL__SECURITY="none",
        EXAMDESK_MAIL__USERNAME="",
        EXAMDESK_OUTPUT__DIRECTORY=str(workdir / "output"),
    )
    from examdesk.bootstrap import build_app
    from examdesk.domain.calendar import parse_month
    from examdesk.domain.documents import Packet, Recipient
    from examdesk.domain.messages import MessageState
    from examdesk.services.month.delivery import SendRun, deliver
    from examdesk.services.month.packets import ReadyPacket

    app = build_app(REPO / "config" / "district.yaml", "2026-27", date(2027, 2, 1))
    month = parse_month("2027-02", None)
    with app.unit_of_work() as uow:
        run_id = uow.runs.start("2026-27", month.key)
        uow.commit()
    plan = SendRun(app, run_id, "2026-27", month.key, date(2027, 2, 1))
    packets = []
    for i in range(count):
        recipient = Recipient(key=f"staff:B{i:05d}", name=f"Person {i}", email=f"person{i}@example.org")
        packet = Packet(recipient, "documents", doc_keys=[f"bench/{i}"], doc_task_ids=["bench"])
        key = packet.idempotency_key("2026-27", month.key)
        packets.append(
            ReadyPacket(packet, key, f"Documents {i}", "Your documents are attached.", [("letter.docx", attachment)])
        )
    start = time.perf_counter()
    result = deliver(plan, iter(packets), len(packets))
    elapsed = time.perf_counter() - start
    if result.states[MessageState.SENT] != count:
        raise SystemExit(f"examdesk sent {result.states[MessageState.SENT]} of {count}: {result.errors[:3]}")
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--attachment-kb", type=int, default=30)
    args = ap.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="examdesk-bench-"))
    attachment = workdir / "letter.docx"
    attachment.write_bytes(os.urandom(args.attachment_kb * 1024))
    port = free_port()
    server = start_server(port)
    try:
        plain_yagmail(port, 20, attachment)  # warm up both sides
        plain = plain_yagmail(port, args.messages, attachment)
        ours = examdesk_loop(port, args.messages, attachment, workdir)
    finally:
        server.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    plain_rate, our_rate = args.messages / plain, args.messages / ours
    ratio = our_rate / plain_rate
    print(f"{args.messages} messages with a {args.attachment_kb} KB attachment to 127.0.0.1")
    print(f"  plain yagmail loop : {plain_rate:7.1f} msg/s ({plain / args.messages * 1000:.2f} ms each)")
    print(f"  examdesk send loop : {our_rate:7.1f} msg/s ({ours / args.messages * 1000:.2f} ms each; ledger on SQLite)")
    print(f"  ratio              : {ratio:.2f} (target >= 0.8): {'met' if ratio >= 0.8 else 'NOT met'}")
    return 0  # every message was sent (checked above); the ratio is a figure to read, not to fail on


if __name__ == "__main__":
    sys.exit(main())
