package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// gitRepo is a throwaway repository for --new-from-rev tests.
type gitRepo struct {
	t   *testing.T
	dir string
}

func newGitRepo(t *testing.T) *gitRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	r := &gitRepo{t: t, dir: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *gitRepo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// copyExample copies a file from testdata/examples into the repository.
func (r *gitRepo) copyExample(name, to string, prefix string) {
	r.t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(r.t), "testdata", "examples", name))
	if err != nil {
		r.t.Fatal(err)
	}
	dst := filepath.Join(r.dir, to)
	os.MkdirAll(filepath.Dir(dst), 0o755)
	if err := os.WriteFile(dst, append([]byte(prefix), data...), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *gitRepo) commit(msg string) string {
	r.git("add", "-A")
	r.git("commit", "-q", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

func activeFiles(rep jsonReport) []string {
	var files []string
	for _, f := range rep.Findings {
		if !f.Suppressed {
			files = append(files, f.Location.File+" "+f.RuleID)
		}
	}
	sort.Strings(files)
	return files
}

func TestNewFromRev(t *testing.T) {
	r := newGitRepo(t)
	r.copyExample("payments-openapi-3.0.yaml", "api/payments.yaml", "")
	base := r.commit("payments API")

	// Move the old findings down by a few lines and add a collection with
	// new secrets.
	r.copyExample("payments-openapi-3.0.yaml", "api/payments.yaml", "# moved\n# down\n# three lines\n")
	r.copyExample("storefront.postman_collection.json", "api/storefront.postman_collection.json", "")
	r.commit("storefront collection")

	all, _ := scanJSON(t, r.dir, "api")
	onlyNew, res := scanJSON(t, r.dir, "api", "--new-from-rev", base)
	if res.code != exitGateFailed {
		t.Fatalf("exit %d, want %d: the collection's secrets are new\nstderr: %s", res.code, exitGateFailed, res.stderr)
	}
	var wantNew []string
	for _, f := range activeFiles(all) {
		if strings.HasPrefix(f, "api/storefront") {
			wantNew = append(wantNew, f)
		}
	}
	if len(wantNew) == 0 || len(wantNew) == len(activeFiles(all)) {
		t.Fatalf("fixture: %d of %d findings in the new file", len(wantNew), len(activeFiles(all)))
	}
	if got := activeFiles(onlyNew); strings.Join(got, "\n") != strings.Join(wantNew, "\n") {
		t.Errorf("--new-from-rev %s reports\n%s\nwant only the new file's findings\n%s", base[:8], strings.Join(got, "\n"), strings.Join(wantNew, "\n"))
	}
	if !strings.Contains(res.stderr, "are not reported again") {
		t.Errorf("stderr does not say findings were left out:\n%s", res.stderr)
	}

	// Against HEAD nothing is new: the gate passes.
	none, res := scanJSON(t, r.dir, "api", "--new-from-rev", "HEAD")
	if res.code != exitPass || len(activeFiles(none)) != 0 {
		t.Errorf("--new-from-rev HEAD: exit %d, findings %v", res.code, activeFiles(none))
	}

	// From a subdirectory, with a relative path, and a path that did not
	// exist at the base revision.
	sub, res := scanJSON(t, filepath.Join(r.dir, "api"), "storefront.postman_collection.json", "--new-from-rev", base)
	if res.code != exitGateFailed || len(activeFiles(sub)) != len(wantNew) {
		t.Errorf("from api/: exit %d, findings %v\nstderr: %s", res.code, activeFiles(sub), res.stderr)
	}
	sub, res = scanJSON(t, filepath.Join(r.dir, "api"), ".", "--new-from-rev", "HEAD")
	if res.code != exitPass || len(activeFiles(sub)) != 0 {
		t.Errorf("from api/ against HEAD: exit %d, findings %v\nstderr: %s", res.code, activeFiles(sub), res.stderr)
	}

	// auto reads the base from GitLab's and GitHub's environment.
	gitlab := specter(t, r.dir, []string{"GITLAB_CI=true", "CI_MERGE_REQUEST_DIFF_BASE_SHA=" + base}, "scan", "api", "-f", "json", "--new-from-rev", "auto")
	event := filepath.Join(t.TempDir(), "event.json")
	os.WriteFile(event, []byte(`{"pull_request":{"base":{"sha":"`+base+`"}}}`), 0o644)
	github := specter(t, r.dir, []string{"GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=pull_request", "GITHUB_EVENT_PATH=" + event}, "scan", "api", "-f", "json", "--new-from-rev", "auto")
	for name, res := range map[string]result{"gitlab": gitlab, "github": github} {
		if res.code != exitGateFailed || !strings.Contains(res.stderr, "comparing with "+base) || strings.Count(res.stdout, `"rule_id"`) != len(wantNew) {
			t.Errorf("%s auto: exit %d, %d findings\nstderr: %s", name, res.code, strings.Count(res.stdout, `"rule_id"`), res.stderr)
		}
	}
	// auto outside a pull request reports everything.
	push := specter(t, r.dir, nil, "scan", "api", "-f", "json", "--new-from-rev", "auto")
	if strings.Count(push.stdout, `"rule_id"`) != len(all.Findings) || !strings.Contains(push.stderr, "not a pull or merge request") {
		t.Errorf("auto outside a pull request: %d findings, want %d\nstderr: %s", strings.Count(push.stdout, `"rule_id"`), len(all.Findings), push.stderr)
	}

	// Errors are input errors: unknown revision, not a repository.
	if res := specter(t, r.dir, nil, "scan", "api", "--new-from-rev", "no-such-branch"); res.code != exitInputError || !strings.Contains(res.stderr, `"no-such-branch" is not a commit`) {
		t.Errorf("unknown revision: exit %d, stderr %s", res.code, res.stderr)
	}
	if res := specter(t, t.TempDir(), nil, "scan", ".", "--new-from-rev", "HEAD"); res.code != exitInputError || !strings.Contains(res.stderr, "not in a git work tree") {
		t.Errorf("outside a repository: exit %d, stderr %s", res.code, res.stderr)
	}
}
