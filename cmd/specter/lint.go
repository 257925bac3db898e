package main

import (
	"github.com/spf13/cobra"
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
` + "`specter rules --family lint`" + ` lists the rules; x-specter-ignore
suppresses one inline.`
	cmd.Example = `  specter lint api/openapi.yaml
  specter lint specs/ -f sarif -o lint.sarif --fail-on medium`
}
