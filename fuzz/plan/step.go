package plan

import (
	"net/http"
)

// Step is one earlier exchange of the run that a later request depends
// on: the sign-up and login of the identity it is sent as, the request
// that created the object it targets. A finding's reproducer is its steps
// in order, then the request that shows the problem. Steps are immutable
// once built and shared by every case that depends on them.
type Step struct {
	// Title says what the step does: "sign up specter-a", "create an
	// object (POST /books)".
	Title string
	// Identity is the identity the step belongs to: the one it was sent
	// as ("" default, NoCredentials none), or the account it signs up or
	// logs in.
	Identity string
	// Method, URL, Header and Body are the request as sent, credentials
	// included: reproducers redact them.
	Method string
	URL    string
	Header http.Header
	Body   []byte
	// Status is what the target answered.
	Status int
	// Yields are the values later requests took from the step.
	Yields []Yield
	// After are the steps this one depended on.
	After []*Step
}

// Yield is one value a step gave to later requests.
type Yield struct {
	// Name is what the value is: "book_title", "id", "token".
	Name  string
	Value string
	// From says where it was found: a JSON pointer into the answer
	// ("/id"), "Location" (the header), or "request /book_title" (a
	// value the step itself sent, such as a natural key).
	From string
	// Secret marks a credential (a token, a password): reproducers show
	// a shell variable instead of the value.
	Secret bool
}

// NewStep records an exchange as a step. The header and body are copied;
// set Yields before the step is shared.
func NewStep(title, identity string, req *http.Request, body []byte, status int, after ...*Step) *Step {
	s := &Step{Title: title, Identity: identity, Status: status, Body: append([]byte(nil), body...)}
	if req != nil {
		s.Method = req.Method
		if req.URL != nil {
			s.URL = req.URL.String()
		}
		s.Header = req.Header.Clone()
	}
	for _, a := range after {
		if a != nil {
			s.After = append(s.After, a)
		}
	}
	return s
}

// maxSteps bounds a flattened sequence: a reproducer longer than this is
// not one a person replays, and a cycle cannot make it grow without end.
const maxSteps = 64

// Sequence orders the steps and everything they depend on so that each
// step comes after the steps it needs, each step once.
func Sequence(steps ...*Step) []*Step {
	var out []*Step
	seen := map[*Step]bool{}
	var visit func(s *Step, depth int)
	visit = func(s *Step, depth int) {
		if s == nil || seen[s] || depth > maxSteps || len(out) >= maxSteps {
			return
		}
		seen[s] = true
		for _, a := range s.After {
			visit(a, depth+1)
		}
		out = append(out, s)
	}
	for _, s := range steps {
		visit(s, 0)
	}
	return out
}
