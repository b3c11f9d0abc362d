package server

import (
	"os"
	"testing"
)

func TestQuietLogsUnlessAsked(t *testing.T) {
	for _, c := range []struct {
		name  string
		set   map[string]string
		quiet bool
	}{
		{"nobody asked", nil, true},
		{"TF_LOG", map[string]string{"TF_LOG": "DEBUG"}, false},
		{"provider logs only", map[string]string{"TF_LOG_PROVIDER": "TRACE"}, false},
		{"the framework's", map[string]string{"TF_LOG_SDK_FRAMEWORK": "TRACE"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, v := range logLevelEnv {
				t.Setenv(v, "")
				if err := os.Unsetenv(v); err != nil {
					t.Fatal(err)
				}
			}
			for k, v := range c.set {
				t.Setenv(k, v)
			}
			QuietLogsUnlessAsked()
			for _, v := range quietEnv {
				if got := os.Getenv(v) == "OFF"; got != c.quiet && c.set[v] == "" {
					t.Errorf("%s = %q, want off: %t", v, os.Getenv(v), c.quiet)
				}
			}
		})
	}
}
