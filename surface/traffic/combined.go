package traffic

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"time"
)

// combinedLine recognises the nginx/Apache common and combined formats,
// optionally prefixed by Apache's vhost_combined "%v:%p":
//
//	203.0.113.7 - - [10/Oct/2024:13:55:36 +0000] "GET /users/7 HTTP/1.1" 200 512 "-" "curl/8.4"
var combinedLine = regexp.MustCompile(`^(\S+ )?\S+ \S+ \S+ \[[^\]]+\] "`)

// parseCombined reads one common/combined/vhost_combined line.
func parseCombined(line []byte) (Observation, error) {
	return (&combinedParser{}).parse(line)
}

// combinedParser remembers the last timestamp: consecutive lines of an
// access log mostly share their second, and parsing it is a tenth of the
// cost of a line.
type combinedParser struct {
	lastRaw  []byte
	lastTime time.Time
}

func (p *combinedParser) time(raw []byte) time.Time {
	if !bytes.Equal(raw, p.lastRaw) {
		p.lastRaw = append(p.lastRaw[:0], raw...)
		p.lastTime = parseCLFTime(raw)
	}
	return p.lastTime
}

func (p *combinedParser) parse(line []byte) (Observation, error) {
	var o Observation
	open := bytes.IndexByte(line, '[')
	if open < 0 {
		return o, errors.New("no [timestamp]")
	}
	if prefix := bytes.TrimSpace(line[:open]); bytes.Count(prefix, []byte{' '}) == 3 {
		// vhost_combined: "%v:%p %h %l %u"
		o.Host = hostOnly(string(prefix[:bytes.IndexByte(prefix, ' ')]))
	}
	end := bytes.IndexByte(line[open:], ']')
	if end < 0 {
		return o, errors.New("unterminated [timestamp]")
	}
	o.FirstSeen = p.time(line[open+1 : open+end])
	rest := line[open+end+1:]
	request, rest, err := quoted(rest)
	if err != nil {
		return o, err
	}
	if err := splitRequestLine(request, &o); err != nil {
		return o, err
	}
	status, _ := nextField(rest)
	if o.Status = atoiStatus(status); o.Status == 0 {
		return o, errors.New("no status code")
	}
	return o, nil
}

// quoted returns the contents of the next "..." in b (backslash escapes
// kept) and what follows it.
func quoted(b []byte) (string, []byte, error) {
	i := bytes.IndexByte(b, '"')
	if i < 0 {
		return "", nil, errors.New("no quoted request line")
	}
	b = b[i+1:]
	for j := 0; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return string(b[:j]), b[j+1:], nil
		}
	}
	return "", nil, errors.New("unterminated quoted field")
}

// nextField returns the next space-separated field of b and the rest.
func nextField(b []byte) (string, []byte) {
	b = bytes.TrimLeft(b, " ")
	i := bytes.IndexByte(b, ' ')
	if i < 0 {
		return string(b), nil
	}
	return string(b[:i]), b[i+1:]
}

// splitRequestLine reads "METHOD target PROTOCOL"; an absolute-form target
// (proxies, ALB) gives the host too.
func splitRequestLine(request string, o *Observation) error {
	method, rest, ok := strings.Cut(request, " ")
	if !ok || !isToken(method) {
		return errors.New("malformed request line")
	}
	target, _, _ := strings.Cut(rest, " ")
	if target == "" {
		return errors.New("request line without a target")
	}
	o.Method = strings.ToUpper(method)
	return setTarget(o, target)
}

// setTarget stores a request target, splitting an absolute URL into host
// and path.
func setTarget(o *Observation, target string) error {
	if target == "" {
		return errors.New("empty request target")
	}
	if i := strings.Index(target, "://"); i > 0 && !strings.HasPrefix(target, "/") {
		rest := target[i+3:]
		slash := strings.IndexAny(rest, "/?")
		host := rest
		path := "/"
		if slash >= 0 {
			host, path = rest[:slash], rest[slash:]
			if path[0] == '?' {
				path = "/" + path
			}
		}
		if o.Host == "" {
			o.Host = hostOnly(host)
		}
		target = path
	}
	if target == "" || target[0] != '/' {
		return errors.New("request target is not a path")
	}
	o.Target = target
	return nil
}

// isToken reports whether s is an HTTP method token.
func isToken(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// hostOnly lower-cases a host and drops the port and userinfo.
func hostOnly(h string) string {
	if h == "-" {
		return ""
	}
	if i := strings.LastIndexByte(h, '@'); i >= 0 {
		h = h[i+1:]
	}
	if strings.HasPrefix(h, "[") {
		if i := strings.IndexByte(h, ']'); i > 0 {
			return strings.ToLower(h[1:i])
		}
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 && strings.Count(h, ":") == 1 {
		h = h[:i]
	}
	return strings.ToLower(h)
}

// atoiStatus parses a three-digit status code; 0 when it is not one.
func atoiStatus(s string) int {
	if len(s) != 3 {
		return 0
	}
	n := 0
	for i := 0; i < 3; i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0
		}
		n = n*10 + int(s[i]-'0')
	}
	if n < 100 {
		return 0
	}
	return n
}

var months = map[string]time.Month{
	"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
	"Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}

// parseCLFTime reads "10/Oct/2000:13:55:36 -0700" without the cost of
// time.Parse; the zero time when malformed.
func parseCLFTime(b []byte) time.Time {
	if len(b) != 26 || b[2] != '/' || b[6] != '/' || b[11] != ':' || b[20] != ' ' {
		return time.Time{}
	}
	num := func(s []byte) int {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	day, year := num(b[0:2]), num(b[7:11])
	hh, mm, ss := num(b[12:14]), num(b[15:17]), num(b[18:20])
	month, ok := months[string(b[3:6])]
	zh, zm := num(b[22:24]), num(b[24:26])
	if !ok || day < 1 || day > 31 || year < 0 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60 || zh < 0 || zm < 0 {
		return time.Time{}
	}
	offset := (zh*60 + zm) * 60
	if b[21] == '-' {
		offset = -offset
	} else if b[21] != '+' {
		return time.Time{}
	}
	t := time.Date(year, month, day, hh, mm, ss, 0, time.UTC)
	return t.Add(-time.Duration(offset) * time.Second).UTC()
}
