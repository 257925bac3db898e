package lint

import (
	"fmt"
	"strings"

	"github.com/specterhq/specter/scanners/lint/engine"
	"github.com/specterhq/specter/scanners/secrets"
	"github.com/specterhq/specter/sensitive"
	"github.com/specterhq/specter/surface"
)

// Data exposure and classification (OWASP API3:2023).
func dataExposureChecks() []engine.Check {
	return []engine.Check{
		{Rule: "lint/pii-unclassified", Schema: piiUnclassified},
		{Rule: "lint/classified-data-public-response", Operation: classifiedPublicResponse},
		{Rule: "lint/classified-data-unscoped-response", Operation: classifiedUnscopedResponse},
		{Rule: "lint/card-verification-in-response", Schema: cardVerificationInResponse},
		{Rule: "lint/secret-not-write-only", Schema: secretNotWriteOnly},
		{Rule: "lint/classified-data-in-url", Operation: classifiedInURL},
		{Rule: "lint/request-object-open", Document: openRequestObjects},
		{Rule: "lint/server-owned-field-writable", Operation: serverOwnedFieldWritable},
		{Rule: "lint/success-response-without-schema", Operation: successResponseWithoutSchema},
		{Rule: "lint/credential-like-example", Schema: credentialLikeSchemaExample, Operation: credentialLikeOperationExample},
	}
}

// Sensitive-data dictionaries, by squashed name (squashName).
var (
	piiNames = setOf("email", "emailaddress", "phone", "phonenumber", "mobile", "mobilenumber", "mobilephone",
		"telephone", "ssn", "socialsecuritynumber", "nationalid", "nationalidentifier", "nationalinsurancenumber",
		"taxid", "passportnumber", "driverslicense", "driverlicense", "driverslicensenumber", "dateofbirth",
		"dob", "birthdate", "birthday", "streetaddress", "homeaddress", "firstname", "lastname", "surname",
		"givenname", "familyname", "fullname", "mothersmaidenname")
	pciNames = setOf("cardnumber", "creditcardnumber", "ccnumber", "pan", "primaryaccountnumber", "iban",
		"bankaccountnumber", "accountnumber", "cvv", "cvc", "cvv2", "cvc2", "cardsecuritycode")
	phiNames = setOf("diagnosis", "diagnoses", "mrn", "medicalrecordnumber", "healthinsurancenumber",
		"prescription", "prescriptions", "medication", "medications", "bloodtype", "icd10", "icdcode",
		"allergies", "medicalhistory", "healthcondition")
	// piiLastWords classify compound names by their last word:
	// billing_email, contactPhone.
	piiLastWords = setOf("email", "phone")
	// urlSensitiveNames are the names that must not travel in URLs.
	urlSensitiveNames = setOf("ssn", "socialsecuritynumber", "email", "emailaddress", "phone", "phonenumber",
		"dateofbirth", "dob", "birthdate", "cardnumber", "creditcardnumber", "pan", "iban", "accountnumber",
		"bankaccountnumber", "nationalid", "passportnumber", "mrn", "medicalrecordnumber", "diagnosis")
	// cardVerificationNames are card verification codes, card PINs and
	// track data. Names of verification results (cvc_check) do not match,
	// nor a bare "pin", which is as often a postal code (India) or a pinned
	// flag.
	cardVerificationNames = setOf("cvv", "cvc", "cvv2", "cvc2", "cvn", "cardverificationvalue",
		"cardverificationcode", "cardsecuritycode", "cardcvv", "cardcvc", "cardpin", "pinblock", "atmpin",
		"track1", "track2", "trackdata", "track1data", "track2data", "magstripe", "magneticstripe", "magstripedata")
	// serverOwnedNames are fields a server assigns, never a client.
	serverOwnedNames = setOf("id", "role", "roles", "isadmin", "issuperuser", "isstaff", "ownerid",
		"tenantid", "balance", "accountbalance", "creditbalance", "createdby")
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// sensitiveKind names what a property's name says it holds: "pii", "pci",
// "phi", or "".
func sensitiveKind(name string) string {
	n := squashName(name)
	switch {
	case pciNames[n]:
		return "pci"
	case phiNames[n]:
		return "phi"
	case piiNames[n], piiLastWords[lastWord(name)]:
		return "pii"
	}
	return ""
}

// classification reads x-data-classification (a string or a list), lower
// case; nil when absent.
func classification(n engine.Node) []string {
	var out []string
	for _, v := range n.Member("x-data-classification").Strings() {
		out = append(out, strings.ToLower(strings.TrimSpace(v)))
	}
	return out
}

// propertyClassification is the classification of a property: on its
// member, its schema, or the schema that holds it; nil when none says.
func propertyClassification(holder *engine.Schema, p engine.Property) []string {
	if c := classification(p.Node); c != nil {
		return c
	}
	if p.Schema != nil {
		if k := p.Schema.Keyword("x-data-classification"); k.Exists() {
			return lowerStrings(k.Strings())
		}
	}
	if holder != nil {
		if k := holder.Keyword("x-data-classification"); k.Exists() {
			return lowerStrings(k.Strings())
		}
	}
	return nil
}

func lowerStrings(in []string) []string {
	if in == nil {
		return nil
	}
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, strings.ToLower(strings.TrimSpace(s)))
	}
	return out
}

// isSensitiveClass reports whether a classification list names pii, pci,
// phi or secret.
func isSensitiveClass(c []string) bool {
	for _, v := range c {
		switch v {
		case "pii", "pci", "phi", "secret":
			return true
		}
	}
	return false
}

// scalarLike reports whether a schema may hold a string: a string type,
// or no type at all.
func scalarLike(s *engine.Schema) bool {
	if s == nil {
		return true
	}
	types := s.Types()
	return len(types) == 0 || s.HasType("string")
}

// ownProperties lists the properties written on the schema itself (not
// merged from allOf: each allOf member is indexed and visited on its own,
// so every property is seen once where it is written).
func ownProperties(s *engine.Schema) []engine.Property {
	var out []engine.Property
	for _, m := range s.Node.Member("properties").Members() {
		out = append(out, engine.Property{Name: m.Name(), Node: m, Schema: s.Document().SchemaAt(m)})
	}
	return out
}

func piiUnclassified(c *engine.Context, s *engine.Schema) {
	for _, p := range ownProperties(s) {
		kind := sensitiveKind(p.Name)
		if kind == "" || !scalarLike(p.Schema) || propertyClassification(s, p) != nil {
			continue
		}
		c.Report(engine.Finding{At: p.Node, Evidence: p.Name, Message: fmt.Sprintf("property %q looks like %s data and has no x-data-classification", p.Name, strings.ToUpper(kind))})
	}
}

// classifiedKey keys the document's classified memo (engine.Document.Memo).
type classifiedKey struct{}

// classifiedMemo holds, per schema, the first classified node found in it
// or below it (nil: none, or the search is in progress).
type classifiedMemo map[*engine.Schema]*engine.Node

// classifiedBelow returns the first property classified pii, pci, phi or
// secret in the schema or below it, memoised per document; circular
// schemas end the search where they loop.
func classifiedBelow(d *engine.Document, s *engine.Schema) (engine.Node, bool) {
	memo := d.Memo(classifiedKey{}, func() any { return classifiedMemo{} }).(classifiedMemo)
	return memo.below(d, s)
}

func (memo classifiedMemo) below(d *engine.Document, s *engine.Schema) (engine.Node, bool) {
	if s == nil {
		return engine.Node{}, false
	}
	if at, done := memo[s]; done {
		if at == nil {
			return engine.Node{}, false
		}
		return *at, true
	}
	memo[s] = nil // in progress: a loop finds nothing new
	var found *engine.Node
	if isSensitiveClass(lowerStrings(s.Keyword("x-data-classification").Strings())) {
		n := s.Node
		found = &n
	}
	for _, p := range s.Properties() {
		if found != nil {
			break
		}
		if p.WriteOnly() {
			continue
		}
		if isSensitiveClass(propertyClassification(nil, p)) {
			n := p.Node
			found = &n
			break
		}
		if at, ok := memo.below(d, p.Schema); ok {
			found = &at
		}
	}
	for _, kw := range []string{"items", "additionalProperties", "anyOf", "oneOf"} {
		if found != nil {
			break
		}
		k := s.Keyword(kw)
		list := k.Items()
		if k.IsMap() {
			list = []engine.Node{k}
		}
		for _, it := range list {
			if at, ok := memo.below(d, d.SchemaAt(it)); ok {
				found = &at
				break
			}
		}
	}
	memo[s] = found
	return memo.below(d, s)
}

// classifiedResponses reports each successful response of op that carries
// classified data.
func classifiedResponses(c *engine.Context, op *engine.Operation, why string) {
	for _, r := range op.Responses {
		if !strings.HasPrefix(r.Code, "2") {
			continue
		}
		for _, m := range r.Content {
			at, ok := classifiedBelow(op.Doc, m.Schema)
			if !ok {
				continue
			}
			c.Report(engine.Finding{At: r.Node, Operation: op, Key: r.Code + " " + m.Type, Evidence: at.Ptr,
				Message: fmt.Sprintf("%s %s returns classified data (%s) in its %s response and %s", op.Method, op.Path, at.Name(), r.Code, why)})
			break
		}
	}
}

func classifiedPublicResponse(c *engine.Context, op *engine.Operation) {
	switch {
	case op.Security == nil:
		classifiedResponses(c, op, "declares no security requirement")
	case op.Security.Open():
		classifiedResponses(c, op, "can be called anonymously (`security: []` or an empty `{}` alternative)")
	}
}

func classifiedUnscopedResponse(c *engine.Context, op *engine.Operation) {
	if op.Security == nil || op.Security.Open() {
		return
	}
	for _, alt := range op.Security.Alternatives {
		oauthOnly, scoped := len(alt.Uses) > 0, false
		for _, u := range alt.Uses {
			if u.Scheme == nil || !u.Scheme.IsOAuth() {
				oauthOnly = false
			}
			if len(u.Scopes) > 0 {
				scoped = true
			}
		}
		if oauthOnly && !scoped {
			classifiedResponses(c, op, "one of its OAuth2 alternatives requires no scope")
			return
		}
	}
}

func cardVerificationInResponse(c *engine.Context, s *engine.Schema) {
	if s.Usage&engine.UsedInResponse == 0 {
		return
	}
	for _, p := range ownProperties(s) {
		if !cardVerificationNames[squashName(p.Name)] || p.WriteOnly() {
			continue
		}
		if p.Schema != nil && (p.Schema.HasType("object") || p.Schema.HasType("array") || p.Schema.HasType("boolean")) {
			continue
		}
		c.Report(engine.Finding{At: p.Node, Evidence: p.Name, Message: fmt.Sprintf("property %q (card verification data) is part of a response schema", p.Name)})
	}
}

// isPasswordName reports whether a property holds a password, passphrase
// or private key the client chose (server-issued tokens and secrets are
// not this).
func isPasswordName(name string) bool {
	words := nameWords(name)
	if len(words) == 0 {
		return false
	}
	switch words[0] {
	case "has", "is", "requires", "needs", "must":
		return false
	}
	switch words[len(words)-1] {
	case "password", "passwd", "passphrase":
		return true
	}
	return strings.HasSuffix(squashName(name), "privatekey")
}

func secretNotWriteOnly(c *engine.Context, s *engine.Schema) {
	if s.Usage&engine.UsedInResponse == 0 {
		return
	}
	for _, p := range ownProperties(s) {
		if !isPasswordName(p.Name) || p.WriteOnly() || !scalarLike(p.Schema) {
			continue
		}
		c.Report(engine.Finding{At: p.Node, Evidence: p.Name, Message: fmt.Sprintf("property %q is part of a response schema and not writeOnly", p.Name)})
	}
}

func classifiedInURL(c *engine.Context, op *engine.Operation) {
	for _, p := range op.Parameters {
		if p.In != "query" && p.In != "path" {
			continue
		}
		class := lowerStrings(p.Def.Member("x-data-classification").Strings())
		if class == nil && p.Schema != nil {
			class = lowerStrings(p.Schema.Keyword("x-data-classification").Strings())
		}
		switch {
		case isSensitiveClass(class):
		case class == nil && urlSensitiveNames[squashName(p.Name)] && scalarLike(p.Schema):
		default:
			continue
		}
		c.Report(engine.Finding{At: p.Node, Operation: op, Evidence: p.Name, Message: fmt.Sprintf("%s parameter %q of %s %s carries classified data in the URL", p.In, p.Name, op.Method, op.Path)})
	}
}

func openRequestObjects(c *engine.Context, d *engine.Document) {
	for _, in := range d.Inputs().Schemas {
		s := in.Schema
		if in.Param != nil {
			continue
		}
		ap := s.Keyword("additionalProperties")
		switch {
		case ap.IsMap() && len(ap.Members()) > 0:
			if !s.Keyword("maxProperties").Exists() {
				c.Report(engine.Finding{At: s.Node, Operation: in.Op, Message: "request object accepts a map of any size: additionalProperties is a schema and there is no maxProperties"})
			}
			continue
		case len(s.Properties()) == 0:
			continue
		case ap.IsScalar() && ap.Str() == "false":
			continue
		case d.Format == surface.FormatOpenAPI31 && s.Keyword("unevaluatedProperties").Str() == "false":
			continue
		}
		what := "additionalProperties is absent"
		if ap.Exists() {
			what = "additionalProperties allows any property"
		}
		c.Report(engine.Finding{At: s.Node, Operation: in.Op, Message: fmt.Sprintf("request object accepts undeclared properties (%s): mass assignment", what)})
	}
}

func serverOwnedFieldWritable(c *engine.Context, op *engine.Operation) {
	if op.RequestBody == nil || (op.Method != "POST" && op.Method != "PUT" && op.Method != "PATCH") || hasAdminSegment(op.Path) {
		return
	}
	for _, m := range op.RequestBody.Content {
		if m.Schema == nil {
			continue
		}
		for _, p := range m.Schema.Properties() {
			if !serverOwnedNames[squashName(p.Name)] || p.ReadOnly() {
				continue
			}
			// A request-only schema that lists the field means the API lets
			// clients choose it (an invitation's role, a client-chosen id);
			// mass assignment is a resource model bound from the request.
			if owner := op.Doc.PropertyOwner(p); owner == nil || owner.Usage&engine.UsedInResponse == 0 {
				continue
			}
			c.Report(engine.Finding{At: p.Node, Operation: op, Evidence: p.Name, Message: fmt.Sprintf("request body of %s %s lets the client set %q, which the server should own; mark it readOnly", op.Method, op.Path, p.Name)})
		}
	}
}

// structuredMedia reports whether a media type holds fields (JSON, XML,
// anything): file downloads (images, PDFs, CSV) have no fields to expose.
func structuredMedia(t string) bool {
	t = strings.ToLower(t)
	return t == "*/*" || strings.Contains(t, "json") || strings.Contains(t, "xml") || t == "application/x-www-form-urlencoded"
}

func successResponseWithoutSchema(c *engine.Context, op *engine.Operation) {
	if op.Method == "HEAD" {
		return
	}
	for _, r := range op.Responses {
		if !strings.HasPrefix(r.Code, "2") || r.Code == "204" || r.Code == "205" {
			continue
		}
		if len(r.Content) == 0 {
			if op.Method == "GET" && r.Code == "200" {
				c.Report(engine.Finding{At: r.Node, Operation: op, Message: fmt.Sprintf("GET %s answers 200 without declaring what it returns", op.Path)})
			}
			continue
		}
		for _, m := range r.Content {
			if m.Schema == nil && !m.Node.Has("schema") && structuredMedia(m.Type) {
				c.Report(engine.Finding{At: m.Node, Operation: op, Message: fmt.Sprintf("%s response %s of %s %s has no schema", m.Type, r.Code, op.Method, op.Path)})
			}
		}
	}
}

// --- credential-like examples ---

// exampleKeywords hold example values in schemas, parameters, headers and
// media types.
var exampleKeywords = []string{"example", "default", "x-example"}

// credentialExamples checks the example-like members of an object named
// name (a property, parameter or media type).
func credentialExamples(c *engine.Context, op *engine.Operation, name string, holder engine.Node) {
	for _, kw := range exampleKeywords {
		credentialValues(c, op, name, holder.Member(kw), 0)
	}
	ex := holder.Member("examples")
	for _, it := range ex.Items() { // 3.1 schema examples: a list
		credentialValues(c, op, name, it, 0)
	}
	for _, m := range ex.Members() { // parameter and media examples: a map of Example objects
		credentialValues(c, op, name, m.Member("value"), 0)
	}
}

// maxExampleDepth bounds how deep an example payload is searched.
const maxExampleDepth = 12

// credentialValues checks the strings of an example value, naming each by
// the member that holds it.
func credentialValues(c *engine.Context, op *engine.Operation, name string, v engine.Node, depth int) {
	if !v.Exists() || depth > maxExampleDepth {
		return
	}
	switch {
	case v.IsMap():
		for _, m := range v.Members() {
			credentialValues(c, op, m.Name(), m, depth+1)
		}
	case v.IsSeq():
		for _, it := range v.Items() {
			credentialValues(c, op, name, it, depth+1)
		}
	case v.IsScalar():
		val := v.Str()
		if len(val) < 8 || strings.ContainsAny(val, " \t\r\n") || v.Value.Tag != "!!str" && v.Value.Tag != "" {
			return
		}
		rule, ok := c.Options.Credentials.LooksLikeCredential(name, val)
		if !ok || rule == secrets.RuleSecretsHardcodedCredential && !randomLooking(val) {
			return
		}
		c.Report(engine.Finding{At: v, Operation: op, Evidence: sensitive.Redact(val),
			Message: fmt.Sprintf("example of %q looks like a real credential (%s)", name, rule)})
	}
}

// randomLooking reports whether a value has the shape of a generated or
// chosen secret: letters mixed with digits, or long and mixed-case. It
// guards the name-only verdict (a field named "key" or "token"), whose
// examples are as often identifiers such as "jira-software".
func randomLooking(v string) bool {
	var lower, upper, digit bool
	for _, r := range v {
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		}
	}
	return (lower || upper) && digit || len(v) >= 16 && lower && upper
}

func credentialLikeSchemaExample(c *engine.Context, s *engine.Schema) {
	if c.Options.SecretsReported {
		return
	}
	credentialExamples(c, nil, s.Node.Name(), s.Node)
}

func credentialLikeOperationExample(c *engine.Context, op *engine.Operation) {
	if c.Options.SecretsReported {
		return
	}
	for _, p := range op.Parameters {
		credentialExamples(c, op, p.Name, p.Def.Member("schema"))
		credentialExamples(c, op, p.Name, p.Def)
	}
	if op.RequestBody != nil {
		for _, m := range op.RequestBody.Content {
			credentialExamples(c, op, "", m.Node)
		}
	}
	for _, r := range op.Responses {
		for _, m := range r.Content {
			credentialExamples(c, op, "", m.Node)
		}
		for _, h := range r.Headers {
			credentialExamples(c, op, h.Name, h.Def.Member("schema"))
			credentialExamples(c, op, h.Name, h.Def)
		}
	}
}
