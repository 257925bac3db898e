// Package postman reads Postman collections (schema v2.0.0 and v2.1.0) and
// Postman environment exports into the surface model.
//
// It is a small parser of its own over the sourcemap tree, so every
// location points at the line and column the value is written on, values
// of any JSON type are accepted, and auth parameters of every type (jwt,
// asap and other unpublished ones too) survive.
//
// Rules this package follows, where Postman leaves a choice:
//
//   - Detection. A collection is a document whose info.schema is a
//     schema.getpostman.com or schema.postman.com URL with a "collection"
//     path segment and a v2.0.0 or v2.1.0 segment. An environment is a
//     document whose "values" is an array of objects that each have a
//     "key" and a "value", and either "_postman_variable_scope":
//     "environment", or no scope field at all together with a string "id"
//     and a string "name" and no "info" or "item" member. A globals export
//     (scope "globals") is not an environment. Both may also be wrapped in
//     a single "collection" or "environment" member, as the Postman API
//     returns them; pointers then start with /collection or /environment.
//   - Variables. {{name}} is resolved with Postman's precedence, lowest to
//     highest: collection, folders from outer to inner, the request item's
//     own variables, environment. With several environments the first one
//     in slice order that defines a name wins. Disabled variables do not
//     resolve. Unknown names and dynamic variables ({{$guid}}, ...) stay as
//     written. Resolution repeats while it changes something, at most 19
//     rounds (Postman's own limit), and stops growing a value past 64 KiB,
//     so self- and mutually-referencing variables terminate. All resolution
//     in one collection shares a budget of 16 MiB plus 16 times the file's
//     size; once it is spent, values stay as far as they were resolved.
//   - Path variables. A ":name" path segment takes the value of the URL's
//     variable[] entry of that name when it is enabled and not empty;
//     otherwise the segment stays ":name" in the resolved URL.
//   - Path templates. Operation.Path is built from the path as written:
//     a ":id" segment becomes "{id}" and every {{var}} in a segment becomes
//     "{var}", whatever the variable's value, so the template is the same
//     under every environment. The host (often {{baseUrl}}) is never part
//     of the path.
//   - Parameters. Operation.Parameters lists the enabled query parameters,
//     the ":name" path parameters and the enabled request headers. Disabled
//     headers stay in Request.Headers with Disabled set.
//   - Auth. Auth is inherited collection, folder, request; a block whose
//     type is missing or "inherit" inherits. An explicit "noauth" is kept as
//     an Auth of type "noauth" (Inherited when it comes from above), so it
//     can be told apart from a collection that declares no auth at all,
//     where Operation.Auth is nil. Parameters may be written as v2.1 arrays
//     of {key, value} or as v2.0 maps in either schema version.
//   - Values. Numbers and booleans keep their literal text, null becomes "",
//     objects and arrays become compact JSON.
package postman
