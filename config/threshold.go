package config

import (
	"fmt"
	"strings"

	"github.com/specterhq/specter/rules"
)

// ParseThreshold reads a fail-on value (gate.fail-on in the file, --fail-on
// on the command line): a severity name, or "none" for no threshold.
func ParseThreshold(s string) (sev rules.Severity, none bool, err error) {
	if strings.EqualFold(strings.TrimSpace(s), "none") {
		return 0, true, nil
	}
	sev, err = rules.ParseSeverity(s)
	if err != nil {
		return 0, false, fmt.Errorf("fail-on: unknown value %q (want critical, high, medium, low, info or none)", s)
	}
	return sev, false, nil
}
