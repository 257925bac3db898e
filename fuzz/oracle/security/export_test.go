package security

import (
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
)

// FakeEnv is the Env of the internal tests, for the external ones (which
// may import package fuzz, as the internal tests may not: fuzz imports
// this package for its rules).
type FakeEnv = fakeEnv

// NewFakeEnv returns a FakeEnv that answers every Send with answer.
func NewFakeEnv(answer func(*plan.Case) *execute.Exchange) *FakeEnv {
	return &fakeEnv{answer: answer}
}

// Verdicts are the verdicts reported so far.
func (e *fakeEnv) Verdicts() []oracle.Verdict {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]oracle.Verdict(nil), e.verdicts...)
}

// AdminTwins is adminTwins, for the external tests.
var AdminTwins = adminTwins
