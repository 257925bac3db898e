#!/usr/bin/env python3
"""Renders the agents' traffic into every format that carries credentials.

One list of requests with planted cases and their correct twins:
- support-bot (agent): scopes it never uses, a 30-day token, a burst;
- triage-agent (agent): exactly the scopes it needs, a 1-hour token, a
  steady rate;
- checkout-web (not an agent): a 7-day token and a burst, which only
  agents are held to by default;
- report-agent: a token without exp, an agent only when the config's
  marker names its user agent;
- a partner API key used by three user agents, and another used by one
  user agent from two hosts;
- nightly-sync's token used from three hosts, and a twin's from two.

The files it writes are committed fixtures; the inventory tests check that
the three formats give the same client findings. Run it from this
directory: python3 render_agents.py
"""
import base64, datetime, json

BASE = datetime.datetime(2024, 6, 1, 9, 0, 0, tzinfo=datetime.timezone.utc)
HOST = "api.orders.example"
IAT = int(BASE.timestamp()) - 600


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(claims):
    head = b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "fixture"}).encode())
    body = b64(json.dumps(claims, sort_keys=True).encode())
    return "%s.%s.%s" % (head, body, b64(b"not-a-real-signature-" + claims.get("client_id", claims.get("sub", "x")).encode()))


def token(client, scope, lifetime, agent):
    claims = {"iss": "https://idp.orders.example", "sub": "svc-" + client, "client_id": client, "scope": scope, "iat": IAT}
    if lifetime is not None:
        claims["exp"] = IAT + lifetime
    if agent:
        claims["client_type"] = "ai-agent"
    return "Bearer " + jwt(claims)


HOUR, DAY = 3600, 86400
SUPPORT = token("support-bot", "orders:read orders:write refunds:write admin", 30 * DAY, True)
TRIAGE = token("triage-agent", "orders:read", HOUR, True)
CHECKOUT = token("checkout-web", "orders:read orders:write", 7 * DAY, False)
REPORT = token("report-agent", "orders:read", None, False)
SYNC = token("nightly-sync", "orders:read", HOUR, False)
SYNC_TWIN = token("hourly-sync", "orders:read", HOUR, False)
SHARED_KEY = "pk_live_4eC39HqLyjWDarjtT1zdp7dc"
SINGLE_KEY = "pk_live_9xQ2mBvT7aLpR3sK8dW1yZ5n"

requests = []  # (seconds from BASE, method, path, status, credential header, value, user agent, client address)


def add(sec, method, path, status, header, value, ua, addr):
    requests.append((sec, method, path, status, header, value, ua, addr))


# support-bot: two calls a minute for 30 minutes, then 120 in minute 31.
for m in range(30):
    add(m * 60 + 5, "GET", "/v1/orders", 200, "Authorization", SUPPORT, "support-bot/1.4 (agent)", "198.51.100.10")
    add(m * 60 + 35, "GET", "/v1/orders/%d" % (1000 + m), 200, "Authorization", SUPPORT, "support-bot/1.4 (agent)", "198.51.100.10")
for i in range(120):
    add(31 * 60 + i // 2, "GET", "/v1/orders/%d" % (2000 + i), 200, "Authorization", SUPPORT, "support-bot/1.4 (agent)", "198.51.100.10")
# triage-agent: three calls a minute for 30 minutes, five in one.
for m in range(30):
    for k in range(5 if m == 12 else 3):
        add(m * 60 + 10 + k * 9, "GET", "/v1/orders", 200, "Authorization", TRIAGE, "triage-agent/0.9", "198.51.100.11")
# checkout-web: two calls a minute for 20 minutes, then 100 in one minute.
for m in range(20):
    add(m * 60 + 20, "GET", "/v1/orders", 200, "Authorization", CHECKOUT, "Mozilla/5.0 checkout-web/3.2", "203.0.113.20")
    add(m * 60 + 50, "POST", "/v1/orders", 201, "Authorization", CHECKOUT, "Mozilla/5.0 checkout-web/3.2", "203.0.113.20")
for i in range(100):
    add(25 * 60 + i // 2, "GET", "/v1/orders", 200, "Authorization", CHECKOUT, "Mozilla/5.0 checkout-web/3.2", "203.0.113.20")
# report-agent: one call a minute for 12 minutes.
for m in range(12):
    add(m * 60 + 40, "GET", "/v1/orders", 200, "Authorization", REPORT, "ReportAgent/2.0 (langchain)", "198.51.100.12")
# The partner keys.
for i, ua in enumerate(["python-requests/2.31", "curl/8.4.0", "PostmanRuntime/7.36"] * 3):
    add(40 * 60 + i * 7, "GET", "/v1/partner/stock", 200, "X-API-Key", SHARED_KEY, ua, "192.0.2.40")
for i in range(4):
    add(41 * 60 + i * 7, "GET", "/v1/partner/stock", 200, "X-API-Key", SINGLE_KEY, "stock-sync/1.0", "192.0.2.%d" % (41 + i % 2))
# The sync tokens.
for i in range(6):
    add(42 * 60 + i * 5, "GET", "/v1/orders", 200, "Authorization", SYNC, "sync/1.0", "10.0.0.%d" % (1 + i % 3))
for i in range(4):
    add(43 * 60 + i * 5, "GET", "/v1/orders", 200, "Authorization", SYNC_TWIN, "sync/1.0", "10.0.1.%d" % (1 + i % 2))

requests.sort(key=lambda r: (r[0], r[2]))


def ts(sec):
    return BASE + datetime.timedelta(seconds=sec)


def iso(sec):
    return ts(sec).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def har():
    entries = []
    for sec, m, p, s, header, value, ua, addr in requests:
        headers = [{"name": "Host", "value": HOST}, {"name": "User-Agent", "value": ua},
                   {"name": header, "value": value}, {"name": "X-Forwarded-For", "value": addr}]
        entries.append({
            "startedDateTime": iso(sec), "time": 10,
            "request": {"method": m, "url": "https://%s%s" % (HOST, p), "httpVersion": "HTTP/1.1", "cookies": [],
                        "headers": headers, "queryString": [], "headersSize": -1, "bodySize": 0},
            "response": {"status": s, "statusText": "", "httpVersion": "HTTP/1.1", "cookies": [], "headers": [],
                         "content": {"size": 0, "mimeType": "application/json"}, "redirectURL": "", "headersSize": -1, "bodySize": 0},
            "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 0},
        })
    # One entry per line, so that an entry's line is its index plus three.
    with open("agents.har", "w") as f:
        f.write('{"log": {"version": "1.2", "creator": {"name": "specter-fixture", "version": "1"},\n "entries": [\n')
        f.write(",\n".join(json.dumps(e) for e in entries))
        f.write("\n]}}\n")


def otlp():
    spans = []
    for i, (sec, m, p, s, header, value, ua, addr) in enumerate(requests):
        attrs = [("http.request.method", m), ("url.path", p), ("url.scheme", "https"), ("server.address", HOST),
                 ("http.response.status_code", s), ("user_agent.original", ua), ("client.address", addr)]
        out = [{"key": k, "value": {"intValue": str(v)} if isinstance(v, int) else {"stringValue": v}} for k, v in attrs]
        out.append({"key": "http.request.header." + header.lower(), "value": {"arrayValue": {"values": [{"stringValue": value}]}}})
        ns = int(ts(sec).timestamp()) * 10**9
        spans.append({"traceId": "%032x" % (i + 1), "spanId": "%016x" % (i + 1), "name": m, "kind": 2,
                      "startTimeUnixNano": str(ns), "endTimeUnixNano": str(ns + 10_000_000), "attributes": out, "status": {}})
    with open("agents.otlp.jsonl", "w") as f:
        for k in range(0, len(spans), 100):
            req = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "orders"}}]},
                                      "scopeSpans": [{"scope": {"name": "fixture"}, "spans": spans[k:k + 100]}]}]}
            f.write(json.dumps(req) + "\n")


def envoy_json():
    with open("agents.envoy.jsonl", "w") as f:
        for i, (sec, m, p, s, header, value, ua, addr) in enumerate(requests):
            rec = {"start_time": iso(sec), "method": m, "path": p, "protocol": "HTTP/1.1", "response_code": s,
                   "response_flags": "-", "authority": HOST, "user_agent": ua, "x_forwarded_for": addr,
                   "request_id": "r-%04d" % i, "upstream_cluster": "inbound|8080||orders.default.svc.cluster.local"}
            rec["authorization" if header == "Authorization" else "x-api-key"] = value
            f.write(json.dumps(rec) + "\n")


har(); otlp(); envoy_json()
