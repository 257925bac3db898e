package engine

import (
	"github.com/specterhq/specter/config"
	"github.com/specterhq/specter/scanners"
	"github.com/specterhq/specter/scanners/lint"
)

// Selection names the static scanners a run uses.
type Selection struct {
	Secrets, Lint bool
}

// StaticScanners builds the selected static scanners over the run's
// config and secret detector. When both run, lint leaves credentials in
// examples to the secret scanner, which reports them itself.
func StaticScanners(sel Selection, cfg *config.Config, detector *Secrets) ([]scanners.Scanner, error) {
	var out []scanners.Scanner
	if sel.Secrets {
		s, err := detector.Scanner()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if sel.Lint {
		opts, err := lint.OptionsFrom(cfg.Lint)
		if err != nil {
			return nil, err
		}
		opts.Credentials, opts.SecretsReported = detector, sel.Secrets
		s, err := lint.New(opts)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
