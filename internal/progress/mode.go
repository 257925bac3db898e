package progress

import "fmt"

// Mode is the --progress setting.
type Mode string

// Modes of --progress.
const (
	Auto   Mode = "auto"   // on a terminal that is not a CI log
	Always Mode = "always" // also in logs, as plain lines
	Never  Mode = "never"
)

// ParseMode reads a --progress value.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case Auto, Always, Never:
		return m, nil
	}
	return "", fmt.Errorf("unknown progress mode %q (want auto, always or never)", s)
}

// Enabled says whether a run shows progress: always when asked, never when
// told not to, and by default only on a terminal outside CI.
func (m Mode) Enabled(terminal, ci bool) bool {
	switch m {
	case Always:
		return true
	case Never:
		return false
	}
	return terminal && !ci
}
