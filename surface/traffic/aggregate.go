package traffic

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The aggregated inventory is what a team computes in its own log engine
// (docs/inventory.md gives the SQL): one row per method, host, path and
// status with a count and the first and last time seen.
var aggregateColumns = []string{"method", "host", "path", "status", "count", "first_seen", "last_seen"}

// isCSVHeader reports whether a line is the aggregated inventory's header.
func isCSVHeader(line []byte) bool {
	cols := strings.Split(strings.ToLower(strings.TrimSpace(string(line))), ",")
	seen := map[string]bool{}
	for _, c := range cols {
		seen[strings.Trim(strings.TrimSpace(c), `"`)] = true
	}
	return seen["method"] && seen["path"] && seen["count"]
}

type csvDecoder struct {
	lines *lines
	index map[string]int
}

func newCSVDecoder(br *bufio.Reader) *csvDecoder { return &csvDecoder{lines: newLines(br)} }

func (d *csvDecoder) next() (Observation, error) {
	for {
		line, err := d.lines.next()
		if err != nil {
			return Observation{}, err
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		rec, err := csv.NewReader(bytes.NewReader(line)).Read()
		if err != nil {
			return Observation{}, skipAt(err, d.lines.line, 0)
		}
		if d.index == nil {
			if !isCSVHeader(line) {
				return Observation{}, fmt.Errorf("line %d: the first line must name the columns (%s)", d.lines.line, strings.Join(aggregateColumns, ", "))
			}
			d.index = map[string]int{}
			for i, c := range rec {
				d.index[strings.ToLower(strings.TrimSpace(c))] = i
			}
			continue
		}
		get := func(col string) string {
			if i, ok := d.index[col]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		o, err := aggregateRow(get)
		if err != nil {
			return Observation{}, skipAt(err, d.lines.line, 0)
		}
		o.Line = d.lines.line
		return o, nil
	}
}

// parseAggregateJSON reads one JSON line of the aggregated inventory.
func parseAggregateJSON(line string) (Observation, error) {
	var rec map[string]any
	if err := json.Unmarshal([]byte(line), &rec); err != nil {
		return Observation{}, fmt.Errorf("not a JSON object: %v", err)
	}
	return aggregateRow(func(col string) string {
		switch v := rec[col].(type) {
		case string:
			return v
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return ""
	})
}

func aggregateRow(get func(string) string) (Observation, error) {
	var o Observation
	method := get("method")
	if method == "" || method == "-" {
		return o, fmt.Errorf("%w: empty method column", errNoMethod)
	}
	if !isToken(method) {
		return o, errors.New("malformed method")
	}
	o.Method = upperMethod(method)
	if err := setTarget(&o, get("path")); err != nil {
		return o, err
	}
	if h := get("host"); h != "" {
		o.Host = hostOnly(h)
	}
	o.Route = get("route")
	if o.Status = atoiStatus(get("status")); o.Status == 0 {
		return o, errors.New("no status")
	}
	count, err := strconv.ParseInt(get("count"), 10, 64)
	if err != nil || count < 1 || count > 1<<40 {
		return o, errors.New("count is not a positive integer")
	}
	o.Count = int(count)
	o.FirstSeen = parseAnyTime(get("first_seen"))
	o.LastSeen = parseAnyTime(get("last_seen"))
	return o, nil
}

// parseAnyTime reads the timestamps SQL engines print: RFC 3339, "YYYY-MM-DD
// hh:mm:ss[.fff][ UTC]" or epoch seconds/milliseconds.
func parseAnyTime(s string) time.Time {
	s = strings.TrimSuffix(strings.TrimSpace(s), " UTC")
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > 1e12 {
			return time.UnixMilli(n).UTC()
		}
		return time.Unix(n, 0).UTC()
	}
	return time.Time{}
}
