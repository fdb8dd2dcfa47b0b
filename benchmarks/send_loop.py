"""examdesk's send loop (ledger + claim + compose + SMTP through yagmail) against a plain yagmail
loop, on 1 and on 4 connections.

    .venv/bin/python benchmarks/send_loop.py [--messages 2000] [--attachment-kb 30] [--server-ms 10]

All send the same number of messages, each with a 30 KB attachment, to an SMTP server on
127.0.0.1 (aiosmtpd in its own process, taking --server-ms per message like a real server, on as
many connections at once as clients open). The plain loop is the efficient one: one connection,
yagmail's prepare_send() + sendmail() per message, nothing recorded. examdesk's loop records
every message in its SQLite ledger (pending, claimed, sent), builds its wire bytes and sends it,
over mail.connections connections. Prints messages per second for each and the ratios to the
plain loop; for one connection the target is at least 0.8.
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


def start_server(port: int, delay_ms: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "smtp_sink.SlowSink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parent,
        env={**os.environ, "EXAMDESK_SINK_DELAY_MS": str(delay_ms), "PYTHONPATH": str(Path(__file__).resolve().parent)},
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


def examdesk_loop(port: int, count: int, attachment: Path, workdir: Path, connections: int) -> float:
    os.environ.update(
        EXAMDESK_MAIL__CONNECTIONS=str(connections),
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
    tag = f"c{connections}"  # each loop sends messages of its own
    month = parse_month("2027-02", None)
    with app.unit_of_work() as uow:
        run_id = uow.runs.start("2026-27", month.key)
        uow.commit()
    plan = SendRun(app, run_id, "2026-27", month.key, date(2027, 2, 1))
    packets = []
    for i in range(count):
        recipient = Recipient(key=f"staff:B{tag}{i:05d}", name=f"Person {i}", email=f"person{i}@example.org")
        packet = Packet(recipient, "documents", doc_keys=[f"bench/{tag}/{i}"], doc_task_ids=["bench"])
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
    ap.add_argument("--server-ms", type=float, default=10, help="the server's time per message")
    args = ap.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="examdesk-bench-"))
    attachment = workdir / "letter.docx"
    attachment.write_bytes(os.urandom(args.attachment_kb * 1024))
    port = free_port()
    server = start_server(port, args.server_ms)
    try:
        plain_yagmail(port, 20, attachment)  # warm up both sides
        plain = plain_yagmail(port, args.messages, attachment)
        ours = {c: examdesk_loop(port, args.messages, attachment, workdir, c) for c in (1, 4)}
    finally:
        server.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    plain_rate = args.messages / plain
    print(
        f"{args.messages} messages with a {args.attachment_kb} KB attachment to 127.0.0.1 "
        f"({args.server_ms:g} ms a message)"
    )
    print(
        f"  plain yagmail loop, 1 connection   : {plain_rate:7.1f} msg/s ({plain / args.messages * 1000:.2f} ms each)"
    )
    for connections, seconds in ours.items():
        rate = args.messages / seconds
        print(
            f"  examdesk send loop, {connections} connection(s): {rate:7.1f} msg/s "
            f"({seconds / args.messages * 1000:.2f} ms each; ledger on SQLite): ratio {rate / plain_rate:.2f}"
        )
    ratio = args.messages / ours[1] / plain_rate
    print(f"  one connection's ratio: {ratio:.2f} (target >= 0.8): {'met' if ratio >= 0.8 else 'NOT met'}")
    return 0  # every message was sent (checked above); the ratios are figures to read, not to fail on


if __name__ == "__main__":
    sys.exit(main())
