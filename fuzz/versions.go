package fuzz

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/internal/versions"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
)

// maxVersionProbes bounds the requests the older-version discovery sends
// in a run (a control and up to versions.MaxOlder siblings per operation).
const maxVersionProbes = 60

// addOlderVersions finds the older versions the target serves of the
// run's operations (discoverOlderVersions) and adds them to the run: the
// summary counts them and every oracle that prepared for the spec's
// operations extends its preparation to them (oracle.Extender).
func (e *Engine) addOlderVersions(ctx context.Context, targets []*plan.Target) []*plan.Target {
	older := e.discoverOlderVersions(ctx, targets)
	if len(older) == 0 {
		return nil
	}
	for _, t := range older {
		e.stats.target(t)
	}
	for _, o := range e.oracles {
		if x, ok := o.(oracle.Extender); ok {
			x.Extend(older)
		}
	}
	return older
}

// discoverOlderVersions tries, for every operation whose path has a
// version segment, the older versions the spec does not document, with
// the operation's example request as the default identity (after the
// run's accounts exist, so that a one-time-code check or a profile read
// names the run's own account). Each older version the target serves is
// reported and returned as a target of its own. Operations that change
// or delete an object and Postman requests are not tried.
func (e *Engine) discoverOlderVersions(ctx context.Context, targets []*plan.Target) []*plan.Target {
	documented := map[string]bool{}
	for _, t := range targets {
		documented[t.Key()] = true
	}
	var found []*plan.Target
	sent, tried := 0, 0
	for _, t := range targets {
		if t.Spec == nil || ctx.Err() != nil {
			continue
		}
		switch t.Op.Method {
		case http.MethodGet, http.MethodPost, http.MethodHead:
		default:
			continue
		}
		siblings := versions.Older(t.Op.Path, func(p string) bool { return documented[t.Op.Method+" "+p] })
		if len(siblings) == 0 {
			continue
		}
		if sent+1+len(siblings) > maxVersionProbes {
			e.notes.add(versions.RuleOlderVersion, fmt.Sprintf("older versions were tried on the first %d operations with a version segment only (at most %d requests)", tried, maxVersionProbes))
			break
		}
		control, ok := e.versionProbe(ctx, t, siblings[0].Control)
		if !ok {
			continue
		}
		tried++
		sent++
		for _, sib := range siblings {
			older := olderTarget(t, sib.Path, len(targets)+len(found))
			x, ok := e.versionProbe(ctx, older, sib.Path)
			if !ok {
				continue
			}
			sent++
			served, _ := versions.Served(versions.Evidence{
				Older: answerOf(x), Control: answerOf(control), Unrouted: e.unroutedAnswers(),
				Documented: func(status int) bool { return t.Spec.Responses != nil && t.Spec.Responses.Status(status) != nil },
				JSONAPI:    answersJSON(t),
			})
			if !served {
				continue
			}
			found = append(found, older)
			e.Report(oracle.Verdict{
				Rule: versions.RuleOlderVersion, Exchange: x, At: older,
				Message: fmt.Sprintf("%s %s answers %d although the spec documents the operation at %s only (%s): an older version is still served (the control %s answered %d); it was fuzzed as an operation of its own",
					t.Op.Method, sib.Path, x.Status, sib.Current, t.Op.Path, sib.Control, control.Status),
			})
		}
	}
	if len(found) > 0 {
		keys := make([]string, len(found))
		for i, t := range found {
			keys[i] = t.Key()
		}
		e.notes.add(versions.RuleOlderVersion, "undocumented older versions fuzzed as operations of their own: "+strings.Join(keys, ", "))
	}
	return found
}

// versionProbe sends the example request of t at path; it reports false
// when there is no example, the safety policy did not send it, or it got
// no answer.
func (e *Engine) versionProbe(ctx context.Context, t *plan.Target, path string) (*execute.Exchange, bool) {
	at := t
	if path != t.Op.Path {
		at = olderTarget(t, path, t.Index)
	}
	c, ok := e.gen.Example(at)
	if !ok {
		return nil, false
	}
	c.Seq, c.Phase = -900, plan.PhaseExamples
	if d := e.policy.Decide(c, e.resolve(c.Identity)); !d.Allowed {
		e.asSpareAccount(c)
	}
	c.Mutation = "the example request at another API version (" + path + "), to learn whether the target still serves it"
	x, err := e.Send(ctx, c)
	if err != nil || x == nil || x.Status == 0 {
		return nil, false
	}
	return x, true
}

// asSpareAccount names, in a JSON body that names an account (a one-time
// code check, a password reset), the run's spare account instead of the
// spec's example one, which the safety policy does not let the run
// change; the spare account is the one the run's own checks may change.
func (e *Engine) asSpareAccount(c *plan.Case) {
	spare := e.Roster().Spare
	acc := e.state.Account(spare)
	if spare == "" || acc == nil || !strings.Contains(strings.ToLower(c.ContentType), "json") {
		return
	}
	var body map[string]any
	if err := json.Unmarshal(c.Body, &body); err != nil {
		return
	}
	changed := false
	for k := range body {
		switch learn.Norm(k) {
		case "email", "mail", "emailaddress":
			if v := acc.IDs["email"]; v != "" {
				body[k], changed = v, true
			}
		case "username", "user", "login", "name":
			if v := acc.IDs["username"]; v != "" {
				body[k], changed = v, true
			}
		}
	}
	if !changed {
		return
	}
	if b, err := json.Marshal(body); err == nil {
		c.Body, c.Identity = b, spare
	}
}

// olderTarget is t at another path: the same operation, schemas and
// location in the spec, marked as not documented there.
func olderTarget(t *plan.Target, path string, index int) *plan.Target {
	op := *t.Op
	op.Path = path
	c := *t
	c.Op, c.Index = &op, index
	c.OlderVersionOf = t
	if t.OlderVersionOf != nil {
		c.OlderVersionOf = t.OlderVersionOf
	}
	c.Seal()
	return &c
}

func answerOf(x *execute.Exchange) versions.Answer {
	fp := oracle.FingerprintOf(x)
	return versions.Answer{Status: fp.Status, ContentType: fp.Media, Shape: fp.Shape}
}

// unroutedAnswers are the run's answers to a path no route matches.
func (e *Engine) unroutedAnswers() []versions.Answer {
	e.unrouted.mu.RLock()
	defer e.unrouted.mu.RUnlock()
	out := make([]versions.Answer, 0, len(e.unrouted.fps))
	for _, fp := range e.unrouted.fps {
		out = append(out, versions.Answer{Status: fp.Status, ContentType: fp.Media, Shape: fp.Shape})
	}
	return out
}

// answersJSON reports whether the operation documents a JSON answer.
func answersJSON(t *plan.Target) bool {
	if t.Spec == nil || t.Spec.Responses == nil {
		return false
	}
	for _, r := range t.Spec.Responses.Map() {
		if r == nil || r.Value == nil {
			continue
		}
		for media := range r.Value.Content {
			if strings.Contains(strings.ToLower(media), "json") {
				return true
			}
		}
	}
	return false
}
