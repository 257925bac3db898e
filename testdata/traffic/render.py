#!/usr/bin/env python3
"""Renders one list of requests into every traffic format specter reads.

The files it writes are committed fixtures; the inventory tests check that
the same requests give the same findings in every format. Run it from this
directory after changing REQUESTS: python3 render.py
"""
import csv, datetime, json

BASE = datetime.datetime(2024, 6, 1, 10, 0, 0, tzinfo=datetime.timezone.utc)
HOST = "api.shop.example"

REQUESTS = [
    ("GET", "/api/v2/users/me", 200),
    ("GET", "/api/v2/users/42", 200),
    ("GET", "/api/v2/users/%34%32?expand=orders", 200),
    ("HEAD", "/api/v2/users/42", 200),
    ("GET", "/api/v2/users/7/orders", 200),
    ("GET", "/api/v2/orders/", 200),
    ("POST", "/api/v2/orders", 201),
    ("OPTIONS", "/api/v2/orders", 204),
    ("GET", "/api/v2/orders/1001", 200),
    ("GET", "/api/v2/files/report.pdf", 200),
    ("GET", "/api/v2/files/report.exe", 200),
    ("POST", "/api/v2/jobs/nightly:cancel", 202),
    ("GET", "/api/v2/reports/2024-06-01", 200),
    ("GET", "/api/v2/reports/latest", 200),
    ("GET", "/api/v2/public-specs/v2", 200),
    ("GET", "/api/v2/public-specs/3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60", 200),
    ("GET", "/api/v2/users/export", 200),
] + [("POST", "/api/v2/orders/%d/refund" % n, 200) for n in range(1001, 1013)] + [
    ("GET", "/api/v2/users/42/avatar", 200),
    ("DELETE", "/api/v2/users/42", 405),
    ("GET", "/.env", 404),
    ("GET", "/wp-login.php", 404),
    ("GET", "/api/v2/.git/config", 404),
    ("GET", "/api/v2/legacy/search?q=shoes", 200),
    ("GET", "/api/v1/users/42", 200),
    ("GET", "/api/v2/coupons/SUMMER24", 200),
    ("GET", "/internal/metrics", 200),
] + [("GET", "/api/v2/tags/" + w, 200) for w in
     ["apple", "banana", "cherry", "damson", "elder", "fig", "grape", "hazel", "iris", "juniper", "kiwi"]] + [
    ("GET", "/api/v2/health", 200),
    ("GET", "/api/v2/customers/cus_9s6XKzkNRiz8i3", 200),
    ("GET", "/api/v2/customers/cus_4Fq8YzLmNpQ2rT", 200),
    ("GET", "/api/v2/users/a.lovelace@gmail.com/prefs", 200),
    # A per-user segment under a documented string parameter: one shadow
    # endpoint /api/v2/accounts/{accountName}/sessions, not one per user.
    ("GET", "/api/v2/accounts/alice", 200),
    ("GET", "/api/v2/accounts/alice/sessions", 200),
    ("GET", "/api/v2/accounts/bob/sessions", 200),
    # A traversal probe refused with 400 is probe noise; one that was
    # served is a shadow endpoint.
    ("GET", "/api/v2/files/..%2f..%2f..%2fetc%2fpasswd", 400),
    ("GET", "/api/v2/static/..%2f..%2fconfig.json", 200),
]


def ts(i):
    return BASE + datetime.timedelta(seconds=i)


def combined():
    with open("shop.combined.log", "w") as f:
        for i, (m, p, s) in enumerate(REQUESTS):
            t = ts(i).strftime("%d/%b/%Y:%H:%M:%S +0000")
            f.write('203.0.113.%d - - [%s] "%s %s HTTP/1.1" %d %d "-" "shop-app/3.1 (iOS)"\n' % (i % 250 + 1, t, m, p, s, 120 + i))


def har():
    entries = []
    for i, (m, p, s) in enumerate(REQUESTS):
        path, _, query = p.partition("?")
        headers = [{"name": "Host", "value": HOST}, {"name": "User-Agent", "value": "shop-app/3.1"},
                   {"name": "Authorization", "value": "Bearer <redacted>"}]
        if m == "POST" and path == "/api/v2/orders":
            headers.append({"name": "X-Partner-Key", "value": "<redacted>"})
        if m == "OPTIONS":
            headers = [{"name": "Host", "value": HOST}, {"name": "Origin", "value": "https://shop.example"},
                       {"name": "Access-Control-Request-Method", "value": "POST"}]
        qs = [{"name": k, "value": v} for k, _, v in (kv.partition("=") for kv in query.split("&") if kv)]
        entries.append({
            "startedDateTime": ts(i).isoformat().replace("+00:00", "Z"),
            "time": 12.5,
            "request": {"method": m, "url": "https://%s%s" % (HOST, p), "httpVersion": "HTTP/1.1",
                        "cookies": [], "headers": headers, "queryString": qs, "headersSize": -1, "bodySize": 0},
            "response": {"status": s, "statusText": "", "httpVersion": "HTTP/1.1", "cookies": [], "headers": [],
                         "content": {"size": 0, "mimeType": "application/json"}, "redirectURL": "",
                         "headersSize": -1, "bodySize": 0},
            "cache": {}, "timings": {"send": 0, "wait": 12, "receive": 0.5},
        })
    doc = {"log": {"version": "1.2", "creator": {"name": "mitmproxy", "version": "10.1"}, "entries": entries}}
    with open("shop.har", "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


def envoy():
    with open("shop.envoy.log", "w") as f:
        for i, (m, p, s) in enumerate(REQUESTS):
            t = ts(i).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            f.write('[%s] "%s %s HTTP/1.1" %d - 0 %d 3 2 "203.0.113.%d" "shop-app/3.1" "a1b2c3d4-%04d" "%s" "10.0.3.7:8080"\n'
                    % (t, m, p, s, 100 + i, i % 250 + 1, i, HOST))


def envoy_json():
    with open("shop.envoy.jsonl", "w") as f:
        for i, (m, p, s) in enumerate(REQUESTS):
            rec = {"start_time": ts(i).strftime("%Y-%m-%dT%H:%M:%S.000Z"), "method": m, "path": p, "protocol": "HTTP/1.1",
                   "response_code": s, "response_flags": "-", "bytes_received": 0, "bytes_sent": 100 + i, "duration": 3,
                   "authority": HOST, "user_agent": "shop-app/3.1", "request_id": "a1b2c3d4-%04d" % i,
                   "upstream_host": "10.0.3.7:8080", "upstream_cluster": "inbound|8080||shop.default.svc.cluster.local",
                   "route_name": "default"}
            f.write(json.dumps(rec) + "\n")


def alb():
    with open("shop.alb.log", "w") as f:
        for i, (m, p, s) in enumerate(REQUESTS):
            t = ts(i).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
            f.write('https %s app/shop-prod/50dc6c495c0c9188 203.0.113.%d:51234 10.0.3.7:8080 0.000 0.012 0.000 %d %d 34 %d '
                    '"%s https://%s:443%s HTTP/1.1" "shop-app/3.1" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 '
                    'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop/73e2d6bc24d8a067 '
                    '"Root=1-58337262-36d228ad5d99923122bbe354" "%s" "arn:aws:acm:eu-west-1:123456789012:certificate/12345678" '
                    '0 %s "forward" "-" "-" "10.0.3.7:8080" "%d" "-" "-" TID_1234\n'
                    % (t, i % 250 + 1, s, s, 100 + i, m, HOST, p, HOST, t, s))


def aggregate():
    groups = {}
    for i, (m, p, s) in enumerate(REQUESTS):
        key = (m, HOST, p.partition("?")[0], s)
        g = groups.setdefault(key, [0, ts(i), ts(i)])
        g[0] += 1
        g[2] = ts(i)
    with open("shop.aggregate.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["method", "host", "path", "status", "count", "first_seen", "last_seen"])
        for (m, h, p, s), (n, a, b) in groups.items():
            w.writerow([m, h, p, s, n, a.strftime("%Y-%m-%d %H:%M:%S"), b.strftime("%Y-%m-%d %H:%M:%S")])
    with open("shop.aggregate.jsonl", "w") as f:
        for (m, h, p, s), (n, a, b) in groups.items():
            f.write(json.dumps({"method": m, "host": h, "path": p, "status": s, "count": n,
                                "first_seen": a.isoformat().replace("+00:00", "Z"),
                                "last_seen": b.isoformat().replace("+00:00", "Z")}) + "\n")


def otlp(generation):
    spans = []
    for i, (m, p, s) in enumerate(REQUESTS):
        path, _, query = p.partition("?")
        if generation == "old":
            attrs = [("http.method", m), ("http.target", p), ("http.scheme", "https"), ("net.host.name", HOST),
                     ("http.status_code", s)]
        else:
            attrs = [("http.request.method", m), ("url.path", path), ("url.scheme", "https"),
                     ("server.address", HOST), ("http.response.status_code", s)]
            if query:
                attrs.append(("url.query", query))
        out = []
        for k, v in attrs:
            out.append({"key": k, "value": {"intValue": str(v)} if isinstance(v, int) else {"stringValue": v}})
        ns = int(ts(i).timestamp()) * 10**9
        spans.append({"traceId": "%032x" % (i + 1), "spanId": "%016x" % (i + 1), "name": m, "kind": 2,
                      "startTimeUnixNano": str(ns), "endTimeUnixNano": str(ns + 12_000_000), "attributes": out,
                      "status": {}})
    # Two export batches, as the collector's file exporter writes them.
    with open("shop.otlp-%s.jsonl" % generation, "w") as f:
        for chunk in (spans[: len(spans) // 2], spans[len(spans) // 2:]):
            req = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "shop"}}]},
                                      "scopeSpans": [{"scope": {"name": "io.opentelemetry.tomcat-10.0"}, "spans": chunk}]}]}
            f.write(json.dumps(req) + "\n")


combined(); har(); envoy(); envoy_json(); alb(); aggregate(); otlp("old"); otlp("new")
