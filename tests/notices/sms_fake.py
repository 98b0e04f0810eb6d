"""A local fake of the SMS gateway on 127.0.0.1: records what it receives and answers as told."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class FakeGateway:
    url: str = ""
    received: list[dict] = field(default_factory=list)
    headers: list[dict] = field(default_factory=list)
    # Status codes to answer with, in order; once used up every request gets 200.
    statuses: list[int] = field(default_factory=list)


def start_fake_gateway() -> tuple[FakeGateway, ThreadingHTTPServer]:
    gateway = FakeGateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            gateway.received.append(body)
            gateway.headers.append(dict(self.headers))
            status = gateway.statuses.pop(0) if gateway.statuses else 200
            answer = json.dumps({"id": f"gw-{len(gateway.received)}"}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/sms/send"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return gateway, server
