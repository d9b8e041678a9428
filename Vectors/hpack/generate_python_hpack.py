#!/usr/bin/env python3
"""Generate the Python-hpack corpus under Vectors/hpack/python-hpack/.

Usage (from the repository root; needs `pip install hpack==4.2.0`):

    python3 Vectors/hpack/generate_python_hpack.py

Every story is encoded by one hpack.Encoder (so the dynamic table carries
over between its cases) from header lists made up by a random.Random seeded
with a fixed number per story.  The output is deterministic: running the
script twice gives byte-identical files.  Before anything is written, each
story is decoded again with a fresh hpack.Decoder whose
max_allowed_table_size follows the cases' header_table_size.

What the stories cover: browser request header sets (Chrome- and
Firefox-like), API client requests, JSON API responses, server-sent-event
responses, long values (1-8 KB cookies, JWTs, CSP), sensitive
(never-indexed) fields, dynamic table sizes 0 / 256 / 4096 / 65536, table
size changes in the middle of a story, and Huffman coding on, off and mixed.
"""

from __future__ import annotations

import base64
import email.utils
import json
import os
import random
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from hpack import Encoder, HeaderTuple, NeverIndexedHeaderTuple  # noqa: E402

import story_util as su  # noqa: E402

BASE_SEED = 0x7541
OUT = os.path.join(su.vectors_dir(), "python-hpack")

# A fixed instant (2024-03-04 05:06:07 UTC); dates in stories move forward
# from here by seeded amounts.
EPOCH = 1709528767

SITES = ["www.example.com", "shop.example.net", "news.example.org",
         "app.example.io", "docs.example.dev", "media.example.com"]
API_HOSTS = ["api.example.com", "api.example.net", "graph.example.io",
             "events.example.dev"]
CDN_HOSTS = ["static.example-cdn.net", "img.example-cdn.net", "fonts.example-cdn.net"]

CHROME_VERSIONS = [120, 121, 122, 123, 124, 125]
FIREFOX_VERSIONS = [121, 122, 123, 124, 125]
PLATFORMS = [
    ("Windows NT 10.0; Win64; x64", '"Windows"'),
    ("Macintosh; Intel Mac OS X 10_15_7", '"macOS"'),
    ("X11; Linux x86_64", '"Linux"'),
]
LANGS = ["en-US,en;q=0.9", "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7",
         "fr-FR,fr;q=0.9,en;q=0.8", "ja,en-US;q=0.9,en;q=0.8",
         "es-ES,es;q=0.9", "en-GB,en;q=0.9,en-US;q=0.8"]
WORDS = ["account", "settings", "search", "products", "cart", "checkout",
         "blog", "article", "users", "orders", "items", "profile", "help",
         "news", "video", "photos", "reviews", "catalog", "billing", "docs",
         "team", "projects", "issues", "feed", "notifications", "messages"]
QUERY_KEYS = ["q", "page", "sort", "limit", "offset", "lang", "ref", "utm_source",
              "utm_medium", "utm_campaign", "filter", "id", "v", "session", "cursor"]
SERVERS = ["nginx", "nginx/1.25.4", "envoy", "cloudflare", "Apache", "gws",
           "Caddy", "openresty", "h2o/2.3.0"]
COOKIE_NAMES = ["_ga", "_gid", "sessionid", "csrftoken", "__Host-session", "_fbp",
                "consent", "ab_test", "locale", "theme", "remember_token", "cf_clearance",
                "__Secure-auth", "tracking_id", "_uetsid", "prefs"]
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
HEXDIGITS = "0123456789abcdef"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


# ---------------------------------------------------------------------------
# Random building blocks
# ---------------------------------------------------------------------------

def rstr(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def http_date(t: int) -> str:
    return email.utils.formatdate(t, usegmt=True)


def uuid4(rng: random.Random) -> str:
    h = rstr(rng, HEXDIGITS, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"


def etag(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return f'W/"{rstr(rng, HEXDIGITS, rng.choice([8, 16, 27]))}"'
    return f'"{rstr(rng, HEXDIGITS, rng.choice([16, 32, 40]))}"'


def jwt(rng: random.Random, size: int) -> str:
    """A JWT-shaped token of about `size` characters (three base64url parts)."""
    header = base64.urlsafe_b64encode(
        json.dumps({"alg": rng.choice(["RS256", "ES256", "HS256"]), "typ": "JWT",
                    "kid": rstr(rng, ALNUM, 16)}, separators=(",", ":")).encode()
    ).decode().rstrip("=")
    claims = {"sub": uuid4(rng), "iss": f"https://{rng.choice(SITES)}/",
              "aud": rng.choice(API_HOSTS), "iat": EPOCH + rng.randrange(86400),
              "exp": EPOCH + 3600 + rng.randrange(86400), "scope": " ".join(
                  rng.sample(["read", "write", "admin", "profile", "email", "offline"], 3))}
    payload = base64.urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode()
                                       ).decode().rstrip("=")
    sig_len = rng.choice([43, 86, 342])
    token = f"{header}.{payload}.{rstr(rng, B64URL, sig_len)}"
    if len(token) < size:
        # Pad the payload with an opaque claim blob to reach the target size.
        extra = rstr(rng, B64URL, size - len(token))
        token = f"{header}.{payload}{extra}.{rstr(rng, B64URL, sig_len)}"
    return token


def cookie_pair(rng: random.Random, long: bool = False, name: str | None = None) -> str:
    name = name or rng.choice(COOKIE_NAMES)
    if long:
        n = rng.randrange(200, 900)
    else:
        n = rng.choice([1, 2, 8, 16, 24, 32, 43, 64, 96])
    if n <= 2:
        return f"{name}={rng.choice(['1', '0', 'yes', 'dark', 'en'])}"
    return f"{name}={rstr(rng, B64URL + '.', n)}"


def cookie_jar(rng: random.Random, count: int, long_count: int = 0) -> list[str]:
    names = rng.sample(COOKIE_NAMES, count + long_count)
    jar = [cookie_pair(rng, name=n) for n in names[:count]] + \
          [cookie_pair(rng, long=True, name=n) for n in names[count:]]
    rng.shuffle(jar)
    return jar


def big_cookie(rng: random.Random, size: int) -> str:
    parts = []
    total = 0
    while total < size:
        p = cookie_pair(rng, long=rng.random() < 0.5)
        parts.append(p)
        total += len(p) + 2
    return "; ".join(parts)[:size]


def url_path(rng: random.Random, kind: str) -> str:
    depth = rng.randrange(1, 4)
    segs = [rng.choice(WORDS) for _ in range(depth)]
    if rng.random() < 0.4:
        segs.append(str(rng.randrange(1, 100000)))
    if kind == "script":
        return f"/static/js/{rng.choice(WORDS)}.{rstr(rng, HEXDIGITS, 8)}.js"
    if kind == "style":
        return f"/static/css/{rng.choice(WORDS)}.{rstr(rng, HEXDIGITS, 8)}.css"
    if kind == "image":
        ext = rng.choice(["webp", "png", "jpg", "avif", "svg"])
        return f"/images/{rng.choice(WORDS)}-{rng.choice([320, 640, 1280, 1920])}.{ext}"
    if kind == "font":
        return f"/fonts/{rng.choice(['inter', 'roboto', 'noto-sans'])}-{rng.choice(['400', '600', '700'])}.woff2"
    path = "/" + "/".join(segs)
    if kind == "api":
        path = "/api/v" + str(rng.randrange(1, 4)) + path
    if rng.random() < 0.45:
        keys = rng.sample(QUERY_KEYS, rng.randrange(1, 5))
        q = "&".join(f"{k}={rstr(rng, ALNUM + '-._~%', rng.randrange(1, 24))}" for k in keys)
        path += "?" + q
    return path


# ---------------------------------------------------------------------------
# Header set generators.  Each returns a list of (name, value[, sensitive]).
# ---------------------------------------------------------------------------

class Browser:
    """A Chrome- or Firefox-like client talking to one origin."""

    def __init__(self, rng: random.Random, flavor: str, long_cookies: bool = False,
                 split_cookies: bool = False, sensitive: bool = False):
        self.rng = rng
        self.flavor = flavor
        self.host = rng.choice(SITES)
        plat, self.platform = rng.choice(PLATFORMS)
        if flavor == "chrome":
            v = rng.choice(CHROME_VERSIONS)
            self.ua = (f"Mozilla/5.0 ({plat}) AppleWebKit/537.36 (KHTML, like Gecko) "
                       f"Chrome/{v}.0.0.0 Safari/537.36")
            brand = rng.choice(['"Not-A.Brand";v="99"', '"Not/A)Brand";v="8"',
                                '"Not_A Brand";v="24"'])
            self.ch_ua = f'"Chromium";v="{v}", "Google Chrome";v="{v}", {brand}'
        else:
            v = rng.choice(FIREFOX_VERSIONS)
            fplat = plat.replace("Intel Mac OS X 10_15_7", "Intel Mac OS X 10.15")
            self.ua = f"Mozilla/5.0 ({fplat}; rv:{v}.0) Gecko/20100101 Firefox/{v}.0"
        self.lang = rng.choice(LANGS)
        self.cookies = cookie_jar(rng, rng.randrange(3, 9), 2 if long_cookies else rng.randrange(0, 2))
        self.split_cookies = split_cookies
        self.sensitive = sensitive
        self.token = jwt(rng, rng.choice([400, 700, 1100])) if rng.random() < 0.6 else None
        self.etags: dict[str, str] = {}
        self.referer = f"https://{self.host}/"
        self.n = 0

    def _cookie_fields(self) -> list[tuple]:
        rng = self.rng
        if rng.random() < 0.15:  # the server set a new cookie in between
            k = rng.randrange(len(self.cookies))
            self.cookies[k] = cookie_pair(rng, name=self.cookies[k].partition("=")[0])
        if self.split_cookies:
            # RFC 9113 section 8.2.3: cookie crumbs as separate fields.
            return [("cookie", c, self.sensitive and c.startswith(("session", "__Host", "__Secure")))
                    for c in self.cookies]
        return [("cookie", "; ".join(self.cookies), self.sensitive)]

    def request(self) -> list[tuple]:
        rng = self.rng
        self.n += 1
        kind = "document" if self.n == 1 else rng.choices(
            ["document", "script", "style", "image", "font", "api"], [2, 3, 2, 5, 1, 4])[0]
        authority = self.host
        if kind in ("image", "font") and rng.random() < 0.3:
            authority = rng.choice(CDN_HOSTS)  # coalesced connection
        method = "GET"
        if kind == "api" and rng.random() < 0.3:
            method = rng.choice(["POST", "PUT", "DELETE", "PATCH"])
        path = url_path(rng, kind)
        chrome = self.flavor == "chrome"
        if chrome:
            h: list[tuple] = [(":method", method), (":authority", authority),
                              (":scheme", "https"), (":path", path)]
        else:
            h = [(":method", method), (":path", path), (":authority", authority),
                 (":scheme", "https")]
        if method in ("POST", "PUT", "PATCH"):
            h.append(("content-length", str(rng.randrange(2, 4000))))
        if kind == "document" and rng.random() < 0.3:
            h.append(("cache-control", "max-age=0"))
        if chrome:
            h += [("sec-ch-ua", self.ch_ua), ("sec-ch-ua-mobile", "?0"),
                  ("sec-ch-ua-platform", self.platform)]
        if kind == "document":
            h.append(("upgrade-insecure-requests", "1"))
        if chrome:
            h.append(("user-agent", self.ua))
        accept = {
            "document": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
                        "image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
                        if chrome else
                        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "script": "*/*",
            "style": "text/css,*/*;q=0.1",
            "image": "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"
                     if chrome else "image/avif,image/webp,*/*",
            "font": "*/*",
            "api": "application/json, text/plain, */*",
        }[kind]
        if not chrome:
            h.append(("user-agent", self.ua))
        h.append(("accept", accept))
        if not chrome:
            h.append(("accept-language", self.lang))
            h.append(("accept-encoding", "gzip, deflate, br, zstd"))
        if kind == "api":
            if method != "GET":
                h.append(("content-type", "application/json"))
            h.append(("origin", f"https://{self.host}"))
            if self.token:
                h.append(("authorization", f"Bearer {self.token}", self.sensitive))
        if self.n > 1:
            h.append(("referer", self.referer))
        site = "same-origin" if authority == self.host else "same-site"
        mode = {"document": "navigate", "api": "cors", "font": "cors"}.get(kind, "no-cors")
        dest = {"document": "document", "api": "empty"}.get(kind, kind)
        if kind == "document" and self.n == 1:
            site = "none"
        h.append(("sec-fetch-site", site))
        h.append(("sec-fetch-mode", mode))
        if kind == "document":
            h.append(("sec-fetch-user", "?1"))
        h.append(("sec-fetch-dest", dest))
        if chrome:
            h.append(("accept-encoding", "gzip, deflate, br, zstd"))
            h.append(("accept-language", self.lang))
        if authority == self.host:
            h += self._cookie_fields()
        if path in self.etags:
            h.append(("if-none-match", self.etags[path]))
        elif kind in ("script", "style", "image") and rng.random() < 0.35:
            self.etags[path] = etag(rng)
            h.append(("if-none-match", self.etags[path]))
            if rng.random() < 0.5:
                h.append(("if-modified-since", http_date(EPOCH - rng.randrange(10 ** 7))))
        if chrome:
            h.append(("priority", {"document": "u=0, i", "style": "u=0", "script": "u=1",
                                   "font": "u=0"}.get(kind, "u=1, i" if kind == "api" else "u=2")))
        else:
            if rng.random() < 0.3:
                h.append(("dnt", "1"))
            h.append(("te", "trailers"))
        if kind == "document":
            self.referer = f"https://{self.host}{path}"
        return h


class ApiClient:
    """A non-browser HTTP client (SDK / curl-like) calling a JSON API."""

    def __init__(self, rng: random.Random, sensitive: bool = False, long_tokens: bool = False):
        self.rng = rng
        self.host = rng.choice(API_HOSTS)
        self.ua = rng.choice([f"curl/8.{rng.randrange(1, 8)}.0", "okhttp/4.12.0",
                              f"python-httpx/0.27.{rng.randrange(3)}", "Go-http-client/2.0",
                              f"example-sdk-swift/{rng.randrange(1, 5)}.{rng.randrange(10)}.0"])
        self.sensitive = sensitive
        self.tokens = [jwt(rng, rng.randrange(1000, 8000) if long_tokens else rng.choice([300, 600, 900]))
                       for _ in range(2)]
        self.api_key = rstr(rng, ALNUM, 40)

    def request(self) -> list[tuple]:
        rng = self.rng
        method = rng.choices(["GET", "POST", "PUT", "DELETE", "PATCH"], [6, 3, 1, 1, 1])[0]
        h: list[tuple] = [(":method", method), (":scheme", "https"),
                          (":authority", self.host), (":path", url_path(rng, "api"))]
        h.append(("user-agent", self.ua))
        h.append(("accept", rng.choice(["application/json", "*/*", "application/json; charset=utf-8"])))
        if method in ("POST", "PUT", "PATCH"):
            h.append(("content-type", "application/json"))
            h.append(("content-length", str(rng.randrange(2, 20000))))
        if rng.random() < 0.9:
            tok = self.tokens[0] if rng.random() < 0.8 else self.tokens[1]
            h.append(("authorization", f"Bearer {tok}", self.sensitive))
        else:
            h.append(("x-api-key", self.api_key, self.sensitive))
        h.append(("x-request-id", uuid4(rng)))
        if rng.random() < 0.3:
            h.append(("idempotency-key", uuid4(rng)))
        if rng.random() < 0.5:
            h.append(("accept-encoding", rng.choice(["gzip", "gzip, deflate", "br, gzip"])))
        if rng.random() < 0.2:
            h.append(("traceparent", f"00-{rstr(rng, HEXDIGITS, 32)}-{rstr(rng, HEXDIGITS, 16)}-01"))
        return h


class Server:
    """JSON API / SSE / web responses from one server."""

    def __init__(self, rng: random.Random, mode: str, long_values: bool = False,
                 sensitive: bool = False):
        self.rng = rng
        self.mode = mode  # "api", "sse" or "web"
        self.server = rng.choice(SERVERS)
        self.origin = f"https://{rng.choice(SITES)}"
        self.t = EPOCH + rng.randrange(86400)
        self.long_values = long_values
        self.sensitive = sensitive
        self.csp = self._csp(rng.randrange(1000, 3000) if long_values else rng.randrange(120, 400))

    def _csp(self, size: int) -> str:
        rng = self.rng
        dirs = ["default-src 'self'", "img-src 'self' data: https:",
                "style-src 'self' 'unsafe-inline'", "font-src 'self' https://fonts.example-cdn.net",
                "frame-ancestors 'none'", "base-uri 'self'", "object-src 'none'"]
        out = "; ".join(dirs)
        hosts = []
        while len(out) + sum(len(x) + 1 for x in hosts) < size:
            hosts.append(f"https://{rstr(rng, 'abcdefghijklmnopqrstuvwxyz', rng.randrange(3, 12))}.example-cdn.net")
        if hosts:
            out += "; script-src 'self' 'nonce-" + rstr(rng, B64URL, 22) + "' " + " ".join(hosts)
        return out

    def _common_tail(self, h: list[tuple]) -> None:
        rng = self.rng
        h.append(("strict-transport-security", "max-age=63072000; includeSubDomains; preload"))
        if rng.random() < 0.7:
            h.append(("x-request-id", uuid4(rng)))

    def _cors(self, h: list[tuple]) -> None:
        h.append(("access-control-allow-origin", self.origin))
        h.append(("access-control-allow-credentials", "true"))
        if self.rng.random() < 0.4:
            h.append(("access-control-expose-headers", "x-request-id, x-ratelimit-remaining, etag"))

    def response(self) -> list[tuple]:
        rng = self.rng
        self.t += rng.randrange(0, 5)
        if self.mode == "sse":
            return self._sse()
        status = rng.choices(["200", "201", "204", "304", "400", "401", "404", "429", "500"],
                             [30, 3, 3, 4, 2, 2, 3, 1, 1])[0]
        h: list[tuple] = [(":status", status), ("date", http_date(self.t)),
                          ("server", self.server)]
        if self.mode == "web" and status == "200":
            h.append(("content-type", rng.choice(["text/html; charset=utf-8", "text/css",
                                                  "application/javascript", "image/webp"])))
        elif status not in ("204", "304"):
            h.append(("content-type", "application/json; charset=utf-8"))
        if status not in ("204", "304"):
            if rng.random() < 0.6:
                h.append(("content-length", str(rng.randrange(2, 200000))))
            if rng.random() < 0.3:
                h.append(("content-encoding", rng.choice(["gzip", "br", "zstd"])))
        h.append(("vary", rng.choice(["Accept-Encoding", "Origin", "Accept-Encoding, Origin",
                                      "Origin, Accept-Encoding, Authorization"])))
        if status in ("200", "304"):
            h.append(("etag", etag(rng)))
            if rng.random() < 0.5:
                h.append(("last-modified", http_date(self.t - rng.randrange(10 ** 7))))
            h.append(("cache-control", rng.choice(["private, max-age=0, must-revalidate",
                                                   "no-store", "public, max-age=31536000, immutable",
                                                   "private, no-cache", "max-age=60"])))
        if self.mode == "api":
            self._cors(h)
            h.append(("x-ratelimit-limit", "1000"))
            h.append(("x-ratelimit-remaining", str(rng.randrange(0, 1000))))
            h.append(("x-ratelimit-reset", str(rng.randrange(1, 3600))))
        if status == "429":
            h.append(("retry-after", str(rng.randrange(1, 120))))
        if status == "401":
            h.append(("www-authenticate", 'Bearer realm="api", error="invalid_token"'))
        if rng.random() < 0.25 or (self.long_values and rng.random() < 0.5):
            n = 1 if not self.long_values else rng.randrange(1, 3)
            for _ in range(n):
                name = rng.choice(COOKIE_NAMES)
                size = rng.randrange(1000, 4000) if self.long_values else rng.randrange(16, 200)
                val = (f"{name}={rstr(rng, B64URL, size)}; Path=/; "
                       f"Expires={http_date(self.t + 86400 * rng.randrange(1, 400))}; "
                       f"Secure; HttpOnly; SameSite={rng.choice(['Lax', 'Strict', 'None'])}")
                h.append(("set-cookie", val, self.sensitive))
        if self.mode == "web" or rng.random() < 0.3:
            h.append(("content-security-policy", self.csp))
            h.append(("x-content-type-options", "nosniff"))
        self._common_tail(h)
        if self.long_values and rng.random() < 0.3:
            h.append(("x-debug-trace", rstr(rng, B64URL, rng.randrange(1000, 8000))))
        return h

    def _sse(self) -> list[tuple]:
        rng = self.rng
        h: list[tuple] = [(":status", "200"),
                          ("content-type", rng.choice(["text/event-stream",
                                                       "text/event-stream; charset=utf-8"])),
                          ("cache-control", rng.choice(["no-cache", "no-cache, no-transform",
                                                        "no-store"])),
                          ("x-accel-buffering", "no"),
                          ("date", http_date(self.t)), ("server", self.server)]
        if rng.random() < 0.8:
            self._cors(h)
        h.append(("vary", "Origin"))
        if rng.random() < 0.3:
            h.append(("set-cookie", f"stream_session={rstr(rng, B64URL, rng.randrange(20, 120))}; "
                                    f"Path=/; Secure; HttpOnly", self.sensitive))
        if rng.random() < 0.2:
            h.append(("x-stream-id", uuid4(rng)))
        self._common_tail(h)
        return h


# ---------------------------------------------------------------------------
# Stories
# ---------------------------------------------------------------------------

def as_hpack_input(fields: list[tuple], rng: random.Random) -> tuple[list, list[tuple[str, str]]]:
    """Turn (name, value[, sensitive]) into what hpack.Encoder.encode takes,
    using all three accepted spellings, and the plain expected list."""
    enc, plain = [], []
    for f in fields:
        name, value = f[0], f[1]
        sensitive = len(f) > 2 and bool(f[2])
        plain.append((name, value))
        if sensitive:
            if rng.random() < 0.5:
                enc.append(NeverIndexedHeaderTuple(name, value))
            else:
                enc.append((name, value, True))
        else:
            r = rng.random()
            if r < 0.1:
                enc.append(HeaderTuple(name, value))
            elif r < 0.2:
                enc.append((name, value, False))
            else:
                enc.append((name, value))
    return enc, plain


def run_story(name: str, description: str, n_cases: int, make, *, sizes=None,
              huffman="on") -> dict:
    """sizes: {case index: [table size, ...]} - the encoder's header_table_size
    is set to each value in turn before that case is encoded (several values
    give several size updates at the start of the block).
    huffman: "on", "off" or "mixed" (chosen per case)."""
    seed = BASE_SEED ^ zlib.crc32(name.encode())
    rng = random.Random(seed)
    producer = make(rng)
    enc = Encoder()
    sizes = dict(sizes or {})
    limit = 4096
    cases = []
    for i in range(n_cases):
        for s in sizes.get(i, []):
            if s == enc.header_table_size:
                raise AssertionError("hpack ignores a resize to the current size")
            enc.header_table_size = s
            limit = s
        fields = producer(rng)
        hin, plain = as_hpack_input(fields, rng)
        huff = {"on": True, "off": False}.get(huffman)
        if huff is None:
            huff = rng.random() < 0.5
        wire = enc.encode(hin, huffman=huff)
        cases.append(su.make_case(i, wire, plain, header_table_size=limit))
    story = {"description": description, "cases": cases}
    su.check_story_shape(story, name)
    ok, detail = su.python_decode_story(story)
    if not ok or detail:
        raise AssertionError(f"{name}: {detail}")
    return story


def browser(flavor, **kw):
    def make(rng):
        b = Browser(rng, flavor, **kw)
        return lambda _rng: b.request()
    return make


def mixed_browser(**kw):
    """Requests from several tabs sharing one connection."""
    def make(rng):
        tabs = [Browser(rng, "chrome", **kw), Browser(rng, "chrome", **kw)]
        tabs[1].host = tabs[0].host
        return lambda r: r.choice(tabs).request()
    return make


def api_client(**kw):
    def make(rng):
        c = ApiClient(rng, **kw)
        return lambda _rng: c.request()
    return make


def server(mode, **kw):
    def make(rng):
        s = Server(rng, mode, **kw)
        return lambda _rng: s.response()
    return make


def long_value_requests(rng):
    """Browser requests where some cases carry 1-8 KB cookie / JWT values."""
    b = Browser(rng, "chrome", long_cookies=True)

    def produce(r):
        h = b.request()
        roll = r.random()
        if roll < 0.35:
            h = [f for f in h if f[0] != "cookie"] + [("cookie", big_cookie(r, r.randrange(1024, 8192)))]
        elif roll < 0.6:
            h = [f for f in h if f[0] != "authorization"] + \
                [("authorization", "Bearer " + jwt(r, r.randrange(1024, 8192)))]
        elif roll < 0.7:
            h.append(("x-client-data", rstr(r, B64URL, r.randrange(1024, 4096))))
        return h
    return produce


S = 4096

STORIES = [
    # name, description, cases, producer, options
    ("browser-requests-huffman-4096",
     "Chrome-like page loads (document, scripts, styles, images, API fetches) on one connection; "
     "Huffman on; dynamic table 4096",
     50, browser("chrome"), {}),
    ("browser-requests-plain-4096",
     "Chrome-like page loads on one connection; no Huffman; dynamic table 4096",
     40, browser("chrome"), {"huffman": "off"}),
    ("browser-requests-huffman-256",
     "Chrome-like page loads; Huffman on; SETTINGS_HEADER_TABLE_SIZE 256 (size update to 256 "
     "in the first block, constant eviction)",
     40, browser("chrome"), {"sizes": {0: [256]}}),
    ("browser-requests-plain-0",
     "Chrome-like page loads; no Huffman; dynamic table size 0 (size update to 0 in the first "
     "block; every incrementally indexed literal is evicted at once)",
     30, browser("chrome"), {"huffman": "off", "sizes": {0: [0]}}),
    ("browser-requests-huffman-65536",
     "Chrome-like page loads from two tabs; Huffman on; dynamic table 65536 (size update in the "
     "first block)",
     60, mixed_browser(), {"sizes": {0: [65536]}}),
    ("browser-requests-split-cookies-huffman-4096",
     "Chrome-like requests sending each cookie as its own cookie field (RFC 9113 8.2.3); "
     "Huffman on; dynamic table 4096",
     40, browser("chrome", split_cookies=True), {}),
    ("firefox-requests-huffman-4096",
     "Firefox-like page loads (te: trailers, dnt) on one connection; Huffman on; table 4096",
     40, browser("firefox"), {}),
    ("firefox-requests-plain-65536",
     "Firefox-like page loads; no Huffman; dynamic table 65536 (size update in the first block)",
     40, browser("firefox"), {"huffman": "off", "sizes": {0: [65536]}}),
    ("firefox-requests-mixed-huffman-256",
     "Firefox-like page loads; Huffman chosen per block; table 256",
     30, browser("firefox", split_cookies=True), {"huffman": "mixed", "sizes": {0: [256]}}),
    ("api-requests-huffman-4096",
     "API client requests (GET/POST/PUT/DELETE, bearer JWTs, x-request-id); Huffman on; table 4096",
     50, api_client(), {}),
    ("api-requests-plain-0",
     "API client requests; no Huffman; dynamic table size 0",
     25, api_client(), {"huffman": "off", "sizes": {0: [0]}}),
    ("api-responses-huffman-4096",
     "JSON API responses (status mix, etag, last-modified, vary, CORS, rate limits, HSTS, "
     "set-cookie); Huffman on; table 4096",
     50, server("api"), {}),
    ("api-responses-plain-4096",
     "JSON API responses; no Huffman; table 4096",
     40, server("api"), {"huffman": "off"}),
    ("api-responses-huffman-256",
     "JSON API responses; Huffman on; table 256",
     40, server("api"), {"sizes": {0: [256]}}),
    ("api-responses-plain-0",
     "JSON API responses; no Huffman; dynamic table size 0",
     25, server("api"), {"huffman": "off", "sizes": {0: [0]}}),
    ("api-responses-mixed-huffman-65536",
     "JSON API responses; Huffman chosen per block; table 65536",
     40, server("api"), {"huffman": "mixed", "sizes": {0: [65536]}}),
    ("web-responses-huffman-4096",
     "Web page and asset responses with content-security-policy; Huffman on; table 4096",
     40, server("web"), {}),
    ("sse-responses-huffman-4096",
     "Server-sent-event responses (text/event-stream, cache-control no-cache, "
     "x-accel-buffering no, CORS); Huffman on; table 4096",
     40, server("sse"), {}),
    ("sse-responses-plain-256",
     "Server-sent-event responses; no Huffman; table 256",
     40, server("sse"), {"huffman": "off", "sizes": {0: [256]}}),
    ("sse-responses-huffman-65536",
     "Server-sent-event responses; Huffman on; table 65536",
     30, server("sse"), {"sizes": {0: [65536]}}),
    ("sensitive-requests-huffman-4096",
     "Browser requests with authorization and session cookies marked never-indexed "
     "(literal never indexed, RFC 7541 6.2.3); Huffman on; table 4096",
     40, browser("chrome", sensitive=True, split_cookies=True), {}),
    ("sensitive-api-requests-plain-256",
     "API client requests with authorization / x-api-key never indexed; no Huffman; table 256",
     30, api_client(sensitive=True), {"huffman": "off", "sizes": {0: [256]}}),
    ("sensitive-responses-huffman-4096",
     "API responses with set-cookie never indexed; Huffman on; table 4096",
     30, server("api", sensitive=True), {}),
    ("long-values-huffman-4096",
     "Browser requests with 1-8 KB cookies, JWTs and client hints (values larger than the "
     "dynamic table empty it, RFC 7541 4.4); Huffman on; table 4096",
     20, long_value_requests, {}),
    ("long-values-plain-65536",
     "Browser requests with 1-8 KB cookie and JWT values; no Huffman; table 65536",
     16, long_value_requests, {"huffman": "off", "sizes": {0: [65536]}}),
    ("long-values-api-requests-mixed-huffman-256",
     "API requests with 1-8 KB bearer tokens; Huffman chosen per block; table 256",
     14, api_client(long_tokens=True), {"huffman": "mixed", "sizes": {0: [256]}}),
    ("long-values-responses-huffman-4096",
     "Responses with 1-4 KB set-cookie values, long content-security-policy and 1-8 KB debug "
     "headers; Huffman on; table 4096",
     14, server("web", long_values=True), {}),
    ("table-size-changes",
     "Chrome-like requests at table 4096 that drop to 256 (case 10), then 0 (case 20), "
     "then back to 4096 (case 30); each change is a size update at the start of that block; "
     "Huffman on",
     40, browser("chrome"), {"sizes": {10: [256], 20: [0], 30: [4096]}}),
    ("table-size-changes-responses-plain",
     "API responses with the table size moving 4096 -> 1024 (case 5) -> 65536 (10) -> 0 (15) "
     "-> 256 (20) -> 4096 (25, two updates in one block: 0 then 4096, smaller then larger, "
     "RFC 7541 4.2) -> 512 (30); no Huffman",
     35, server("api"), {"huffman": "off",
                         "sizes": {5: [1024], 10: [65536], 15: [0], 20: [256], 25: [0, 4096],
                                   30: [512]}}),
    ("table-size-changes-mixed-huffman",
     "API client requests with table size changes 4096 -> 256 (case 6) -> 65536 (12) -> "
     "128 then 8192 in one block (18) -> 0 (24); Huffman chosen per block",
     30, api_client(), {"huffman": "mixed",
                        "sizes": {6: [256], 12: [65536], 18: [128, 8192], 24: [0]}}),
]


def main() -> int:
    su.check_hpack_version()
    os.makedirs(OUT, exist_ok=True)
    wanted = set()
    total = 0
    for name, desc, n, make, opts in STORIES:
        story = run_story(name, desc, n, make, **opts)
        path = os.path.join(OUT, name + ".json")
        su.write_story(path, story)
        wanted.add(name + ".json")
        size = os.path.getsize(path)
        total += size
        print(f"python-hpack/{name}.json: {n} cases, {size} bytes")
    for f in sorted(os.listdir(OUT)):
        if f.endswith(".json") and f not in wanted:
            print(f"warning: stale file python-hpack/{f} (not produced by this script)")
    print(f"total {total} bytes in {len(STORIES)} stories")
    return 0


if __name__ == "__main__":
    sys.exit(main())
