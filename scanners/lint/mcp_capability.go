package lint

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/mcp"
)

// What a tool's name and description say it does. MCP tool names are
// mostly verb_object (delete_file, sendEmail), sometimes object_verb
// (file_delete); descriptions mostly open with the verb ("Deletes a
// file", "This tool sends...").
var (
	// destructiveVerbs remove or overwrite what cannot be got back.
	destructiveVerbs = map[string]bool{
		"delete": true, "drop": true, "remove": true, "purge": true, "destroy": true, "erase": true, "wipe": true,
		"truncate": true, "kill": true, "terminate": true, "revoke": true, "overwrite": true, "uninstall": true,
		"unlink": true, "rm": true, "shred": true, "reset": true, "rmdir": true,
	}
	// changeVerbs change state in some other way (destructive ones included
	// through isChangeVerb).
	changeVerbs = map[string]bool{
		"send": true, "post": true, "write": true, "update": true, "create": true, "insert": true, "execute": true,
		"exec": true, "run": true, "move": true, "rename": true, "upload": true, "modify": true, "edit": true,
		"set": true, "put": true, "patch": true, "publish": true, "deploy": true, "merge": true, "push": true,
		"commit": true, "transfer": true, "pay": true, "charge": true, "approve": true, "append": true, "save": true,
		"submit": true, "cancel": true, "close": true, "archive": true, "restore": true, "install": true,
		"invite": true, "grant": true, "email": true, "reply": true, "forward": true, "book": true, "mkdir": true,
	}
	// trailingVerbs are the change verbs that still read as verbs at the
	// end of a name (file_delete); "post", "set", "run", "push", "commit"
	// there are mostly nouns (get_post, list_commit).
	trailingVerbs = map[string]bool{
		"send": true, "write": true, "update": true, "create": true, "insert": true, "execute": true, "exec": true,
		"upload": true, "modify": true, "publish": true, "deploy": true, "transfer": true,
	}
	// readVerbs open the names of tools that only look.
	readVerbs = map[string]bool{
		"get": true, "list": true, "read": true, "search": true, "find": true, "fetch": true, "query": true,
		"show": true, "describe": true, "view": true, "lookup": true, "count": true, "check": true,
		"validate": true, "format": true, "parse": true, "convert": true, "trim": true, "calculate": true,
		"compute": true, "summarize": true, "translate": true, "preview": true, "explain": true,
	}
	descriptionVerb = regexp.MustCompile(`(?i)^\s*(?:this\s+tool\s+(?:will\s+|can\s+)?|(?:a\s+)?tool\s+(?:that|to|for)\s+|used?\s+(?:this\s+)?to\s+|allows?\s+(?:you\s+|the\s+\w+\s+)?to\s+|lets?\s+(?:you|the\s+\w+)\s+)?([A-Za-z]+)`)
	saysReadOnly    = regexp.MustCompile(`(?i)\bread[- ]?only\b|\bonly\s+reads\b|\bdoes\s+not\s+(?:modify|change|write)\b|\bwithout\s+(?:modifying|changing)\b|\bno\s+side[- ]effects\b`)
)

func isChangeVerb(w string) bool { return changeVerbs[w] || destructiveVerbs[w] }

// toolAction is what a tool says it does: the verb, and where it is said
// ("name" or "description"); "" when the tool names no change. The
// description counts only when the name opens with no read verb.
func toolAction(t mcp.Tool, want func(string) bool) (verb, where string) {
	ws := nameWords(t.Name)
	if len(ws) > 0 && want(ws[0]) {
		return ws[0], "name"
	}
	if n := len(ws); n > 1 && want(ws[n-1]) && (trailingVerbs[ws[n-1]] || destructiveVerbs[ws[n-1]]) {
		return ws[n-1], "name"
	}
	if len(ws) > 0 && readVerbs[ws[0]] {
		return "", ""
	}
	if m := descriptionVerb.FindStringSubmatch(t.Description.Text); m != nil {
		w := strings.ToLower(m[1])
		for _, form := range []string{w, strings.TrimSuffix(w, "s"), strings.TrimSuffix(w, "es")} {
			if want(form) {
				return form, "description"
			}
		}
	}
	return "", ""
}

func toolLabel(t mcp.Tool) string { return "tool " + strconv.Quote(t.Name) }

func mcpAnnotationContradiction(c *Context, f *surface.File, tools []mcp.Tool) {
	for _, t := range tools {
		ro := t.Annotations.ReadOnly
		if !ro.Set || !ro.Value {
			continue
		}
		want := isChangeVerb
		if saysReadOnly.MatchString(t.Description.Text) {
			// "Run a read-only SQL query": only a destructive verb
			// contradicts a description that itself says read-only.
			want = func(w string) bool { return destructiveVerbs[w] }
		}
		verb, where := toolAction(t, want)
		if verb == "" {
			continue
		}
		c.ReportAt(f.Locate(ro.Pointer), Finding{
			Message:  "The " + toolLabel(t) + " is annotated readOnlyHint: true, but its " + where + " says it does " + strconv.Quote(verb) + ": clients run it without asking",
			Evidence: verb,
			Key:      t.Name,
		})
	}
}

func mcpDestructiveUnmarked(c *Context, f *surface.File, tools []mcp.Tool) {
	for _, t := range tools {
		a := t.Annotations
		if a.ReadOnly.Set && a.ReadOnly.Value || a.Destructive.Set && a.Destructive.Value {
			continue // read-only claims are lint/mcp-annotation-contradiction's
		}
		verb, where := toolAction(t, func(w string) bool { return destructiveVerbs[w] })
		if verb == "" {
			continue
		}
		at, says := t.NamePointer, "does not declare destructiveHint"
		switch {
		case a.Destructive.Set:
			at, says = a.Destructive.Pointer, "declares destructiveHint: false"
		case a.Pointer != "":
			at = a.Pointer
		}
		c.ReportAt(f.Locate(at), Finding{
			Message:  "The " + toolLabel(t) + " is destructive (its " + where + " says " + strconv.Quote(verb) + ") but " + says + ": clients that ask before destructive calls may not ask",
			Evidence: verb,
			Key:      t.Name,
		})
	}
}

// Capabilities a string input can hand to a shell, an interpreter, a
// database, the file system or the network; see riskyCapability.
var (
	shellParams = map[string]bool{"command": true, "cmd": true, "commandline": true, "shellcommand": true}
	shellTools  = map[string]bool{"shell": true, "bash": true, "sh": true, "zsh": true, "powershell": true, "exec": true, "execute": true, "terminal": true, "run": true, "command": true, "cmd": true}
	codeParams  = map[string]bool{"code": true, "script": true, "expression": true, "expr": true, "source": true, "snippet": true}
	codeTools   = map[string]bool{"eval": true, "evaluate": true, "execute": true, "exec": true, "run": true, "python": true, "javascript": true, "js": true, "repl": true, "interpreter": true, "notebook": true, "code": true, "script": true}
	sqlParams   = map[string]bool{"sql": true, "query": true, "statement": true, "sqlquery": true, "rawsql": true, "sqlstatement": true}
	sqlTools    = map[string]bool{"sql": true, "database": true, "db": true, "postgres": true, "postgresql": true, "mysql": true, "sqlite": true, "mssql": true, "bigquery": true, "snowflake": true, "duckdb": true, "clickhouse": true, "oracle": true}
	pathParams  = map[string]bool{"path": true, "file": true, "filename": true, "filepath": true, "dir": true, "directory": true, "destination": true, "dest": true, "target": true, "folder": true}
	fileWrites  = map[string]bool{"write": true, "create": true, "save": true, "edit": true, "move": true, "copy": true, "append": true, "upload": true, "delete": true, "remove": true, "rename": true, "overwrite": true, "put": true, "mkdir": true}
	fileTools   = map[string]bool{"file": true, "files": true, "dir": true, "directory": true, "folder": true, "path": true}
	urlParams   = map[string]bool{"url": true, "uri": true, "link": true, "href": true, "endpoint": true}
	fetchTools  = map[string]bool{"fetch": true, "download": true, "browse": true, "scrape": true, "crawl": true, "request": true, "curl": true, "http": true, "navigate": true, "visit": true, "open": true, "load": true, "get": true, "read": true, "import": true, "proxy": true}
	mentionsSQL = regexp.MustCompile(`(?i)\bsql\b`)
)

// riskyCapability names what a string parameter of a tool reaches, "" for
// none: a shell command, code to evaluate, a raw SQL statement, a path the
// tool writes or removes, or a URL it fetches.
func riskyCapability(t mcp.Tool, p mcp.Param) string {
	pname, pw := squashName(p.Name), nameWords(p.Name)
	last := ""
	if len(pw) > 0 {
		last = pw[len(pw)-1]
	}
	tw := nameWords(t.Name)
	toolHas := func(set map[string]bool) bool { return hasWord(tw, set) }
	switch {
	case shellParams[pname]:
		return "a shell command"
	case codeParams[pname] && toolHas(codeTools):
		return "code to evaluate"
	case sqlParams[pname] && (strings.Contains(pname, "sql") || toolHas(sqlTools) || mentionsSQL.MatchString(t.Description.Text)):
		return "a raw SQL statement"
	case (pathParams[pname] || pathParams[last]) && len(tw) > 0 && fileWrites[tw[0]] && toolHas(fileTools) && !remoteStore(t):
		return "the path it writes or removes"
	case (urlParams[pname] || urlParams[last]) && toolHas(fetchTools):
		return "a URL it fetches"
	}
	return ""
}

// remoteStore reports whether a tool addresses a remote repository or
// bucket by its parameters (GitHub's create_or_update_file: owner, repo,
// path): its paths are inside that store, not on the server's disk.
func remoteStore(t mcp.Tool) bool {
	for _, p := range t.Params {
		switch squashName(p.Name) {
		case "repo", "repository", "reponame", "bucket", "bucketname":
			return true
		}
	}
	return false
}

func mcpUnboundedRiskyInput(c *Context, f *surface.File, tools []mcp.Tool) {
	for _, t := range tools {
		for _, p := range t.Params {
			if p.Type != "string" || len(p.Bounds) > 0 {
				continue
			}
			what := riskyCapability(t, p)
			if what == "" {
				continue
			}
			c.ReportAt(f.Locate(p.Pointer), Finding{
				Message:  "Parameter " + strconv.Quote(p.Name) + " of " + toolLabel(t) + " takes " + what + " as a string with no enum, const, pattern, maxLength or format: injected text reaches it unchecked",
				Evidence: p.Name,
				Key:      t.Name + "/" + p.Name,
			})
		}
	}
}

// Parameter names that ask the model for what it knows. The ambiguous ones
// are ordinary domain words too and count only with a description about
// the conversation or the model, or with none.
var (
	exfilNames = map[string]bool{
		"sidenote": true, "conversation": true, "conversationhistory": true, "chathistory": true, "chatlog": true,
		"notesformodel": true, "modelnotes": true, "systemprompt": true, "transcript": true, "previousmessages": true,
		"priormessages": true, "allmessages": true, "fullcontext": true, "contextwindow": true,
		"conversationcontext": true, "chatcontext": true, "assistantnotes": true, "llmnotes": true,
	}
	exfilAmbiguous = map[string]bool{
		"context": true, "history": true, "notes": true, "memory": true, "instructions": true, "prompt": true,
		"additionalcontext": true, "extrainfo": true, "extra": true,
	}
	conversational = regexp.MustCompile(`(?i)\b(?:conversation|chat|messages?|previous|prior|history|model|assistant|llm|ai|session|discussion|everything|all\s+(?:the\s+)?(?:information|details|context)|so\s+far)\b`)
)

func mcpExfiltrationParameter(c *Context, f *surface.File, tools []mcp.Tool) {
	for _, t := range tools {
		for _, p := range t.Params {
			if p.Type != "string" && p.Type != "" {
				continue
			}
			if bounded(p) {
				continue
			}
			name := squashName(p.Name)
			why := ""
			switch {
			case exfilNames[name]:
				why = "its name asks the model for its conversation or context"
			case exfilAmbiguous[name] && p.Description.Node == nil:
				why = "its name asks the model for its context and no description narrows it"
			case exfilAmbiguous[name] && conversational.MatchString(p.Description.Text):
				why = "its name asks for context and its description speaks of " + strconv.Quote(conversational.FindString(p.Description.Text))
			default:
				continue
			}
			c.ReportAt(f.Locate(p.Pointer), Finding{
				Message:  "Parameter " + strconv.Quote(p.Name) + " of " + toolLabel(t) + " invites exfiltration: " + why + ", and the server receives whatever the model puts there",
				Evidence: p.Name,
				Key:      t.Name + "/" + p.Name,
			})
		}
	}
}

// bounded reports whether a parameter's values are restricted to a domain
// (maxLength alone still takes a paragraph of conversation).
func bounded(p mcp.Param) bool {
	for _, b := range p.Bounds {
		if b != "maxLength" {
			return true
		}
	}
	return false
}
