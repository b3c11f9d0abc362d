package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"
)

//go:embed page.html.tmpl
var files embed.FS

var page = template.Must(template.New("page.html.tmpl").Funcs(template.FuncMap{
	"f":     func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"stamp": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") },
	"words": func(s string) string { return strings.ReplaceAll(s, "_", " ") },
	"short": shortActor,
	"sub":   func(a, b float64) float64 { return a - b },
	"add":   func(a, b float64) float64 { return a + b },
}).ParseFS(files, "page.html.tmpl"))

// Render writes p as one HTML document that needs nothing else to be
// viewed: styles and charts are inline, nothing is fetched.
func Render(w io.Writer, p *Page) error {
	if err := page.Execute(w, p); err != nil {
		return fmt.Errorf("rendering the release report of %s: %w", p.Application, err)
	}
	return nil
}

// shortActor keeps the role and session of an assumed-role ARN.
func shortActor(arn string) string {
	if i := strings.Index(arn, ":assumed-role/"); i >= 0 {
		return arn[i+len(":assumed-role/"):]
	}
	return arn
}
