package secrets

import (
	"reflect"
	"testing"
)

// secretsOf returns, for each span, the string it covers.
func secretsOf(args []string, spans []ValueSpan) []string {
	var out []string
	for _, s := range spans {
		out = append(out, args[s.Index][s.Start:s.End]+" "+s.Kind)
	}
	return out
}

func TestArgCredentials(t *testing.T) {
	groq := fakeKey(31, "gsk_", 52, alnum, "")
	for _, tt := range []struct {
		name string
		args []string
		want []string // "secret kind"
	}{
		{"flag equals", []string{"serve", "--api-key=Qm9vW2kLp8Zt"}, []string{"Qm9vW2kLp8Zt credential-flag"}},
		{"flag then value", []string{"--token", "tkn-8Hq2LmZp4x", "--port", "8080"}, []string{"tkn-8Hq2LmZp4x credential-flag"}},
		{"password flag", []string{"-u", "admin", "-p", "Wq7!rT2zK"}, []string{"Wq7!rT2zK credential-flag"}},
		{"long password flag", []string{"--password=Wq7!rT2zK"}, []string{"Wq7!rT2zK credential-flag"}},
		{"-p is a port", []string{"-p", "8080"}, nil},
		{"header arg", []string{"--header", "Authorization: Bearer 9f8e7d6c5b4a3210ab"}, []string{"9f8e7d6c5b4a3210ab credential-header"}},
		{"api key header arg", []string{"-H", "X-API-Key: Zt5pQ2mK9wLx"}, []string{"Zt5pQ2mK9wLx credential-header"}},
		{"postgres", []string{"postgres://app:S3cure-Pa55@db.internal:5432/app"}, []string{"S3cure-Pa55 url-password"}},
		{"mongodb srv", []string{"--uri", "mongodb+srv://svc:Lk29xQpz7@cluster0.example.net/db"}, []string{"Lk29xQpz7 url-password"}},
		{"redis no user", []string{"redis://:Rz8pQ3xk@cache:6379/0"}, []string{"Rz8pQ3xk url-password"}},
		{"mysql", []string{"mysql://root:Mq4zT8wp@127.0.0.1/app"}, []string{"Mq4zT8wp url-password"}},
		{"amqp", []string{"amqp://guest:Aq9vK2xm@mq:5672/"}, []string{"Aq9vK2xm url-password"}},
		{"jdbc", []string{"jdbc:sqlserver://db:1433;user=sa;password=Jd8kQ2zx"}, []string{"Jd8kQ2zx query-credential"}},
		{"token query", []string{"https://mcp.example.com/sse?access_token=Tq3zX9kp2L&x=1"}, []string{"Tq3zX9kp2L query-credential"}},
		{"provider key arg", []string{"run", groq}, []string{groq + " provider-key"}},
		{"provider key in a header argument", []string{"--header", "Authorization:ghp_0123456789abcdefghijABCDEFGHIJ012345"}, []string{"ghp_0123456789abcdefghijABCDEFGHIJ012345 credential-header"}},
		// Placeholders and ordinary arguments.
		{"input placeholder", []string{"--api-key=${input:api_key}"}, nil},
		{"env placeholder", []string{"--token", "${env:GITHUB_TOKEN}"}, nil},
		{"shell placeholder", []string{"--token", "$GITHUB_TOKEN", "--password=%DB_PASSWORD%"}, nil},
		{"angle placeholder", []string{"--api-key", "<YOUR_TOKEN>"}, nil},
		{"your key here", []string{"--api-key=your-api-key-here"}, nil},
		{"masked", []string{"--token=xxxx", "--password=changeme", "--api-key="}, nil},
		{"url placeholder password", []string{"postgres://app:${DB_PASSWORD}@db/app"}, nil},
		{"header placeholder", []string{"Authorization: Bearer ${input:token}"}, nil},
		{"plain args", []string{"-y", "@modelcontextprotocol/server-filesystem", "/home/me/project", "--port=8080"}, nil},
		{"url without password", []string{"https://user@example.com/path?page=2"}, nil},
		{"flag then flag", []string{"--token", "--verbose"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := secretsOf(tt.args, argCredentials(tt.args)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("argCredentials(%q) = %q, want %q", tt.args, got, tt.want)
			}
		})
	}
}

func TestEnvCredential(t *testing.T) {
	openai := fakeKey(32, "sk-proj-", 60, urlB, "")
	for _, tt := range []struct {
		name, key, value string
		want             string // "secret kind", "" for none
	}{
		{"credential name", "GITHUB_TOKEN", "tkn8Hq2LmZp4x", "tkn8Hq2LmZp4x credential-name"},
		{"shape under any name", "MODEL_SETTING", openai, openai + " provider-key"},
		{"connection string", "DATABASE_URL", "postgres://app:S3cure-Pa55@db/app", "S3cure-Pa55 url-password"},
		{"input placeholder", "OPENAI_API_KEY", "${input:openai_key}", ""},
		{"env placeholder", "API_KEY", "${env:API_KEY}", ""},
		{"braced", "API_KEY", "${API_KEY}", ""},
		{"empty", "API_KEY", "", ""},
		{"changeme", "DB_PASSWORD", "changeme", ""},
		{"ordinary", "LOG_LEVEL", "debug", ""},
		{"a sentence under a credential name", "API_TOKEN", "set it in the dashboard", ""},
		{"url placeholder", "DATABASE_URL", "postgres://app:${PW}@db/app", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, e, kind, ok := envCredential(tt.key, tt.value)
			got := ""
			if ok {
				got = tt.value[s:e] + " " + kind
			}
			if got != tt.want {
				t.Errorf("envCredential(%q, %q) = %q, want %q", tt.key, tt.value, got, tt.want)
			}
		})
	}
}
