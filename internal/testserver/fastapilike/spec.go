package fastapilike

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Spec is the OpenAPI document the application serves at /openapi.json,
// generated the way FastAPI 0.103 (Pydantic v2) generates it: OpenAPI
// 3.1.0, an operationId from the endpoint's name and path, one component
// per model with Pydantic's titles, 422 documented wherever there is
// something to validate, OAuth2PasswordBearer on the operations that
// depend on it. The secure build serves the same document.
func Spec() []byte {
	specOnce.Do(func() {
		b, err := pyDumps(buildSpec())
		if err != nil {
			panic(err)
		}
		specJSON = b
	})
	return append([]byte(nil), specJSON...)
}

var (
	specOnce sync.Once
	specJSON []byte
)

const (
	appTitle       = "RESTaurant"
	appDescription = "Order food from the restaurant, book a table and manage the menu. Customers register themselves; employees and the chef manage the menu and the accounts."
	appVersion     = "1.0.0"
)

var nonWord = regexp.MustCompile(`\W`)

func (rt *route) operationID() string {
	return nonWord.ReplaceAllString(rt.name+rt.path, "_") + "_" + strings.ToLower(rt.method)
}

// summary is route.name.replace("_", " ").title().
func (rt *route) summary() string { return pyTitle(rt.name) }

var validationErrorSchemas = map[string]obj{
	"HTTPValidationError": {
		{"properties", obj{{"detail", obj{{"items", ref("ValidationError")}, {"type", "array"}, {"title", "Detail"}}}}},
		{"type", "object"}, {"title", "HTTPValidationError"},
	},
	"ValidationError": {
		{"properties", obj{
			{"loc", obj{{"items", obj{{"anyOf", []any{obj{{"type", "string"}}, obj{{"type", "integer"}}}}}}, {"type", "array"}, {"title", "Location"}}},
			{"msg", obj{{"type", "string"}, {"title", "Message"}}},
			{"type", obj{{"type", "string"}, {"title", "Error Type"}}},
		}},
		{"type", "object"}, {"required", []any{"loc", "msg", "type"}}, {"title", "ValidationError"},
	},
}

func buildSpec() obj {
	schemas := map[string]obj{}
	var addModel func(m *model)
	addModel = func(m *model) {
		if _, done := schemas[m.name]; done {
			return
		}
		schemas[m.name] = m.schema()
		for _, f := range m.fields {
			if f.elem != nil {
				addModel(f.elem)
			}
			if f.enum != nil {
				schemas[f.enum.name] = f.enum.schema()
			}
		}
	}
	paths := obj{}
	validation := false
	for _, rt := range allRoutes {
		if rt.hidden {
			continue
		}
		op := obj{{"tags", []any{rt.tag}}, {"summary", rt.summary()}}
		if rt.doc != "" {
			op = append(op, kv{"description", rt.doc})
		}
		op = append(op, kv{"operationId", rt.operationID()})
		if rt.auth {
			op = append(op, kv{"security", []any{obj{{"OAuth2PasswordBearer", []any{}}}}})
		}
		if len(rt.params) > 0 {
			var ps []any
			for _, p := range rt.params {
				sch := obj{}
				if p.kind == kInt {
					sch = append(sch, kv{"type", "integer"})
				} else {
					sch = append(sch, kv{"type", "string"})
				}
				sch = append(sch, kv{"title", pyTitle(p.name)})
				if p.in == "query" {
					sch = append(sch, kv{"default", p.def})
				}
				ps = append(ps, obj{{"name", p.name}, {"in", p.in}, {"required", p.in == "path"}, {"schema", sch}})
			}
			op = append(op, kv{"parameters", ps})
		}
		if rt.body != nil {
			media := "application/json"
			if rt.form {
				media = "application/x-www-form-urlencoded"
			}
			addModel(rt.body)
			op = append(op, kv{"requestBody", obj{{"required", true}, {"content", obj{{media, obj{{"schema", ref(rt.body.name)}}}}}}})
		}
		success := obj{{"description", "Successful Response"}}
		if rt.status != 204 {
			var sch obj
			switch {
			case rt.outAny:
				sch = obj{}
			case rt.outList:
				addModel(rt.out)
				sch = obj{{"type", "array"}, {"items", ref(rt.out.name)}, {"title", pyTitle("Response_" + rt.operationID())}}
			default:
				addModel(rt.out)
				sch = ref(rt.out.name)
			}
			success = append(success, kv{"content", obj{{"application/json", obj{{"schema", sch}}}}})
		}
		responses := obj{{strconv.Itoa(rt.status), success}}
		if len(rt.params) > 0 || rt.body != nil {
			validation = true
			responses = append(responses, kv{"422", obj{{"description", "Validation Error"},
				{"content", obj{{"application/json", obj{{"schema", ref("HTTPValidationError")}}}}}}})
		}
		op = append(op, kv{"responses", responses})
		item, _ := paths.get(rt.path)
		pi, _ := item.(obj)
		paths = paths.set(rt.path, append(pi, kv{strings.ToLower(rt.method), op}))
	}
	if validation {
		for k, v := range validationErrorSchemas {
			schemas[k] = v
		}
	}
	names := make([]string, 0, len(schemas))
	for n := range schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	comps := obj{}
	for _, n := range names {
		comps = append(comps, kv{n, schemas[n]})
	}
	return obj{
		{"openapi", "3.1.0"},
		{"info", obj{{"title", appTitle}, {"description", appDescription}, {"version", appVersion}}},
		// FastAPI(servers=[...]): the app is deployed behind its public
		// name; the front end (app.restaurant.example) calls it from the
		// browser, which is what the CORS allow-list is for.
		{"servers", []any{obj{{"url", "https://api.restaurant.example"}}}},
		{"paths", paths},
		{"components", obj{
			{"schemas", comps},
			{"securitySchemes", obj{{"OAuth2PasswordBearer", obj{{"type", "oauth2"}, {"flows", obj{{"password", obj{{"scopes", obj{}}, {"tokenUrl", "/token"}}}}}}}}},
		}},
	}
}

// ---- FastAPI's documentation routes ----

func (s *Server) openapi(c *call) resp {
	return resp{status: 200, raw: Spec(), ctype: "application/json"}
}

func html(body string) resp {
	return resp{status: 200, raw: []byte(body), ctype: "text/html; charset=utf-8"}
}

func (s *Server) swaggerUI(c *call) resp {
	return html(`
    <!DOCTYPE html>
    <html>
    <head>
    <link type="text/css" rel="stylesheet" href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.9.0/swagger-ui.css">
    <link rel="shortcut icon" href="https://fastapi.tiangolo.com/img/favicon.png">
    <title>` + appTitle + ` - Swagger UI</title>
    </head>
    <body>
    <div id="swagger-ui">
    </div>
    <script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.9.0/swagger-ui-bundle.js"></script>
    <!-- ` + "`SwaggerUIBundle`" + ` is now available on the page -->
    <script>
    const ui = SwaggerUIBundle({
        url: '/openapi.json',
    "dom_id": "#swagger-ui",
"layout": "BaseLayout",
"deepLinking": true,
"showExtensions": true,
"showCommonExtensions": true,
oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect',
    presets: [
        SwaggerUIBundle.presets.apis,
        SwaggerUIBundle.SwaggerUIStandalonePreset
        ],
    })
    </script>
    </body>
    </html>
    `)
}

func (s *Server) swaggerRedirect(c *call) resp {
	return html(`<!doctype html>
<html lang="en-US">
<head>
    <title>Swagger UI: OAuth2 Redirect</title>
</head>
<body>
<script>
    'use strict';
    function run () {
        var oauth2 = window.opener.swaggerUIRedirectOauth2;
        var sentState = oauth2.state;
        var redirectUrl = oauth2.redirectUrl;
        var qp = (window.location.hash || location.search).substring(1);
        var arr = qp.split("&");
        arr.forEach(function (v,i,_arr) { _arr[i] = '"' + v.replace('=', '":"') + '"';});
        qp = qp ? JSON.parse('{' + arr.join() + '}', function (key, value) { return key === "" ? value : decodeURIComponent(value); }) : {};
        oauth2.callback({auth: oauth2.auth, token: qp, isValid: qp.state === sentState, redirectUrl: redirectUrl});
        window.close();
    }
    if (document.readyState !== 'loading') { run(); } else { document.addEventListener('DOMContentLoaded', function () { run(); }); }
</script>
</body>
</html>
`)
}

func (s *Server) redoc(c *call) resp {
	return html(`
    <!DOCTYPE html>
    <html>
    <head>
    <title>` + appTitle + ` - ReDoc</title>
    <!-- needed for adaptive design -->
    <meta charset="utf-8"/>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link href="https://fonts.googleapis.com/css?family=Montserrat:300,400,700|Roboto:300,400,700" rel="stylesheet">
    <link rel="shortcut icon" href="https://fastapi.tiangolo.com/img/favicon.png">
    <style>
      body {
        margin: 0;
        padding: 0;
      }
    </style>
    </head>
    <body>
    <noscript>
        ReDoc requires Javascript to function. Please enable it to browse the documentation.
    </noscript>
    <redoc spec-url="/openapi.json"></redoc>
    <script src="https://cdn.jsdelivr.net/npm/redoc@next/bundles/redoc.standalone.js"> </script>
    </body>
    </html>
    `)
}
