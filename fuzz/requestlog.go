package fuzz

import (
	"encoding/json"
	"io"
	"strings"
	"sync"

	"github.com/specterhq/specter/fuzz/execute"
)

// requestLog writes one JSON line per request sent (generated cases and
// oracle probes): what was sent, as whom, and what came back, with
// credentials redacted as in reproducers and bodies cut short. It is the
// audit trail of a run (--request-log FILE).
type requestLog struct {
	mu   sync.Mutex
	w    io.Writer
	show bool
	enc  *json.Encoder
	// secrets are the credentials the run was given, masked wherever a
	// line shows them (a login body, a URL) unless show.
	secrets func() []string
}

func newRequestLog(w io.Writer, showSecrets bool) *requestLog {
	if w == nil {
		return nil
	}
	return &requestLog{w: w, show: showSecrets, enc: json.NewEncoder(w)}
}

// logLine is one line of the request log.
type logLine struct {
	Seq        int    `json:"seq"`
	Phase      string `json:"phase"`
	Probe      bool   `json:"probe,omitempty"`
	Identity   string `json:"identity,omitempty"`
	Operation  string `json:"operation"`
	Mutation   string `json:"mutation,omitempty"`
	Curl       string `json:"curl"`
	Status     int    `json:"status"`
	DurationMS int64  `json:"duration_ms"`
	Response   string `json:"response,omitempty"`
	Error      string `json:"error,omitempty"`
	// Resent says why the target got this request again on the next line
	// (a 429 waited out, a 401 answered by renewing the credentials).
	Resent string `json:"resent,omitempty"`
}

const maxLoggedResponse = 256

func (l *requestLog) record(x *execute.Exchange, identity string, probe bool) {
	if l == nil || x == nil || x.Case == nil || x.Case.Target == nil {
		return
	}
	for _, earlier := range x.Earlier {
		l.recordOne(earlier, identity, probe)
	}
	l.recordOne(x, identity, probe)
}

// recordOne writes the line of one attempt.
func (l *requestLog) recordOne(x *execute.Exchange, identity string, probe bool) {
	c := x.Case
	line := logLine{Seq: c.Seq, Phase: c.Phase.String(), Probe: probe, Identity: identity, Operation: c.Target.Key(),
		Mutation: c.Mutation, Curl: Curl(x, l.show), Status: x.Status, DurationMS: x.Duration.Milliseconds(), Resent: x.Resent}
	if x.Err != nil {
		line.Error = x.Err.Error()
	}
	var given []string
	if !l.show && l.secrets != nil {
		given = l.secrets()
		line.Curl = maskSecrets(line.Curl, given)
	}
	if len(x.Body) > 0 {
		// Masked before the cut: a secret the cut runs through would
		// show its first part.
		line.Response = printable(x.Body)
		if !l.show {
			line.Response = maskSecrets(redactCredentialLike(line.Response), given)
		}
		if len(line.Response) > maxLoggedResponse {
			line.Response = strings.ToValidUTF8(line.Response[:maxLoggedResponse], "")
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_ = l.enc.Encode(line) // a full disk shows in the report's absence, not as a failed run
}
