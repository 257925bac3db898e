package main

import (
	"github.com/spf13/cobra"

	"github.com/specterhq/specter/config"
	"github.com/specterhq/specter/scanners"
	"github.com/specterhq/specter/scanners/lint"
)

// scanLint runs only the lint scanner.
const scanLint scanKind = "lint"

// describeLint fills in the lint command's help; its flags and run are the
// scan command's.
func describeLint(cmd *cobra.Command) {
	cmd.Use = "lint [SPEC...]"
	cmd.Short = "Lint OpenAPI documents for security problems (auth, OAuth2, scopes, agents, ...)"
	cmd.Long = `Lint reads the OpenAPI 2.0/3.0/3.1 documents under each SPEC (a file or a
folder; default: the current directory) and every local file their $refs
reach, and runs the security lint rules over them: authentication coverage,
OAuth2 flows and tokens, scope hygiene, agent access and more. Each finding
points at the line of the offending key, in the file where it is written.
` + "`specter rules lint/*`" + ` lists the rules; x-specter-ignore suppresses one
inline.`
	cmd.Example = `  specter lint api/openapi.yaml
  specter lint specs/ -f sarif -o lint.sarif --fail-on medium`
}

// scannersFor builds the scanners a command runs, the lint scanner with
// the config file's lint section.
func scannersFor(kind scanKind, f *scanFlags, cfg *config.Config, detector *runSecrets) ([]scanners.Scanner, error) {
	var out []scanners.Scanner
	if kind == scanAll || kind == scanSecrets {
		s, err := detector.Scanner()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if kind == scanAll || kind == scanLint {
		opts, err := lint.OptionsFrom(cfg.Lint)
		if err != nil {
			return nil, err
		}
		// lint's example check asks the run's secret detector; in scan the
		// secret scanner reports credentials in examples itself, so lint's
		// rule stays quiet on them.
		opts.Credentials, opts.SecretsReported = detector, kind == scanAll
		s, err := lint.New(opts)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
