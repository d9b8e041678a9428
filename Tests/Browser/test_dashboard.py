"""Browser test of sse-server: headless Chromium loads the dashboard and the test reads
the panels' state from the DOM and the server's /metrics.

- h2 (default flags): 100 streams all receive tokens over one h2 connection; Stop resets
  one stream and /metrics counts the cancelled generator.
- --protocols http/1.1: 6 of 20 streams receive tokens, 14 stay pending (the browser's
  6-connection wall); stopping one lets a pending one start.
- --max-concurrent-streams 6 over h2: the same 6 of 20, on one connection.

Environment: SSE_SERVER (the binary; default: from `swift build --show-bin-path`),
CHROMIUM and CHROMEDRIVER (default: found on PATH), SSE_SCREENSHOT (where to save the
screenshot of the 100-stream dashboard; default: a temporary file).
Run: python3 -m unittest discover -s Tests/Browser -v
"""
import os
import re
import select
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import unittest
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def server_binary():
    path = os.environ.get("SSE_SERVER")
    if path:
        return path
    bin_dir = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.strip()
    return os.path.join(bin_dir, "sse-server")


def find_program(variable, names):
    if os.environ.get(variable):
        return os.environ[variable]
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


def wait_for(condition, timeout, interval=0.1, message="condition"):
    """Polls `condition` until it returns a true value or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message} (last: {last!r})")


class Server:
    """sse-server on 127.0.0.1 and a free port (--port 0; the port is read from its output)."""

    def __init__(self, cache, *flags):
        self.log = tempfile.NamedTemporaryFile(prefix="sse-server-", suffix=".log", delete=False)
        env = dict(os.environ, XDG_CACHE_HOME=cache)
        self.process = subprocess.Popen([server_binary(), "--host", "127.0.0.1", "--port", "0", *flags],
                                        stdout=subprocess.PIPE, stderr=self.log, env=env)
        self.port = None
        deadline = time.monotonic() + 30
        output = b""
        while self.port is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.process.poll() is not None:
                self.stop()
                raise AssertionError(f"sse-server did not start: {output!r} {self.log_text()}")
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if ready:
                line = self.process.stdout.readline()
                output += line
                match = re.search(rb"listening on https?://127\.0\.0\.1:(\d+)/", line)
                if match:
                    self.port = int(match.group(1))
        self.origin = f"https://127.0.0.1:{self.port}"

    def log_text(self):
        with open(self.log.name, "rb") as file:
            return file.read().decode("utf-8", "replace")

    def metrics(self):
        """/metrics as {(name, ((label, value), ...)): value}, fetched over HTTP/1.1."""
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with urllib.request.urlopen(self.origin + "/metrics", context=context, timeout=10) as response:
            text = response.read().decode()
        samples = {}
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            match = re.fullmatch(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)', line)
            if not match:
                raise AssertionError(f"not a Prometheus sample: {line!r}")
            labels = tuple(sorted(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(2) or "")))
            samples[(match.group(1), labels)] = float(match.group(3))
        return samples

    def metric(self, name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return self.metrics().get(key)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process.stdout:
            self.process.stdout.close()
        self.log.close()
        os.unlink(self.log.name)


class FlagTests(unittest.TestCase):
    def test_bad_value_is_one_line_and_status_2(self):
        for flags in (["--port", "70000"], ["--protocols", "h3"], ["--max-concurrent-streams", "0"],
                      ["--initial-window-size", "x"], ["--no-such-flag"]):
            result = subprocess.run([server_binary(), *flags], capture_output=True, text=True, timeout=30)
            self.assertEqual(result.returncode, 2, f"{flags}: {result.stderr}")
            self.assertEqual(len(result.stderr.strip().splitlines()), 1, f"{flags}: {result.stderr!r}")
            self.assertTrue(result.stderr.startswith("sse-server: "), result.stderr)


class DashboardTests(unittest.TestCase):
    """Headless Chromium against the dashboard."""

    @classmethod
    def setUpClass(cls):
        from selenium import webdriver  # imported here: FlagTests run without selenium
        from selenium.webdriver.chrome.service import Service
        cls.webdriver = webdriver
        cls.Service = Service
        cls.chromium = find_program("CHROMIUM", ["chromium", "chromium-browser", "google-chrome"])
        cls.chromedriver = find_program("CHROMEDRIVER", ["chromedriver"])
        if not cls.chromium or not cls.chromedriver:
            raise AssertionError("chromium and chromedriver are needed (apt-get install chromium chromium-driver)")
        cls.cache = tempfile.mkdtemp(prefix="sse-cert-")  # the self-signed certificate, made once

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.cache, ignore_errors=True)

    def setUp(self):
        self.server = None
        self.driver = None

    def tearDown(self):
        if self.driver:
            self.driver.quit()
        if self.server:
            if any(error for error in self._outcome.errors if error[1]) if hasattr(self._outcome, "errors") else False:
                print(self.server.log_text()[-4000:])
            self.server.stop()

    def start(self, *flags):
        self.server = Server(self.cache, *flags)
        options = self.webdriver.ChromeOptions()
        options.binary_location = self.chromium
        for argument in ("--headless=new", "--ignore-certificate-errors", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1600,1450", "--hide-scrollbars", "--no-first-run", "--disable-extensions"):
            options.add_argument(argument)
        if os.geteuid() == 0:
            options.add_argument("--no-sandbox")
        self.driver = self.webdriver.Chrome(options=options, service=self.Service(executable_path=self.chromedriver))
        self.driver.set_page_load_timeout(30)
        self.driver.set_script_timeout(10)

    def open_dashboard(self, streams):
        self.driver.get(f"{self.server.origin}/?streams={streams}")
        wait_for(lambda: self.js("return document.body.dataset.ready === 'true'"), 15, message="the streams to open")

    def js(self, script):
        return self.driver.execute_script(script)

    def count(self, selector):
        return self.js(f"return document.querySelectorAll({selector!r}).length")

    def text(self, element_id):
        return self.js(f"return document.getElementById({element_id!r}).textContent")

    def test_100_streams_over_one_h2_connection(self):
        self.start()
        self.open_dashboard(100)
        wait_for(lambda: self.count(".panel.receiving") == 100, 60, message="100 receiving panels")
        # Every panel keeps receiving: at least 3 tokens each.
        wait_for(lambda: self.js("return [...document.querySelectorAll('.panel')]"
                                 ".every(p => Number(p.dataset.tokens) >= 3)"), 30, message="3 tokens in every panel")
        self.assertEqual(self.text("protocol"), "h2")
        self.assertEqual(self.text("browser-protocol"), "h2")
        self.assertEqual(self.count(".panel.pending"), 0)
        metrics = self.server.metrics()
        self.assertEqual(metrics[("sse_stream_connections_total", (("protocol", "h2"),))], 1,
                         "all 100 streams on one h2 connection")
        self.assertEqual(metrics[("sse_stream_connections_total", (("protocol", "http/1.1"),))], 0)
        self.assertEqual(metrics[("sse_streams_open", (("protocol", "h2"),))], 100)
        self.assertEqual(metrics[("sse_streams_total", (("protocol", "h2"),))], 100)
        self.assertGreaterEqual(metrics[("sse_events_sent_total", ())], 300)
        # Every request of the browser (page, /whoami, 100 streams) came over that one
        # connection. (Chromium may open a second, speculative connection, which the server
        # logs as "connection protocol=h2", but it sends nothing on it.)
        self.assertEqual(metrics[("sse_connections_total", (("protocol", "h2"),))], 1)
        self.assertIn("protocol=h2", self.server.log_text())

        time.sleep(1.5)  # let the panels fill with text for the screenshot
        screenshot = os.environ.get("SSE_SCREENSHOT") or os.path.join(self.cache, "dashboard.png")
        self.assertTrue(self.driver.save_screenshot(screenshot))
        self.assertGreater(os.path.getsize(screenshot), 10_000)

        # Stop: the browser resets the stream, the server cancels that generator at once.
        cancelled_before = metrics[("sse_streams_cancelled_total", (("protocol", "h2"),))]
        self.driver.find_element("css selector", '.panel[data-id="0"] button.stop').click()
        wait_for(lambda: self.count('.panel.stopped[data-id="0"]') == 1, 5, message="panel 0 stopped")
        wait_for(lambda: self.server.metric("sse_streams_cancelled_total", protocol="h2") == cancelled_before + 1,
                 5, message="the reset counted in /metrics")
        self.assertEqual(self.server.metric("sse_streams_open", protocol="h2"), 99)
        self.assertEqual(self.server.metric("sse_stream_connections_open", protocol="h2"), 1)
        tokens = int(self.js("return document.querySelector('.panel[data-id=\"1\"]').dataset.tokens"))
        wait_for(lambda: int(self.js("return document.querySelector('.panel[data-id=\"1\"]').dataset.tokens")) > tokens,
                 5, message="the other streams go on")

    def assert_six_of_twenty(self, protocol):
        self.open_dashboard(20)
        wait_for(lambda: self.count(".panel.receiving") >= 6, 30, message="6 receiving panels")
        # Past 2 s the other 14 are still pending, and shown as such.
        time.sleep(3)
        self.assertEqual(self.count(".panel.receiving"), 6)
        self.assertEqual(self.count(".panel.pending"), 14)
        wait_for(lambda: self.text("pending-count") == "14", 5, message="#pending-count 14")
        self.assertEqual(self.text("live-count"), "6")
        self.assertEqual(self.text("protocol"), protocol)
        self.assertEqual(self.server.metric("sse_streams_open", protocol=protocol), 6)

    def test_http1_reproduces_the_six_connection_wall(self):
        self.start("--protocols", "http/1.1")
        self.assert_six_of_twenty("http/1.1")
        self.assertEqual(self.server.metric("sse_stream_connections_open", protocol="http/1.1"), 6)
        self.assertEqual(self.server.metric("sse_stream_connections_total", protocol="h2"), 0)
        # Stopping one frees its connection: a pending stream takes it.
        receiving = self.js("return [...document.querySelectorAll('.panel.receiving')].map(p => p.dataset.id)")
        self.driver.find_element("css selector", f'.panel[data-id="{receiving[0]}"] button.stop').click()
        wait_for(lambda: self.server.metric("sse_streams_cancelled_total", protocol="http/1.1") == 1, 5,
                 message="the closed stream counted in /metrics")
        wait_for(lambda: self.count(".panel.pending") == 13 and self.count(".panel.receiving") == 6, 10,
                 message="a pending stream to start")

    def test_h2_with_six_concurrent_streams_shows_the_same_bottleneck(self):
        self.start("--max-concurrent-streams", "6")
        self.assert_six_of_twenty("h2")
        self.assertEqual(self.server.metric("sse_stream_connections_total", protocol="h2"), 1)
        self.assertEqual(self.server.metric("sse_stream_connections_total", protocol="http/1.1"), 0)


if __name__ == "__main__":
    unittest.main()
