package learn

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/internal/jsonpointer"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/sensitive"
	"github.com/specterhq/specter/surface"
)

// maxVariables bounds the Postman variables one run keeps.
const maxVariables = 512

// Variable is a value a Postman test script set during the run, as the
// collection runner would have: later requests of the collection take it
// where they name {{Name}}.
type Variable struct {
	Value string
	// Step is the request whose answer gave it (nil for a literal).
	Step *plan.Step
	// Created: the answer was a 2xx to a POST or a PUT, so the value most
	// likely names an object the run made.
	Created  bool
	Identity string
	Seq      int
}

// SetVariable records a Postman variable (the last set wins, as in
// Postman).
func (s *State) SetVariable(name string, v Variable) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.variables[name]; !ok && len(s.variables) >= maxVariables {
		return
	}
	s.variables[name] = v
}

// Variable returns the value a test script set for name during the run.
func (s *State) Variable(name string) (Variable, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.variables[name]
	return v, ok
}

// learnVariables runs what the recorded request's test scripts set: each
// variable they set from the answer's body, a header or a literal. Sets
// the collection computes in another way are not followed.
func (s *State) learnVariables(x *execute.Exchange, identity string, answer any) {
	c := x.Case
	r := c.Target.Op.Request
	// Only the replay runs the collection as written; a mutated request's
	// answer is no value a later request should take.
	if r == nil || len(r.Sets) == 0 || c.Phase != plan.PhaseReplay {
		return
	}
	var step *plan.Step
	created := c.Method == http.MethodPost || c.Method == http.MethodPut
	for _, set := range r.Sets {
		var value, from string
		switch set.Source {
		case surface.SetFromBody:
			v, ok := jsonpointer.Scalar(answer, set.Pointer)
			if !ok {
				continue
			}
			value, from = v, set.Pointer
			if from == "" {
				from = "/"
			}
		case surface.SetFromHeader:
			value, from = x.Header.Get(set.Header), set.Header
			if value == "" {
				continue
			}
		case surface.SetLiteral:
			s.SetVariable(set.Name, Variable{Value: set.Value, Identity: identity, Seq: c.Seq})
			continue
		default:
			continue
		}
		if step == nil {
			step = plan.NewStep("Postman request "+strconv.Quote(r.Name)+" ("+c.Method+" "+c.Target.Op.Path+")", identity, x.Request, x.RequestBody, x.Status, c.Steps...)
		}
		y := plan.Yield{Name: set.Name, Value: value, From: from}
		if sensitive.IsCredentialName(set.Name) || looksLikeJWT(value) {
			// The sequence reproducer reads tokens from the answer into a
			// shell variable rather than printing them.
			y.Name, y.Secret = "token", true
		}
		step.Yields = append(step.Yields, y)
		s.SetVariable(set.Name, Variable{Value: value, Step: step, Created: created, Identity: identity, Seq: c.Seq})
	}
}

// looksLikeJWT reports a compact JWS: three base64url parts, the first a
// JSON object.
func looksLikeJWT(v string) bool {
	parts := strings.Split(v, ".")
	return len(parts) == 3 && strings.HasPrefix(v, "eyJ") && len(parts[1]) > 0
}
