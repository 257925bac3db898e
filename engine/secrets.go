package engine

import (
	"fmt"
	"sync"

	"github.com/specterhq/specter/scanners/secrets"
)

// Secrets is the run's one secret detector: the secret scanner (gitleaks'
// 222 compiled rules plus the structural checks: about 30 ms and 32 MB to
// build), built on first use and handed to every consumer: the secrets
// scanner itself, lint's credential-like example check, inventory's
// sensitive-data check and the fuzzer's response oracle. A run that needs
// none of them does not build it. A nil *Secrets is a detector that is
// never asked.
type Secrets struct {
	once sync.Once
	sec  *secrets.Scanner
	opts secrets.Options
	err  error // from building it
}

// NewSecrets returns a detector that builds the secret scanner with opts
// when first asked.
func NewSecrets(opts secrets.Options) *Secrets { return &Secrets{opts: opts} }

// Scanner builds the secret scanner on the first call.
func (r *Secrets) Scanner() (*secrets.Scanner, error) {
	r.once.Do(func() {
		if r.sec, r.err = secrets.New(r.opts); r.err != nil {
			r.err = fmt.Errorf("starting the secret scanner: %w", r.err)
		}
	})
	return r.sec, r.err
}

// Err returns the error of building the scanner, if it was built and
// failed; it does not build it. Run calls it after the consumers are done.
func (r *Secrets) Err() error {
	if r == nil {
		return nil
	}
	return r.err
}

// LooksLikeCredential asks the secret scanner, building it on first use;
// when building fails, nothing is a credential and Err says why.
func (r *Secrets) LooksLikeCredential(name, value string) (string, bool) {
	sec, err := r.Scanner()
	if err != nil {
		return "", false
	}
	return sec.LooksLikeCredential(name, value)
}
