package fuzz

import (
	"strings"
	"testing"
)

func TestUnexercisedReason(t *testing.T) {
	tests := []struct {
		name     string
		op       opStats
		params   bool
		contains string
	}{
		{"credentials", opStats{sent: 5, statuses: map[int]int{401: 5}}, false, "credentials missing or refused"},
		{"permission", opStats{sent: 5, statuses: map[int]int{403: 4, 400: 1}}, false, "403 (4 of 5 answers)"},
		{"no test data", opStats{sent: 3, statuses: map[int]int{404: 3}}, true, "no test data"},
		{"wrong base path", opStats{sent: 3, statuses: map[int]int{404: 3}}, false, "does not exist at the target"},
		{"constraints", opStats{sent: 6, statuses: map[int]int{422: 4, 404: 2}}, true, "422 (4 of 6 answers): constraints not met"},
		{"rate limited", opStats{sent: 2, statuses: map[int]int{429: 2}}, false, "lower --rate"},
		{"no answer", opStats{sent: 2, failed: 2, statuses: map[int]int{}}, false, "no answer to any of 2"},
		{"never sent", opStats{statuses: map[int]int{}, skipped: map[string]int{}}, false, "never sent"},
		{"skipped destructive", opStats{statuses: map[int]int{}, skipped: map[string]int{"destructive call skipped": 3}}, true, "destructive call skipped"},
	}
	for _, tt := range tests {
		if got := unexercisedReason(&tt.op, tt.params); !strings.Contains(got, tt.contains) {
			t.Errorf("%s: %q, want it to contain %q", tt.name, got, tt.contains)
		}
	}
}
