package reporters

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/specterhq/specter/rules"
)

// reportFixture is the on-disk form of a test Report. Findings carry their
// Key (which rules.Finding never marshals) so tests can check it never
// reaches any output.
type reportFixture struct {
	Tool         Tool              `json:"tool"`
	Command      string            `json:"command"`
	FilesScanned int               `json:"files_scanned"`
	Baselined    int               `json:"baselined"`
	SourceRoot   string            `json:"source_root"`
	Started      time.Time         `json:"started"`
	Finished     time.Time         `json:"finished"`
	Gate         Gate              `json:"gate"`
	Rules        []rules.Rule      `json:"rules"`
	Inventory    *InventorySummary `json:"inventory"`
	// Operations, Sources and Coverage feed only the html format.
	Operations []string          `json:"operations"`
	Sources    *Sources          `json:"sources"`
	Coverage   []ScannerCoverage `json:"coverage"`
	Findings   []struct {
		rules.Finding
		Key string `json:"key"`
	} `json:"findings"`
}

// loadReport reads testdata/report-<name>.json into a Report the way the
// CLI would hand it over: catalog built, fingerprints set, findings sorted.
func loadReport(t *testing.T, name string) *Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "report-"+name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var fx reportFixture
	if err := json.Unmarshal(data, &fx); err != nil {
		t.Fatalf("decode fixture %s: %v", name, err)
	}
	catalog, err := rules.NewCatalog(fx.Rules...)
	if err != nil {
		t.Fatalf("fixture %s catalog: %v", name, err)
	}
	r := &Report{
		Tool:         fx.Tool,
		Catalog:      catalog,
		Findings:     make([]rules.Finding, 0, len(fx.Findings)),
		Gate:         fx.Gate,
		Command:      fx.Command,
		FilesScanned: fx.FilesScanned,
		Baselined:    fx.Baselined,
		SourceRoot:   fx.SourceRoot,
		Started:      fx.Started,
		Finished:     fx.Finished,
		Inventory:    fx.Inventory,
		Operations:   fx.Operations,
		Sources:      fx.Sources,
		Coverage:     fx.Coverage,
	}
	for _, f := range fx.Findings {
		finding := f.Finding
		finding.Key = f.Key
		finding.SetFingerprint()
		r.Findings = append(r.Findings, finding)
	}
	rules.SortFindings(r.Findings)
	return r
}

// fixtureKeys returns every finding's Key, the values no report may print.
func fixtureKeys(r *Report) []string {
	var keys []string
	for _, f := range r.Findings {
		if f.Key != "" {
			keys = append(keys, f.Key)
		}
	}
	return keys
}
