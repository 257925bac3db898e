// Package fastapilike is a test server that behaves like a FastAPI
// application (FastAPI 0.103, Pydantic v2, Starlette, uvicorn, SQLAlchemy
// on PostgreSQL), modelled on the deliberately vulnerable "Damn Vulnerable
// RESTaurant API Game": a restaurant API with a menu, orders, reservations,
// OAuth2 password logins and three roles (Customer, Employee, Chef).
//
// The framework is emulated down to its error bodies: Pydantic's 422
// detail lists, Starlette's JSON 404/405 and plain-text 500, the
// OAuth2PasswordBearer 401s, the CORS middleware, uvicorn's server header,
// Python's json module. Spec returns the OpenAPI 3.1.0 document FastAPI
// generates for the application.
//
// New(Options{}) plants RESTaurant's six levels and more (see Planted);
// New(Options{Secure: true}) fixes them as a careful developer would. Only
// the standard library is used and nothing leaves loopback: the SSRF flaw
// fetches http URLs on 127.0.0.0/8 and ::1 only, and the command injection
// runs a simulated shell.
package fastapilike
