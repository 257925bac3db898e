package traffic

import (
	"errors"
	"fmt"
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
func parseCombined(line string) (Observation, error) {
	return (&combinedParser{}).parse(line)
}

// combinedParser remembers the last timestamp: consecutive lines of an
// access log mostly share their second, and parsing it is a tenth of the
// cost of a line. The raw text is copied into a fixed array, so the cache
// neither allocates nor keeps the line alive.
type combinedParser struct {
	lastRaw  [32]byte
	lastLen  int
	lastTime time.Time
}

func (p *combinedParser) time(raw string) time.Time {
	if len(raw) <= len(p.lastRaw) && len(raw) == p.lastLen && string(p.lastRaw[:p.lastLen]) == raw {
		return p.lastTime
	}
	p.lastTime = parseCLFTime(raw)
	p.lastLen = copy(p.lastRaw[:], raw)
	if p.lastLen != len(raw) {
		p.lastLen = -1 // too long to cache
	}
	return p.lastTime
}

// parse reads a line: through parseFast when it has the exact default
// layout, else field by field.
func (p *combinedParser) parse(line string) (Observation, error) {
	var o Observation
	if p.parseFast(line, &o) {
		return o, nil
	}
	return p.parseFields(line)
}

// parseFast reads a line in the exact layout nginx and Apache write
// (single spaces, "%h %l %u [%t] \"%r\" %>s %b", then optionally the
// quoted referer and user agent, optionally after "%v:%p ") with a few
// short scans and no backtracking. It returns false, leaving o to be
// overwritten, as soon as the line deviates in any way, and parseFields
// decides; when it returns true the result is the one parseFields gives
// (FuzzCombinedFastPath checks it).
func (p *combinedParser) parseFast(line string, o *Observation) bool {
	var spaces [4]int
	n, open := 0, strings.IndexByte(line, '[')
	if open > 5 && line[open-5:open] == " - - " && strings.IndexByte(line[:open-5], ' ') < 0 && line[0] > ' ' && line[0] < 0x80 {
		// "%h - - [": the usual prefix, with neither ident nor user.
		spaces, n = [4]int{open - 5, open - 3, open - 1}, 3
	} else {
		open = -1
		for i := 0; i < len(line) && i < 512 && open < 0; i++ {
			switch c := line[i]; {
			case c == ' ':
				if n == len(spaces) || i == 0 || line[i-1] == ' ' {
					return false
				}
				spaces[n] = i
				n++
			case c == '[':
				open = i
			case c == '"' || c == ']' || c < ' ' || c >= 0x80:
				return false // quotes, tabs, Unicode spaces: let parseFields decide
			}
		}
	}
	if open < 0 || n < 3 || spaces[n-1] != open-1 {
		return false
	}
	addr := line[:spaces[0]]
	if n == 4 {
		o.Host = hostOnly(addr)
		addr = line[spaces[0]+1 : spaces[1]]
	}
	if addr != "-" {
		o.ClientAddr = addr
	}
	// [10/Oct/2024:13:55:36 +0000] "
	q := open + 30
	if q >= len(line) || line[open+27] != ']' || line[open+28] != ' ' || line[open+29] != '"' {
		return false
	}
	if o.FirstSeen = p.time(line[open+1 : open+27]); o.FirstSeen.IsZero() {
		return false
	}
	end := strings.IndexByte(line[q:], '"')
	if end <= 0 || line[q+end-1] == '\\' {
		return false
	}
	if splitRequestLine(line[q:q+end], o) != nil {
		return false
	}
	// " 200 5120
	k := q + end + 1
	if k+5 > len(line) || line[k] != ' ' || line[k+4] != ' ' {
		return false
	}
	if o.Status = atoiStatus(line[k+1 : k+4]); o.Status == 0 {
		return false
	}
	k += 5
	if k < len(line) && line[k] == ' ' {
		return false
	}
	for k < len(line) && line[k] != ' ' {
		if line[k] == '"' {
			return false
		}
		k++
	}
	if k+1 >= len(line) {
		return k == len(line) // common: nothing after the size
	}
	// "referer" "user agent"
	if line[k+1] != '"' {
		return false
	}
	ref := strings.IndexByte(line[k+2:], '"')
	if ref < 0 || ref > 0 && line[k+2+ref-1] == '\\' {
		return false
	}
	u := k + 2 + ref + 1
	if u+1 >= len(line) || line[u] != ' ' || line[u+1] != '"' {
		return false
	}
	ua := strings.IndexByte(line[u+2:], '"')
	if ua < 0 || ua > 0 && line[u+2+ua-1] == '\\' {
		return false
	}
	if agent := line[u+2 : u+2+ua]; agent != "-" {
		o.UserAgent = agent
	}
	return true
}

// parseFields scans the line left to right, slicing fields out of it.
func (p *combinedParser) parseFields(line string) (Observation, error) {
	var o Observation
	open := strings.IndexByte(line, '[')
	if open < 0 {
		return o, errors.New("no [timestamp]")
	}
	prefix := strings.TrimSpace(line[:open])
	if strings.Count(prefix, " ") == 3 {
		// vhost_combined: "%v:%p %h %l %u"
		vhost, rest, _ := strings.Cut(prefix, " ")
		o.Host = hostOnly(vhost)
		prefix = rest
	}
	if addr, _, _ := strings.Cut(prefix, " "); addr != "-" {
		o.ClientAddr = addr
	}
	end := strings.IndexByte(line[open:], ']')
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
	status, rest := nextField(rest)
	if o.Status = atoiStatus(status); o.Status == 0 {
		return o, errors.New("no status code")
	}
	// combined adds the body size, "referer" and "user agent".
	_, rest = nextField(rest)
	if _, rest, err = quoted(rest); err == nil {
		if ua, _, err := quoted(rest); err == nil && ua != "-" {
			o.UserAgent = ua
		}
	}
	return o, nil
}

// Errors of the field scanners, made once: they run on every line.
var (
	errNoQuote          = errors.New("no quoted field")
	errUnterminated     = errors.New("unterminated quoted field")
	errMalformedRequest = errors.New("malformed request line")
)

// quoted returns the contents of the next "..." in s (backslash escapes
// kept) and what follows it. A quote is escaped when an odd number of
// backslashes precedes it.
func quoted(s string) (string, string, error) {
	i := strings.IndexByte(s, '"')
	if i < 0 {
		return "", "", errNoQuote
	}
	s = s[i+1:]
	for off := 0; ; {
		j := strings.IndexByte(s[off:], '"')
		if j < 0 {
			return "", "", errUnterminated
		}
		j += off
		k := j
		for k > 0 && s[k-1] == '\\' {
			k--
		}
		if (j-k)%2 == 0 {
			return s[:j], s[j+1:], nil
		}
		off = j + 1
	}
}

// nextField returns the next space-separated field of s and the rest.
func nextField(s string) (string, string) {
	for len(s) > 0 && s[0] == ' ' {
		s = s[1:]
	}
	i := strings.IndexByte(s, ' ')
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i+1:]
}

// splitRequestLine reads "METHOD target PROTOCOL"; an absolute-form target
// (proxies, ALB) gives the host too.
func splitRequestLine(request string, o *Observation) error {
	if request == "" || request == "-" {
		return fmt.Errorf("%w: empty request line", errNoMethod)
	}
	// Methods are short: find the space by hand, not with a call.
	sp := -1
	for i := 0; i < len(request) && i <= 33; i++ {
		if request[i] == ' ' {
			sp = i
			break
		}
	}
	if sp < 0 || !isToken(request[:sp]) {
		return errMalformedRequest
	}
	method, rest := request[:sp], request[sp+1:]
	target := rest
	if i := strings.IndexByte(rest, ' '); i >= 0 {
		target = rest[:i]
	}
	if target == "" {
		return fmt.Errorf("%w: request line without a target", errBadURL)
	}
	o.Method = upperMethod(method)
	return setTarget(o, target)
}

// upperMethod upper-cases a method, returning the constant for the common
// ones so that no string is kept alive by a method.
func upperMethod(m string) string {
	switch m {
	case "GET", "get":
		return "GET"
	case "POST", "post":
		return "POST"
	case "PUT", "put":
		return "PUT"
	case "DELETE", "delete":
		return "DELETE"
	case "PATCH", "patch":
		return "PATCH"
	case "HEAD", "head":
		return "HEAD"
	case "OPTIONS", "options":
		return "OPTIONS"
	}
	return strings.ToUpper(m)
}

// setTarget stores a request target, splitting an absolute URL into host
// and path. A target that is not a path, holds control characters or
// spaces, or has a malformed percent-escape is an unparsable URL.
func setTarget(o *Observation, target string) error {
	if target == "" {
		return fmt.Errorf("%w: empty request target", errBadURL)
	}
	// An absolute-form target; paths, the usual case, skip the search.
	if i := absoluteForm(target); i > 0 {
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
		if host == "" || strings.ContainsAny(host, " \"<>\\^`{|}") {
			return fmt.Errorf("%w: malformed host in %q", errBadURL, clip(target, 60))
		}
		if o.Host == "" {
			o.Host = hostOnly(host)
		}
		target = path
	}
	if target[0] != '/' {
		return fmt.Errorf("%w: request target is not a path", errBadURL)
	}
	if why := targetProblem(target); why != "" {
		return fmt.Errorf("%w: %s", errBadURL, why)
	}
	o.Target = target
	return nil
}

// absoluteForm is the index of "://" in a target that does not start
// with "/", else -1.
func absoluteForm(target string) int {
	if target[0] == '/' {
		return -1
	}
	return strings.Index(target, "://")
}

// targetProblem says what makes a path unparsable: a control character,
// a space, or a "%" not followed by two hex digits. "" when it is fine.
func targetProblem(t string) string {
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !suspectByte[c] {
			continue
		}
		switch {
		case c == '%':
			if i+2 >= len(t) || !isHex(t[i+1]) || !isHex(t[i+2]) {
				return "malformed percent-escape in the target"
			}
		case c == ' ':
			return "space in the target"
		default:
			return "control character in the target"
		}
	}
	return ""
}

// suspectByte marks the bytes targetProblem looks at twice.
var suspectByte = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t[0x7f], t[' '], t['%'] = true, true, true
	return t
}()

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// isToken reports whether s is an HTTP method: letters, with "-" or "_"
// after the first (VERSION-CONTROL).
func isToken(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
		if !letter && (i == 0 || c != '-' && c != '_') {
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

// addrOnly drops the port of a client address ("203.0.113.7:5123",
// "[2001:db8::1]:443") and the "-" of an absent one.
func addrOnly(a string) string {
	if a == "-" || a == "" {
		return ""
	}
	if strings.HasPrefix(a, "[") {
		if i := strings.IndexByte(a, ']'); i > 0 {
			return a[1:i]
		}
	}
	if i := strings.LastIndexByte(a, ':'); i >= 0 && strings.Count(a, ":") == 1 {
		return a[:i]
	}
	return a
}

// firstHop is the first address of an X-Forwarded-For list.
func firstHop(xff string) string {
	first, _, _ := strings.Cut(xff, ",")
	return addrOnly(strings.TrimSpace(first))
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

// parseCLFTime reads "10/Oct/2000:13:55:36 -0700" without the cost of
// time.Parse; the zero time when malformed.
func parseCLFTime(b string) time.Time {
	if len(b) != 26 || b[2] != '/' || b[6] != '/' || b[11] != ':' || b[14] != ':' || b[17] != ':' || b[20] != ' ' {
		return time.Time{}
	}
	day, year := digits(b[0:2]), digits(b[7:11])
	hh, mm, ss := digits(b[12:14]), digits(b[15:17]), digits(b[18:20])
	month := monthOf(b[3:6])
	zh, zm := digits(b[22:24]), digits(b[24:26])
	if month == 0 || day < 1 || day > 31 || year < 0 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60 || zh < 0 || zm < 0 {
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

// digits reads a run of decimal digits; -1 when one is not a digit.
func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func monthOf(s string) time.Month {
	switch s {
	case "Jan":
		return 1
	case "Feb":
		return 2
	case "Mar":
		return 3
	case "Apr":
		return 4
	case "May":
		return 5
	case "Jun":
		return 6
	case "Jul":
		return 7
	case "Aug":
		return 8
	case "Sep":
		return 9
	case "Oct":
		return 10
	case "Nov":
		return 11
	case "Dec":
		return 12
	}
	return 0
}

// parseISOTime reads the RFC 3339 timestamps Envoy and ALB write
// ("2024-06-01T12:00:00.123456Z") without time.Parse, falling back to it
// for other offsets; the zero time when malformed.
func parseISOTime(s string) time.Time {
	if len(s) >= 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[len(s)-1] == 'Z' {
		year, month, day := digits(s[0:4]), digits(s[5:7]), digits(s[8:10])
		hh, mm, ss := digits(s[11:13]), digits(s[14:16]), digits(s[17:19])
		frac := s[19 : len(s)-1]
		nanos := 0
		if frac != "" {
			if frac[0] != '.' || len(frac) > 10 || len(frac) < 2 {
				return slowISOTime(s)
			}
			f := digits(frac[1:])
			if f < 0 {
				return time.Time{}
			}
			nanos = f
			for i := len(frac) - 1; i < 9; i++ {
				nanos *= 10
			}
		}
		if year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60 {
			return time.Time{}
		}
		return time.Date(year, time.Month(month), day, hh, mm, ss, nanos, time.UTC)
	}
	return slowISOTime(s)
}

func slowISOTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
