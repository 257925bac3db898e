// Package surface is specter's one model of an API surface: the files a scan
// read, the APIs described in OpenAPI documents and Postman collections, and
// the environments that go with them. The subpackages fill it from each
// format; scanners read it.
package surface

import (
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface/sourcemap"
)

// Format names what a file holds.
type Format string

// Formats specter recognises by content.
const (
	FormatOther              Format = ""
	FormatSwagger20          Format = "openapi-2.0"
	FormatOpenAPI30          Format = "openapi-3.0"
	FormatOpenAPI31          Format = "openapi-3.1"
	FormatPostman20          Format = "postman-2.0"
	FormatPostman21          Format = "postman-2.1"
	FormatPostmanEnvironment Format = "postman-environment"
	FormatMCPConfig          Format = "mcp-config"
	FormatMCPTools           Format = "mcp-tools"
	FormatMCPServerManifest  Format = "mcp-server-json"
)

// IsOpenAPI reports whether the format is an OpenAPI or Swagger document.
func (f Format) IsOpenAPI() bool {
	return f == FormatSwagger20 || f == FormatOpenAPI30 || f == FormatOpenAPI31
}

// IsPostman reports whether the format is a Postman collection.
func (f Format) IsPostman() bool { return f == FormatPostman20 || f == FormatPostman21 }

// IsMCP reports whether f is an MCP client config, a tools/list answer or
// an MCP registry server.json manifest.
func (f Format) IsMCP() bool {
	return f == FormatMCPConfig || f == FormatMCPTools || f == FormatMCPServerManifest
}

// File is one file a scan read.
type File struct {
	// Path is how reports name the file: slash-separated, relative to the
	// working directory when the file is below it.
	Path string
	// Abs is the absolute path on disk.
	Abs  string
	Data []byte
	// Format is what the file holds; FormatOther for files that are
	// scanned only as text (secrets).
	Format Format
	// Tree is the parsed document for recognised formats and for files
	// reached through a $ref; nil otherwise.
	Tree *sourcemap.Tree
}

// Locate returns a location for a JSON pointer in the file.
func (f *File) Locate(pointer string) rules.Location {
	loc := rules.Location{File: f.Path, Pointer: pointer}
	if f.Tree != nil {
		loc.Line, loc.Column = f.Tree.Position(pointer)
	}
	return loc
}

// Surface is everything one scan ingested.
type Surface struct {
	// Files lists every file read, specs or not, in a stable order.
	Files        []*File
	APIs         []*API
	Environments []*Environment
	// Ignores are the x-specter-ignore annotations found in OpenAPI
	// documents, for the policy step.
	Ignores []InlineIgnore
}

// FileByPath returns the file with the given report path, or nil.
func (s *Surface) FileByPath(path string) *File {
	for _, f := range s.Files {
		if f.Path == path {
			return f
		}
	}
	return nil
}

// API is one described API: an OpenAPI document or a Postman collection.
type API struct {
	File    *File
	Format  Format
	Title   string
	Version string
	Servers []Server
	// SecuritySchemes are keyed by the name requirements use.
	SecuritySchemes map[string]*SecurityScheme
	// Security is the document-wide default requirement list (OpenAPI):
	// nil when the document declares none, non-nil and empty for
	// `security: []`.
	Security   []SecurityRequirement
	Operations []*Operation
	// OpenAPI is the loaded document (Swagger 2.0 converted to 3.0) for
	// scanners that need all of it; nil for Postman collections.
	OpenAPI *openapi3.T
	// Variables are the collection-level Postman variables.
	Variables []Variable
}

// Server is a base URL the API is served from.
type Server struct {
	URL         string
	Description string
	Location    rules.Location
}

// SecurityScheme is a declared way to authenticate.
type SecurityScheme struct {
	Name   string
	Type   string // apiKey, http, oauth2, openIdConnect, mutualTLS
	Scheme string // for http: basic, bearer, digest, ...
	In     string // for apiKey: header, query, cookie
	// ParamName is the header, query or cookie name of an apiKey scheme.
	ParamName string
	Flows     []OAuthFlow
	Location  rules.Location
}

// OAuthFlow is one OAuth2 flow of a scheme.
type OAuthFlow struct {
	Type             string // implicit, password, clientCredentials, authorizationCode
	AuthorizationURL string
	TokenURL         string
	RefreshURL       string
	Scopes           map[string]string
}

// SecurityRequirement is one alternative: every named scheme must be
// satisfied, with the listed scopes. An empty requirement means anonymous
// access is allowed.
type SecurityRequirement map[string][]string

// Operation is one method on one path.
type Operation struct {
	Method      string // upper case
	Path        string // template, with {param} segments
	OperationID string
	Summary     string
	Deprecated  bool
	Tags        []string
	Location    rules.Location
	Parameters  []Parameter
	// Security is the effective requirement list (operation-level, else
	// document-level). nil when the source declares none; a non-nil empty
	// slice when the effective declaration is an explicit `security: []`
	// (anonymous access on purpose).
	Security []SecurityRequirement
	// Auth is the effective Postman auth after inheritance; nil for OpenAPI.
	Auth *Auth
	// Request is the recorded Postman request; nil for OpenAPI.
	Request *Request
}

// Ref returns the operation's identity as findings carry it.
func (o *Operation) Ref() *rules.Operation {
	return &rules.Operation{Method: o.Method, Path: o.Path, OperationID: o.OperationID}
}

// RequiresCredentials reports whether the operation declares that it needs
// credentials: a security list with no anonymous ({}) alternative, or a
// Postman auth other than noauth. An undeclared requirement does not
// count (nothing says what the API intends).
func (o *Operation) RequiresCredentials() bool {
	if o.Auth != nil {
		return o.Auth.Type != "" && o.Auth.Type != "noauth"
	}
	if len(o.Security) == 0 {
		return false
	}
	for _, req := range o.Security {
		if len(req) == 0 {
			return false
		}
	}
	return true
}

// Parameter is an operation parameter.
type Parameter struct {
	Name     string
	In       string // path, query, header, cookie
	Required bool
	Location rules.Location
	Schema   *openapi3.SchemaRef // nil for Postman
}

// Auth is a Postman auth block after inheritance.
type Auth struct {
	Type string // apikey, awsv4, basic, bearer, digest, edgegrid, hawk, noauth, oauth1, oauth2, ntlm, jwt, ...
	// Params maps each parameter to its value with {{variables}} resolved.
	Params map[string]string
	// Raw holds the values as written, before resolution.
	Raw map[string]string
	// Location is where the block is written (the collection, folder or
	// request that declared it).
	Location rules.Location
	// ParamLocations points at each parameter's value.
	ParamLocations map[string]rules.Location
	Inherited      bool
}

// Request is a Postman request as recorded, variables resolved.
type Request struct {
	Name    string
	Method  string
	URL     string // resolved
	RawURL  string // as written
	Headers []Header
	Body    string
	// BodyMode is raw, urlencoded, formdata, file or graphql.
	BodyMode string
	Location rules.Location
	// Sets are the variables the request's test scripts set from its
	// answer, in script order.
	Sets []VariableSet
	// Runtime is the request resolved with the variables that some test
	// script of the collection sets left as {{name}}, for a client that
	// runs the collection in order and fills them from the answers; nil
	// when no script sets a variable.
	Runtime *RuntimeRequest
}

// RuntimeRequest is a request whose runtime variables are left
// unresolved (see Request.Runtime).
type RuntimeRequest struct {
	URL string
	// Headers are the values of Request.Headers, in the same order.
	Headers []string
	Body    string
	// Defaults are the values the collection and its environments give
	// the runtime variables, for a run where no answer set one; shared by
	// every request of the collection.
	Defaults map[string]string
}

// Where a test script takes the value of a variable it sets.
const (
	SetFromBody   = "body"    // Pointer into the answer's JSON body
	SetFromHeader = "header"  // Header of the answer
	SetLiteral    = "literal" // Value, written in the script
)

// VariableSet is one pm.environment.set (collectionVariables, globals,
// variables) call of a test script.
type VariableSet struct {
	Name  string
	Scope string // environment, collection, globals, local
	// Source says where the value comes from (SetFromBody, SetFromHeader,
	// SetLiteral); "" when the script computes it in a way that is not
	// read (the call is kept so that a user can be told).
	Source  string
	Pointer string
	Header  string
	Value   string
	// Script is the statement as written.
	Script   string
	Location rules.Location
}

// Header is one request header.
type Header struct {
	Name     string
	Value    string // resolved
	RawValue string
	Disabled bool
	Location rules.Location
}

// Environment is a Postman environment file.
type Environment struct {
	File      *File
	Name      string
	Variables []Variable
}

// Variable is a Postman variable from a collection, folder or environment.
type Variable struct {
	Key      string
	Value    string
	Type     string // default, secret, string, ...
	Enabled  bool
	Location rules.Location
}

// InlineIgnore is an x-specter-ignore annotation: findings of the listed
// rules at or below Pointer in File are suppressed.
type InlineIgnore struct {
	File    string
	Pointer string
	// Rules are rule ids, family wildcards ("lint/*") or "*".
	Rules    []string
	Reason   string
	Location rules.Location
}
