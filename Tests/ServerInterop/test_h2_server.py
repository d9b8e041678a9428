"""h2-server against real clients: curl (HTTP/2 over TLS, prior knowledge over cleartext,
HTTP/1.1), nghttp (the SETTINGS we send), h2load (a short load run, 0 failures), Python's
httpx with http2=True, raw TLS sockets for ALPN and the RFC 9113 §9.2 TLS rules, and bad
input (garbage, a truncated ClientHello, HTTP/1.1 on an h2 connection, no preface, a client
that stops reading). Every server listens on 127.0.0.1 on a free port; every loop is
bounded in count and time."""
import json
import os
import re
import shutil
import signal
import socket
import ssl
import stat
import struct
import subprocess
import tempfile
import threading
import time
import unittest

import h2.config
import h2.connection
import h2.settings
import httpx

from server_harness import H2_SERVER, Server, connect, read_until_closed, run, tool

if not H2_SERVER or not os.path.exists(H2_SERVER):
    raise unittest.SkipTest("set H2_SERVER to the h2-server binary (Scripts/test.sh does)")

IS_ROOT = os.geteuid() == 0


def need(name):
    """The tool's path; a missing tool fails under root (test.sh installs it), else skips."""
    path = tool(name)
    if path is None:
        if IS_ROOT:
            raise AssertionError("%s is missing (Scripts/test.sh installs it)" % name)
        raise unittest.SkipTest("%s is not installed" % name)
    return path


def frames(data):
    """(type, flags, stream, payload) for each whole HTTP/2 frame in data."""
    out, offset = [], 0
    while offset + 9 <= len(data):
        length = int.from_bytes(data[offset:offset + 3], "big")
        kind, flags = data[offset + 3], data[offset + 4]
        stream = int.from_bytes(data[offset + 5:offset + 9], "big") & 0x7FFFFFFF
        if offset + 9 + length > len(data):
            break
        out.append((kind, flags, stream, data[offset + 9:offset + 9 + length]))
        offset += 9 + length
    return out


def tls_context(alpn=None, verify_with=None):
    context = ssl.create_default_context()
    if verify_with:
        context.load_verify_locations(verify_with)
    else:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if alpn is not None:
        context.set_alpn_protocols(alpn)
    return context


def tls_connect(port, alpn=None, server_name="localhost", context=None, timeout=5):
    context = context or tls_context(alpn)
    raw = connect(port, timeout)
    return context.wrap_socket(raw, server_hostname=server_name)


class TLSServerTests(unittest.TestCase):
    """One TLS server (self-signed certificate, ALPN h2 then http/1.1)."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server("--handshake-timeout", "1", "--send-timeout", "1")

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        cls.server.cleanup()
        assert code == 0, "h2-server exited with %s" % code

    def curl(self, *args):
        result = run([need("curl"), "-sS", "--max-time", "20", "--cacert", self.server.certificate] + list(args))
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        return result.stdout.decode()

    def assertStillServing(self):
        out = self.curl("--http2", "-w", " %{http_version}", self.server.url("/hello"))
        self.assertEqual(out, "hello, world (HTTP/2)\n 2")

    def test_self_signed_certificate_is_printed_and_private(self):
        self.assertTrue(any(re.search(r"fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}$", line) for line in self.server.lines))
        key = os.path.join(self.server.cache, "swift-h2", "localhost-key.pem")
        self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600)

    def test_curl_http2_over_tls(self):
        out = self.curl("--http2", "-w", " %{http_version}", self.server.url("/hello"))
        self.assertEqual(out, "hello, world (HTTP/2)\n 2")
        # The certificate is valid for 127.0.0.1 too (verified against the cached PEM).
        out = self.curl("--http2", "-w", " %{http_version}", self.server.url("/hello", host="127.0.0.1"))
        self.assertEqual(out, "hello, world (HTTP/2)\n 2")
        self.assertIn("protocol=h2", self.server.log_text())

    def test_curl_http11_over_tls(self):
        out = self.curl("--http1.1", "-w", " %{http_version}", self.server.url("/hello"))
        self.assertEqual(out, "hello, world (HTTP/1.1)\n 1.1")

    def test_static_files(self):
        self.assertIn("hello from the docroot", self.curl("--http2", self.server.url("/")))
        head = self.curl("--http2", "-I", self.server.url("/sub/data.json"))
        self.assertIn("content-type: application/json", head.lower())
        self.assertIn("content-length: 13", head.lower())
        big = run([need("curl"), "-sS", "--http2", "--cacert", self.server.certificate, self.server.url("/big.bin")])
        with open(os.path.join(self.server.docroot, "big.bin"), "rb") as f:
            self.assertEqual(big.stdout, f.read())
        for path in ["/missing", "/../secret.txt", "/%2e%2e/secret.txt", "/sub/%2e%2e/%2e%2e/secret.txt",
                     "/..%2fsecret.txt", "/link.txt"]:
            code = self.curl("--http2", "--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", self.server.url(path))
            self.assertEqual(code, "404", path)
        code = self.curl("--http2", "-X", "DELETE", "-o", "/dev/null", "-w", "%{http_code}", self.server.url("/"))
        self.assertEqual(code, "405")

    def test_nghttp_sees_our_settings(self):
        result = run([need("nghttp"), "-nv", self.server.url("/hello")], timeout=30)
        out = result.stdout.decode()
        self.assertEqual(result.returncode, 0, out + result.stderr.decode())
        received = out[out.index("recv SETTINGS frame"):]
        self.assertIn("[SETTINGS_MAX_CONCURRENT_STREAMS(0x03):1000]", received)
        self.assertIn("[SETTINGS_INITIAL_WINDOW_SIZE(0x04):1048576]", received)
        self.assertIn("[SETTINGS_ENABLE_PUSH(0x02):0]", received)
        self.assertIn(":status: 200", out)

    def test_h2load_short_run(self):
        result = run([need("h2load"), "-n", "2000", "-c", "8", "-m", "16", self.server.url("/hello")], timeout=120)
        out = result.stdout.decode()
        self.assertEqual(result.returncode, 0, out)
        self.assertIn("Application protocol: h2", out)
        self.assertRegex(out, r"requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored")

    def test_httpx_http2(self):
        with httpx.Client(http2=True, verify=tls_context(verify_with=self.server.certificate), timeout=20) as client:
            response = client.get(self.server.url("/hello"))
            self.assertEqual(response.http_version, "HTTP/2")
            self.assertEqual(response.text, "hello, world (HTTP/2)\n")
            body = os.urandom(3 * 1024 * 1024)
            echoed = client.post(self.server.url("/echo"), content=body)
            self.assertEqual(echoed.content, body)
            # Many streams at once on the one connection.
            results = []
            threads = [threading.Thread(target=lambda: results.append(client.get(self.server.url("/sleep/50")).status_code))
                       for _ in range(20)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            self.assertEqual(results, [200] * 20)

    def test_alpn_choices(self):
        for offered, expected in [(["h2", "http/1.1"], "h2"), (["http/1.1", "h2"], "h2"),
                                  (["http/1.1"], "http/1.1"), (None, None)]:
            with tls_connect(self.server.port, alpn=offered) as sock:
                self.assertEqual(sock.selected_alpn_protocol(), expected, offered)
                if expected != "h2":
                    # No ALPN at all means HTTP/1.1 (RFC 9113 §3.2).
                    sock.sendall(b"GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    data, closed = read_until_closed(sock)
                    self.assertTrue(data.startswith(b"HTTP/1.1 200 OK"), data[:100])
        # Nothing in common: a fatal no_application_protocol alert (RFC 7301 §3.2).
        with self.assertRaises(ssl.SSLError):
            tls_connect(self.server.port, alpn=["spdy/3"]).close()
        self.assertStillServing()

    def test_sni_is_accepted(self):
        with tls_connect(self.server.port, alpn=["h2"], server_name="example.test") as sock:
            self.assertEqual(sock.selected_alpn_protocol(), "h2")
        deadline = time.time() + 5
        while time.time() < deadline and "sni=example.test" not in self.server.log_text():
            time.sleep(0.05)
        self.assertIn("sni=example.test", self.server.log_text())

    def test_tls_versions_and_ciphers_rfc9113_9_2(self):
        # TLS 1.3 and 1.2 (with an ECDHE AEAD suite) work.
        with tls_connect(self.server.port, alpn=["h2"]) as sock:
            self.assertEqual(sock.version(), "TLSv1.3")
        context = tls_context(["h2"])
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        with tls_connect(self.server.port, context=context) as sock:
            self.assertEqual(sock.version(), "TLSv1.2")
            name, _, _ = sock.cipher()
            self.assertTrue(name.startswith("ECDHE-") and ("GCM" in name or "CHACHA20" in name), name)
        # TLS 1.1 is refused.
        context = tls_context(["h2"])
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.maximum_version = ssl.TLSVersion.TLSv1_1
        with self.assertRaises((ssl.SSLError, ConnectionResetError)):
            tls_connect(self.server.port, context=context).close()
        # TLS 1.2 with a CBC suite (on the §9.2.2 block list) is refused.
        context = tls_context(["h2"])
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.set_ciphers("ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA256")
        with self.assertRaises((ssl.SSLError, ConnectionResetError)):
            tls_connect(self.server.port, context=context).close()
        # TLS 1.2 renegotiation is not offered: the server's hello carries no
        # renegotiation_info for a fresh handshake beyond RFC 5746's; OpenSSL's
        # SSL_OP_NO_RENEGOTIATION is tested in the Swift suite.
        self.assertStillServing()

    # --- Bad input ---

    def test_garbage_bytes_are_closed(self):
        sock = connect(self.server.port)
        sock.sendall(b"\x00\xff" * 200 + b"GET / HTTP/1.1\r\n\r\n")
        _, closed = read_until_closed(sock, 5)
        sock.close()
        self.assertTrue(closed)
        self.assertStillServing()

    def test_truncated_client_hello_is_closed(self):
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = tls_context(["h2"]).wrap_bio(incoming, outgoing, server_hostname="localhost")
        with self.assertRaises(ssl.SSLWantReadError):
            tls.do_handshake()
        hello = outgoing.read()
        self.assertGreater(len(hello), 100)
        # Half a ClientHello, then silence: closed by the handshake timeout (1 s).
        sock = connect(self.server.port)
        sock.sendall(hello[:len(hello) // 2])
        started = time.time()
        _, closed = read_until_closed(sock, 10)
        sock.close()
        self.assertTrue(closed)
        self.assertLess(time.time() - started, 8)
        # Half a ClientHello, then end of stream.
        sock = connect(self.server.port)
        sock.sendall(hello[:40])
        sock.shutdown(socket.SHUT_WR)
        _, closed = read_until_closed(sock, 5)
        sock.close()
        self.assertTrue(closed)
        self.assertStillServing()

    def test_http11_request_on_an_h2_connection(self):
        with tls_connect(self.server.port, alpn=["h2"]) as sock:
            self.assertEqual(sock.selected_alpn_protocol(), "h2")
            sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            data, closed = read_until_closed(sock, 5)
        self.assertTrue(closed)
        goaways = [payload for kind, _, _, payload in frames(data) if kind == 0x7]
        self.assertEqual(len(goaways), 1, frames(data))
        self.assertEqual(struct.unpack(">I", goaways[0][4:8])[0], 0x1)  # PROTOCOL_ERROR
        self.assertStillServing()

    def test_no_preface_is_closed(self):
        with tls_connect(self.server.port, alpn=["h2"]) as sock:
            started = time.time()
            _, closed = read_until_closed(sock, 10)
            self.assertTrue(closed)
            self.assertLess(time.time() - started, 8)
        sock = connect(self.server.port)  # not even a ClientHello
        _, closed = read_until_closed(sock, 10)
        sock.close()
        self.assertTrue(closed)
        self.assertStillServing()

    def test_client_that_stops_reading_is_closed(self):
        sock = tls_connect(self.server.port, alpn=["h2"])
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
        connection.initiate_connection()
        connection.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 2 ** 31 - 1})
        connection.increment_flow_control_window(2 ** 30)
        connection.send_headers(1, [(":method", "GET"), (":path", "/bytes/500000000"), (":scheme", "https"),
                                    (":authority", "localhost")], end_stream=True)
        sock.sendall(connection.data_to_send())
        # Never read; the server drops us after its send timeout (1 s).
        deadline = time.time() + 20
        while time.time() < deadline and "peer stopped reading" not in self.server.log_text():
            time.sleep(0.2)
        self.assertIn("peer stopped reading", self.server.log_text())
        _, closed = read_until_closed(sock, 15, max_bytes=64 << 20)
        sock.close()
        self.assertTrue(closed)
        self.assertStillServing()


class PlaintextServerTests(unittest.TestCase):
    """Cleartext: h2 with prior knowledge and HTTP/1.1 on one port."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server("--plaintext", "--handshake-timeout", "1")

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        cls.server.cleanup()
        assert code == 0, "h2-server exited with %s" % code

    def curl(self, *args):
        result = run([need("curl"), "-sS", "--max-time", "20"] + list(args))
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        return result.stdout.decode()

    def test_curl_prior_knowledge(self):
        out = self.curl("--http2-prior-knowledge", "-w", " %{http_version}", self.server.url("/hello"))
        self.assertEqual(out, "hello, world (HTTP/2)\n 2")

    def test_curl_http11_same_port(self):
        out = self.curl("--http1.1", "-w", " %{http_version}", self.server.url("/hello"))
        self.assertEqual(out, "hello, world (HTTP/1.1)\n 1.1")
        # Keep-alive: two requests, one connection.
        out = self.curl("--http1.1", "-w", "%{num_connects}", self.server.url("/hello"), self.server.url("/hello"))
        self.assertEqual(out.count("hello, world"), 2)

    def test_h2c_upgrade_is_answered_as_http11(self):
        out = self.curl("--http2", "-w", " %{http_version}", self.server.url("/hello"))
        self.assertEqual(out, "hello, world (HTTP/1.1)\n 1.1")

    def test_http11_chunked_echo(self):
        body = os.urandom(2 * 1024 * 1024)
        result = run([need("curl"), "-sS", "--http1.1", "-H", "Transfer-Encoding: chunked", "--data-binary", "@-",
                      self.server.url("/echo")], input=body)
        self.assertEqual(result.stdout, body)

    def test_nghttp_prior_knowledge(self):
        result = run([need("nghttp"), "-nv", self.server.url("/hello")], timeout=30)
        out = result.stdout.decode()
        self.assertEqual(result.returncode, 0, out + result.stderr.decode())
        self.assertIn("[SETTINGS_MAX_CONCURRENT_STREAMS(0x03):1000]", out)
        self.assertIn(":status: 200", out)

    def test_h2load_cleartext(self):
        result = run([need("h2load"), "-n", "2000", "-c", "4", "-m", "32", self.server.url("/hello")], timeout=120)
        out = result.stdout.decode()
        self.assertRegex(out, r"requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored")

    def test_httpx_prior_knowledge(self):
        with httpx.Client(http1=False, http2=True, timeout=20) as client:
            response = client.get(self.server.url("/hello"))
            self.assertEqual(response.http_version, "HTTP/2")
            body = os.urandom(1024 * 1024)
            self.assertEqual(client.post(self.server.url("/echo"), content=body).content, body)

    def test_garbage_and_silence(self):
        sock = connect(self.server.port)
        sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x08\x07\x00\x00\x00\x00\x01garbage!")
        data, closed = read_until_closed(sock, 5)
        sock.close()
        self.assertTrue(closed)
        sock = connect(self.server.port)
        _, closed = read_until_closed(sock, 10)
        sock.close()
        self.assertTrue(closed)
        self.assertIn("hello", self.curl("--http2-prior-knowledge", self.server.url("/hello")))


class RSACertificateTests(unittest.TestCase):
    """RFC 9113 §9.2.2: a TLS 1.2 deployment supports TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    with the P-256 curve. Needs an RSA certificate (the generated one is ECDSA P-256), made
    here with the openssl CLI and given with --cert/--key."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="h2-server-rsa-")
        cls.cert = os.path.join(cls.tmp, "cert.pem")
        cls.key = os.path.join(cls.tmp, "key.pem")
        made = run([need("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-keyout", cls.key, "-out", cls.cert], timeout=60)
        assert made.returncode == 0, made.stderr.decode()
        cls.server = Server("--cert", cls.cert, "--key", cls.key)

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        cls.server.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        assert code == 0, "h2-server exited with %s" % code

    def test_tls12_ecdhe_rsa_aes128_gcm_on_p256(self):
        context = tls_context(["h2"])
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.set_ciphers("ECDHE-RSA-AES128-GCM-SHA256")  # the only suite we offer
        context.set_ecdh_curve("prime256v1")                # the only group we offer
        with tls_connect(self.server.port, context=context) as sock:
            self.assertEqual(sock.version(), "TLSv1.2")
            self.assertEqual(sock.cipher()[0], "ECDHE-RSA-AES128-GCM-SHA256")
            self.assertEqual(sock.selected_alpn_protocol(), "h2")
            # And it carries HTTP/2: the server's preface (SETTINGS) arrives first.
            sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00")
            data = b""
            deadline = time.monotonic() + 5
            while len(data) < 9 and time.monotonic() < deadline:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
            self.assertGreaterEqual(len(data), 9)
            self.assertEqual(frames(data)[0][0], 0x4)  # SETTINGS

    def test_curl_http2_with_the_rsa_certificate(self):
        result = run([need("curl"), "-sS", "--http2", "--tlsv1.2", "--tls-max", "1.2",
                      "--ciphers", "ECDHE-RSA-AES128-GCM-SHA256", "--cacert", self.cert,
                      "-w", " %{http_version}", self.server.url("/hello")])
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        self.assertEqual(result.stdout.decode(), "hello, world (HTTP/2)\n 2")


class CommandLineTests(unittest.TestCase):
    def test_bad_flags_exit_2_with_one_line(self):
        for args in (["--no-such-flag"], ["--port", "notanumber"], ["--cert", "/x.pem"], ["--alpn", "spdy/3"],
                     ["--plaintext", "--cert", "a", "--key", "b"]):
            result = run([H2_SERVER] + args, timeout=30)
            self.assertEqual(result.returncode, 2, args)
            lines = result.stderr.decode().strip().splitlines()
            self.assertEqual(len(lines), 1, (args, lines))
            self.assertTrue(lines[0].startswith("h2-server: "), lines)

    def test_help_exits_0(self):
        result = run([H2_SERVER, "--help"], timeout=30)
        self.assertEqual(result.returncode, 0)
        for flag in ["--cert", "--key", "--plaintext", "--docroot", "--threads", "--alpn"]:
            self.assertIn(flag, result.stdout.decode())

    def test_certificate_is_made_once_then_reused(self):
        first = Server()
        try:
            lines = list(first.lines)
            cache = first.cache
        finally:
            self.assertEqual(first.stop(), 0)
        second = Server(env={"XDG_CACHE_HOME": cache})
        try:
            lines2 = list(second.lines)
        finally:
            self.assertEqual(second.stop(), 0)
            second.cleanup()
            first.cleanup()
        self.assertTrue(any(line.startswith("generated self-signed certificate") for line in lines), lines)
        self.assertTrue(any(line.startswith("using self-signed certificate") for line in lines2), lines2)
        fingerprint = [line for line in lines if "fingerprint" in line]
        self.assertEqual(fingerprint, [line for line in lines2 if "fingerprint" in line])

    def test_alpn_http11_only(self):
        server = Server("--alpn", "http/1.1")
        try:
            result = run([need("curl"), "-sS", "--http2", "--cacert", server.certificate, "-w", " %{http_version}",
                          server.url("/hello")])
            self.assertEqual(result.stdout.decode(), "hello, world (HTTP/1.1)\n 1.1")
        finally:
            self.assertEqual(server.stop(), 0)
            server.cleanup()

    def test_graceful_shutdown_lets_streams_finish(self):
        # curl, not httpx: Python's h2 treats the connection as closed at the first GOAWAY
        # and rejects the frames of streams still in flight.
        server = Server("--plaintext", "--grace-period", "10")
        try:
            results = {}

            def slow_request():
                results["curl"] = run([need("curl"), "-sS", "--http2-prior-knowledge", "--max-time", "20",
                                       "-w", " %{http_code}", server.url("/sleep/1500")])

            thread = threading.Thread(target=slow_request)
            thread.start()
            deadline = time.time() + 10
            while time.time() < deadline and "protocol=h2c" not in server.log_text():
                time.sleep(0.05)
            time.sleep(0.3)
            started = time.time()
            server.process.send_signal(signal.SIGTERM)
            thread.join(20)
            self.assertEqual(results["curl"].stdout.decode(), "slept 1500 ms\n 200", results["curl"].stderr)
            server.process.wait(20)
            self.assertEqual(server.process.returncode, 0)
            self.assertLess(time.time() - started, 10)
            self.assertIn("shutting down", server.log_text())
            # Nothing listens any more.
            with self.assertRaises(OSError):
                connect(server.port, timeout=2).recv(1)
                raise OSError("connected")
        finally:
            server.stop()
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
