package flasklike

// SQLAlchemy and sqlite as the views see them: filter_by() binds Python
// values (with sqlite's TEXT affinity on the username column), commit()
// stores them, and a failure comes back as the chained exception pair
// (sqlite3.X, then sqlalchemy.exc.X) the debugger shows.

import (
	"math"
	"strconv"
	"strings"
)

var sqlalchemyCodes = map[string]string{
	"OperationalError": "e3q8", "ProgrammingError": "f405", "IntegrityError": "gkpj",
}

// dbFrames is the path from Session.execute down to the DBAPI cursor.
func dbFrames() []pyFrame {
	return []pyFrame{
		lib("sqlalchemy/orm/session.py", 2229, "execute", "return self._execute_internal("),
		lib("sqlalchemy/orm/session.py", 2124, "_execute_internal", "result = conn.execute("),
		lib("sqlalchemy/engine/base.py", 1414, "execute", "return meth("),
		lib("sqlalchemy/sql/elements.py", 485, "_execute_on_connection", "return connection._execute_clauseelement("),
		lib("sqlalchemy/engine/base.py", 1638, "_execute_clauseelement", "ret = self._execute_context("),
		lib("sqlalchemy/engine/base.py", 1842, "_execute_context", "return self._exec_single_context("),
		lib("sqlalchemy/engine/base.py", 1983, "_exec_single_context", "self._handle_dbapi_exception("),
		lib("sqlalchemy/engine/base.py", 2325, "_handle_dbapi_exception", "raise sqlalchemy_exception.with_traceback(exc_info[2]) from e"),
		lib("sqlalchemy/engine/base.py", 1964, "_exec_single_context", "self.dialect.do_execute("),
		lib("sqlalchemy/engine/default.py", 748, "do_execute", "cursor.execute(statement, parameters)"),
	}
}

func queryFrames() []pyFrame {
	return append([]pyFrame{
		lib("sqlalchemy/orm/query.py", 2747, "first", "return self.limit(1)._iter().first()"),
		lib("sqlalchemy/orm/query.py", 2845, "_iter", "result: Union[ScalarResult[_T], Result[_T]] = self.session.execute("),
	}, dbFrames()...)
}

func commitFrames(insert bool) []pyFrame {
	emit := lib("sqlalchemy/orm/persistence.py", 1006, "_emit_update_statements", "c = connection.execute(")
	save := lib("sqlalchemy/orm/persistence.py", 85, "save_obj", "_emit_update_statements(")
	if insert {
		emit = lib("sqlalchemy/orm/persistence.py", 1233, "_emit_insert_statements", "result = connection.execute(")
		save = lib("sqlalchemy/orm/persistence.py", 95, "save_obj", "_emit_insert_statements(")
	}
	head := []pyFrame{
		lib("sqlalchemy/orm/scoping.py", 553, "commit", "return self._proxied.commit()"),
		lib("sqlalchemy/orm/session.py", 1903, "commit", "trans.commit(_to_root=True)"),
		lib("sqlalchemy/orm/session.py", 1272, "_prepare_impl", "self.session.flush()"),
		lib("sqlalchemy/orm/session.py", 4153, "flush", "self._flush(objects)"),
		lib("sqlalchemy/orm/unitofwork.py", 466, "execute", "rec.execute(self)"),
		lib("sqlalchemy/orm/unitofwork.py", 642, "execute", "util.preloaded.orm_persistence.save_obj("),
		save, emit,
		lib("sqlalchemy/engine/base.py", 1414, "execute", "return meth("),
	}
	return append(head, dbFrames()[3:]...)
}

// dbError builds sqlalchemy.exc.KIND wrapping sqlite3.KIND. frames is the
// app's path to the database call (the library part included).
func dbError(kind, msg, sql, params string) *pyException {
	tail := "\n[SQL: " + sql + "]"
	if params != "" {
		tail += "\n[parameters: " + params + "]"
	}
	tail += "\n(Background on this error at: https://sqlalche.me/e/20/" + sqlalchemyCodes[kind] + ")"
	cause := &pyException{typ: "sqlite3." + kind, msg: msg}
	return &pyException{typ: "sqlalchemy.exc." + kind, msg: "(sqlite3." + kind + ") " + msg + tail, cause: cause}
}

// raiseDB raises e from the view at frames (app frames, then the
// SQLAlchemy ones); the cause's traceback is the DBAPI call's.
func (c *ctx) raiseDB(e *pyException, frames ...pyFrame) {
	d := dbFrames()
	e.cause.frames = d[len(d)-2:]
	c.raise(e, frames...)
}

const userSelect = "SELECT users.id AS users_id, users.username AS users_username, users.password AS users_password, users.email AS users_email, users.admin AS users_admin \nFROM users \nWHERE users.username = ?\n LIMIT ? OFFSET ?"

// bindText is how sqlite3 binds a Python value to a TEXT column: the text
// it is compared or stored as. ok is false for types sqlite3 cannot bind.
func bindText(v any) (text string, null, ok bool) {
	switch x := v.(type) {
	case nil:
		return "", true, true
	case string:
		return x, false, true
	case bool:
		if x {
			return "1", false, true
		}
		return "0", false, true
	case pyInt:
		return string(x), false, true
	case float64:
		return sqliteReal(x), false, true
	}
	return "", false, false
}

// bindError is sqlite3's message for an unsupported parameter (3.11).
func bindError(n int, v any) string {
	return "Error binding parameter " + strconv.Itoa(n) + ": type '" + pyTypeName(v) + "' is not supported"
}

// sqliteReal is sqlite's text for a REAL ("%!.15g").
func sqliteReal(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case math.IsNaN(f):
		return ""
	}
	s := strconv.FormatFloat(f, 'g', 15, 64)
	if mant, exp, ok := strings.Cut(s, "e"); ok {
		if !strings.Contains(mant, ".") {
			mant += ".0"
		}
		sign := exp[0]
		digits := strings.TrimLeft(exp[1:], "0")
		if len(digits) < 2 {
			digits = strings.Repeat("0", 2-len(digits)) + digits
		}
		return mant + "e" + string(sign) + digits
	}
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// filterUser is User.query.filter_by(username=v).first(), raised from the
// view at the given app frames.
func (c *ctx) filterUser(v any, at ...pyFrame) *user {
	text, null, ok := bindText(v)
	if !ok {
		c.raiseDB(dbError("ProgrammingError", bindError(1, v), userSelect, "("+pyRepr(v)+", 1, 0)"), append(at, queryFrames()...)...)
	}
	if null {
		return nil
	}
	return c.s.userByName(text)
}

// storeText is what a String column holds after commit() for v; a value
// sqlite3 cannot bind raises from the view at the given frames.
func (c *ctx) storeText(v any, sql string, params func(string) string, at ...pyFrame) string {
	text, null, ok := bindText(v)
	if !ok {
		c.raiseDB(dbError("ProgrammingError", bindError(1, v), sql, params(pyRepr(v))), append(at, commitFrames(false)...)...)
	}
	if null {
		return "None"
	}
	return text
}
