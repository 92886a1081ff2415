"""Hashing and matching over HTTP with a scoped token, size limits, rotations, and a real webhook receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

from fastapi.testclient import TestClient

from childsafe.app import create_app
from tests.conftest import csrf_from, login, make_user, token_for
from tests.unit.hashmatch.images import encode, picture



def test_hash_and_match_over_http(client: TestClient, database) -> None:  # noqa: ANN001
    auth = token_for(client, database, ["analyst"], ["hashmatch:match", "hashmatch:manage"])
    image = encode(picture(21))
    hashed = client.post("/api/v1/hashmatch/hash", content=image, headers={**auth, "content-type": "image/png"}).json()
    pdq = next(h for h in hashed["hashes"] if h["signal_type"] == "pdq")
    assert pdq["quality"] >= 50 and len(pdq["hash"]) == 64
    assert client.post("/api/v1/hashmatch/banks", json={"name": "known"}, headers=auth).status_code == 201
    imported = client.post("/api/v1/hashmatch/banks/known/import?format=te", content=f"pdq {pdq['hash']}\n",
                           headers=auth)
    assert imported.json() == {"added": 1, "present": 0}
    jpeg = encode(picture(21).resize((300, 300)), "JPEG", quality=60)
    matched = client.post("/api/v1/hashmatch/match", content=jpeg, headers={**auth, "content-type": "image/jpeg"})
    body = matched.json()
    assert body["matched"] is True
    hit = next(r for r in body["results"] if r["signal_type"] == "pdq")
    assert hit["matches"][0]["bank"] == "known" and 0 < hit["matches"][0]["distance"] <= 31 and hit["quality"] >= 50
    rotated = encode(picture(21).rotate(90, expand=True))
    plain = client.post("/api/v1/hashmatch/match", content=rotated, headers=auth).json()
    assert plain["matched"] is False
    turned = client.post("/api/v1/hashmatch/match?rotations=true", content=rotated, headers=auth).json()
    assert turned["matched"] is True
    assert any(r.get("variant") == "rotate270" and r["matches"] for r in turned["results"])
    bulk = client.post("/api/v1/hashmatch/match", json={"hashes": [{"signal_type": "pdq", "value": pdq["hash"]},
                                                                   {"signal_type": "md5", "value": "0" * 32}]},
                       headers=auth).json()
    assert [bool(r["matches"]) for r in bulk["results"]] == [True, False]
    bad = client.post("/api/v1/hashmatch/match", json={"hashes": [{"signal_type": "pdq", "value": "xyz"}]},
                      headers=auth)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "hashes"
    export = client.get("/api/v1/hashmatch/banks/known/export?format=csv", headers=auth)
    assert pdq["hash"] in export.text


def test_permissions_and_limits(client: TestClient, database) -> None:  # noqa: ANN001
    assert client.post("/api/v1/hashmatch/match", content=b"x").status_code == 401
    auth = token_for(client, database, ["analyst"], ["hashmatch:match"])
    assert client.post("/api/v1/hashmatch/banks", json={"name": "x"}, headers=auth).status_code == 403
    huge = client.post("/api/v1/hashmatch/hash", content=b"\0" * (20 * 1024 * 1024 + 1), headers=auth)
    assert huge.status_code == 422 and huge.json()["error"]["field"] == "body"
    assert client.post("/api/v1/hashmatch/hash", content=b"", headers=auth).status_code == 422
    not_image = client.post("/api/v1/hashmatch/hash", content=b"plain text", headers=auth).json()
    assert {h["signal_type"] for h in not_image["hashes"]} == {"md5", "sha256"}


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["content-length"]))
        _Receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_match_fires_a_signed_webhook(settings, database, clock) -> None:  # noqa: ANN001
    _Receiver.received.clear()
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app = create_app(settings.model_copy(update={"webhook_interval": 0.2}), database=database, clock=clock)
    try:
        with TestClient(app, base_url="https://testserver") as client:
            auth = token_for(client, database, ["analyst"], ["hashmatch:match", "hashmatch:manage"])
            secret = client.post("/api/v1/hashmatch/webhooks",
                                 json={"url": f"http://127.0.0.1:{server.server_port}/hook"}, headers=auth).json()["secret"]
            client.post("/api/v1/hashmatch/banks", json={"name": "known"}, headers=auth)
            md5 = hashlib.md5(b"known file", usedforsecurity=False).hexdigest()
            client.post("/api/v1/hashmatch/banks/known/import?format=hashlist", content=md5, headers=auth)
            assert client.post("/api/v1/hashmatch/match", content=b"known file", headers=auth).json()["matched"]
            deadline = time.monotonic() + 10
            while not _Receiver.received and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        server.shutdown()
    headers, body = _Receiver.received[0]
    expected = hmac.new(secret.encode(), headers["x-childsafe-timestamp"].encode() + b"." + body, hashlib.sha256)
    assert headers["x-childsafe-signature"] == f"sha256={expected.hexdigest()}"
    assert json.loads(body)["matches"][0]["signal"] == md5
