package security

import (
	"testing"

	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

func TestCapturedBy(t *testing.T) {
	mk := func(method, path string) *plan.Target {
		tg := &plan.Target{Op: &surface.Operation{Method: method, Path: path}}
		tg.Seal()
		return tg
	}
	targets := []*plan.Target{mk("GET", "/users/v1/{username}"), mk("POST", "/users/v1/login"), mk("GET", "/users/v1/{username}/books")}
	tests := []struct {
		method, path string
		params       []plan.Param
		want         bool
	}{
		{"GET", "/users/v1/login", nil, true},
		{"DELETE", "/users/v1/login", nil, false}, // no documented DELETE takes it
		{"GET", "/users/v1/login/extra", nil, false},
		{"GET", "/books/v1/{id}", []plan.Param{{Name: "id", Value: "1"}}, false},
		{"GET", "/users/v1/{username}", []plan.Param{{Name: "username", Value: "bob"}}, false}, // its own path item
	}
	for _, tt := range tests {
		c := &plan.Case{Target: mk(tt.method, tt.path), Method: tt.method, PathParams: tt.params}
		if got := capturedBy(targets, c); got != tt.want {
			t.Errorf("%s %s: captured = %v, want %v", tt.method, tt.path, got, tt.want)
		}
	}
}
