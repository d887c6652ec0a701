"""The dispatcher's HTTP client (libcurl under asyncio) against local servers: TLS verification with a CA of
our own, host-name checks, what is kept of a response, no proxies from the environment, no redirects."""
from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from handbook.notify.push.pushhttp import MAX_BODY, PushClient
from tests.notify.conftest import run_async


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.seen.append((self.path, dict(self.headers), body))
        if self.path == "/slow":
            threading.Event().wait(2)
        if self.path == "/busy":
            self._reply(429, b"x" * (MAX_BODY * 3), {"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"})
        elif self.path == "/moved":
            self._reply(301, b"", {"Location": "/elsewhere"})
        else:
            self._reply(201, b"", {})

    def _reply(self, status, body, headers):
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients refusing our certificate or giving up on /slow end connections early: expected here


def _serve(tls: ssl.SSLContext | None = None):
    server = _Server(("127.0.0.1", 0), _Handler)
    server.seen = []
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _certificates(tmp_path, names: list[x509.GeneralName]):
    """A CA and a server certificate it signed for `names`; returns (CA file, server TLS context)."""
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Thử nghiệm CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
          .not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "push")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .sign(ca_key, hashes.SHA256()))
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "leaf.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                          serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    return str(tmp_path / "ca.pem"), context


def _post(client: PushClient, origin: str, target: str, headers=None, body=b"ciphertext"):
    async def go():
        try:
            return await client.post(origin, target, headers or {"TTL": "60"}, body)
        finally:
            await client.close()
    return run_async(go())


@pytest.fixture
def plain():
    server = _serve()
    yield server
    server.shutdown()


def test_tls_is_verified_against_the_ca_file(tmp_path):
    ca_file, context = _certificates(tmp_path, [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    server = _serve(context)
    origin = f"https://127.0.0.1:{server.server_address[1]}"
    try:
        answer = _post(PushClient(5, ca_file=ca_file), origin, "/push/abc", {"TTL": "60", "Urgency": "high"})
        assert answer.status == 201 and answer.body == b""
        path, headers, body = server.seen[-1]
        assert (path, body, headers["TTL"], headers["Urgency"]) == ("/push/abc", b"ciphertext", "60", "high")
        with pytest.raises(ConnectionError, match="curl error 60"):  # the public CAs do not know ours
            _post(PushClient(5), origin, "/push/abc")
    finally:
        server.shutdown()


def test_a_certificate_for_another_host_is_refused(tmp_path):
    ca_file, context = _certificates(tmp_path, [x509.DNSName("push.example.net")])
    server = _serve(context)
    try:
        with pytest.raises(ConnectionError, match="curl error 60"):
            _post(PushClient(5, ca_file=ca_file), f"https://127.0.0.1:{server.server_address[1]}", "/p")
    finally:
        server.shutdown()


def test_error_answers_keep_retry_after_and_the_start_of_the_body(plain):
    answer = _post(PushClient(5), f"http://127.0.0.1:{plain.server_address[1]}", "/busy")
    assert answer.status == 429
    assert answer.retry_after == "Wed, 21 Oct 2099 07:28:00 GMT"
    assert answer.body == b"x" * MAX_BODY


def test_redirects_are_not_followed_and_proxies_are_not_used(plain, monkeypatch):
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    answer = _post(PushClient(5), f"http://127.0.0.1:{plain.server_address[1]}", "/moved")
    assert answer.status == 301
    assert [path for path, _h, _b in plain.seen] == ["/moved"]


def test_header_injection_is_refused_before_sending(plain):
    with pytest.raises(ValueError, match="Topic"):
        _post(PushClient(5), f"http://127.0.0.1:{plain.server_address[1]}", "/p",
              {"TTL": "60", "Topic": "a\r\nX-Evil: 1"})
    assert plain.seen == []


def test_a_slow_service_times_out(plain):
    with pytest.raises(TimeoutError):
        _post(PushClient(0.5), f"http://127.0.0.1:{plain.server_address[1]}", "/slow")


def test_many_requests_at_once_all_arrive(plain):
    client = PushClient(5)
    origin = f"http://127.0.0.1:{plain.server_address[1]}"

    async def go():
        try:
            return await asyncio.gather(*(client.post(origin, f"/push/{i}", {"TTL": "1"}, b"b") for i in range(200)))
        finally:
            await client.close()
    answers = run_async(go())
    assert [a.status for a in answers] == [201] * 200
    assert sorted(path for path, _h, _b in plain.seen) == sorted(f"/push/{i}" for i in range(200))
