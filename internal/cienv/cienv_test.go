package cienv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestBaseRevision(t *testing.T) {
	event := filepath.Join(t.TempDir(), "event.json")
	os.WriteFile(event, []byte(`{"pull_request":{"base":{"sha":"abc123"}}}`), 0o644)
	push := filepath.Join(t.TempDir(), "push.json")
	os.WriteFile(push, []byte(`{"ref":"refs/heads/main"}`), 0o644)
	for _, tt := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"gitlab merge request", map[string]string{"GITLAB_CI": "true", "CI_MERGE_REQUEST_DIFF_BASE_SHA": "f00d"}, "f00d"},
		{"gitlab branch pipeline", map[string]string{"GITLAB_CI": "true"}, ""},
		{"github pull request", map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": event, "GITHUB_BASE_REF": "main"}, "abc123"},
		{"github pull_request_target", map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request_target", "GITHUB_EVENT_PATH": event}, "abc123"},
		{"github push", map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": push}, ""},
		{"github base ref only", map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_BASE_REF": "release/1.x"}, "origin/release/1.x"},
		{"local", map[string]string{"CI_MERGE_REQUEST_DIFF_BASE_SHA": "f00d", "GITHUB_BASE_REF": "main"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base, ok, err := BaseRevision(func(k string) string { return tt.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if base.Rev != tt.want || ok != (tt.want != "") {
				t.Errorf("BaseRevision = %+v, %v; want %q", base, ok, tt.want)
			}
		})
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{`), 0o644)
	if _, _, err := BaseRevision(func(k string) string {
		return map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": bad}[k]
	}); err == nil {
		t.Error("a malformed event file is not an error")
	}
}

func TestDetected(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  map[string]string
		want bool
	}{
		{"a terminal", map[string]string{"TERM": "xterm-256color"}, false},
		{"CI=true", map[string]string{"CI": "true"}, true},
		{"CI=1", map[string]string{"CI": "1"}, true},
		{"CI=false", map[string]string{"CI": "false"}, false},
		{"CI=0", map[string]string{"CI": "0"}, false},
		{"github actions", map[string]string{"GITHUB_ACTIONS": "true"}, true},
		{"gitlab", map[string]string{"GITLAB_CI": "true"}, true},
		{"jenkins", map[string]string{"JENKINS_URL": "https://ci.example.com/"}, true},
		{"azure pipelines", map[string]string{"TF_BUILD": "True"}, true},
		{"CI=false but jenkins", map[string]string{"CI": "false", "JENKINS_URL": "https://ci.example.com/"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Detected(func(k string) string { return tt.env[k] }); got != tt.want {
				t.Errorf("Detected = %v, want %v", got, tt.want)
			}
		})
	}
}
