package flasklike

// A small sqlite: enough of its SQL to run the query the vulnerable
// get_user builds ("SELECT * FROM users WHERE username = '" + name + "'")
// with whatever an attacker puts into it: comments, OR/AND, comparisons
// with sqlite's type affinity, LIKE/GLOB/IN/BETWEEN/IS, CASE, scalar and
// EXISTS subqueries, UNION/INTERSECT/EXCEPT, ORDER BY, LIMIT, the common
// functions and aggregates, and sqlite's error messages ("unrecognized
// token", "near "X": syntax error", "no such column", the ORDER BY and
// compound column-count errors...). Tables: users, books, sqlite_master.

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

const sqliteVersion = "3.40.1"

type vkind int

const (
	vNull vkind = iota
	vInt
	vReal
	vText
	vBlob
)

type sqlValue struct {
	k vkind
	i int64
	f float64
	s string
}

func sqlNull() sqlValue          { return sqlValue{} }
func sqlInt(i int64) sqlValue    { return sqlValue{k: vInt, i: i} }
func sqlReal(f float64) sqlValue { return sqlValue{k: vReal, f: f} }
func sqlText(s string) sqlValue  { return sqlValue{k: vText, s: s} }
func sqlBool(b bool) sqlValue {
	if b {
		return sqlInt(1)
	}
	return sqlInt(0)
}

// pyStr is "%s" % value as the app formats a fetched column.
func (v sqlValue) pyStr() string {
	switch v.k {
	case vNull:
		return "None"
	case vInt:
		return strconv.FormatInt(v.i, 10)
	case vReal:
		return pyFloatRepr(v.f)
	case vBlob:
		return "b" + pyStrRepr(v.s)
	}
	return v.s
}

// text is sqlite's conversion to TEXT.
func (v sqlValue) text() string {
	switch v.k {
	case vInt:
		return strconv.FormatInt(v.i, 10)
	case vReal:
		return sqliteReal(v.f)
	case vNull:
		return ""
	}
	return v.s
}

// num is sqlite's conversion to a number (the longest numeric prefix).
func (v sqlValue) num() sqlValue {
	switch v.k {
	case vInt, vReal:
		return v
	case vNull:
		return v
	}
	s := strings.TrimLeft(v.s, " \t\n\r")
	m := numPrefix.FindString(s)
	if m == "" {
		return sqlInt(0)
	}
	if i, err := strconv.ParseInt(m, 10, 64); err == nil {
		return sqlInt(i)
	}
	f, _ := strconv.ParseFloat(m, 64)
	return sqlReal(f)
}

var numPrefix = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?`)

// asNumeric applies NUMERIC affinity: text that is wholly a number
// becomes one.
func (v sqlValue) asNumeric() sqlValue {
	if v.k != vText {
		return v
	}
	s := strings.TrimSpace(v.s)
	if m := numPrefix.FindString(s); m != "" && m == s {
		return sqlValue{k: vText, s: s}.num()
	}
	return v
}

func (v sqlValue) float() float64 {
	n := v.num()
	if n.k == vInt {
		return float64(n.i)
	}
	return n.f
}

func (v sqlValue) truth() (bool, bool) { // value, known
	if v.k == vNull {
		return false, false
	}
	return v.float() != 0, true
}

// cmp orders two values as sqlite does without affinity: NULL < numbers <
// text < blob; text by bytes (BINARY).
func cmpValues(a, b sqlValue) int {
	rank := func(v sqlValue) int {
		switch v.k {
		case vNull:
			return 0
		case vInt, vReal:
			return 1
		case vText:
			return 2
		}
		return 3
	}
	ra, rb := rank(a), rank(b)
	if ra != rb {
		return ra - rb
	}
	switch ra {
	case 0:
		return 0
	case 1:
		if a.k == vInt && b.k == vInt {
			switch {
			case a.i < b.i:
				return -1
			case a.i > b.i:
				return 1
			}
			return 0
		}
		fa, fb := a.float(), b.float()
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	}
	return strings.Compare(a.s, b.s)
}

// ---- errors ----

type sqlErr struct {
	kind string // OperationalError, ProgrammingError, StatementError
	msg  string
	sql  string
}

func (e *sqlErr) Error() string { return e.msg }

func opErr(format string, a ...any) *sqlErr {
	return &sqlErr{kind: "OperationalError", msg: fmt.Sprintf(format, a...)}
}

// ---- tokens ----

type tkind int

const (
	tEOF tkind = iota
	tIdent
	tString
	tNumber
	tOp
	tParam
	tIllegal
)

type token struct {
	k      tkind
	text   string // as written (identifiers unquoted in val)
	val    string
	quoted bool
}

func tokenize(sql string) []token {
	var out []token
	rs := []rune(sql)
	i := 0
	for i < len(rs) {
		c := rs[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '-' && i+1 < len(rs) && rs[i+1] == '-':
			for i < len(rs) && rs[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(rs) && rs[i+1] == '*':
			j := i + 2
			for j < len(rs) && !(rs[j] == '*' && j+1 < len(rs) && rs[j+1] == '/') {
				j++
			}
			i = j + 2
		case c == '\'':
			j := i + 1
			var b strings.Builder
			closed := false
			for j < len(rs) {
				if rs[j] == '\'' {
					if j+1 < len(rs) && rs[j+1] == '\'' {
						b.WriteRune('\'')
						j += 2
						continue
					}
					closed = true
					j++
					break
				}
				b.WriteRune(rs[j])
				j++
			}
			if !closed {
				out = append(out, token{k: tIllegal, text: string(rs[i:])})
				return append(out, token{k: tEOF})
			}
			out = append(out, token{k: tString, text: string(rs[i:j]), val: b.String()})
			i = j
		case c == '"' || c == '`' || c == '[':
			end := c
			if c == '[' {
				end = ']'
			}
			j := i + 1
			var b strings.Builder
			closed := false
			for j < len(rs) {
				if rs[j] == end {
					if end != ']' && j+1 < len(rs) && rs[j+1] == end {
						b.WriteRune(end)
						j += 2
						continue
					}
					closed = true
					j++
					break
				}
				b.WriteRune(rs[j])
				j++
			}
			if !closed {
				out = append(out, token{k: tIllegal, text: string(rs[i:])})
				return append(out, token{k: tEOF})
			}
			out = append(out, token{k: tIdent, text: string(rs[i:j]), val: b.String(), quoted: c == '"'})
			i = j
		case c == '_' || unicode.IsLetter(c):
			j := i
			for j < len(rs) && (rs[j] == '_' || rs[j] == '$' || unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) {
				j++
			}
			out = append(out, token{k: tIdent, text: string(rs[i:j]), val: string(rs[i:j])})
			i = j
		case isDigit(c) || (c == '.' && i+1 < len(rs) && isDigit(rs[i+1])):
			j := i
			if c == '0' && i+1 < len(rs) && (rs[i+1] == 'x' || rs[i+1] == 'X') {
				j += 2
				for j < len(rs) && strings.ContainsRune("0123456789abcdefABCDEF", rs[j]) {
					j++
				}
			} else {
				for j < len(rs) && isDigit(rs[j]) {
					j++
				}
				if j < len(rs) && rs[j] == '.' {
					j++
					for j < len(rs) && isDigit(rs[j]) {
						j++
					}
				}
				if j < len(rs) && (rs[j] == 'e' || rs[j] == 'E') {
					k := j + 1
					if k < len(rs) && (rs[k] == '+' || rs[k] == '-') {
						k++
					}
					if k < len(rs) && isDigit(rs[k]) {
						j = k
						for j < len(rs) && isDigit(rs[j]) {
							j++
						}
					}
				}
			}
			bad := j
			for bad < len(rs) && (rs[bad] == '_' || unicode.IsLetter(rs[bad]) || isDigit(rs[bad])) {
				bad++
			}
			if bad > j {
				out = append(out, token{k: tIllegal, text: string(rs[i:bad])})
				i = bad
				continue
			}
			out = append(out, token{k: tNumber, text: string(rs[i:j]), val: string(rs[i:j])})
			i = j
		case c == '?' || c == ':' || c == '@' || c == '$':
			j := i + 1
			for j < len(rs) && (rs[j] == '_' || unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) {
				j++
			}
			if c != '?' && j == i+1 {
				out = append(out, token{k: tIllegal, text: string(c)})
				i++
				continue
			}
			out = append(out, token{k: tParam, text: string(rs[i:j])})
			i = j
		default:
			ops := []string{"||", "<<", ">>", "<=", ">=", "==", "!=", "<>", "<", ">", "=", "+", "-", "*", "/", "%", "&", "|", "~", "(", ")", ",", ".", ";"}
			matched := false
			for _, op := range ops {
				if strings.HasPrefix(string(rs[i:min(i+2, len(rs))]), op) {
					out = append(out, token{k: tOp, text: op})
					i += len([]rune(op))
					matched = true
					break
				}
			}
			if !matched {
				out = append(out, token{k: tIllegal, text: string(c)})
				i++
			}
		}
	}
	return append(out, token{k: tEOF})
}

// ---- AST ----

type expr interface{}

type (
	eLit struct{ v sqlValue }
	eCol struct {
		table, name string
		quoted      bool
		text        string
	}
	eUnary struct {
		op string
		x  expr
	}
	eBinary struct {
		op   string
		l, r expr
	}
	eIs struct {
		not  bool
		l, r expr
	}
	eLike struct {
		not       bool
		op        string
		l, r, esc expr
	}
	eIn struct {
		not  bool
		l    expr
		list []expr
		sub  *selectStmt
	}
	eBetween struct {
		not       bool
		x, lo, hi expr
	}
	eFunc struct {
		name     string
		raw      string
		args     []expr
		star     bool
		distinct bool
	}
	eSub    struct{ s *selectStmt }
	eExists struct{ s *selectStmt }
	eCase   struct {
		base  expr
		whens [][2]expr
		els   expr
	}
	eCast struct {
		x   expr
		typ string
	}
	eCollate struct {
		x    expr
		coll string
	}
)

type resultCol struct {
	star  bool
	table string
	x     expr
	alias string
}

type selectCore struct {
	distinct bool
	cols     []resultCol
	from     string // table name, "" for none
	alias    string
	fromSub  *selectStmt
	where    expr
	group    []expr
	having   expr
}

type orderTerm struct {
	x    expr
	desc bool
}

type selectStmt struct {
	cores         []*selectCore
	ops           []string
	order         []orderTerm
	limit, offset expr
}

// ---- parser ----

type parser struct {
	toks []token
	p    int
}

type parseErr struct{ e *sqlErr }

func (ps *parser) peek() token { return ps.toks[ps.p] }
func (ps *parser) next() token {
	t := ps.toks[ps.p]
	if t.k != tEOF {
		ps.p++
	}
	return t
}

func (ps *parser) fail() {
	t := ps.peek()
	switch t.k {
	case tEOF:
		panic(parseErr{opErr("incomplete input")})
	case tIllegal:
		panic(parseErr{opErr("unrecognized token: \"%s\"", t.text)})
	}
	panic(parseErr{opErr("near \"%s\": syntax error", t.text)})
}

func (ps *parser) isKw(kw string) bool {
	t := ps.peek()
	return t.k == tIdent && !t.quoted && strings.EqualFold(t.text, kw) && t.text[0] != '[' && t.text[0] != '`'
}

func (ps *parser) acceptKw(kw string) bool {
	if ps.isKw(kw) {
		ps.p++
		return true
	}
	return false
}

func (ps *parser) expectKw(kw string) {
	if !ps.acceptKw(kw) {
		ps.fail()
	}
}

func (ps *parser) isOp(op string) bool { t := ps.peek(); return t.k == tOp && t.text == op }

func (ps *parser) acceptOp(op string) bool {
	if ps.isOp(op) {
		ps.p++
		return true
	}
	return false
}

func (ps *parser) expectOp(op string) {
	if !ps.acceptOp(op) {
		ps.fail()
	}
}

var reserved = map[string]bool{
	"select": true, "from": true, "where": true, "and": true, "or": true, "not": true, "union": true,
	"all": true, "order": true, "by": true, "limit": true, "offset": true, "group": true, "having": true,
	"intersect": true, "except": true, "is": true, "in": true, "like": true, "glob": true, "between": true,
	"null": true, "case": true, "when": true, "then": true, "else": true, "end": true, "as": true,
	"exists": true, "distinct": true, "escape": true, "on": true, "join": true, "cast": true, "collate": true,
	"asc": true, "desc": true, "into": true, "values": true, "insert": true, "update": true, "delete": true,
	"drop": true, "table": true, "create": true, "set": true, "regexp": true, "match": true, "isnull": true, "notnull": true,
}

func (ps *parser) isName() bool {
	t := ps.peek()
	if t.k != tIdent {
		return false
	}
	if t.text[0] == '"' || t.text[0] == '[' || t.text[0] == '`' {
		return true
	}
	return !reserved[strings.ToLower(t.text)]
}

func (ps *parser) selectStmt() *selectStmt {
	s := &selectStmt{}
	s.cores = append(s.cores, ps.selectCore())
	for {
		switch {
		case ps.acceptKw("union"):
			if ps.acceptKw("all") {
				s.ops = append(s.ops, "UNION ALL")
			} else {
				s.ops = append(s.ops, "UNION")
			}
		case ps.acceptKw("intersect"):
			s.ops = append(s.ops, "INTERSECT")
		case ps.acceptKw("except"):
			s.ops = append(s.ops, "EXCEPT")
		default:
			goto tail
		}
		s.cores = append(s.cores, ps.selectCore())
	}
tail:
	if ps.acceptKw("order") {
		ps.expectKw("by")
		for {
			t := orderTerm{x: ps.expr()}
			if ps.acceptKw("desc") {
				t.desc = true
			} else {
				ps.acceptKw("asc")
			}
			s.order = append(s.order, t)
			if !ps.acceptOp(",") {
				break
			}
		}
	}
	if ps.acceptKw("limit") {
		s.limit = ps.expr()
		if ps.acceptKw("offset") {
			s.offset = ps.expr()
		} else if ps.acceptOp(",") {
			s.offset, s.limit = s.limit, ps.expr()
		}
	}
	return s
}

func (ps *parser) selectCore() *selectCore {
	ps.expectKw("select")
	c := &selectCore{}
	if ps.acceptKw("distinct") {
		c.distinct = true
	} else {
		ps.acceptKw("all")
	}
	for {
		if ps.acceptOp("*") {
			c.cols = append(c.cols, resultCol{star: true})
		} else if ps.isName() && ps.toks[ps.p+1].k == tOp && ps.toks[ps.p+1].text == "." && ps.toks[ps.p+2].k == tOp && ps.toks[ps.p+2].text == "*" {
			c.cols = append(c.cols, resultCol{star: true, table: ps.next().val})
			ps.p += 2
		} else {
			rc := resultCol{x: ps.expr()}
			if ps.acceptKw("as") {
				if ps.peek().k != tIdent && ps.peek().k != tString {
					ps.fail()
				}
				rc.alias = ps.next().val
			} else if ps.isName() || ps.peek().k == tString {
				rc.alias = ps.next().val
			}
			c.cols = append(c.cols, rc)
		}
		if !ps.acceptOp(",") {
			break
		}
	}
	if ps.acceptKw("from") {
		if ps.acceptOp("(") {
			c.fromSub = ps.selectStmt()
			ps.expectOp(")")
		} else {
			if !ps.isName() {
				ps.fail()
			}
			c.from = ps.next().val
			if ps.acceptOp(".") { // main.users
				if !ps.isName() {
					ps.fail()
				}
				c.from = ps.next().val
			}
		}
		if ps.acceptKw("as") {
			if !ps.isName() {
				ps.fail()
			}
			c.alias = ps.next().val
		} else if ps.isName() {
			c.alias = ps.next().val
		}
		if ps.isOp(",") || ps.isKw("join") {
			panic(parseErr{opErr("near \"%s\": syntax error", ps.peek().text)}) // joins: not supported here
		}
	}
	if ps.acceptKw("where") {
		c.where = ps.expr()
	}
	if ps.acceptKw("group") {
		ps.expectKw("by")
		for {
			c.group = append(c.group, ps.expr())
			if !ps.acceptOp(",") {
				break
			}
		}
		if ps.acceptKw("having") {
			c.having = ps.expr()
		}
	}
	return c
}

func (ps *parser) expr() expr { return ps.orExpr() }

func (ps *parser) orExpr() expr {
	l := ps.andExpr()
	for ps.acceptKw("or") {
		l = &eBinary{op: "OR", l: l, r: ps.andExpr()}
	}
	return l
}

func (ps *parser) andExpr() expr {
	l := ps.notExpr()
	for ps.acceptKw("and") {
		r := ps.notExpr()
		if alwaysFalse(l) || alwaysFalse(r) {
			l = &eLit{sqlInt(0)} // sqlite3ExprAnd folds a literal false at parse time
			continue
		}
		l = &eBinary{op: "AND", l: l, r: r}
	}
	return l
}

func alwaysFalse(x expr) bool {
	lit, ok := x.(*eLit)
	return ok && lit.v.k == vInt && lit.v.i == 0
}

func (ps *parser) notExpr() expr {
	if ps.acceptKw("not") {
		return &eUnary{op: "NOT", x: ps.notExpr()}
	}
	return ps.eqExpr()
}

func (ps *parser) eqExpr() expr {
	l := ps.relExpr()
	for {
		switch {
		case ps.isOp("=") || ps.isOp("==") || ps.isOp("!=") || ps.isOp("<>"):
			op := ps.next().text
			if op == "==" {
				op = "="
			}
			if op == "<>" {
				op = "!="
			}
			l = &eBinary{op: op, l: l, r: ps.relExpr()}
		case ps.acceptKw("is"):
			not := ps.acceptKw("not")
			l = &eIs{not: not, l: l, r: ps.relExpr()}
		case ps.acceptKw("isnull"):
			l = &eIs{l: l, r: &eLit{sqlNull()}}
		case ps.acceptKw("notnull"):
			l = &eIs{not: true, l: l, r: &eLit{sqlNull()}}
		default:
			not := false
			save := ps.p
			if ps.acceptKw("not") {
				not = true
			}
			switch {
			case ps.acceptKw("in"):
				in := &eIn{not: not, l: l}
				ps.expectOp("(")
				if ps.isKw("select") {
					in.sub = ps.selectStmt()
				} else if !ps.isOp(")") {
					for {
						in.list = append(in.list, ps.expr())
						if !ps.acceptOp(",") {
							break
						}
					}
				}
				ps.expectOp(")")
				l = in
			case ps.isKw("like") || ps.isKw("glob") || ps.isKw("regexp") || ps.isKw("match"):
				op := strings.ToUpper(ps.next().text)
				lk := &eLike{not: not, op: op, l: l, r: ps.relExpr()}
				if ps.acceptKw("escape") {
					lk.esc = ps.relExpr()
				}
				l = lk
			case ps.acceptKw("between"):
				lo := ps.relExpr()
				ps.expectKw("and")
				l = &eBetween{not: not, x: l, lo: lo, hi: ps.relExpr()}
			default:
				ps.p = save
				return l
			}
		}
	}
}

func (ps *parser) relExpr() expr {
	l := ps.bitExpr()
	for ps.isOp("<") || ps.isOp("<=") || ps.isOp(">") || ps.isOp(">=") {
		op := ps.next().text
		l = &eBinary{op: op, l: l, r: ps.bitExpr()}
	}
	return l
}

func (ps *parser) bitExpr() expr {
	l := ps.addExpr()
	for ps.isOp("&") || ps.isOp("|") || ps.isOp("<<") || ps.isOp(">>") {
		op := ps.next().text
		l = &eBinary{op: op, l: l, r: ps.addExpr()}
	}
	return l
}

func (ps *parser) addExpr() expr {
	l := ps.mulExpr()
	for ps.isOp("+") || ps.isOp("-") {
		op := ps.next().text
		l = &eBinary{op: op, l: l, r: ps.mulExpr()}
	}
	return l
}

func (ps *parser) mulExpr() expr {
	l := ps.concatExpr()
	for ps.isOp("*") || ps.isOp("/") || ps.isOp("%") {
		op := ps.next().text
		l = &eBinary{op: op, l: l, r: ps.concatExpr()}
	}
	return l
}

func (ps *parser) concatExpr() expr {
	l := ps.unary()
	for ps.acceptOp("||") {
		l = &eBinary{op: "||", l: l, r: ps.unary()}
	}
	return l
}

func (ps *parser) unary() expr {
	switch {
	case ps.acceptOp("-"):
		return &eUnary{op: "-", x: ps.unary()}
	case ps.acceptOp("+"):
		return ps.unary()
	case ps.acceptOp("~"):
		return &eUnary{op: "~", x: ps.unary()}
	}
	x := ps.primary()
	for ps.acceptKw("collate") {
		if ps.peek().k != tIdent {
			ps.fail()
		}
		coll := strings.ToUpper(ps.next().val)
		if coll != "BINARY" && coll != "NOCASE" && coll != "RTRIM" {
			panic(parseErr{opErr("no such collation sequence: %s", ps.toks[ps.p-1].val)})
		}
		x = &eCollate{x: x, coll: coll}
	}
	return x
}

func (ps *parser) primary() expr {
	t := ps.peek()
	switch t.k {
	case tNumber:
		ps.p++
		if strings.HasPrefix(strings.ToLower(t.val), "0x") {
			n, err := strconv.ParseUint(t.val[2:], 16, 64)
			if err != nil {
				panic(parseErr{opErr("hex literal too big: %s", t.val)})
			}
			return &eLit{sqlInt(int64(n))}
		}
		if !strings.ContainsAny(t.val, ".eE") {
			if n, err := strconv.ParseInt(t.val, 10, 64); err == nil {
				return &eLit{sqlInt(n)}
			}
		}
		f, _ := strconv.ParseFloat(t.val, 64)
		return &eLit{sqlReal(f)}
	case tString:
		ps.p++
		return &eLit{sqlText(t.val)}
	case tParam:
		ps.p++
		return &eLit{sqlValue{k: vNull, s: "?param"}}
	case tOp:
		if ps.acceptOp("(") {
			if ps.isKw("select") {
				s := ps.selectStmt()
				ps.expectOp(")")
				return &eSub{s}
			}
			x := ps.expr()
			if ps.isOp(",") { // row values: only meaningful in comparisons
				panic(parseErr{opErr("row value misused")})
			}
			ps.expectOp(")")
			return x
		}
	case tIdent:
		switch {
		case ps.acceptKw("null"):
			return &eLit{sqlNull()}
		case ps.isKw("true") && !ps.nextIsOp(1, "("):
			ps.p++
			return &eLit{sqlInt(1)}
		case ps.isKw("false") && !ps.nextIsOp(1, "("):
			ps.p++
			return &eLit{sqlInt(0)}
		case ps.acceptKw("exists"):
			ps.expectOp("(")
			s := ps.selectStmt()
			ps.expectOp(")")
			return &eExists{s}
		case ps.acceptKw("case"):
			c := &eCase{}
			if !ps.isKw("when") {
				c.base = ps.expr()
			}
			for ps.acceptKw("when") {
				w := ps.expr()
				ps.expectKw("then")
				c.whens = append(c.whens, [2]expr{w, ps.expr()})
			}
			if len(c.whens) == 0 {
				ps.fail()
			}
			if ps.acceptKw("else") {
				c.els = ps.expr()
			}
			ps.expectKw("end")
			return c
		case ps.acceptKw("cast"):
			ps.expectOp("(")
			x := ps.expr()
			ps.expectKw("as")
			var typ []string
			for ps.peek().k == tIdent {
				typ = append(typ, ps.next().text)
			}
			if ps.acceptOp("(") {
				for !ps.isOp(")") && ps.peek().k != tEOF {
					ps.next()
				}
				ps.expectOp(")")
			}
			ps.expectOp(")")
			return &eCast{x: x, typ: strings.ToUpper(strings.Join(typ, " "))}
		}
		if !ps.isName() && !ps.nextIsOp(1, "(") {
			ps.fail()
		}
		ps.p++
		if ps.acceptOp("(") {
			f := &eFunc{name: strings.ToLower(t.val), raw: t.val}
			if ps.acceptOp("*") {
				f.star = true
			} else if !ps.isOp(")") {
				f.distinct = ps.acceptKw("distinct")
				for {
					f.args = append(f.args, ps.expr())
					if !ps.acceptOp(",") {
						break
					}
				}
			}
			ps.expectOp(")")
			return f
		}
		if ps.acceptOp(".") {
			c := ps.next()
			if c.k != tIdent {
				ps.p--
				ps.fail()
			}
			return &eCol{table: t.val, name: c.val, text: t.val + "." + c.val}
		}
		return &eCol{name: t.val, quoted: t.quoted, text: t.val}
	}
	ps.fail()
	return nil
}

func (ps *parser) nextIsOp(off int, op string) bool {
	if ps.p+off >= len(ps.toks) {
		return false
	}
	t := ps.toks[ps.p+off]
	return t.k == tOp && t.text == op
}

// ---- tables ----

type table struct {
	cols     []string
	affinity []string // "INTEGER", "TEXT", "NUMERIC"
	rows     [][]sqlValue
}

func (s *Server) tables() map[string]*table {
	users := &table{cols: []string{"id", "username", "password", "email", "admin"}, affinity: []string{"INTEGER", "TEXT", "TEXT", "TEXT", "NUMERIC"}}
	for _, u := range s.users {
		users.rows = append(users.rows, []sqlValue{sqlInt(int64(u.id)), sqlText(u.username), sqlText(u.password), sqlText(u.email), sqlBool(u.admin)})
	}
	books := &table{cols: []string{"id", "book_title", "secret_content", "user_id"}, affinity: []string{"INTEGER", "TEXT", "TEXT", "INTEGER"}}
	for _, b := range s.books {
		books.rows = append(books.rows, []sqlValue{sqlInt(int64(b.id)), sqlText(b.title), sqlText(b.secret), sqlInt(int64(b.userID))})
	}
	master := &table{cols: []string{"type", "name", "tbl_name", "rootpage", "sql"}, affinity: []string{"TEXT", "TEXT", "TEXT", "INTEGER", "TEXT"}}
	master.rows = [][]sqlValue{
		{sqlText("table"), sqlText("users"), sqlText("users"), sqlInt(2), sqlText("CREATE TABLE users (\n\tid INTEGER NOT NULL, \n\tusername VARCHAR(128) NOT NULL, \n\tpassword VARCHAR(128) NOT NULL, \n\temail VARCHAR(128) NOT NULL, \n\tadmin BOOLEAN NOT NULL, \n\tPRIMARY KEY (id), \n\tUNIQUE (id), \n\tUNIQUE (username)\n)")},
		{sqlText("index"), sqlText("sqlite_autoindex_users_1"), sqlText("users"), sqlInt(3), sqlNull()},
		{sqlText("index"), sqlText("sqlite_autoindex_users_2"), sqlText("users"), sqlInt(4), sqlNull()},
		{sqlText("table"), sqlText("books"), sqlText("books"), sqlInt(5), sqlText("CREATE TABLE books (\n\tid INTEGER NOT NULL, \n\tbook_title VARCHAR(128) NOT NULL, \n\tsecret_content VARCHAR(128) NOT NULL, \n\tuser_id INTEGER, \n\tPRIMARY KEY (id), \n\tUNIQUE (book_title), \n\tFOREIGN KEY(user_id) REFERENCES users (id)\n)")},
		{sqlText("index"), sqlText("sqlite_autoindex_books_1"), sqlText("books"), sqlInt(6), sqlNull()},
	}
	return map[string]*table{"users": users, "books": books, "sqlite_master": master, "sqlite_schema": master}
}

// ---- evaluation ----

type scope struct {
	t     *table
	alias string
	row   []sqlValue
	outer *scope
	group [][]sqlValue // rows of the group, for aggregates
}

type engine struct {
	tables map[string]*table
	rng    uint64
}

type evalPanic struct{ e *sqlErr }

func efail(format string, a ...any) { panic(evalPanic{opErr(format, a...)}) }

// typed is a value with the affinity of the column it comes from.
type typed struct {
	v    sqlValue
	aff  string
	coll string
}

func (en *engine) lookup(sc *scope, c *eCol) typed {
	for s := sc; s != nil; s = s.outer {
		if s.t == nil {
			continue
		}
		if c.table != "" && !strings.EqualFold(c.table, s.alias) {
			continue
		}
		for i, name := range s.t.cols {
			if strings.EqualFold(name, c.name) {
				if s.row == nil {
					return typed{v: sqlNull(), aff: s.t.affinity[i]}
				}
				return typed{v: s.row[i], aff: s.t.affinity[i]}
			}
		}
		if strings.EqualFold(c.name, "rowid") || strings.EqualFold(c.name, "oid") || strings.EqualFold(c.name, "_rowid_") {
			if s.row == nil {
				return typed{v: sqlNull(), aff: "INTEGER"}
			}
			return typed{v: s.row[0], aff: "INTEGER"}
		}
	}
	if c.quoted && c.table == "" {
		return typed{v: sqlText(c.name), aff: ""} // sqlite: a "double-quoted" unknown name is a string
	}
	efail("no such column: %s", c.text)
	return typed{}
}

func (en *engine) eval(sc *scope, x expr) sqlValue { return en.evalT(sc, x).v }

func (en *engine) evalT(sc *scope, x expr) typed {
	switch e := x.(type) {
	case *eLit:
		if e.v.s == "?param" {
			efail("?param")
		}
		return typed{v: e.v, aff: ""}
	case *eCol:
		return en.lookup(sc, e)
	case *eCast:
		v := en.eval(sc, e.x)
		if v.k == vNull {
			return typed{v: v, aff: ""}
		}
		switch {
		case strings.Contains(e.typ, "INT"):
			n := v.num()
			if n.k == vReal {
				n = sqlInt(int64(n.f))
			}
			return typed{v: n, aff: "INTEGER"}
		case strings.Contains(e.typ, "CHAR") || strings.Contains(e.typ, "TEXT") || strings.Contains(e.typ, "CLOB"):
			return typed{v: sqlText(v.text()), aff: "TEXT"}
		case strings.Contains(e.typ, "REAL") || strings.Contains(e.typ, "FLOA") || strings.Contains(e.typ, "DOUB"):
			return typed{v: sqlReal(v.float()), aff: "REAL"}
		}
		return typed{v: v.asNumeric(), aff: "NUMERIC"}
	case *eUnary:
		v := en.eval(sc, e.x)
		switch e.op {
		case "NOT":
			b, ok := v.truth()
			if !ok {
				return typed{v: sqlNull(), aff: ""}
			}
			return typed{v: sqlBool(!b), aff: ""}
		case "-":
			n := v.num()
			switch n.k {
			case vInt:
				return typed{v: sqlInt(-n.i), aff: ""}
			case vReal:
				return typed{v: sqlReal(-n.f), aff: ""}
			}
			return typed{v: n, aff: ""}
		case "~":
			if v.k == vNull {
				return typed{v: v, aff: ""}
			}
			return typed{v: sqlInt(^int64(v.float())), aff: ""}
		}
	case *eBinary:
		return typed{v: en.binary(sc, e), aff: ""}
	case *eIs:
		l, r := en.eval(sc, e.l), en.eval(sc, e.r)
		eq := (l.k == vNull && r.k == vNull) || (l.k != vNull && r.k != vNull && cmpValues(l, r) == 0)
		return typed{v: sqlBool(eq != e.not), aff: ""}
	case *eLike:
		l, r := en.eval(sc, e.l), en.eval(sc, e.r)
		if l.k == vNull || r.k == vNull {
			return typed{v: sqlNull(), aff: ""}
		}
		var m bool
		switch e.op {
		case "LIKE":
			esc := rune(-1)
			if e.esc != nil {
				es := []rune(en.eval(sc, e.esc).text())
				if len(es) != 1 {
					efail("ESCAPE expression must be a single character")
				}
				esc = es[0]
			}
			m = likeMatch([]rune(r.text()), []rune(l.text()), esc)
		case "GLOB":
			m = globMatch([]rune(r.text()), []rune(l.text()))
		case "REGEXP":
			efail("no such function: REGEXP")
		default:
			efail("unable to use function MATCH in the requested context")
		}
		return typed{v: sqlBool(m != e.not), aff: ""}
	case *eBetween:
		x := en.evalT(sc, e.x)
		lo, hi := en.evalT(sc, e.lo), en.evalT(sc, e.hi)
		a, b := compareTyped(x, lo), compareTyped(x, hi)
		if a == nil || b == nil {
			return typed{v: sqlNull(), aff: ""}
		}
		in := *a >= 0 && *b <= 0
		return typed{v: sqlBool(in != e.not), aff: ""}
	case *eIn:
		l := en.evalT(sc, e.l)
		var vals []typed
		if e.sub != nil {
			rows, ncol := en.run(e.sub, sc)
			if ncol != 1 {
				efail("sub-select returns %d columns - expected 1", ncol)
			}
			for _, r := range rows {
				vals = append(vals, typed{v: r[0], aff: ""})
			}
		} else {
			for _, x := range e.list {
				vals = append(vals, en.evalT(sc, x))
			}
		}
		if l.v.k == vNull {
			if len(vals) == 0 {
				return typed{v: sqlBool(e.not), aff: ""}
			}
			return typed{v: sqlNull(), aff: ""}
		}
		sawNull := false
		for _, v := range vals {
			c := compareTyped(l, v)
			if c == nil {
				sawNull = true
				continue
			}
			if *c == 0 {
				return typed{v: sqlBool(!e.not), aff: ""}
			}
		}
		if sawNull {
			return typed{v: sqlNull(), aff: ""}
		}
		return typed{v: sqlBool(e.not), aff: ""}
	case *eSub:
		rows, ncol := en.run(e.s, sc)
		if ncol != 1 {
			efail("sub-select returns %d columns - expected 1", ncol)
		}
		if len(rows) == 0 {
			return typed{v: sqlNull(), aff: ""}
		}
		return typed{v: rows[0][0], aff: ""}
	case *eExists:
		rows, _ := en.run(e.s, sc)
		return typed{v: sqlBool(len(rows) > 0), aff: ""}
	case *eCase:
		var base typed
		if e.base != nil {
			base = en.evalT(sc, e.base)
		}
		for _, w := range e.whens {
			if e.base != nil {
				c := compareTyped(base, en.evalT(sc, w[0]))
				if c != nil && *c == 0 {
					return typed{v: en.eval(sc, w[1]), aff: ""}
				}
			} else if b, ok := en.eval(sc, w[0]).truth(); ok && b {
				return typed{v: en.eval(sc, w[1]), aff: ""}
			}
		}
		if e.els != nil {
			return typed{v: en.eval(sc, e.els), aff: ""}
		}
		return typed{v: sqlNull(), aff: ""}
	case *eFunc:
		return typed{v: en.call(sc, e), aff: ""}
	case *eCollate:
		t := en.evalT(sc, e.x)
		t.coll = e.coll
		return t
	}
	efail("unsupported expression")
	return typed{}
}

// compareTyped compares with sqlite's affinity rules; nil means NULL.
func compareTyped(a, b typed) *int {
	if a.v.k == vNull || b.v.k == vNull {
		return nil
	}
	numeric := func(aff string) bool { return aff == "INTEGER" || aff == "REAL" || aff == "NUMERIC" }
	av, bv := a.v, b.v
	switch {
	case numeric(a.aff) && !numeric(b.aff):
		bv = bv.asNumeric()
	case numeric(b.aff) && !numeric(a.aff):
		av = av.asNumeric()
	case a.aff == "TEXT" && b.aff == "":
		if bv.k == vInt || bv.k == vReal {
			bv = sqlText(bv.text())
		}
	case b.aff == "TEXT" && a.aff == "":
		if av.k == vInt || av.k == vReal {
			av = sqlText(av.text())
		}
	}
	coll := a.coll
	if coll == "" {
		coll = b.coll
	}
	if av.k == vText && bv.k == vText {
		switch coll {
		case "NOCASE":
			av, bv = sqlText(asciiLower(av.s)), sqlText(asciiLower(bv.s))
		case "RTRIM":
			av, bv = sqlText(strings.TrimRight(av.s, " ")), sqlText(strings.TrimRight(bv.s, " "))
		}
	}
	c := cmpValues(av, bv)
	return &c
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func (en *engine) binary(sc *scope, e *eBinary) sqlValue {
	switch e.op {
	case "AND":
		l, lok := en.eval(sc, e.l).truth()
		if lok && !l {
			return sqlInt(0)
		}
		r, rok := en.eval(sc, e.r).truth()
		if rok && !r {
			return sqlInt(0)
		}
		if lok && rok {
			return sqlInt(1)
		}
		return sqlNull()
	case "OR":
		l, lok := en.eval(sc, e.l).truth()
		if lok && l {
			return sqlInt(1)
		}
		r, rok := en.eval(sc, e.r).truth()
		if rok && r {
			return sqlInt(1)
		}
		if lok && rok {
			return sqlInt(0)
		}
		return sqlNull()
	case "=", "!=", "<", "<=", ">", ">=":
		c := compareTyped(en.evalT(sc, e.l), en.evalT(sc, e.r))
		if c == nil {
			return sqlNull()
		}
		switch e.op {
		case "=":
			return sqlBool(*c == 0)
		case "!=":
			return sqlBool(*c != 0)
		case "<":
			return sqlBool(*c < 0)
		case "<=":
			return sqlBool(*c <= 0)
		case ">":
			return sqlBool(*c > 0)
		}
		return sqlBool(*c >= 0)
	case "||":
		l, r := en.eval(sc, e.l), en.eval(sc, e.r)
		if l.k == vNull || r.k == vNull {
			return sqlNull()
		}
		return sqlText(l.text() + r.text())
	}
	l, r := en.eval(sc, e.l), en.eval(sc, e.r)
	if l.k == vNull || r.k == vNull {
		return sqlNull()
	}
	ln, rn := l.num(), r.num()
	switch e.op {
	case "&", "|", "<<", ">>":
		a, b := int64(ln.float()), int64(rn.float())
		switch e.op {
		case "&":
			return sqlInt(a & b)
		case "|":
			return sqlInt(a | b)
		case "<<":
			if b >= 64 || b <= -64 {
				return sqlInt(0)
			}
			if b < 0 {
				return sqlInt(a >> uint(-b))
			}
			return sqlInt(a << uint(b))
		}
		if b >= 64 || b <= -64 {
			return sqlInt(0)
		}
		if b < 0 {
			return sqlInt(a << uint(-b))
		}
		return sqlInt(a >> uint(b))
	}
	if ln.k == vInt && rn.k == vInt {
		a, b := ln.i, rn.i
		switch e.op {
		case "+":
			return sqlInt(a + b)
		case "-":
			return sqlInt(a - b)
		case "*":
			return sqlInt(a * b)
		case "/":
			if b == 0 {
				return sqlNull()
			}
			return sqlInt(a / b)
		case "%":
			if b == 0 {
				return sqlNull()
			}
			return sqlInt(a % b)
		}
	}
	a, b := ln.float(), rn.float()
	switch e.op {
	case "+":
		return sqlReal(a + b)
	case "-":
		return sqlReal(a - b)
	case "*":
		return sqlReal(a * b)
	case "/":
		if b == 0 {
			return sqlNull()
		}
		return sqlReal(a / b)
	}
	if int64(b) == 0 {
		return sqlNull()
	}
	return sqlReal(float64(int64(a) % int64(b)))
}

func likeMatch(p, s []rune, esc rune) bool {
	if len(p) == 0 {
		return len(s) == 0
	}
	switch {
	case p[0] == esc && len(p) > 1:
		return len(s) > 0 && unicode.ToLower(s[0]) == unicode.ToLower(p[1]) && likeMatch(p[2:], s[1:], esc)
	case p[0] == '%':
		for i := 0; i <= len(s); i++ {
			if likeMatch(p[1:], s[i:], esc) {
				return true
			}
		}
		return false
	case p[0] == '_':
		return len(s) > 0 && likeMatch(p[1:], s[1:], esc)
	}
	return len(s) > 0 && unicode.ToLower(s[0]) == unicode.ToLower(p[0]) && likeMatch(p[1:], s[1:], esc)
}

func globMatch(p, s []rune) bool {
	if len(p) == 0 {
		return len(s) == 0
	}
	switch p[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if globMatch(p[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return len(s) > 0 && globMatch(p[1:], s[1:])
	case '[':
		end := 1
		for end < len(p) && (p[end] != ']' || end == 1) {
			end++
		}
		if end >= len(p) || len(s) == 0 {
			return false
		}
		set := p[1:end]
		neg := len(set) > 0 && set[0] == '^'
		if neg {
			set = set[1:]
		}
		in := false
		for i := 0; i < len(set); i++ {
			if i+2 < len(set) && set[i+1] == '-' {
				if s[0] >= set[i] && s[0] <= set[i+2] {
					in = true
				}
				i += 2
			} else if set[i] == s[0] {
				in = true
			}
		}
		return in != neg && globMatch(p[end+1:], s[1:])
	}
	return len(s) > 0 && s[0] == p[0] && globMatch(p[1:], s[1:])
}

var aggregates = map[string]bool{"count": true, "max": true, "min": true, "sum": true, "total": true, "avg": true, "group_concat": true}

func isAggregate(f *eFunc) bool {
	if !aggregates[f.name] {
		return false
	}
	if (f.name == "max" || f.name == "min") && len(f.args) > 1 {
		return false
	}
	return true
}

func (en *engine) call(sc *scope, f *eFunc) sqlValue {
	if isAggregate(f) {
		if sc == nil || sc.group == nil {
			efail("misuse of aggregate function %s()", f.name)
		}
		return en.aggregate(sc, f)
	}
	if f.star {
		efail("wrong number of arguments to function %s()", f.name)
	}
	args := make([]sqlValue, len(f.args))
	for i, a := range f.args {
		args[i] = en.eval(sc, a)
	}
	n := len(args)
	want := func(ok bool) {
		if !ok {
			efail("wrong number of arguments to function %s()", f.name)
		}
	}
	switch f.name {
	case "sqlite_version":
		want(n == 0)
		return sqlText(sqliteVersion)
	case "sqlite_source_id":
		want(n == 0)
		return sqlText("2022-12-28 14:03:47 df5c253c0b3dd24916e4ec7cf77d3db5294cc9fd45ae7b9c5e82ad8197f3alt1")
	case "lower", "upper":
		want(n == 1)
		if args[0].k == vNull {
			return args[0]
		}
		if f.name == "lower" {
			return sqlText(strings.ToLower(args[0].text()))
		}
		return sqlText(strings.ToUpper(args[0].text()))
	case "length":
		want(n == 1)
		switch args[0].k {
		case vNull:
			return args[0]
		case vBlob:
			return sqlInt(int64(len(args[0].s)))
		}
		return sqlInt(int64(len([]rune(args[0].text()))))
	case "typeof":
		want(n == 1)
		return sqlText([]string{"null", "integer", "real", "text", "blob"}[args[0].k])
	case "abs":
		want(n == 1)
		v := args[0].num()
		if v.k == vInt && v.i < 0 {
			return sqlInt(-v.i)
		}
		if v.k == vReal {
			return sqlReal(math.Abs(v.f))
		}
		return v
	case "substr", "substring":
		want(n == 2 || n == 3)
		if args[0].k == vNull || args[1].k == vNull {
			return sqlNull()
		}
		rs := []rune(args[0].text())
		start := int(args[1].float())
		length := len(rs) + 1
		if n == 3 {
			length = int(args[2].float())
		}
		if start < 0 {
			start = len(rs) + start + 1
			if start < 1 {
				length += start - 1
				start = 1
			}
		} else if start == 0 {
			start = 1
			length--
		}
		if length < 0 {
			start += length
			length = -length
			if start < 1 {
				length += start - 1
				start = 1
			}
		}
		from := min(start-1, len(rs))
		to := min(from+length, len(rs))
		return sqlText(string(rs[from:to]))
	case "coalesce", "ifnull":
		want(n >= 2 && (f.name == "coalesce" || n == 2))
		for _, a := range args {
			if a.k != vNull {
				return a
			}
		}
		return sqlNull()
	case "nullif":
		want(n == 2)
		if cmpValues(args[0], args[1]) == 0 {
			return sqlNull()
		}
		return args[0]
	case "iif":
		want(n == 3)
		if b, ok := args[0].truth(); ok && b {
			return args[1]
		}
		return args[2]
	case "hex":
		want(n == 1)
		if args[0].k == vBlob {
			return sqlText(strings.ToUpper(fmt.Sprintf("%x", args[0].s)))
		}
		return sqlText(strings.ToUpper(fmt.Sprintf("%x", args[0].text())))
	case "char":
		var b strings.Builder
		for _, a := range args {
			b.WriteRune(rune(a.float()))
		}
		return sqlText(b.String())
	case "unicode":
		want(n == 1)
		rs := []rune(args[0].text())
		if len(rs) == 0 {
			return sqlNull()
		}
		return sqlInt(int64(rs[0]))
	case "instr":
		want(n == 2)
		if args[0].k == vNull || args[1].k == vNull {
			return sqlNull()
		}
		i := strings.Index(args[0].text(), args[1].text())
		if i < 0 {
			return sqlInt(0)
		}
		return sqlInt(int64(len([]rune(args[0].text()[:i])) + 1))
	case "replace":
		want(n == 3)
		if args[0].k == vNull || args[1].k == vNull || args[2].k == vNull {
			return sqlNull()
		}
		if args[1].text() == "" {
			return sqlText(args[0].text())
		}
		return sqlText(strings.ReplaceAll(args[0].text(), args[1].text(), args[2].text()))
	case "trim", "ltrim", "rtrim":
		want(n == 1 || n == 2)
		if args[0].k == vNull {
			return args[0]
		}
		cut := " "
		if n == 2 {
			cut = args[1].text()
		}
		switch f.name {
		case "ltrim":
			return sqlText(strings.TrimLeft(args[0].text(), cut))
		case "rtrim":
			return sqlText(strings.TrimRight(args[0].text(), cut))
		}
		return sqlText(strings.Trim(args[0].text(), cut))
	case "quote":
		want(n == 1)
		switch args[0].k {
		case vNull:
			return sqlText("NULL")
		case vText:
			return sqlText("'" + strings.ReplaceAll(args[0].s, "'", "''") + "'")
		}
		return sqlText(args[0].text())
	case "round":
		want(n == 1 || n == 2)
		d := 0.0
		if n == 2 {
			d = args[1].float()
		}
		p := math.Pow(10, d)
		return sqlReal(math.Round(args[0].float()*p) / p)
	case "max", "min":
		best := args[0]
		for _, a := range args {
			if a.k == vNull {
				return sqlNull()
			}
			c := cmpValues(a, best)
			if (f.name == "max" && c > 0) || (f.name == "min" && c < 0) {
				best = a
			}
		}
		return best
	case "random":
		want(n == 0)
		en.rng = en.rng*6364136223846793005 + 1442695040888963407
		return sqlInt(int64(en.rng))
	case "randomblob", "zeroblob":
		want(n == 1)
		size := int(args[0].float())
		if size > 1000000000 {
			efail("string or blob too big")
		}
		size = max(1, min(size, 64))
		return sqlValue{k: vBlob, s: strings.Repeat("\x00", size)}
	case "printf", "format":
		want(n >= 1)
		return sqlText(sqlPrintf(args[0].text(), args[1:]))
	case "changes", "total_changes", "last_insert_rowid":
		want(n == 0)
		return sqlInt(0)
	case "load_extension":
		efail("not authorized")
	case "like", "glob":
		want(n == 2 || n == 3)
		if f.name == "like" {
			return sqlBool(likeMatch([]rune(args[0].text()), []rune(args[1].text()), -1))
		}
		return sqlBool(globMatch([]rune(args[0].text()), []rune(args[1].text())))
	}
	efail("no such function: %s", f.raw)
	return sqlValue{}
}

func sqlPrintf(format string, args []sqlValue) string {
	var b strings.Builder
	ai := 0
	next := func() sqlValue {
		if ai < len(args) {
			ai++
			return args[ai-1]
		}
		return sqlNull()
	}
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 >= len(format) {
			b.WriteByte(format[i])
			continue
		}
		i++
		switch format[i] {
		case 'd', 'i':
			b.WriteString(strconv.FormatInt(int64(next().float()), 10))
		case 's', 'q', 'Q':
			b.WriteString(next().text())
		case 'f':
			b.WriteString(strconv.FormatFloat(next().float(), 'f', 6, 64))
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(format[i])
		}
	}
	return b.String()
}

func (en *engine) aggregate(sc *scope, f *eFunc) sqlValue {
	var vals []sqlValue
	for _, row := range sc.group {
		inner := &scope{t: sc.t, alias: sc.alias, row: row, outer: sc.outer}
		if f.star {
			vals = append(vals, sqlInt(1))
			continue
		}
		if len(f.args) != 1 && !(f.name == "group_concat" && len(f.args) == 2) {
			efail("wrong number of arguments to function %s()", f.name)
		}
		v := en.eval(inner, f.args[0])
		if v.k != vNull {
			vals = append(vals, v)
		}
	}
	if f.distinct {
		var uniq []sqlValue
		for _, v := range vals {
			dup := false
			for _, u := range uniq {
				dup = dup || cmpValues(u, v) == 0
			}
			if !dup {
				uniq = append(uniq, v)
			}
		}
		vals = uniq
	}
	switch f.name {
	case "count":
		return sqlInt(int64(len(vals)))
	case "max", "min":
		if len(vals) == 0 {
			return sqlNull()
		}
		best := vals[0]
		for _, v := range vals {
			c := cmpValues(v, best)
			if (f.name == "max" && c > 0) || (f.name == "min" && c < 0) {
				best = v
			}
		}
		return best
	case "sum", "total", "avg":
		if len(vals) == 0 {
			if f.name == "total" {
				return sqlReal(0)
			}
			return sqlNull()
		}
		allInt := true
		var si int64
		var sf float64
		for _, v := range vals {
			n := v.num()
			if n.k == vInt {
				si += n.i
			} else {
				allInt = false
			}
			sf += n.float()
		}
		switch {
		case f.name == "avg":
			return sqlReal(sf / float64(len(vals)))
		case f.name == "sum" && allInt:
			return sqlInt(si)
		}
		return sqlReal(sf)
	}
	sep := ","
	if len(f.args) == 2 && len(sc.group) > 0 {
		sep = en.eval(&scope{t: sc.t, alias: sc.alias, row: sc.group[0], outer: sc.outer}, f.args[1]).text()
	}
	if len(vals) == 0 {
		return sqlNull()
	}
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = v.text()
	}
	return sqlText(strings.Join(parts, sep))
}

func hasAggregate(x expr) bool {
	found := false
	var walk func(x expr)
	walk = func(x expr) {
		switch e := x.(type) {
		case *eFunc:
			if isAggregate(e) {
				found = true
				return
			}
			for _, a := range e.args {
				walk(a)
			}
		case *eUnary:
			walk(e.x)
		case *eBinary:
			walk(e.l)
			walk(e.r)
		case *eIs:
			walk(e.l)
			walk(e.r)
		case *eLike:
			walk(e.l)
			walk(e.r)
		case *eBetween:
			walk(e.x)
			walk(e.lo)
			walk(e.hi)
		case *eCase:
			if e.base != nil {
				walk(e.base)
			}
			for _, w := range e.whens {
				walk(w[0])
				walk(w[1])
			}
			if e.els != nil {
				walk(e.els)
			}
		case *eCast:
			walk(e.x)
		case *eIn:
			walk(e.l)
			for _, a := range e.list {
				walk(a)
			}
		}
	}
	walk(x)
	return found
}

// source is a core's FROM: its table (nil for none) and the name columns
// are qualified with.
func (en *engine) source(c *selectCore, outer *scope) (*table, string) {
	if c.fromSub != nil {
		rows, n := en.run(c.fromSub, outer)
		t := &table{rows: rows}
		names := en.columnNames(c.fromSub)
		for i := 0; i < n; i++ {
			t.cols = append(t.cols, names[i])
			t.affinity = append(t.affinity, "")
		}
		return t, c.alias
	}
	if c.from == "" {
		return nil, ""
	}
	t, ok := en.tables[strings.ToLower(c.from)]
	if !ok {
		efail("no such table: %s", c.from)
	}
	alias := c.from
	if c.alias != "" {
		alias = c.alias
	}
	return t, alias
}

func (en *engine) columnNames(s *selectStmt) []string {
	var names []string
	c := s.cores[0]
	t, _ := en.sourceShape(c)
	for _, rc := range c.cols {
		switch {
		case rc.star:
			if t != nil {
				names = append(names, t.cols...)
			}
		case rc.alias != "":
			names = append(names, rc.alias)
		default:
			if col, ok := rc.x.(*eCol); ok {
				names = append(names, col.name)
			} else {
				names = append(names, "?column?")
			}
		}
	}
	return names
}

func (en *engine) sourceShape(c *selectCore) (*table, string) {
	if c.from != "" {
		if t, ok := en.tables[strings.ToLower(c.from)]; ok {
			return t, c.from
		}
	}
	return nil, ""
}

// core evaluates one SELECT: its rows.
func (en *engine) core(c *selectCore, outer *scope) ([][]sqlValue, int, []*scope) {
	t, alias := en.source(c, outer)
	var inputs [][]sqlValue
	if t == nil {
		inputs = [][]sqlValue{nil}
	} else {
		inputs = t.rows
	}
	for _, rc := range c.cols {
		if rc.star && t == nil {
			efail("no tables specified")
		}
	}
	var kept []*scope
	for _, row := range inputs {
		sc := &scope{t: t, alias: alias, row: row, outer: outer}
		if c.where != nil {
			if b, ok := en.eval(sc, c.where).truth(); !ok || !b {
				continue
			}
		}
		kept = append(kept, sc)
	}
	agg := len(c.group) > 0
	for _, rc := range c.cols {
		if rc.x != nil && hasAggregate(rc.x) {
			agg = true
		}
	}
	ncol := 0
	for _, rc := range c.cols {
		if rc.star {
			ncol += len(t.cols)
		} else {
			ncol++
		}
	}
	project := func(sc *scope) []sqlValue {
		var out []sqlValue
		for _, rc := range c.cols {
			if rc.star {
				if sc.row == nil {
					for range t.cols {
						out = append(out, sqlNull())
					}
				} else {
					out = append(out, sc.row...)
				}
				continue
			}
			out = append(out, en.eval(sc, rc.x))
		}
		return out
	}
	var rows [][]sqlValue
	var scopes []*scope
	if agg {
		groups := [][]*scope{}
		if len(c.group) == 0 {
			groups = append(groups, kept)
		} else {
			index := map[string]int{}
			for _, sc := range kept {
				var key strings.Builder
				for _, g := range c.group {
					v := en.eval(sc, g)
					fmt.Fprintf(&key, "%d:%s|", v.k, v.text())
				}
				i, ok := index[key.String()]
				if !ok {
					i = len(groups)
					index[key.String()] = i
					groups = append(groups, nil)
				}
				groups[i] = append(groups[i], sc)
			}
		}
		for _, g := range groups {
			sc := &scope{t: t, alias: alias, outer: outer, group: [][]sqlValue{}}
			for _, m := range g {
				sc.group = append(sc.group, m.row)
			}
			if len(g) > 0 {
				sc.row = g[0].row
				if f := soleMinMax(c); f != nil && len(f.args) == 1 {
					best := -1
					var bv sqlValue
					for i, m := range g {
						v := en.eval(m, f.args[0])
						if v.k == vNull {
							continue
						}
						if c := cmpValues(v, bv); best < 0 || (f.name == "max" && c > 0) || (f.name == "min" && c < 0) {
							best, bv = i, v
						}
					}
					if best >= 0 {
						sc.row = g[best].row
					}
				}
			}
			if c.having != nil {
				if b, ok := en.eval(sc, c.having).truth(); !ok || !b {
					continue
				}
			}
			rows = append(rows, project(sc))
			scopes = append(scopes, sc)
		}
	} else {
		for _, sc := range kept {
			rows = append(rows, project(sc))
			scopes = append(scopes, sc)
		}
	}
	if c.distinct {
		rows, scopes = dedup(rows, scopes)
	}
	return rows, ncol, scopes
}

// soleMinMax is the query's only aggregate when it is min() or max(): its
// row gives the bare columns, as in sqlite.
func soleMinMax(c *selectCore) *eFunc {
	var found []*eFunc
	for _, rc := range c.cols {
		if rc.x != nil {
			walkExpr(rc.x, func(x expr) {
				if f, ok := x.(*eFunc); ok && isAggregate(f) {
					found = append(found, f)
				}
			})
		}
	}
	if len(found) == 1 && (found[0].name == "min" || found[0].name == "max") {
		return found[0]
	}
	return nil
}

func firstAggregate(x expr) string {
	if f, ok := x.(*eFunc); ok && isAggregate(f) {
		return f.name
	}
	switch e := x.(type) {
	case *eBinary:
		if hasAggregate(e.l) {
			return firstAggregate(e.l)
		}
		return firstAggregate(e.r)
	case *eUnary:
		return firstAggregate(e.x)
	}
	return "count"
}

func rowKey(r []sqlValue) string {
	var b strings.Builder
	for _, v := range r {
		fmt.Fprintf(&b, "%d:%s\x00", v.k, v.text())
	}
	return b.String()
}

func dedup(rows [][]sqlValue, scopes []*scope) ([][]sqlValue, []*scope) {
	seen := map[string]bool{}
	var out [][]sqlValue
	var outS []*scope
	for i, r := range rows {
		k := rowKey(r)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, r)
		if scopes != nil {
			outS = append(outS, scopes[i])
		}
	}
	return out, outS
}

func cmpRows(a, b []sqlValue) int {
	for i := range a {
		if c := cmpValues(a[i], b[i]); c != 0 {
			return c
		}
	}
	return 0
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}

// run evaluates a statement: its rows and column count.
func (en *engine) run(s *selectStmt, outer *scope) ([][]sqlValue, int) {
	rows, ncol, scopes := en.core(s.cores[0], outer)
	compound := len(s.cores) > 1
	for i, c := range s.cores[1:] {
		r2, n2, _ := en.core(c, outer)
		if n2 != ncol {
			efail("SELECTs to the left and right of %s do not have the same number of result columns", s.ops[i])
		}
		switch s.ops[i] {
		case "UNION ALL":
			rows = append(rows, r2...)
		case "UNION":
			rows, _ = dedup(append(rows, r2...), nil)
			sort.SliceStable(rows, func(a, b int) bool { return cmpRows(rows[a], rows[b]) < 0 })
		case "INTERSECT", "EXCEPT":
			other := map[string]bool{}
			for _, r := range r2 {
				other[rowKey(r)] = true
			}
			var keep [][]sqlValue
			for _, r := range rows {
				if other[rowKey(r)] == (s.ops[i] == "INTERSECT") {
					keep = append(keep, r)
				}
			}
			rows, _ = dedup(keep, nil)
			sort.SliceStable(rows, func(a, b int) bool { return cmpRows(rows[a], rows[b]) < 0 })
		}
		scopes = nil
	}
	if len(s.order) > 0 {
		keys := make([][]sqlValue, len(rows))
		names := en.columnNames(s)
		for ti, term := range s.order {
			idx := -1
			if lit, ok := term.x.(*eLit); ok && lit.v.k == vInt {
				if lit.v.i < 1 || int(lit.v.i) > ncol {
					efail("%s ORDER BY term out of range - should be between 1 and %d", ordinal(ti+1), ncol)
				}
				idx = int(lit.v.i) - 1
			} else if col, ok := term.x.(*eCol); ok && col.table == "" {
				for i, n := range names {
					if strings.EqualFold(n, col.name) {
						idx = i
						break
					}
				}
			}
			if idx < 0 && compound {
				efail("%s ORDER BY term does not match any column in the result set", ordinal(ti+1))
			}
			for ri := range rows {
				var v sqlValue
				if idx >= 0 {
					v = rows[ri][idx]
				} else {
					v = en.eval(scopes[ri], term.x)
				}
				keys[ri] = append(keys[ri], v)
			}
		}
		perm := make([]int, len(rows))
		for i := range perm {
			perm[i] = i
		}
		sort.SliceStable(perm, func(a, b int) bool {
			for ti, term := range s.order {
				c := cmpValues(keys[perm[a]][ti], keys[perm[b]][ti])
				if term.desc {
					c = -c
				}
				if c != 0 {
					return c < 0
				}
			}
			return false
		})
		sorted := make([][]sqlValue, len(rows))
		for i, p := range perm {
			sorted[i] = rows[p]
		}
		rows = sorted
	}
	if s.limit != nil {
		lim := int(en.eval(outer, s.limit).float())
		off := 0
		if s.offset != nil {
			off = int(en.eval(outer, s.offset).float())
		}
		if off > 0 {
			if off >= len(rows) {
				rows = nil
			} else {
				rows = rows[off:]
			}
		}
		if lim >= 0 && lim < len(rows) {
			rows = rows[:lim]
		}
	}
	return rows, ncol
}

var bindParam = regexp.MustCompile(`(^|[^:\w\\]):(\w+)`)

// rawQuery is db.session.execute(text(sql)).fetchone(): the first row or
// nil, or the error sqlite3 / SQLAlchemy raise.
func (s *Server) rawQuery(sql string) (row []sqlValue, err *sqlErr) {
	if m := bindParam.FindStringSubmatchIndex(sql); m != nil {
		name := sql[m[4]:m[5]]
		if !(m[5] < len(sql) && sql[m[5]] == ':') {
			compiled := bindParam.ReplaceAllString(sql, "${1}?")
			return nil, &sqlErr{kind: "StatementError", msg: "A value is required for bind parameter '" + name + "'", sql: compiled}
		}
	}
	sql = strings.ReplaceAll(sql, `\:`, ":")
	toks := tokenize(sql)
	var stmt *selectStmt
	func() {
		defer func() {
			if x := recover(); x != nil {
				pe, ok := x.(parseErr)
				if !ok {
					panic(x)
				}
				err = pe.e
			}
		}()
		ps := &parser{toks: toks}
		if !ps.isKw("select") {
			ps.fail()
		}
		stmt = ps.selectStmt()
		if ps.acceptOp(";") {
			if ps.peek().k != tEOF {
				err = &sqlErr{kind: "ProgrammingError", msg: "You can only execute one statement at a time."}
			}
			return
		}
		if ps.peek().k != tEOF {
			ps.fail()
		}
	}()
	if err != nil {
		return nil, err
	}
	for _, t := range toks {
		if t.k == tParam {
			n := 0
			for _, u := range toks {
				if u.k == tParam {
					n++
				}
			}
			return nil, &sqlErr{kind: "ProgrammingError", msg: fmt.Sprintf("Incorrect number of bindings supplied. The current statement uses %d, and there are 0 supplied.", n)}
		}
	}
	en := &engine{tables: s.tables(), rng: 0x9E3779B97F4A7C15}
	func() {
		defer func() {
			if x := recover(); x != nil {
				ep, ok := x.(evalPanic)
				if !ok {
					panic(x)
				}
				err = ep.e
			}
		}()
		en.resolve(stmt, nil)
		rows, _ := en.run(stmt, nil)
		if len(rows) > 0 {
			row = rows[0]
		}
	}()
	return row, err
}

// walkExpr calls f on x and every expression inside it (not inside
// subqueries).
func walkExpr(x expr, f func(expr)) {
	if x == nil {
		return
	}
	f(x)
	switch e := x.(type) {
	case *eFunc:
		for _, a := range e.args {
			walkExpr(a, f)
		}
	case *eUnary:
		walkExpr(e.x, f)
	case *eBinary:
		walkExpr(e.l, f)
		walkExpr(e.r, f)
	case *eIs:
		walkExpr(e.l, f)
		walkExpr(e.r, f)
	case *eLike:
		walkExpr(e.l, f)
		walkExpr(e.r, f)
		walkExpr(e.esc, f)
	case *eBetween:
		walkExpr(e.x, f)
		walkExpr(e.lo, f)
		walkExpr(e.hi, f)
	case *eCase:
		walkExpr(e.base, f)
		for _, w := range e.whens {
			walkExpr(w[0], f)
			walkExpr(w[1], f)
		}
		walkExpr(e.els, f)
	case *eCast:
		walkExpr(e.x, f)
	case *eCollate:
		walkExpr(e.x, f)
	case *eIn:
		walkExpr(e.l, f)
		for _, a := range e.list {
			walkExpr(a, f)
		}
	}
}

// arity is the argument counts of the scalar functions (max -1: any).
var arity = map[string][2]int{
	"sqlite_version": {0, 0}, "sqlite_source_id": {0, 0}, "lower": {1, 1}, "upper": {1, 1}, "length": {1, 1},
	"typeof": {1, 1}, "abs": {1, 1}, "substr": {2, 3}, "substring": {2, 3}, "coalesce": {2, -1}, "ifnull": {2, 2},
	"nullif": {2, 2}, "iif": {3, 3}, "hex": {1, 1}, "char": {0, -1}, "unicode": {1, 1}, "instr": {2, 2},
	"replace": {3, 3}, "trim": {1, 2}, "ltrim": {1, 2}, "rtrim": {1, 2}, "quote": {1, 1}, "round": {1, 2},
	"max": {1, -1}, "min": {1, -1}, "random": {0, 0}, "randomblob": {1, 1}, "zeroblob": {1, 1}, "printf": {1, -1},
	"format": {1, -1}, "changes": {0, 0}, "total_changes": {0, 0}, "last_insert_rowid": {0, 0},
	"load_extension": {1, 2}, "like": {2, 3}, "glob": {2, 2},
	"count": {0, 1}, "sum": {1, 1}, "total": {1, 1}, "avg": {1, 1}, "group_concat": {1, 2},
}

type rscope struct {
	cols  []string
	alias string
	outer *rscope
}

// resolve is sqlite's name resolution at prepare time: every table,
// column and function must exist (whether or not it is ever evaluated),
// and aggregates may not appear where a row is being filtered.
func (en *engine) resolve(s *selectStmt, outer *rscope) {
	for _, c := range s.cores {
		sc := &rscope{outer: outer}
		switch {
		case c.fromSub != nil:
			en.resolve(c.fromSub, outer)
			sc.cols = en.columnNames(c.fromSub)
			sc.alias = c.alias
		case c.from != "":
			t, ok := en.tables[strings.ToLower(c.from)]
			if !ok {
				efail("no such table: %s", c.from)
			}
			sc.cols, sc.alias = t.cols, c.from
			if c.alias != "" {
				sc.alias = c.alias
			}
		default:
			sc = &rscope{outer: outer}
		}
		for _, rc := range c.cols {
			if rc.star && rc.table != "" && !strings.EqualFold(rc.table, sc.alias) {
				efail("no such table: %s", rc.table)
			}
			en.resolveExpr(rc.x, sc, true)
		}
		en.resolveExpr(c.where, sc, false)
		for _, g := range c.group {
			en.resolveExpr(g, sc, false)
		}
		en.resolveExpr(c.having, sc, true)
	}
	if len(s.cores) == 1 {
		names := en.columnNames(s)
		for _, o := range s.order {
			if col, ok := o.x.(*eCol); ok && col.table == "" {
				alias := false
				for _, n := range names {
					alias = alias || strings.EqualFold(n, col.name)
				}
				if alias {
					continue
				}
			}
			c := s.cores[0]
			sc := &rscope{outer: outer}
			if t, ok := en.tables[strings.ToLower(c.from)]; ok {
				sc.cols, sc.alias = t.cols, c.from
				if c.alias != "" {
					sc.alias = c.alias
				}
			}
			en.resolveExpr(o.x, sc, true)
		}
	}
}

func (en *engine) resolveExpr(x expr, sc *rscope, aggOK bool) {
	walkExpr(x, func(x expr) {
		switch e := x.(type) {
		case *eCol:
			if !en.columnExists(e, sc) && !(e.quoted && e.table == "") {
				efail("no such column: %s", e.text)
			}
		case *eFunc:
			ar, ok := arity[e.name]
			if !ok {
				efail("no such function: %s", e.raw)
			}
			n := len(e.args)
			if e.star {
				if e.name != "count" {
					efail("wrong number of arguments to function %s()", e.raw)
				}
			} else if n < ar[0] || (ar[1] >= 0 && n > ar[1]) {
				efail("wrong number of arguments to function %s()", e.raw)
			}
			if isAggregate(e) {
				for _, a := range e.args {
					walkExpr(a, func(y expr) {
						if f, ok := y.(*eFunc); ok && isAggregate(f) {
							efail("misuse of aggregate function %s()", f.raw)
						}
					})
				}
				if !aggOK {
					efail("misuse of aggregate function %s()", e.raw)
				}
			}
		case *eSub:
			en.resolve(e.s, sc)
		case *eExists:
			en.resolve(e.s, sc)
		case *eIn:
			if e.sub != nil {
				en.resolve(e.sub, sc)
			}
		}
	})
}

func (en *engine) columnExists(c *eCol, sc *rscope) bool {
	for s := sc; s != nil; s = s.outer {
		if c.table != "" && !strings.EqualFold(c.table, s.alias) {
			continue
		}
		for _, n := range s.cols {
			if strings.EqualFold(n, c.name) {
				return true
			}
		}
		if s.cols != nil {
			switch strings.ToLower(c.name) {
			case "rowid", "oid", "_rowid_":
				return true
			}
		}
	}
	return false
}
