package flasklike

import _ "embed"

//go:embed openapi3.yml
var spec []byte

// Spec is the OpenAPI document the application ships in its repository
// (openapi_specs/openapi3.yml, which connexion also loads): examples in the
// schemas, responses documented loosely, and some documented statuses that
// are not what the code returns.
func Spec() []byte { return append([]byte(nil), spec...) }
