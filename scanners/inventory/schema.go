package inventory

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// patternCache compiles each schema pattern once; patterns Go's RE2
// cannot compile (lookarounds) are recorded as nil and not enforced.
type patternCache map[string]*regexp.Regexp

func (c patternCache) get(p string) *regexp.Regexp {
	re, ok := c[p]
	if !ok {
		re, _ = regexp.Compile(p)
		c[p] = re
	}
	return re
}

// validate checks a decoded path segment against a parameter schema: type,
// format, pattern, enum, lengths and bounds. It returns "" when the value
// fits and the reason otherwise. A nil schema accepts anything.
func (c patternCache) validate(v string, s *openapi3.Schema) string {
	if s == nil {
		return ""
	}
	for _, sub := range s.AllOf {
		if sub != nil && sub.Value != nil {
			if why := c.validate(v, sub.Value); why != "" {
				return why
			}
		}
	}
	for _, alts := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
		if len(alts) == 0 {
			continue
		}
		why := ""
		for _, sub := range alts {
			if sub == nil || sub.Value == nil {
				continue
			}
			if why = c.validate(v, sub.Value); why == "" {
				break
			}
		}
		if why != "" {
			return why
		}
	}
	if len(s.Enum) > 0 {
		found := false
		for _, e := range s.Enum {
			if fmt.Sprint(e) == v {
				found = true
				break
			}
		}
		if !found {
			return fmt.Sprintf("%q is not one of the documented values", v)
		}
	}
	if s.Type != nil && len(*s.Type) > 0 {
		why := ""
		for _, t := range *s.Type {
			if why = c.validateType(v, t, s); why == "" {
				break
			}
		}
		if why != "" {
			return why
		}
	} else if why := c.validateString(v, s); why != "" {
		return why
	}
	return ""
}

func (c patternCache) validateType(v, typ string, s *openapi3.Schema) string {
	switch typ {
	case "integer":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Sprintf("%q is not an integer", v)
		}
		if s.Format == "int32" && (n < -1<<31 || n > 1<<31-1) {
			return fmt.Sprintf("%q is out of int32 range", v)
		}
		return bounds(float64(n), s, v)
	case "number":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Sprintf("%q is not a number", v)
		}
		return bounds(f, s, v)
	case "boolean":
		if v != "true" && v != "false" {
			return fmt.Sprintf("%q is not a boolean", v)
		}
		return ""
	case "string":
		return c.validateString(v, s)
	case "null":
		return fmt.Sprintf("%q is not null", v)
	}
	// array and object path parameters are serialised; accept them.
	return ""
}

func bounds(f float64, s *openapi3.Schema, v string) string {
	if s.Min != nil && (f < *s.Min || s.ExclusiveMin.IsTrue() && f == *s.Min) {
		return fmt.Sprintf("%q is below the minimum", v)
	}
	if s.Max != nil && (f > *s.Max || s.ExclusiveMax.IsTrue() && f == *s.Max) {
		return fmt.Sprintf("%q is above the maximum", v)
	}
	if m := s.ExclusiveMin.Value; m != nil && f <= *m {
		return fmt.Sprintf("%q is not above the exclusive minimum", v)
	}
	if m := s.ExclusiveMax.Value; m != nil && f >= *m {
		return fmt.Sprintf("%q is not below the exclusive maximum", v)
	}
	return ""
}

var reUUIDFormat = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (c patternCache) validateString(v string, s *openapi3.Schema) string {
	n := uint64(utf8.RuneCountInString(v))
	if n < s.MinLength {
		return fmt.Sprintf("%q is shorter than %d", v, s.MinLength)
	}
	if s.MaxLength != nil && n > *s.MaxLength {
		return fmt.Sprintf("%q is longer than %d", v, *s.MaxLength)
	}
	switch s.Format {
	case "uuid":
		if !reUUIDFormat.MatchString(v) {
			return fmt.Sprintf("%q is not a UUID", v)
		}
	case "date":
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return fmt.Sprintf("%q is not a date", v)
		}
	case "date-time":
		if _, err := time.Parse(time.RFC3339, v); err != nil {
			return fmt.Sprintf("%q is not a date-time", v)
		}
	case "email":
		if !reEmail.MatchString(v) {
			return fmt.Sprintf("%q is not an email address", v)
		}
	case "int32", "int64":
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return fmt.Sprintf("%q is not an integer", v)
		}
	}
	if s.Pattern != "" {
		if re := c.get(s.Pattern); re != nil && !re.MatchString(v) {
			return fmt.Sprintf("%q does not match the pattern %s", v, s.Pattern)
		}
	}
	return ""
}
