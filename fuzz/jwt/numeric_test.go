package jwt

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// realisticClaims are the claims of an access token as frameworks issue
// them: the signing input is about 220 bytes, four SHA-256 blocks or two
// SHA-512 blocks.
var realisticClaims = map[string]any{
	"sub": "user-4f1c2a9e", "name": "Alice Example", "email": "alice@example.com",
	"roles": []any{"user", "billing"}, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	"iss": "https://auth.staging.example.com/",
}

func TestNumericKeyOrder(t *testing.T) {
	if got := numericKeyCount(NumericMaxDigits); got != NumericKeys {
		t.Fatalf("numericKeyCount(%d) = %d, want %d", NumericMaxDigits, got, NumericKeys)
	}
	tests := []struct {
		idx  int64
		want string
	}{
		{0, "0"}, {9, "9"}, {10, "00"}, {11, "01"}, {109, "99"}, {110, "000"},
		{110 + 42, "042"}, {NumericKeys - 1000000 - 1, "99999"}, {NumericKeys - 1000000, "000000"},
		{NumericKeys - 1, "999999"},
	}
	var key [NumericMaxDigits + 1]byte
	for _, tt := range tests {
		n := numericKeyAt(tt.idx, key[:])
		if got := string(key[:n]); got != tt.want {
			t.Errorf("numericKeyAt(%d) = %q, want %q", tt.idx, got, tt.want)
		}
	}
	// Walking the whole space with numericIncrement visits every key once,
	// in the order of numericKeyAt.
	n := numericKeyAt(0, key[:])
	var want [NumericMaxDigits + 1]byte
	for i := int64(0); i < NumericKeys; i++ {
		m := numericKeyAt(i, want[:])
		if m != n || string(want[:m]) != string(key[:n]) {
			t.Fatalf("key %d: increment gave %q, numericKeyAt %q", i, key[:n], want[:m])
		}
		n = numericIncrement(key[:], n)
	}
	if n != NumericMaxDigits+1 {
		t.Errorf("after the last key the length is %d, want %d", n, NumericMaxDigits+1)
	}
}

func TestGuessSecretContext(t *testing.T) {
	tests := []struct {
		name, alg, secret string
		extra             []string
		want              Guess
		ok                bool
	}{
		{"one digit", "HS256", "7", nil, Guess{"7", FromNumeric}, true},
		{"six digits", "HS256", "123321", nil, Guess{"123321", FromNumeric}, true},
		{"zero-padded", "HS384", "000042", nil, Guess{"000042", FromNumeric}, true},
		{"last key", "HS512", "999999", nil, Guess{"999999", FromNumeric}, true},
		{"first key", "HS256", "0", nil, Guess{"0", FromNumeric}, true},
		{"word list", "HS512", "keyboard cat", nil, Guess{"keyboard cat", FromDictionary}, true},
		{"numeric word in the list", "HS256", "123456", nil, Guess{"123456", FromDictionary}, true},
		{"extra candidate", "HS256", "acme-staging", []string{"acme-staging"}, Guess{"acme-staging", FromExtra}, true},
		{"seven digits", "HS256", "1234567", nil, Guess{}, false},
		{"seven zero-padded digits", "HS256", "0000042", nil, Guess{}, false},
		{"strong secret", "HS512", "Zq8v1R9xK3pL0wT7yN2mB5cV4", nil, Guess{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := Parse(mustSign(t, tt.alg, tt.secret, realisticClaims))
			if err != nil {
				t.Fatal(err)
			}
			got, ok, err := GuessSecretContext(context.Background(), tok, tt.extra...)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || ok != tt.ok {
				t.Errorf("GuessSecretContext = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestGuessNumericSecretWorkers(t *testing.T) {
	// Whatever the number of workers, the key is found; with more workers
	// than chunks some find nothing to do.
	tok, err := Parse(mustSign(t, "HS256", "98765", realisticClaims))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{0, 1, 3, 64} {
		got, ok, err := guessNumeric(context.Background(), tok, NumericMaxDigits, w)
		if err != nil || !ok || got != "98765" {
			t.Errorf("%d workers: %q %v %v", w, got, ok, err)
		}
	}
	// A shorter search does not reach five digits.
	if _, ok, _ := guessNumeric(context.Background(), tok, 4, 2); ok {
		t.Error("a 4-digit search found a 5-digit key")
	}
}

func TestGuessNumericSecretNotHMAC(t *testing.T) {
	none, err := Parse("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := GuessNumericSecret(context.Background(), none); ok || err != nil {
		t.Errorf("alg none: ok=%v err=%v", ok, err)
	}
	// A signature of the wrong length cannot verify: nothing is tried.
	tok, err := Parse(mustSign(t, "HS256", "7", realisticClaims))
	if err != nil {
		t.Fatal(err)
	}
	tok.Signature = tok.Signature[:16]
	if _, ok, err := GuessNumericSecret(context.Background(), tok); ok || err != nil {
		t.Errorf("truncated signature: ok=%v err=%v", ok, err)
	}
}

func TestGuessNumericSecretCancel(t *testing.T) {
	tok, err := Parse(mustSign(t, "HS512", "1234567", realisticClaims))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, ok, err := GuessNumericSecret(ctx, tok)
		if ok || !errors.Is(err, context.Canceled) {
			t.Errorf("ok=%v err=%v, want context.Canceled", ok, err)
		}
	})
	t.Run("during", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, ok, err := GuessSecretContext(ctx, tok)
		if ok || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("ok=%v err=%v, want context.DeadlineExceeded", ok, err)
		}
		// One chunk per worker at most after the deadline.
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("returned %v after a 20ms deadline", d)
		}
	})
}

func TestGuessNumericSecretAllocations(t *testing.T) {
	tok, err := Parse(mustSign(t, "HS256", "not-a-number", realisticClaims))
	if err != nil {
		t.Fatal(err)
	}
	// The full search: per-worker setup allocates, the 1,111,110 keys do
	// not.
	allocs := testing.AllocsPerRun(1, func() {
		if _, ok, err := guessNumeric(context.Background(), tok, NumericMaxDigits, 2); ok || err != nil {
			t.Fatalf("ok=%v err=%v", ok, err)
		}
	})
	if allocs > 100 {
		t.Errorf("%v allocations for %d keys", allocs, NumericKeys)
	}
}

// BenchmarkGuessNumericSecret is the worst case: no key verifies, so every
// one of the NumericKeys keys is tried.
//
//	go test ./fuzz/jwt -run '^$' -bench GuessNumericSecret -benchtime 5x -count 5
func BenchmarkGuessNumericSecret(b *testing.B) {
	for _, alg := range []string{"HS256", "HS384", "HS512"} {
		b.Run(alg, func(b *testing.B) {
			raw, err := Sign(map[string]any{"alg": alg, "typ": "JWT"}, realisticClaims, []byte("not-a-number"))
			if err != nil {
				b.Fatal(err)
			}
			tok, err := Parse(raw)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			cpu0, cpuOK := processCPU()
			for b.Loop() {
				if _, ok, err := GuessNumericSecret(context.Background(), tok); ok || err != nil {
					b.Fatalf("ok=%v err=%v", ok, err)
				}
			}
			b.ReportMetric(float64(b.N)*NumericKeys/b.Elapsed().Seconds(), "keys/s")
			// CPU per key is what the search costs whatever else runs on
			// the machine; keys/s is what a run waits for.
			if cpu1, ok := processCPU(); ok && cpuOK {
				b.ReportMetric(float64(cpu1-cpu0)/float64(b.N)/NumericKeys, "cpu-ns/key")
			}
			b.ReportMetric(float64(len(tok.SigningInput())), "input-bytes")
		})
	}
}

func ExampleGuessNumericSecret() {
	raw, _ := Sign(map[string]any{"alg": "HS256"}, map[string]any{"sub": "alice"}, []byte("004217"))
	tok, _ := Parse(raw)
	secret, ok, err := GuessNumericSecret(context.Background(), tok)
	fmt.Println(secret, ok, err)
	// Output: 004217 true <nil>
}
