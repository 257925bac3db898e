package traffic

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const fixtures = "../../testdata/traffic"

func readAll(t *testing.T, data []byte, forced Format) ([]Observation, *Reader, error) {
	t.Helper()
	r, err := Open(bytes.NewReader(data), forced)
	if err != nil {
		return nil, nil, err
	}
	var out []Observation
	err = r.Each(context.Background(), func(o *Observation) error {
		out = append(out, o.Clone())
		return nil
	})
	return out, r, err
}

func readFixture(t *testing.T, name string) ([]Observation, *Reader) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	obs, r, err := readAll(t, data, "")
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return obs, r
}

// Every rendering of the shop request list reads as the same 58 requests
// with the same methods, paths, statuses and timestamps.
func TestEveryFormatReadsTheSameRequests(t *testing.T) {
	want, _ := readFixture(t, "shop.combined.log")
	if len(want) != 58 {
		t.Fatalf("combined: %d observations, want 58", len(want))
	}
	for _, tc := range []struct {
		file   string
		format Format
		host   bool
	}{
		{"shop.combined.log", FormatCombined, false},
		{"shop.har", FormatHAR, true},
		{"shop.envoy.log", FormatEnvoy, true},
		{"shop.envoy.jsonl", FormatEnvoyJSON, true},
		{"shop.alb.log", FormatALB, true},
		{"shop.aggregate.csv", FormatCSV, true},
		{"shop.aggregate.jsonl", FormatJSONL, true},
		{"shop.otlp-old.jsonl", FormatOTLP, true},
		{"shop.otlp-new.jsonl", FormatOTLP, true},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, r := readFixture(t, tc.file)
			if r.Format != tc.format {
				t.Errorf("detected %q, want %q", r.Format, tc.format)
			}
			if r.Skipped != 0 {
				t.Errorf("skipped %d records (%s)", r.Skipped, r.FirstSkip)
			}
			if len(got) != len(want) {
				t.Fatalf("%d observations, want %d", len(got), len(want))
			}
			for i := range want {
				g, w := got[i], want[i]
				gotPath, _, _ := strings.Cut(g.Target, "?")
				wantPath, _, _ := strings.Cut(w.Target, "?")
				if g.Method != w.Method || gotPath != wantPath || g.Status != w.Status || !g.FirstSeen.Equal(w.FirstSeen) || g.Count != 1 {
					t.Errorf("record %d = %s %s %d %s ×%d, want %s %s %d %s", i, g.Method, g.Target, g.Status, g.FirstSeen, g.Count, w.Method, w.Target, w.Status, w.FirstSeen)
				}
				if tc.host && g.Host != "api.shop.example" {
					t.Errorf("record %d host %q", i, g.Host)
				}
				if g.Line < 1 {
					t.Errorf("record %d has no line", i)
				}
			}
		})
	}
}

func TestLineNumbers(t *testing.T) {
	for _, tc := range []struct {
		file  string
		index int
		line  int
	}{
		{"shop.combined.log", 0, 1},
		{"shop.combined.log", 57, 58},
		{"shop.har", 0, 9},  // the entry's opening brace
		{"shop.har", 1, 56}, // entries are 47 lines apart
		{"shop.otlp-old.jsonl", 30, 2},
		{"shop.aggregate.csv", 0, 2}, // after the header
	} {
		obs, _ := readFixture(t, tc.file)
		if got := obs[tc.index].Line; got != tc.line {
			t.Errorf("%s record %d: line %d, want %d", tc.file, tc.index, got, tc.line)
		}
	}
}

func TestFieldDetails(t *testing.T) {
	t.Run("common and vhost_combined", func(t *testing.T) {
		obs, r := readFixture(t, "shop.common.log")
		if r.Format != FormatCombined || len(obs) != 3 || obs[0].Host != "api.shop.example" || obs[2].Method != "POST" {
			t.Fatalf("got %s %+v", r.Format, obs)
		}
	})
	t.Run("istio text with no-route flag", func(t *testing.T) {
		obs, _ := readFixture(t, "shop.istio.log")
		if len(obs) != 5 || obs[1].Host != "beta.shop.example" || obs[4].Status != 404 || obs[4].Host != "staging.shop.example" {
			t.Fatalf("got %+v", obs)
		}
	})
	t.Run("api gateway routes, stage and authorizer", func(t *testing.T) {
		obs, _ := readFixture(t, "shop.apigateway.jsonl")
		if obs[0].Route != "/users/{id}" || obs[0].Target != "/api/v2/users/42" || obs[0].Auth != AuthPresent {
			t.Errorf("first record %+v", obs[0])
		}
		if obs[1].Auth != AuthNone {
			t.Errorf("authorizer '-' should mean no credentials: %+v", obs[1])
		}
		last := obs[len(obs)-1]
		if last.Route != "/health" || last.Method != "GET" || last.Host != "api.shop.example" || last.Auth != AuthUnknown ||
			!last.FirstSeen.Equal(time.UnixMilli(1717236007000)) {
			t.Errorf("HTTP API record %+v", last)
		}
	})
	t.Run("har credentials, preflight, bodies and status 0", func(t *testing.T) {
		obs, r := readFixture(t, "auth.har")
		if r.Skipped != 1 || !strings.Contains(r.FirstSkip, "status 0") {
			t.Errorf("skipped %d (%s), want the status-0 entry", r.Skipped, r.FirstSkip)
		}
		if obs[0].Auth != AuthNone || obs[1].Auth != AuthPresent || !obs[0].HeadersKnown {
			t.Errorf("auth: %v %v", obs[0].Auth, obs[1].Auth)
		}
		if !strings.Contains(obs[5].Body, "lovelace-labs.io") {
			t.Errorf("base64 body not decoded: %q", obs[5].Body)
		}
		if obs[3].Auth != AuthNone || !contains(obs[3].Caller.CredentialNames, "x-partner-key") {
			t.Errorf("custom key header not recorded: %+v", obs[3])
		}
		shop, _ := readFixture(t, "shop.har")
		if !shop[7].Preflight || shop[7].Method != "OPTIONS" {
			t.Errorf("preflight not recognised: %+v", shop[7])
		}
	})
	t.Run("aggregated counts and times", func(t *testing.T) {
		data := []byte("method,host,path,status,count,first_seen,last_seen\nGET,API.example.com:443,/users/1,200,5000,2024-06-01 00:00:00.000,2024-06-30T23:59:59Z\n")
		obs, _, err := readAll(t, data, "")
		if err != nil || len(obs) != 1 {
			t.Fatal(err, obs)
		}
		o := obs[0]
		if o.Count != 5000 || o.Host != "api.example.com" || o.FirstSeen.Day() != 1 || o.LastSeen.Day() != 30 {
			t.Errorf("%+v", o)
		}
	})
	t.Run("athena csv, everything quoted", func(t *testing.T) {
		data := []byte(`"method","host","path","status","count","first_seen","last_seen"` + "\n" +
			`"POST","api.shop.example","/api/v2/orders/1001/refund","200","3","2024-06-02 10:11:12.000","2024-06-02 10:14:00.000"` + "\n")
		obs, r, err := readAll(t, data, "")
		if err != nil || r.Format != FormatCSV || len(obs) != 1 {
			t.Fatal(err, r, obs)
		}
		if o := obs[0]; o.Method != "POST" || o.Count != 3 || o.LastSeen.Minute() != 14 || o.Target != "/api/v2/orders/1001/refund" {
			t.Errorf("%+v", o)
		}
	})
	t.Run("bigquery jsonl, numbers as strings", func(t *testing.T) {
		data := []byte(`{"method":"GET","host":"api.shop.example","path":"/api/v2/users/42","status":"200","count":"5120","first_seen":"2024-06-01T00:00:03Z","last_seen":"2024-06-30T23:59:41Z"}` + "\n")
		obs, r, err := readAll(t, data, "")
		if err != nil || r.Format != FormatJSONL || len(obs) != 1 || obs[0].Count != 5120 || obs[0].Status != 200 {
			t.Fatal(err, r, obs)
		}
	})
	t.Run("otel stable with _OTHER and dup attributes", func(t *testing.T) {
		data := []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[` +
			`{"kind":"SPAN_KIND_SERVER","startTimeUnixNano":"1717236000000000000","attributes":[{"key":"http.request.method","value":{"stringValue":"_OTHER"}},{"key":"http.request.method_original","value":{"stringValue":"PURGE"}},{"key":"url.path","value":{"stringValue":"/cache"}},{"key":"http.response.status_code","value":{"intValue":204}}]},` +
			`{"kind":2,"attributes":[{"key":"http.request.method","value":{"stringValue":"GET"}},{"key":"http.method","value":{"stringValue":"GET"}},{"key":"url.path","value":{"stringValue":"/users/1"}},{"key":"http.target","value":{"stringValue":"/users/1?x=1"}},{"key":"http.route","value":{"stringValue":"/users/:id"}},{"key":"http.response.status_code","value":{"intValue":"200"}},{"key":"http.status_code","value":{"intValue":"200"}},{"key":"http.request.header.authorization","value":{"arrayValue":{"values":[{"stringValue":"Bearer x"}]}}}]},` +
			`{"kind":3,"attributes":[{"key":"http.request.method","value":{"stringValue":"GET"}},{"key":"url.full","value":{"stringValue":"https://upstream/x"}},{"key":"http.response.status_code","value":{"intValue":"200"}}]}` +
			`]}]}]}`)
		obs, _, err := readAll(t, data, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(obs) != 2 {
			t.Fatalf("want 2 server spans (client span ignored, dup counted once), got %+v", obs)
		}
		if obs[0].Method != "PURGE" || obs[0].Status != 204 || obs[0].FirstSeen.IsZero() {
			t.Errorf("%+v", obs[0])
		}
		if obs[1].Route != "/users/:id" || obs[1].Target != "/users/1" || obs[1].Auth != AuthPresent {
			t.Errorf("%+v", obs[1])
		}
	})
}

func TestBadInput(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	combined, _ := os.ReadFile(filepath.Join(fixtures, "shop.combined.log"))
	zw.Write(combined)
	zw.Close()
	truncated := gz.Bytes()[:gz.Len()/2]
	long := "203.0.113.1 - - [01/Jun/2024:10:00:00 +0000] \"GET /" + strings.Repeat("a", MaxLineBytes+10) + " HTTP/1.1\" 200 1 \"-\" \"-\"\n"
	good := "203.0.113.1 - - [01/Jun/2024:10:00:00 +0000] \"GET /ok HTTP/1.1\" 200 1 \"-\" \"-\"\n"

	for _, tc := range []struct {
		name    string
		data    []byte
		forced  Format
		wantErr string // "" = no error
		records int
		skipped int
	}{
		{name: "gzip", data: gz.Bytes(), records: 58},
		{name: "truncated gzip", data: truncated, wantErr: "unexpected EOF"},
		{name: "gzip magic then garbage", data: []byte{0x1f, 0x8b, 0xff, 0x00, 0x13, 0x37}, wantErr: "gzip"},
		{name: "binary", data: []byte("\x00\x01\x02ELF\x00\x00garbage"), wantErr: "binary input"},
		{name: "empty", data: nil, wantErr: "empty input"},
		{name: "unknown text", data: []byte("hello world\nthis is prose\n"), wantErr: "unrecognised traffic format"},
		{name: "unknown JSON", data: []byte(`{"a":1}` + "\n"), wantErr: "neither HAR"},
		{name: "huge line skipped", data: []byte(good + long + good), records: 2, skipped: 1},
		{name: "malformed lines counted", data: mustRead(t, "malformed.combined.log"), records: 2, skipped: 5},
		{name: "malformed HAR", data: []byte(`{"log":{"entries":[{"request":{"method":"GET","url":"https://a/b"},"response":{"status":200}}, {`), wantErr: "malformed HAR"},
		{name: "HAR entry of the wrong shape", data: []byte(`{"log":{"version":"1.2","entries":[{"request":"nope"},{"request":{"method":"GET","url":"https://a/b"},"response":{"status":200}}]}}`), records: 1, skipped: 1},
		{name: "not HAR when forced", data: []byte("[1,2]"), forced: FormatHAR, wantErr: "not a HAR file"},
		{name: "malformed OTLP", data: []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":2,`), wantErr: "malformed OTLP"},
		{name: "csv without header", data: []byte("GET,h,/a,200,1,,\n"), forced: FormatCSV, wantErr: "first line must name the columns"},
		{name: "csv bad count", data: []byte("method,host,path,status,count\nGET,h,/a,200,-3\nGET,h,/b,200,2\n"), records: 1, skipped: 1},
		{name: "alb without request", data: []byte(`http 2024-06-01T10:00:00.000000Z app/x/1 1.2.3.4:5 - -1 -1 -1 400 - 0 0 "- - - " "-" - - - "-" "-" "-" - 2024-06-01T10:00:00.000000Z "-" "-" "-" "-" "-" "-" "-"` + "\n"), records: 0, skipped: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs, r, err := readAll(t, tc.data, tc.forced)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(obs) != tc.records || r.Skipped != tc.skipped {
				t.Errorf("%d records, %d skipped; want %d and %d (first skip: %s)", len(obs), r.Skipped, tc.records, tc.skipped, r.FirstSkip)
			}
		})
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"": "", "auto": "", "har": FormatHAR, "nginx": FormatCombined, "apache": FormatCombined, "otlp": FormatOTLP} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("pcap"); err == nil {
		t.Error("pcap accepted")
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := Open(bytes.NewReader(mustRead(t, "shop.combined.log")), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Each(ctx, func(*Observation) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestCLFTime(t *testing.T) {
	got := parseCLFTime("10/Oct/2000:13:55:36 -0700")
	want := time.Date(2000, 10, 10, 20, 55, 36, 0, time.UTC)
	if !got.Equal(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for _, bad := range []string{"", "10/Foo/2000:13:55:36 -0700", "99/Oct/2000:13:55:36 -0700", "10/Oct/2000:13:55:36 *0700"} {
		if !parseCLFTime(bad).IsZero() {
			t.Errorf("%q parsed", bad)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Records without a method or with an unparsable URL are skipped and
// counted per reason, with the line (and, in HAR, the entry) of the first.
func TestSkipReasons(t *testing.T) {
	type want struct {
		reason      SkipReason
		count       int
		line, entry int
	}
	for _, tc := range []struct {
		name    string
		data    []byte
		records int
		want    []want
	}{
		{
			name:    "har entries",
			data:    mustRead(t, "bad-entries.har"),
			records: 2,
			want: []want{
				{SkipNoMethod, 3, 48, 2},
				{SkipBadURL, 3, 125, 4},
			},
		},
		{
			name:    "combined lines",
			data:    mustRead(t, "malformed.combined.log"),
			records: 2,
			want: []want{
				{SkipNoMethod, 1, 2, 0},
				{SkipMalformed, 4, 3, 0},
			},
		},
		{
			name: "otlp span without a method",
			data: []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[` +
				`{"kind":2,"attributes":[{"key":"url.path","value":{"stringValue":"/a"}},{"key":"http.response.status_code","value":{"intValue":"200"}}]},` +
				`{"kind":2,"attributes":[{"key":"rpc.system","value":{"stringValue":"grpc"}}]},` +
				`{"kind":2,"attributes":[{"key":"http.request.method","value":{"stringValue":"GET"}},{"key":"url.path","value":{"stringValue":"/a b"}},{"key":"http.response.status_code","value":{"intValue":"200"}}]}` +
				`]}]}]}` + "\n"),
			want: []want{
				{SkipNoMethod, 1, 1, 1},
				{SkipBadURL, 1, 1, 3},
			},
		},
		{
			name:    "envoy json",
			data:    []byte(`{"start_time":"2024-06-01T10:00:00.000Z","method":"-","path":"/a","response_code":400}` + "\n" + `{"start_time":"2024-06-01T10:00:00.000Z","method":"GET","path":"/a","response_code":200}` + "\n"),
			records: 1,
			want:    []want{{SkipNoMethod, 1, 1, 0}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs, r, err := readAll(t, tc.data, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(obs) != tc.records {
				t.Errorf("%d records, want %d: %+v", len(obs), tc.records, obs)
			}
			got := map[SkipReason]SkipCount{}
			total := 0
			for _, s := range r.Skips {
				got[s.Reason] = s
				total += s.Count
			}
			if total != r.Skipped {
				t.Errorf("skips per reason add up to %d, Skipped is %d", total, r.Skipped)
			}
			for _, w := range tc.want {
				g := got[w.reason]
				if g.Count != w.count || g.FirstLine != w.line || g.FirstEntry != w.entry {
					t.Errorf("%s: %+v, want %d first at line %d entry %d", w.reason, g, w.count, w.line, w.entry)
				}
				if !strings.Contains(g.First, fmt.Sprintf("line %d", w.line)) {
					t.Errorf("%s: description %q lacks the line", w.reason, g.First)
				}
			}
		})
	}
}

func TestClientEvidence(t *testing.T) {
	t.Run("combined", func(t *testing.T) {
		obs, _ := readFixture(t, "shop.combined.log")
		if obs[0].UserAgent != "shop-app/3.1 (iOS)" || obs[0].ClientAddr != "203.0.113.1" {
			t.Errorf("%+v", obs[0])
		}
		obs, _ = readFixture(t, "shop.common.log")
		if obs[0].UserAgent != "shop-app/3.1" || obs[0].ClientAddr != "203.0.113.1" || obs[1].UserAgent != "" {
			t.Errorf("vhost_combined, then common lines without a user agent: %+v", obs)
		}
	})
	t.Run("alb", func(t *testing.T) {
		obs, _ := readFixture(t, "shop.alb.log")
		if obs[0].UserAgent != "shop-app/3.1" || obs[0].ClientAddr != "203.0.113.1" {
			t.Errorf("%+v", obs[0])
		}
	})
	t.Run("envoy and istio text", func(t *testing.T) {
		obs, _ := readFixture(t, "shop.envoy.log")
		if obs[0].UserAgent != "shop-app/3.1" || obs[0].ClientAddr != "203.0.113.1" {
			t.Errorf("%+v", obs[0])
		}
		obs, _ = readFixture(t, "shop.istio.log")
		if obs[1].UserAgent != "curl/8.4.0" || obs[1].Host != "beta.shop.example" {
			t.Errorf("%+v", obs[1])
		}
	})
	t.Run("envoy json with headers", func(t *testing.T) {
		line := `{"start_time":"2024-06-01T10:00:00.000Z","method":"GET","path":"/a","response_code":200,"user_agent":"bot/1","x_forwarded_for":"198.51.100.4, 10.0.0.1","authorization":"Bearer abc.def.ghi","x-api-key":"k_123"}`
		obs, _, err := readAll(t, []byte(line+"\n"), "")
		if err != nil || len(obs) != 1 {
			t.Fatal(err, obs)
		}
		o := obs[0]
		if c := o.Caller; o.UserAgent != "bot/1" || o.ClientAddr != "198.51.100.4" || c == nil || c.Authorization != "Bearer abc.def.ghi" || c.APIKey != "k_123" || o.Auth != AuthPresent {
			t.Errorf("%+v", o)
		}
	})
	t.Run("har headers and query keys", func(t *testing.T) {
		obs, _ := readFixture(t, "auth.har")
		if obs[1].Caller.Authorization == "" || obs[3].Caller.APIKeyName != "x-partner-key" || obs[3].Caller.APIKey == "" {
			t.Errorf("%+v / %+v", obs[1], obs[3])
		}
	})
	t.Run("otel attributes", func(t *testing.T) {
		data := []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":2,"attributes":[` +
			`{"key":"http.request.method","value":{"stringValue":"GET"}},{"key":"url.path","value":{"stringValue":"/a"}},{"key":"http.response.status_code","value":{"intValue":"200"}},` +
			`{"key":"client.id","value":{"stringValue":"support-bot"}},{"key":"enduser.id","value":{"stringValue":"u-1"}},{"key":"enduser.scope","value":{"stringValue":"orders:read admin"}},` +
			`{"key":"user_agent.original","value":{"stringValue":"agent/2"}},{"key":"client.address","value":{"stringValue":"198.51.100.9"}},` +
			`{"key":"http.request.header.authorization","value":{"arrayValue":{"values":[{"stringValue":"Bearer t0k"}]}}}]}]}]}]}` + "\n")
		obs, _, err := readAll(t, data, "")
		if err != nil || len(obs) != 1 {
			t.Fatal(err, obs)
		}
		o := obs[0]
		if c := o.Caller; c.ClientID != "support-bot" || c.EndUser != "u-1" || c.Scopes != "orders:read admin" || o.UserAgent != "agent/2" ||
			o.ClientAddr != "198.51.100.9" || c.Authorization != "Bearer t0k" || o.Auth != AuthPresent {
			t.Errorf("%+v", o)
		}
	})
	t.Run("api gateway authorizer", func(t *testing.T) {
		line := `{"httpMethod":"GET","path":"/a","status":"200","ip":"203.0.113.9","userAgent":"agent/3","authorizer":{"principalId":"u-7","claims":{"client_id":"support-bot","scope":"orders:read","client_type":"ai-agent"}},"apiKeyId":"abc123"}`
		obs, _, err := readAll(t, []byte(line+"\n"), FormatAPIGateway)
		if err != nil || len(obs) != 1 {
			t.Fatal(err, obs)
		}
		o := obs[0]
		if c := o.Caller; c.EndUser != "u-7" || c.ClientID != "support-bot" || c.Scopes != "orders:read" || c.ClientType != "ai-agent" ||
			o.ClientAddr != "203.0.113.9" || o.UserAgent != "agent/3" || c.APIKey != "abc123" || o.Auth != AuthPresent {
			t.Errorf("%+v", o)
		}
	})
}

func TestISOTime(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2024-06-01T12:00:00Z":             time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC),
		"2024-06-01T12:00:00.5Z":           time.Date(2024, 6, 1, 12, 0, 0, 5e8, time.UTC),
		"2024-06-01T12:00:00.123456Z":      time.Date(2024, 6, 1, 12, 0, 0, 123456000, time.UTC),
		"2024-06-01T12:00:00.123456789Z":   time.Date(2024, 6, 1, 12, 0, 0, 123456789, time.UTC),
		"2024-06-01T14:00:00.000+02:00":    time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC),
		"2024-13-01T12:00:00Z":             {},
		"2024-06-01T12:00:00.Z":            {},
		"not a time":                       {},
		"2024-06-01T12:00:00.12x456Z":      {},
		"2024-06-01T25:00:00Z":             {},
		"2024-06-01T12:00:00.000000000000": {},
	} {
		if got := parseISOTime(in); !got.Equal(want) {
			t.Errorf("parseISOTime(%q) = %v, want %v", in, got, want)
		}
	}
}
