// Package testserver holds, in its subpackages, the fuzzer's test servers
// that behave like applications on real stacks rather than like the
// fuzzer's own staging servers: flasklike (Flask, Werkzeug's debugger,
// VAmPI's flaws), fastapilike (FastAPI and Pydantic, the Damn Vulnerable
// RESTaurant's flaws, its own /openapi.json 3.1), springlike (Spring Boot
// and Spring Security, crAPI's flaws), expresslike (Express, body-parser,
// mongoose and jsonwebtoken, the flaws of dvws-node-like Node apps). Each plants flaws (Planted), lists
// findings that are true without being the point of a flaw (AlsoTrue),
// and fixes them all with Options{Secure: true}. The tests of this
// package run the whole fuzzer, as `specter fuzz` runs it with no
// identity given, against each server and each build.
package testserver
