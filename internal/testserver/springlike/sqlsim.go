package springlike

// A small PostgreSQL stand-in for the one string-built query of the
// workshop service (apply_coupon): it lexes, parses and evaluates the
// SELECT over the applied_coupon table with PostgreSQL's typing rules and
// error messages, so that injected SQL behaves as it would against the
// real database (tautologies, UNION, ORDER BY probing, casts that leak
// values in errors, pg_sleep).

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

type sqlRow map[string]any

// sqlError is a PSQLException: "ERROR: msg" and, when known, the 1-based
// character position in the query.
type sqlError struct {
	msg string
	pos int
}

func (e *sqlError) Error() string {
	if e.pos > 0 {
		return fmt.Sprintf("ERROR: %s\n  Position: %d", e.msg, e.pos)
	}
	return "ERROR: " + e.msg
}

// errMultipleResults is what PgJDBC's executeQuery says of stacked queries.
var errMultipleResults = &sqlError{msg: "Multiple ResultSets were returned by the query."}

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tNum
	tStr
	tOp
)

type sqlTok struct {
	kind tokKind
	text string // identifiers lower-cased (unless quoted), strings unescaped
	raw  string
	pos  int // 1-based
}

func sqlLex(q string) ([]sqlTok, *sqlError) {
	rs := []rune(q)
	var toks []sqlTok
	i := 0
	for i < len(rs) {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '-' && i+1 < len(rs) && rs[i+1] == '-':
			for i < len(rs) && rs[i] != '\n' {
				i++
			}
		case r == '/' && i+1 < len(rs) && rs[i+1] == '*':
			end := strings.Index(string(rs[i+2:]), "*/")
			if end < 0 {
				return nil, &sqlError{msg: "unterminated /* comment at or near \"" + string(rs[i:]) + "\"", pos: i + 1}
			}
			i += 2 + len([]rune(string(rs[i+2:])[:end])) + 2
		case r == '\'':
			start := i
			var b strings.Builder
			i++
			closed := false
			for i < len(rs) {
				if rs[i] == '\'' {
					if i+1 < len(rs) && rs[i+1] == '\'' {
						b.WriteRune('\'')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				b.WriteRune(rs[i])
				i++
			}
			if !closed {
				return nil, &sqlError{msg: "unterminated quoted string at or near \"" + string(rs[start:]) + "\"", pos: start + 1}
			}
			toks = append(toks, sqlTok{kind: tStr, text: b.String(), raw: string(rs[start:i]), pos: start + 1})
		case r == '"':
			start := i
			end := strings.IndexRune(string(rs[i+1:]), '"')
			if end < 0 {
				return nil, &sqlError{msg: "unterminated quoted identifier at or near \"" + string(rs[start:]) + "\"", pos: start + 1}
			}
			name := string(rs[i+1:])[:end]
			i += 2 + len([]rune(name))
			toks = append(toks, sqlTok{kind: tIdent, text: name, raw: string(rs[start:i]), pos: start + 1})
		case unicode.IsDigit(r):
			start := i
			for i < len(rs) && (unicode.IsDigit(rs[i]) || rs[i] == '.') {
				i++
			}
			toks = append(toks, sqlTok{kind: tNum, text: string(rs[start:i]), raw: string(rs[start:i]), pos: start + 1})
		case unicode.IsLetter(r) || r == '_':
			start := i
			for i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i]) || rs[i] == '_' || rs[i] == '$') {
				i++
			}
			w := string(rs[start:i])
			toks = append(toks, sqlTok{kind: tIdent, text: strings.ToLower(w), raw: w, pos: start + 1})
		default:
			start := i
			op := string(r)
			if i+1 < len(rs) {
				two := string(rs[i : i+2])
				switch two {
				case "<>", "!=", "<=", ">=", "||", "::":
					op = two
				}
			}
			if !strings.Contains("=<>!|:(),;*+-/.%", string(r)) && len([]rune(op)) == 1 {
				return nil, &sqlError{msg: "syntax error at or near \"" + op + "\"", pos: start + 1}
			}
			i += len([]rune(op))
			toks = append(toks, sqlTok{kind: tOp, text: op, raw: op, pos: start + 1})
		}
	}
	toks = append(toks, sqlTok{kind: tEOF, pos: len(rs) + 1})
	return toks, nil
}

// sqlNode is an expression; eval computes it for one row.
type sqlNode interface{}

type (
	nLit   struct{ v any }
	nCol   struct{ name string }
	nUnary struct {
		op string
		x  sqlNode
	}
	nBinary struct {
		op   string
		l, r sqlNode
	}
	nIsNull struct {
		x   sqlNode
		not bool
	}
	nIn struct {
		x    sqlNode
		list []sqlNode
		not  bool
	}
	nFunc struct {
		name string
		args []sqlNode
	}
	nCast struct {
		x   sqlNode
		typ string
	}
	nCase struct {
		whens, thens []sqlNode
		els          sqlNode
	}
	nSub struct{ sel *sqlSelect }
)

// sqlUnknown is an untyped string literal, resolved by context as
// PostgreSQL does ('1' compared with an integer is the integer 1).
type sqlUnknown string

// sqlVoid is what pg_sleep returns.
type sqlVoid struct{}

type sqlSelect struct {
	cols   []sqlNode
	star   bool
	from   string
	where  sqlNode
	unions []*sqlSelect
	order  sqlNode
	desc   bool
	limit  sqlNode
}

type sqlParser struct {
	toks []sqlTok
	i    int
}

func (p *sqlParser) peek() sqlTok { return p.toks[p.i] }
func (p *sqlParser) next() sqlTok { t := p.toks[p.i]; p.i++; return t }
func (p *sqlParser) isKw(w string) bool {
	t := p.peek()
	return t.kind == tIdent && t.text == w && !strings.HasPrefix(t.raw, `"`)
}
func (p *sqlParser) isOp(o string) bool { t := p.peek(); return t.kind == tOp && t.text == o }

func (p *sqlParser) fail() *sqlError {
	t := p.peek()
	if t.kind == tEOF {
		return &sqlError{msg: "syntax error at end of input", pos: t.pos}
	}
	return &sqlError{msg: "syntax error at or near \"" + t.raw + "\"", pos: t.pos}
}

func (p *sqlParser) expectKw(w string) *sqlError {
	if !p.isKw(w) {
		return p.fail()
	}
	p.i++
	return nil
}

func (p *sqlParser) expectOp(o string) *sqlError {
	if !p.isOp(o) {
		return p.fail()
	}
	p.i++
	return nil
}

var sqlReserved = map[string]bool{"select": true, "from": true, "where": true, "and": true, "or": true, "not": true,
	"union": true, "order": true, "by": true, "limit": true, "offset": true, "is": true, "null": true, "in": true,
	"like": true, "as": true, "case": true, "when": true, "then": true, "else": true, "end": true, "all": true,
	"true": true, "false": true, "asc": true, "desc": true, "cast": true}

func (p *sqlParser) parseSelect() (*sqlSelect, *sqlError) {
	if err := p.expectKw("select"); err != nil {
		return nil, err
	}
	s := &sqlSelect{}
	if p.isOp("*") {
		p.i++
		s.star = true
	} else {
		for {
			e, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			if p.isKw("as") {
				p.i++
				if p.peek().kind != tIdent {
					return nil, p.fail()
				}
				p.i++
			}
			s.cols = append(s.cols, e)
			if !p.isOp(",") {
				break
			}
			p.i++
		}
	}
	if p.isKw("from") {
		p.i++
		t := p.next()
		if t.kind != tIdent || sqlReserved[t.text] {
			p.i--
			return nil, p.fail()
		}
		s.from = t.text
		if s.from != "applied_coupon" {
			return nil, &sqlError{msg: "relation \"" + t.text + "\" does not exist", pos: t.pos}
		}
	}
	if p.isKw("where") {
		p.i++
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		s.where = e
	}
	return s, nil
}

func (p *sqlParser) parseQuery() (*sqlSelect, *sqlError) {
	s, err := p.parseSelect()
	if err != nil {
		return nil, err
	}
	for p.isKw("union") {
		p.i++
		if p.isKw("all") {
			p.i++
		}
		u, err := p.parseSelect()
		if err != nil {
			return nil, err
		}
		s.unions = append(s.unions, u)
	}
	if p.isKw("order") {
		p.i++
		if err := p.expectKw("by"); err != nil {
			return nil, err
		}
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		s.order = e
		if p.isKw("asc") || p.isKw("desc") {
			s.desc = p.next().text == "desc"
		}
	}
	if p.isKw("limit") {
		p.i++
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		s.limit = e
	}
	return s, nil
}

func (p *sqlParser) parseExpr() (sqlNode, *sqlError) { return p.parseOr() }

func (p *sqlParser) parseOr() (sqlNode, *sqlError) {
	l, err := p.parseAnd()
	for err == nil && p.isKw("or") {
		p.i++
		var r sqlNode
		r, err = p.parseAnd()
		l = nBinary{"or", l, r}
	}
	return l, err
}

func (p *sqlParser) parseAnd() (sqlNode, *sqlError) {
	l, err := p.parseNot()
	for err == nil && p.isKw("and") {
		p.i++
		var r sqlNode
		r, err = p.parseNot()
		l = nBinary{"and", l, r}
	}
	return l, err
}

func (p *sqlParser) parseNot() (sqlNode, *sqlError) {
	if p.isKw("not") {
		p.i++
		x, err := p.parseNot()
		return nUnary{"not", x}, err
	}
	return p.parseCmp()
}

func (p *sqlParser) parseCmp() (sqlNode, *sqlError) {
	l, err := p.parseConcat()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.kind == tOp {
		switch t.text {
		case "=", "<>", "!=", "<", ">", "<=", ">=":
			p.i++
			r, err := p.parseConcat()
			op := t.text
			if op == "!=" {
				op = "<>"
			}
			return nBinary{op, l, r}, err
		}
	}
	not := false
	if p.isKw("not") {
		p.i++
		not = true
	}
	switch {
	case p.isKw("like"):
		p.i++
		r, err := p.parseConcat()
		var n sqlNode = nBinary{"like", l, r}
		if not {
			n = nUnary{"not", n}
		}
		return n, err
	case p.isKw("in"):
		p.i++
		if err := p.expectOp("("); err != nil {
			return nil, err
		}
		var list []sqlNode
		for {
			e, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			list = append(list, e)
			if !p.isOp(",") {
				break
			}
			p.i++
		}
		if err := p.expectOp(")"); err != nil {
			return nil, err
		}
		return nIn{l, list, not}, nil
	case not:
		return nil, p.fail()
	case p.isKw("is"):
		p.i++
		neg := false
		if p.isKw("not") {
			p.i++
			neg = true
		}
		switch {
		case p.isKw("null"):
			p.i++
			return nIsNull{l, neg}, nil
		case p.isKw("true"), p.isKw("false"):
			want := p.next().text == "true"
			var n sqlNode = nBinary{"is", l, nLit{want}}
			if neg {
				n = nUnary{"not", n}
			}
			return n, nil
		}
		return nil, p.fail()
	}
	return l, nil
}

func (p *sqlParser) parseConcat() (sqlNode, *sqlError) {
	l, err := p.parseAdd()
	for err == nil && p.isOp("||") {
		p.i++
		var r sqlNode
		r, err = p.parseAdd()
		l = nBinary{"||", l, r}
	}
	return l, err
}

func (p *sqlParser) parseAdd() (sqlNode, *sqlError) {
	l, err := p.parseMul()
	for err == nil && (p.isOp("+") || p.isOp("-")) {
		op := p.next().text
		var r sqlNode
		r, err = p.parseMul()
		l = nBinary{op, l, r}
	}
	return l, err
}

func (p *sqlParser) parseMul() (sqlNode, *sqlError) {
	l, err := p.parseUnary()
	for err == nil && (p.isOp("*") || p.isOp("/") || p.isOp("%")) {
		op := p.next().text
		var r sqlNode
		r, err = p.parseUnary()
		l = nBinary{op, l, r}
	}
	return l, err
}

func (p *sqlParser) parseUnary() (sqlNode, *sqlError) {
	if p.isOp("-") {
		p.i++
		x, err := p.parseUnary()
		return nBinary{"-", nLit{int64(0)}, x}, err
	}
	x, err := p.parsePrimary()
	for err == nil && p.isOp("::") {
		p.i++
		t := p.next()
		if t.kind != tIdent {
			p.i--
			return nil, p.fail()
		}
		x = nCast{x, t.text}
	}
	return x, err
}

func (p *sqlParser) parsePrimary() (sqlNode, *sqlError) {
	t := p.peek()
	switch t.kind {
	case tNum:
		p.i++
		n, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			return nil, &sqlError{msg: "syntax error at or near \"" + t.raw + "\"", pos: t.pos}
		}
		return nLit{n}, nil
	case tStr:
		p.i++
		return nLit{sqlUnknown(t.text)}, nil
	case tOp:
		if t.text == "(" {
			p.i++
			if p.isKw("select") {
				sel, err := p.parseQuery()
				if err != nil {
					return nil, err
				}
				return nSub{sel}, p.expectOp(")")
			}
			e, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			return e, p.expectOp(")")
		}
		return nil, p.fail()
	case tIdent:
		quoted := strings.HasPrefix(t.raw, `"`)
		if !quoted {
			switch t.text {
			case "true", "false":
				p.i++
				return nLit{t.text == "true"}, nil
			case "null":
				p.i++
				return nLit{nil}, nil
			case "current_user", "session_user", "user":
				p.i++
				return nLit{"crapi"}, nil
			case "cast":
				p.i++
				if err := p.expectOp("("); err != nil {
					return nil, err
				}
				x, err := p.parseExpr()
				if err != nil {
					return nil, err
				}
				if err := p.expectKw("as"); err != nil {
					return nil, err
				}
				ty := p.next()
				if ty.kind != tIdent {
					p.i--
					return nil, p.fail()
				}
				return nCast{x, ty.text}, p.expectOp(")")
			case "case":
				p.i++
				c := nCase{}
				for p.isKw("when") {
					p.i++
					w, err := p.parseExpr()
					if err != nil {
						return nil, err
					}
					if err := p.expectKw("then"); err != nil {
						return nil, err
					}
					th, err := p.parseExpr()
					if err != nil {
						return nil, err
					}
					c.whens, c.thens = append(c.whens, w), append(c.thens, th)
				}
				if len(c.whens) == 0 {
					return nil, p.fail()
				}
				if p.isKw("else") {
					p.i++
					e, err := p.parseExpr()
					if err != nil {
						return nil, err
					}
					c.els = e
				}
				return c, p.expectKw("end")
			}
			if sqlReserved[t.text] {
				return nil, p.fail()
			}
		}
		p.i++
		if p.isOp("(") {
			p.i++
			f := nFunc{name: t.text}
			if !p.isOp(")") {
				for {
					e, err := p.parseExpr()
					if err != nil {
						return nil, err
					}
					f.args = append(f.args, e)
					if !p.isOp(",") {
						break
					}
					p.i++
				}
			}
			return f, p.expectOp(")")
		}
		if p.isOp(".") { // applied_coupon.coupon_code
			p.i++
			c := p.next()
			if c.kind != tIdent {
				p.i--
				return nil, p.fail()
			}
			return nCol{c.text}, nil
		}
		return nCol{t.text}, nil
	}
	return nil, p.fail()
}

// sqlExec runs the statement(s) of q over table and returns the rows of
// the first one. sleep is the pg_sleep budget left for this request.
func sqlExec(q string, table []sqlRow, sleep *time.Duration) ([][]any, *sqlError) {
	toks, err := sqlLex(q)
	if err != nil {
		return nil, err
	}
	p := &sqlParser{toks: toks}
	var stmts []*sqlSelect
	for {
		s, err := p.parseQuery()
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, s)
		semi := false
		for p.isOp(";") {
			p.i++
			semi = true
		}
		if p.peek().kind == tEOF {
			break
		}
		if !semi {
			return nil, p.fail()
		}
	}
	ev := &sqlEval{table: table, sleep: sleep}
	var first [][]any
	for i, s := range stmts {
		rows, err := ev.run(s)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			first = rows
		}
	}
	if len(stmts) > 1 {
		return nil, errMultipleResults
	}
	return first, nil
}

type sqlEval struct {
	table []sqlRow
	sleep *time.Duration
}

func (ev *sqlEval) run(s *sqlSelect) ([][]any, *sqlError) {
	rows, err := ev.runOne(s, true)
	if err != nil {
		return nil, err
	}
	for _, u := range s.unions {
		more, err := ev.runOne(u, false)
		if err != nil {
			return nil, err
		}
		if ev.width(u) != ev.width(s) {
			return nil, &sqlError{msg: "each UNION query must have the same number of columns"}
		}
		for _, r := range more {
			for i, v := range r {
				switch x := v.(type) {
				case int64, bool:
					if i == 0 && !s.star && len(s.cols) > 0 {
						if _, isCol := s.cols[0].(nCol); isCol {
							return nil, &sqlError{msg: fmt.Sprintf("UNION types character varying and %s cannot be matched", sqlTypeName(x))}
						}
					}
				case sqlUnknown:
					r[i] = string(x)
				}
			}
		}
		rows = append(rows, more...)
	}
	if s.order != nil {
		idx := -1
		switch o := s.order.(type) {
		case nLit:
			n, ok := o.v.(int64)
			if ok {
				if n < 1 || int(n) > ev.width(s) {
					return nil, &sqlError{msg: fmt.Sprintf("ORDER BY position %d is not in select list", n)}
				}
				idx = int(n) - 1
			}
		case nCol:
			if _, ok := sqlColumn(o.name); !ok {
				return nil, &sqlError{msg: "column \"" + o.name + "\" does not exist"}
			}
			idx = 0
		}
		if idx >= 0 {
			sort.SliceStable(rows, func(i, j int) bool {
				a, b := fmt.Sprint(rows[i][idx]), fmt.Sprint(rows[j][idx])
				if s.desc {
					return a > b
				}
				return a < b
			})
		}
	}
	if s.limit != nil {
		v, err := ev.eval(s.limit, nil)
		if err != nil {
			return nil, err
		}
		n, err := toInt(v)
		if err != nil {
			return nil, err
		}
		if n >= 0 && int(n) < len(rows) {
			rows = rows[:n]
		}
	}
	return rows, nil
}

func (ev *sqlEval) width(s *sqlSelect) int {
	if s.star {
		return 3
	}
	return len(s.cols)
}

func (ev *sqlEval) runOne(s *sqlSelect, _ bool) ([][]any, *sqlError) {
	source := []sqlRow{nil}
	if s.from != "" {
		source = ev.table
	}
	var out [][]any
	for _, row := range source {
		if s.where != nil {
			v, err := ev.eval(s.where, row)
			if err != nil {
				return nil, err
			}
			b, err := toBool(v, "WHERE")
			if err != nil {
				return nil, err
			}
			if b == nil || !*b {
				continue
			}
		}
		if s.star {
			if row == nil {
				return nil, &sqlError{msg: "SELECT * with no tables specified is not valid"}
			}
			out = append(out, []any{row["id"], row["user_id"], row["coupon_code"]})
			continue
		}
		var r []any
		for _, c := range s.cols {
			v, err := ev.eval(c, row)
			if err != nil {
				return nil, err
			}
			r = append(r, v)
		}
		out = append(out, r)
	}
	return out, nil
}

func sqlColumn(name string) (string, bool) {
	switch name {
	case "id", "user_id", "coupon_code":
		return name, true
	}
	return "", false
}

func sqlTypeName(v any) string {
	switch v.(type) {
	case int64:
		return "integer"
	case string:
		return "character varying"
	case bool:
		return "boolean"
	case sqlVoid:
		return "void"
	case sqlUnknown:
		return "unknown"
	}
	return "unknown"
}

func toInt(v any) (int64, *sqlError) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case sqlUnknown:
		n, err := strconv.ParseInt(strings.TrimSpace(string(x)), 10, 64)
		if err != nil {
			return 0, &sqlError{msg: fmt.Sprintf("invalid input syntax for type integer: \"%s\"", string(x))}
		}
		return n, nil
	}
	return 0, &sqlError{msg: fmt.Sprintf("argument must be type integer, not type %s", sqlTypeName(v))}
}

func toBool(v any, ctx string) (*bool, *sqlError) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case bool:
		return &x, nil
	case sqlUnknown:
		switch strings.ToLower(strings.TrimSpace(string(x))) {
		case "t", "true", "y", "yes", "on", "1":
			b := true
			return &b, nil
		case "f", "false", "n", "no", "off", "0":
			b := false
			return &b, nil
		}
		return nil, &sqlError{msg: fmt.Sprintf("invalid input syntax for type boolean: \"%s\"", string(x))}
	}
	return nil, &sqlError{msg: fmt.Sprintf("argument of %s must be type boolean, not type %s", ctx, sqlTypeName(v))}
}

func toText(v any) (any, bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case string:
		return x, true
	case sqlUnknown:
		return string(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	case sqlVoid:
		return "", true
	}
	return nil, false
}

func (ev *sqlEval) eval(n sqlNode, row sqlRow) (any, *sqlError) {
	switch x := n.(type) {
	case nLit:
		return x.v, nil
	case nCol:
		if _, ok := sqlColumn(x.name); !ok || row == nil {
			return nil, &sqlError{msg: "column \"" + x.name + "\" does not exist"}
		}
		return row[x.name], nil
	case nSub:
		rows, err := ev.run(x.sel)
		if err != nil {
			return nil, err
		}
		if len(rows) > 1 {
			return nil, &sqlError{msg: "more than one row returned by a subquery used as an expression"}
		}
		if len(rows) == 0 || len(rows[0]) == 0 {
			return nil, nil
		}
		return rows[0][0], nil
	case nUnary: // not
		v, err := ev.eval(x.x, row)
		if err != nil {
			return nil, err
		}
		b, err := toBool(v, "NOT")
		if err != nil || b == nil {
			return nil, err
		}
		return !*b, nil
	case nIsNull:
		v, err := ev.eval(x.x, row)
		if err != nil {
			return nil, err
		}
		return (v == nil) != x.not, nil
	case nIn:
		v, err := ev.eval(x.x, row)
		if err != nil {
			return nil, err
		}
		found := false
		for _, e := range x.list {
			w, err := ev.eval(e, row)
			if err != nil {
				return nil, err
			}
			eq, err := sqlCompare("=", v, w)
			if err != nil {
				return nil, err
			}
			if eq == true {
				found = true
			}
		}
		return found != x.not, nil
	case nCast:
		v, err := ev.eval(x.x, row)
		if err != nil || v == nil {
			return nil, err
		}
		switch x.typ {
		case "int", "integer", "int4", "bigint", "int8", "smallint", "numeric":
			if i, ok := v.(int64); ok {
				return i, nil
			}
			t, _ := toText(v)
			s, _ := t.(string)
			i, perr := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if perr != nil {
				return nil, &sqlError{msg: fmt.Sprintf("invalid input syntax for type integer: \"%s\"", s)}
			}
			return i, nil
		case "text", "varchar", "char":
			t, _ := toText(v)
			return t, nil
		case "bool", "boolean":
			if t, ok := v.(string); ok {
				v = sqlUnknown(t)
			}
			b, err := toBool(v, "CAST")
			if err != nil || b == nil {
				return nil, err
			}
			return *b, nil
		}
		return nil, &sqlError{msg: "type \"" + x.typ + "\" does not exist"}
	case nCase:
		for i, w := range x.whens {
			v, err := ev.eval(w, row)
			if err != nil {
				return nil, err
			}
			b, err := toBool(v, "CASE/WHEN")
			if err != nil {
				return nil, err
			}
			if b != nil && *b {
				return ev.eval(x.thens[i], row)
			}
		}
		if x.els != nil {
			return ev.eval(x.els, row)
		}
		return nil, nil
	case nFunc:
		return ev.call(x, row)
	case nBinary:
		l, err := ev.eval(x.l, row)
		if err != nil {
			return nil, err
		}
		r, err := ev.eval(x.r, row)
		if err != nil {
			return nil, err
		}
		switch x.op {
		case "and", "or":
			a, err := toBool(l, strings.ToUpper(x.op))
			if err != nil {
				return nil, err
			}
			b, err := toBool(r, strings.ToUpper(x.op))
			if err != nil {
				return nil, err
			}
			if x.op == "and" {
				if (a != nil && !*a) || (b != nil && !*b) {
					return false, nil
				}
				if a == nil || b == nil {
					return nil, nil
				}
				return true, nil
			}
			if (a != nil && *a) || (b != nil && *b) {
				return true, nil
			}
			if a == nil || b == nil {
				return nil, nil
			}
			return false, nil
		case "is":
			a, err := toBool(l, "IS")
			if err != nil {
				return nil, err
			}
			return a != nil && *a == r.(bool), nil
		case "||":
			a, ok1 := toText(l)
			b, ok2 := toText(r)
			if !ok1 || !ok2 {
				return nil, &sqlError{msg: "operator does not exist: " + sqlTypeName(l) + " || " + sqlTypeName(r)}
			}
			if a == nil || b == nil {
				return nil, nil
			}
			return a.(string) + b.(string), nil
		case "+", "-", "*", "/", "%":
			if l == nil || r == nil {
				return nil, nil
			}
			a, err := toInt(l)
			if err != nil {
				return nil, &sqlError{msg: "operator does not exist: " + sqlTypeName(l) + " " + x.op + " " + sqlTypeName(r)}
			}
			b, err := toInt(r)
			if err != nil {
				return nil, &sqlError{msg: "operator does not exist: " + sqlTypeName(l) + " " + x.op + " " + sqlTypeName(r)}
			}
			switch x.op {
			case "+":
				return a + b, nil
			case "-":
				return a - b, nil
			case "*":
				return a * b, nil
			}
			if b == 0 {
				return nil, &sqlError{msg: "division by zero"}
			}
			if x.op == "/" {
				return a / b, nil
			}
			return a % b, nil
		case "like":
			a, ok1 := toText(l)
			b, ok2 := toText(r)
			if !ok1 || !ok2 || a == nil || b == nil {
				return nil, nil
			}
			return likeMatch(a.(string), b.(string)), nil
		}
		return sqlCompare(x.op, l, r)
	}
	return nil, &sqlError{msg: "syntax error"}
}

func likeMatch(s, pat string) bool {
	if pat == "" {
		return s == ""
	}
	switch pat[0] {
	case '%':
		for i := 0; i <= len(s); i++ {
			if likeMatch(s[i:], pat[1:]) {
				return true
			}
		}
		return false
	case '_':
		return s != "" && likeMatch(s[1:], pat[1:])
	}
	return s != "" && s[0] == pat[0] && likeMatch(s[1:], pat[1:])
}

func sqlCompare(op string, l, r any) (any, *sqlError) {
	if l == nil || r == nil {
		return nil, nil
	}
	var c int
	mismatch := &sqlError{msg: "operator does not exist: " + sqlTypeName(l) + " " + op + " " + sqlTypeName(r)}
	switch a := l.(type) {
	case int64:
		b, err := toInt(r)
		if err != nil {
			if _, ok := r.(sqlUnknown); ok {
				return nil, err
			}
			return nil, mismatch
		}
		c = cmpInt(a, b)
	case string, sqlUnknown:
		if bi, ok := r.(int64); ok {
			if u, isU := l.(sqlUnknown); isU {
				ai, err := toInt(u)
				if err != nil {
					return nil, err
				}
				c = cmpInt(ai, bi)
				break
			}
			return nil, mismatch
		}
		if bb, ok := r.(bool); ok {
			if u, isU := l.(sqlUnknown); isU {
				ab, err := toBool(u, "=")
				if err != nil {
					return nil, err
				}
				c = cmpBool(*ab, bb)
				break
			}
			return nil, mismatch
		}
		as, _ := toText(l)
		bs, ok := toText(r)
		if _, void := r.(sqlVoid); void || !ok {
			return nil, mismatch
		}
		c = strings.Compare(as.(string), bs.(string))
	case bool:
		bb, err := toBool(r, "=")
		if err != nil {
			return nil, mismatch
		}
		c = cmpBool(a, *bb)
	default:
		return nil, mismatch
	}
	switch op {
	case "=":
		return c == 0, nil
	case "<>":
		return c != 0, nil
	case "<":
		return c < 0, nil
	case ">":
		return c > 0, nil
	case "<=":
		return c <= 0, nil
	}
	return c >= 0, nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpBool(a, b bool) int {
	if a == b {
		return 0
	}
	if !a {
		return -1
	}
	return 1
}

const pgVersion = "PostgreSQL 14.11 (Debian 14.11-1.pgdg120+2) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit"

func (ev *sqlEval) call(f nFunc, row sqlRow) (any, *sqlError) {
	var args []any
	for _, a := range f.args {
		v, err := ev.eval(a, row)
		if err != nil {
			return nil, err
		}
		args = append(args, v)
	}
	sig := func() string {
		var ts []string
		for _, a := range args {
			ts = append(ts, sqlTypeName(a))
		}
		return f.name + "(" + strings.Join(ts, ", ") + ")"
	}
	notExist := &sqlError{msg: "function " + sig() + " does not exist"}
	switch f.name {
	case "pg_sleep":
		if len(args) != 1 {
			return nil, notExist
		}
		if args[0] == nil {
			return sqlVoid{}, nil
		}
		n, err := toInt(args[0])
		if err != nil {
			return nil, err
		}
		d := time.Duration(n) * time.Second
		if d > *ev.sleep {
			d = *ev.sleep
		}
		if d > 0 {
			time.Sleep(d)
			*ev.sleep -= d
		}
		return sqlVoid{}, nil
	case "version":
		if len(args) != 0 {
			return nil, notExist
		}
		return pgVersion, nil
	case "current_database":
		if len(args) != 0 {
			return nil, notExist
		}
		return "crapi", nil
	case "lower", "upper", "length":
		if len(args) != 1 {
			return nil, notExist
		}
		t, ok := toText(args[0])
		if !ok {
			return nil, notExist
		}
		if t == nil {
			return nil, nil
		}
		switch f.name {
		case "lower":
			return strings.ToLower(t.(string)), nil
		case "upper":
			return strings.ToUpper(t.(string)), nil
		}
		return int64(len([]rune(t.(string)))), nil
	case "chr":
		if len(args) != 1 {
			return nil, notExist
		}
		n, err := toInt(args[0])
		if err != nil {
			return nil, notExist
		}
		return string(rune(n)), nil
	case "concat":
		var b strings.Builder
		for _, a := range args {
			if t, ok := toText(a); ok && t != nil {
				b.WriteString(t.(string))
			}
		}
		return b.String(), nil
	}
	return nil, notExist
}
