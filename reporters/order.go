package reporters

import (
	"path"
	"sort"
	"strings"

	"github.com/specterhq/specter/rules"
)

// activeBySeverity returns the unsuppressed findings, most severe first and
// in report order within a severity. CI surfaces show only the first few
// annotations of a step, so the order decides what people see.
func activeBySeverity(fs []rules.Finding) []*rules.Finding {
	out := make([]*rules.Finding, 0, len(fs))
	for i := range fs {
		if !fs[i].Suppressed() {
			out = append(out, &fs[i])
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Severity > out[j].Severity })
	return out
}

// repoPath is a finding's file as a slash-separated path relative to the
// source root, the form GitLab reports need. Paths already relative are
// cleaned; absolute paths below root are made relative; other absolute
// paths are returned as they are.
func repoPath(file, root string) string {
	p := strings.ReplaceAll(file, `\`, "/")
	if !isAbsolutePath(p) {
		return strings.TrimPrefix(path.Clean(p), "./")
	}
	r := strings.TrimSuffix(strings.ReplaceAll(root, `\`, "/"), "/")
	if r != "" && strings.HasPrefix(p, r+"/") {
		return p[len(r)+1:]
	}
	return p
}
