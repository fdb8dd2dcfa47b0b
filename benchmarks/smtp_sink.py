"""An SMTP sink for the send-loop benchmark: accepts every message after EXAMDESK_SINK_DELAY_MS
(a real server's time per message), on as many connections at once as clients open.

    python -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.SlowSink
"""

from __future__ import annotations

import asyncio
import os


class SlowSink:
    def __init__(self) -> None:
        self.delay = float(os.environ.get("EXAMDESK_SINK_DELAY_MS", "0")) / 1000

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK"
