package traffic

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// OTLP/JSON as the collector's file exporter writes it: one
// ExportTraceServiceRequest per line (a single pretty-printed request is
// read the same way). Only the fields the inventory needs are decoded.
type (
	otlpRequest struct {
		ResourceSpans []struct {
			ScopeSpans []struct {
				Spans []otlpSpan `json:"spans"`
			} `json:"scopeSpans"`
			// instrumentationLibrarySpans is the pre-1.0 name of scopeSpans.
			LibrarySpans []struct {
				Spans []otlpSpan `json:"spans"`
			} `json:"instrumentationLibrarySpans"`
		} `json:"resourceSpans"`
	}
	otlpSpan struct {
		Kind              json.RawMessage `json:"kind"`
		StartTimeUnixNano json.RawMessage `json:"startTimeUnixNano"`
		Attributes        []otlpAttribute `json:"attributes"`
	}
	otlpAttribute struct {
		Key   string `json:"key"`
		Value struct {
			StringValue *string         `json:"stringValue"`
			IntValue    json.RawMessage `json:"intValue"`
			ArrayValue  *struct {
				Values []json.RawMessage `json:"values"`
			} `json:"arrayValue"`
		} `json:"value"`
	}
)

// otlpDecoder decodes one export request at a time and hands out its
// server spans; memory is bounded by the largest export batch.
type otlpDecoder struct {
	dec     *json.Decoder
	lines   *lineTracker
	pending []Observation
	skips   []error
}

func newOTLPDecoder(br *bufio.Reader) *otlpDecoder {
	t := newLineTracker(br)
	return &otlpDecoder{dec: json.NewDecoder(t), lines: t}
}

func (d *otlpDecoder) next() (Observation, error) {
	for {
		if len(d.skips) > 0 {
			err := d.skips[0]
			d.skips = d.skips[1:]
			return Observation{}, err
		}
		if len(d.pending) > 0 {
			o := d.pending[0]
			d.pending = d.pending[1:]
			return o, nil
		}
		line := skipSpaceLine(d.lines, d.dec.InputOffset())
		var req otlpRequest
		if err := d.dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return Observation{}, io.EOF
			}
			var typeErr *json.UnmarshalTypeError
			if errors.As(err, &typeErr) {
				return Observation{}, &SkipError{Reason: SkipMalformed, Line: line, Detail: "export request: " + err.Error()}
			}
			return Observation{}, fmt.Errorf("line %d: malformed OTLP/JSON: %w", line, err)
		}
		for _, rs := range req.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				d.add(ss.Spans, line)
			}
			for _, ss := range rs.LibrarySpans {
				d.add(ss.Spans, line)
			}
		}
	}
}

func (d *otlpDecoder) add(spans []otlpSpan, line int) {
	for i := range spans {
		o, ok, err := otlpObservation(&spans[i])
		if err != nil {
			d.skips = append(d.skips, skipAt(err, line, i+1))
			continue
		}
		if ok {
			o.Line = line
			d.pending = append(d.pending, o)
		}
	}
}

// otlpObservation reads a server span under either generation of the HTTP
// semantic conventions (stable ≥ 1.23 first, then the old names, so
// OTEL_SEMCONV_STABILITY_OPT_IN=http/dup spans count once). ok is false
// for spans that are not HTTP server spans.
func otlpObservation(s *otlpSpan) (o Observation, ok bool, err error) {
	kind := strings.Trim(string(s.Kind), `"`)
	if kind != "2" && kind != "SPAN_KIND_SERVER" {
		return o, false, nil
	}
	attrs := make(map[string]string, len(s.Attributes))
	headers := false
	for _, a := range s.Attributes {
		switch {
		case a.Value.StringValue != nil:
			attrs[a.Key] = *a.Value.StringValue
		case len(a.Value.IntValue) > 0:
			attrs[a.Key] = strings.Trim(string(a.Value.IntValue), `"`)
		case a.Value.ArrayValue != nil:
			// Header attributes are arrays of strings: keep the first.
			if vs := a.Value.ArrayValue.Values; len(vs) > 0 {
				var first struct {
					StringValue string `json:"stringValue"`
				}
				_ = json.Unmarshal(vs[0], &first)
				attrs[a.Key] = first.StringValue
				if first.StringValue == "" {
					attrs[a.Key] = "present"
				}
			}
		}
		if strings.HasPrefix(a.Key, "http.request.header.") {
			headers = true
		}
	}
	first := func(keys ...string) string {
		for _, k := range keys {
			if v := attrs[k]; v != "" {
				return v
			}
		}
		return ""
	}
	method := first("http.request.method", "http.method")
	if method == "_OTHER" {
		method = first("http.request.method_original")
	}
	target := first("url.path", "http.target")
	if method == "" {
		if target == "" && first("http.response.status_code", "http.status_code") == "" {
			return o, false, nil // not an HTTP span (gRPC, messaging)
		}
		return o, false, fmt.Errorf("%w: HTTP server span without http.request.method", errNoMethod)
	}
	if !isToken(method) {
		return o, false, fmt.Errorf("%w: malformed method", errNoMethod)
	}
	o.Method = upperMethod(method)
	if target == "" {
		if u := first("url.full", "http.url"); u != "" {
			if err := setTarget(&o, u); err != nil {
				return o, false, err
			}
			target = o.Target
		}
	}
	if target == "" {
		return o, false, fmt.Errorf("%w: no url.path, http.target or http.url", errBadURL)
	}
	if err := setTarget(&o, target); err != nil {
		return o, false, err
	}
	o.Route = first("http.route")
	if o.Status = atoiStatus(first("http.response.status_code", "http.status_code")); o.Status == 0 {
		return o, false, fmt.Errorf("%w: no status code", errNoResponse)
	}
	if h := first("server.address", "net.host.name", "http.host"); h != "" {
		o.Host = hostOnly(h)
	}
	if ns, err := strconv.ParseInt(strings.Trim(string(s.StartTimeUnixNano), `"`), 10, 64); err == nil && ns > 0 {
		o.FirstSeen = time.Unix(0, ns).UTC()
	}
	o.UserAgent = first("user_agent.original", "http.user_agent")
	o.ClientAddr = addrOnly(first("client.address", "http.client_ip", "net.sock.peer.addr", "net.peer.ip"))
	if id, user, scopes := first("client.id"), first("enduser.id", "user.id"), first("enduser.scope"); id != "" || user != "" || scopes != "" {
		c := o.caller()
		c.ClientID, c.EndUser, c.Scopes = id, user, scopes
	}
	if headers {
		o.HeadersKnown = true
		o.Auth = AuthNone
		names := make([]string, 0, 4)
		for k := range attrs {
			if strings.HasPrefix(k, "http.request.header.") {
				names = append(names, k)
			}
		}
		sort.Strings(names) // map order must not pick the API key
		for _, k := range names {
			name := strings.ReplaceAll(strings.TrimPrefix(k, "http.request.header."), "_", "-")
			c := o.caller()
			c.CredentialNames = append(c.CredentialNames, name)
			if isCredentialHeader(name) {
				o.Auth = AuthPresent
			}
			if name == "access-control-request-method" && o.Method == "OPTIONS" {
				o.Preflight = true
			}
			if v := attrs[k]; v != "present" {
				setCaller(&o, name, v)
			}
		}
	}
	return o, true, nil
}
