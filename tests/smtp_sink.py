"""A mail server on 127.0.0.1 for tests: accepts every message and keeps it.

    sink = SmtpSink(port)      # nothing listens yet: connecting is refused
    sink.start()               # now it accepts mail on that port
    sink.messages              # email.message.Message, in the order received
    sink.stop()

Speaks just enough SMTP for Django's SMTP email backend (EHLO/HELO, MAIL, RCPT, DATA,
RSET, NOOP, QUIT; no TLS, no login).
"""

from __future__ import annotations

import email
import socket
import socketserver
import threading
from email.message import Message


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class SmtpSink:
    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[Message] = []
        self._server: _Server | None = None

    def start(self) -> None:
        sink = self

        class Session(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self) -> None:
                self.reply("220 sink ESMTP")
                for raw in self.rfile:
                    verb = raw.decode(errors="replace").strip()[:4].upper()
                    if verb == "EHLO":
                        self.reply("250-sink")
                        self.reply("250 8BITMIME")
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        sink.messages.append(self.read_message())
                        self.reply("250 OK: queued")
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    elif verb in {"HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
                        self.reply("250 OK")
                    else:
                        self.reply("502 Command not implemented")

            def read_message(self) -> Message:
                lines = []
                for raw in self.rfile:
                    if raw in (b".\r\n", b".\n"):
                        break
                    lines.append(raw[1:] if raw.startswith(b"..") else raw)
                return email.message_from_bytes(b"".join(lines))

        self._server = _Server(("127.0.0.1", self.port), Session)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
