"""Starts h2-server (the binary named by $H2_SERVER) on a free port of 127.0.0.1 and
stops it. Every test that uses real clients goes through this."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

H2_SERVER = os.environ.get("H2_SERVER", "")


def tool(name):
    """The path of an external client, or None (tests skip with a message then)."""
    return shutil.which(name)


class Server:
    """One h2-server process; its stderr (logs) is kept in `log_text()`."""

    def __init__(self, *args, env=None, docroot=None):
        self.tmp = tempfile.mkdtemp(prefix="h2-server-interop-")
        self.docroot = docroot or self._make_docroot()
        self.cache = os.path.join(self.tmp, "cache")
        environment = dict(os.environ)
        environment["XDG_CACHE_HOME"] = self.cache
        environment.update(env or {})
        self.log_path = os.path.join(self.tmp, "server.log")
        self.log = open(self.log_path, "wb")
        command = [H2_SERVER, "--port", "0", "--docroot", self.docroot, "--threads", "2"] + list(args)
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.log, env=environment)
        self.lines = []
        self.port = None
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.process.stdout.readline().decode()
            if not line:
                break
            self.lines.append(line.strip())
            match = re.search(r"listening on \w+://127\.0\.0\.1:(\d+)", line)
            if match:
                self.port = int(match.group(1))
                break
        if self.port is None:
            self.stop()
            raise RuntimeError("h2-server did not start: %s %s" % (self.lines, self.log_text()))
        # Keep draining stdout so the server never blocks on it.
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        self.certificate = os.path.join(self.cache, "swift-h2", "localhost-cert.pem")

    def _make_docroot(self):
        root = os.path.join(self.tmp, "www")
        os.makedirs(os.path.join(root, "sub"))
        with open(os.path.join(root, "index.html"), "w") as f:
            f.write("<!doctype html><title>h2</title><p>hello from the docroot</p>\n")
        with open(os.path.join(root, "sub", "data.json"), "w") as f:
            f.write('{"ok": true}\n')
        with open(os.path.join(root, "big.bin"), "wb") as f:
            f.write(os.urandom(3 * 1024 * 1024))
        with open(os.path.join(self.tmp, "secret.txt"), "w") as f:
            f.write("top secret\n")
        os.symlink(os.path.join(self.tmp, "secret.txt"), os.path.join(root, "link.txt"))
        return root

    def _drain(self):
        for line in self.process.stdout:
            self.lines.append(line.decode().strip())

    def url(self, path, host="localhost"):
        scheme = "http" if "--plaintext" in self.process.args else "https"
        return "%s://%s:%d%s" % (scheme, host, self.port, path)

    def log_text(self):
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def alive(self):
        return self.process.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def connect(port, timeout=5):
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return sock


def read_until_closed(sock, limit_seconds=10, max_bytes=1 << 30):
    """Reads until EOF; returns (bytes, closed_within_limit)."""
    deadline = time.time() + limit_seconds
    data = b""
    while time.time() < deadline and len(data) < max_bytes:
        sock.settimeout(max(0.05, deadline - time.time()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return data, False
        except (ConnectionResetError, OSError):
            return data, True
        if not chunk:
            return data, True
        data += chunk
    return data, False


def run(command, timeout=120, **kwargs):
    return subprocess.run(command, capture_output=True, timeout=timeout, **kwargs)
