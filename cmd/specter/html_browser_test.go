package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

var htmlScreenshot = flag.String("html-screenshot", "", "also save the browser test's screenshot of the examples' html report to this file (docs/html-report.png)")

// browserPath finds Chromium or Chrome: $SPECTER_BROWSER, then the usual
// names on PATH.
func browserPath() (string, bool) {
	if p := os.Getenv("SPECTER_BROWSER"); p != "" {
		return p, true
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

// browser starts a headless browser with a fresh profile and no network
// chatter of its own; it fails the test on any script exception or dialog
// on the page (an alert() is what an injection would show).
func browser(t *testing.T) context.Context {
	t.Helper()
	path, ok := browserPath()
	if !ok {
		t.Skip("no Chromium or Chrome found (install it: apt-get install -y chromium, or set SPECTER_BROWSER)")
	}
	bctx := startBrowser(t, path)
	var mu sync.Mutex
	var problems []string
	err := chromedp.Listen(bctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, "script exception: "+ev.ExceptionDetails.Text)
		case *page.EventJavascriptDialogOpening:
			problems = append(problems, "dialog opened: "+ev.Message)
		}
	})
	if err != nil {
		t.Fatalf("listening to the page's events: %v", err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Error(p)
		}
	})
	return bctx
}

// startBrowser starts the browser, trying three times: on a loaded
// machine Chromium now and then exits before it answers (seen twice in
// about thirty starts here, with nothing in its output but dbus warnings).
func startBrowser(t *testing.T, path string) context.Context {
	t.Helper()
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(path),
			chromedp.Flag("headless", true),
			chromedp.Flag("no-sandbox", true),
			chromedp.Flag("disable-gpu", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("no-first-run", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.UserDataDir(t.TempDir()),
			chromedp.WindowSize(1280, 1700),
		}
		ctx, cancelTimeout := context.WithTimeout(context.Background(), 60*time.Second)
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
		bctx, cancelBrowser := chromedp.NewContext(allocCtx)
		cancel := func() { cancelBrowser(); cancelAlloc(); cancelTimeout() }
		if err = chromedp.Do(bctx); err == nil {
			t.Cleanup(cancel)
			return bctx
		}
		cancel()
		t.Logf("starting %s, attempt %d: %v", path, attempt, err)
	}
	t.Fatalf("starting %s: %v", path, err)
	return nil
}

// visibleFindings returns the fingerprints of the findings shown now.
const visibleFindings = `[...document.querySelectorAll(".finding")].filter(e => e.offsetParent !== null).map(e => e.dataset.fp)`

// TestHTMLReportInBrowser loads the examples' html report in headless
// Chromium: every finding of the JSON report is on the page, the severity
// filter, the rule filter, the search and the surface map work, and a
// finding opens with its source lines and help.
func TestHTMLReportInBrowser(t *testing.T) {
	ctx := browser(t)
	root := repoRoot(t)
	out := filepath.Join(t.TempDir(), "report.html")
	if res := specter(t, root, nil, "scan", "testdata/examples", "-f", "html", "-o", out); res.code != exitGateFailed {
		t.Fatalf("exit %d\nstderr: %s", res.code, res.stderr)
	}
	rep, _ := scanJSON(t, root, "testdata/examples")
	var all, active, high []string
	byRule := map[string]int{}
	for _, f := range rep.Findings {
		all = append(all, f.Fingerprint)
		if !f.Suppressed {
			active = append(active, f.Fingerprint)
			byRule[f.RuleID]++
			if f.Severity == "high" {
				high = append(high, f.Fingerprint)
			}
		}
	}
	if len(high) == 0 || len(all) == len(active) {
		t.Fatalf("the examples should have high and suppressed findings (%d high, %d of %d active)", len(high), len(active), len(all))
	}

	do(t, ctx, "load the page", chromedp.Navigate("file://"+out), chromedp.WaitVisible(chromedp.CSS("#shown")))
	sameSet(t, "findings on the page", eval[[]string](t, ctx, `[...document.querySelectorAll(".finding")].map(e => e.dataset.fp)`), all)
	sameSet(t, "findings shown at first (suppressed ones hidden)", eval[[]string](t, ctx, visibleFindings), active)

	do(t, ctx, "filter by severity", chromedp.Click(chromedp.CSS(`.tile[data-sev="high"]`)))
	sameSet(t, "findings shown with the high filter", eval[[]string](t, ctx, visibleFindings), high)
	do(t, ctx, "clear the severity filter", chromedp.Click(chromedp.CSS(`.tile[data-sev="high"]`)))
	sameSet(t, "findings shown after clicking high again", eval[[]string](t, ctx, visibleFindings), active)

	do(t, ctx, "filter by rule",
		chromedp.SetValue(chromedp.CSS("#f-rule"), "secrets/stripe-access-token"),
		script(`document.getElementById("f-rule").dispatchEvent(new Event("change"))`))
	if got, want := len(eval[[]string](t, ctx, visibleFindings)), byRule["secrets/stripe-access-token"]; got != want || want == 0 {
		t.Errorf("rule filter shows %d findings, want %d", got, want)
	}
	do(t, ctx, "clear the filters, search", chromedp.Click(chromedp.CSS("#f-clear")), chromedp.SendKeys(chromedp.CSS("#search"), "userinfo"))
	if got, want := len(eval[[]string](t, ctx, visibleFindings)), byRule["secrets/url-userinfo-password"]; got != want || want == 0 {
		t.Errorf("search for userinfo shows %d findings, want the %d of secrets/url-userinfo-password", got, want)
	}
	do(t, ctx, "clear the search", chromedp.Click(chromedp.CSS("#f-clear")))

	// A surface-map cell shows the findings of its scanner on its
	// operation, its target first, open and in view.
	const cellSel = `#map-table a[data-scanner="secrets"]`
	type cellState struct {
		Target, Op                        string
		TargetVisible, TargetOpen, InView bool
		Others                            []string
		Source, Help                      string
	}
	do(t, ctx, "click a surface-map cell", chromedp.Click(chromedp.CSS(cellSel)), chromedp.Sleep(100*time.Millisecond))
	state := eval[cellState](t, ctx, `(() => {
		const a = document.querySelector('`+cellSel+`');
		const d = document.getElementById(location.hash.slice(1)), r = d.getBoundingClientRect();
		const shown = [...document.querySelectorAll(".finding")].filter(e => e.offsetParent !== null);
		return {Target: d.id, Op: a.dataset.op, TargetVisible: d.offsetParent !== null, TargetOpen: d.open,
			InView: r.top >= 0 && r.top < innerHeight,
			Others: shown.filter(e => e.dataset.op !== a.dataset.op || e.dataset.scanner !== "secrets").map(e => e.id),
			Source: (d.querySelector("pre.src") || {}).textContent || "",
			Help: (d.querySelector(".body .helptext") || {}).textContent || ""};
	})()`)
	if state.Target == "" || !state.TargetVisible || !state.TargetOpen || !state.InView {
		t.Errorf("after clicking the secrets cell of %s, its finding %q is visible %v, open %v, in view %v", state.Op, state.Target, state.TargetVisible, state.TargetOpen, state.InView)
	}
	if len(state.Others) > 0 {
		t.Errorf("after clicking the secrets cell of %s, findings of other cells are shown: %v", state.Op, state.Others)
	}
	if state.Source == "" || state.Help == "" {
		t.Errorf("the opened finding shows no source lines (%q) or no help (%q)", state.Source, state.Help)
	}

	// The screenshot: the page as it opens, with its first finding open.
	do(t, ctx, "prepare the screenshot", chromedp.Click(chromedp.CSS("#f-clear")),
		script(`document.querySelector(".finding").open = true; window.scrollTo(0, 0)`), chromedp.Sleep(100*time.Millisecond))
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	saveScreenshot(t, png)
}

// TestHTMLReportInjectionInBrowser scans a spec whose path and servers
// carry markup meant to run: the page must show it as text, run nothing
// and add no element.
func TestHTMLReportInjectionInBrowser(t *testing.T) {
	ctx := browser(t)
	dir := t.TempDir()
	const payload = `</script><img src=x onerror="window.pwned=1"><svg onload="window.pwned=2">`
	spec := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers:\n  - url: 'http://example.com/" + payload + "'\npaths:\n  '/x" + payload + "':\n    delete:\n      responses:\n        '204': {description: ok}\n"
	if err := os.WriteFile(filepath.Join(dir, "api.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report.html")
	if res := specter(t, dir, nil, "scan", ".", "-f", "html", "-o", out, "--fail-on", "none"); res.code != 0 {
		t.Fatalf("exit %d\nstderr: %s", res.code, res.stderr)
	}
	type result struct {
		Pwned   bool
		Markup  int
		Mention bool
	}
	do(t, ctx, "load the hostile page", chromedp.Navigate("file://"+out), chromedp.WaitVisible(chromedp.CSS("#shown")),
		script(`document.querySelectorAll(".finding > summary").forEach(s => s.click())`), chromedp.Sleep(100*time.Millisecond))
	got := eval[result](t, ctx, `({Pwned: window.pwned !== undefined, Markup: document.querySelectorAll("img, main svg[onload], [onerror]").length,
		Mention: document.body.textContent.includes('onerror="window.pwned=1"')})`)
	if got.Pwned || got.Markup != 0 {
		t.Errorf("the payload ran (%v) or added %d elements", got.Pwned, got.Markup)
	}
	if !got.Mention {
		t.Error("the payload is not shown as text anywhere on the page")
	}
}

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval runs a script on the page and decodes its value.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluating %.80q: %v", js, err)
	}
	return v
}

// script runs a script on the page for its effect.
func script(js string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[any](js)(ctx, tg)
		return err
	})
}

func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := append([]string{}, got...), append([]string{}, want...)
	sort.Strings(g)
	sort.Strings(w)
	if strings.Join(g, ",") != strings.Join(w, ",") {
		t.Errorf("%s: %d on the page, want %d\n got %v\nwant %v", what, len(g), len(w), g, w)
	}
}

// saveScreenshot keeps the screenshot with the test's files and, with
// -html-screenshot, at the path it names.
func saveScreenshot(t *testing.T, png []byte) {
	t.Helper()
	if len(png) < 1000 {
		t.Fatalf("screenshot has only %d bytes", len(png))
	}
	paths := []string{filepath.Join(t.TempDir(), "html-report.png")}
	if *htmlScreenshot != "" {
		paths = append(paths, *htmlScreenshot)
	}
	for _, p := range paths {
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(fmt.Errorf("saving the screenshot: %w", err))
		}
	}
}

// TestHTMLPageLoadTime loads the html report named by $SPECTER_HTML_PAGE
// (a large one: docs/html-report.md measures Stripe's lint report with it)
// and logs how long the page takes to render all its findings and to apply
// a severity filter; it checks that every finding is on the page.
func TestHTMLPageLoadTime(t *testing.T) {
	pagePath := os.Getenv("SPECTER_HTML_PAGE")
	if pagePath == "" {
		t.Skip("set SPECTER_HTML_PAGE to an html report to time it")
	}
	abs, err := filepath.Abs(pagePath)
	if err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	start := time.Now()
	do(t, ctx, "load the page", chromedp.Navigate("file://"+abs), chromedp.WaitVisible(chromedp.CSS("#shown")))
	loaded := time.Since(start)
	type counts struct{ Data, Elements int }
	n := eval[counts](t, ctx, `({Data: JSON.parse(document.getElementById("specter-data").textContent).findings.length,
		Elements: document.querySelectorAll(".finding").length})`)
	if n.Data == 0 || n.Elements != n.Data {
		t.Fatalf("page renders %d findings of %d", n.Elements, n.Data)
	}
	start = time.Now()
	do(t, ctx, "filter by severity", chromedp.Click(chromedp.CSS(`.tile[data-sev="medium"]`)))
	shown := eval[int](t, ctx, `Number(document.getElementById("shown").dataset.shown)`)
	filtered := time.Since(start)
	t.Logf("%s: %d findings rendered in %v (navigation included); medium filter (%d shown) in %v", pagePath, n.Elements, loaded.Round(time.Millisecond), shown, filtered.Round(time.Millisecond))
}
