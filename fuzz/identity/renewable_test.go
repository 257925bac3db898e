package identity

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// TestRenewableSecretsDuringMint is the deadlock a run hit: the login that
// renews a token is itself logged, and the request log asks every source
// for its secrets to mask them, while the renewal is still in flight.
func TestRenewableSecretsDuringMint(t *testing.T) {
	var r *Renewable
	var seen []string
	calls := 0
	r = NewRenewable("login of alice", nil, func(context.Context) (Token, error) {
		calls++
		seen = r.Secrets()
		return Token{Value: "tok-" + string(rune('0'+calls))}, nil
	}, HeaderPutter("", ""))
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, "http://api.test/", nil)
		if err := r.Apply(context.Background(), req); err != nil {
			done <- err
			return
		}
		r.minted = time.Time{} // let Refresh renew at once
		done <- r.Refresh(context.Background())
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Secrets called from inside a mint waits for the mint: deadlock")
	}
	if calls != 2 {
		t.Errorf("minted %d times, want 2 (first use, Refresh)", calls)
	}
	if len(seen) != 1 || seen[0] != "tok-1" {
		t.Errorf("during the second mint Secrets gave %q, want the first token", seen)
	}
	if got := r.Secrets(); len(got) != 2 {
		t.Errorf("Secrets after two mints = %q", got)
	}
}
