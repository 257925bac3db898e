//go:build unix

package jwt

import (
	"syscall"
	"time"
)

// processCPU is the user and system CPU time the test process has used,
// for benchmarks whose wall time depends on what else the machine runs.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
