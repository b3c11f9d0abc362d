package test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"
)

// startAutoScalingShim serves Application Auto Scaling for hashicorp/aws in
// front of the emulator. moto does not implement the service's tagging
// calls (ListTagsForResource, TagResource, UntagResource answer HTTP 500,
// which hashicorp/aws retries for minutes on every aws_appautoscaling_*
// resource); the shim answers them as AWS does for an untagged scalable
// target and forwards every other call to the emulator unchanged. Test
// set-up only: a fixture whose scalable targets carry no tags.
func startAutoScalingShim(t *testing.T, emulatorURL string) string {
	t.Helper()
	target, err := url.Parse(emulatorURL)
	if err != nil {
		t.Fatal(err)
	}
	forward := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get("X-Amz-Target") {
		case "AnyScaleFrontendService.ListTagsForResource":
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			_, _ = io.WriteString(w, `{"Tags":{}}`)
		case "AnyScaleFrontendService.TagResource", "AnyScaleFrontendService.UntagResource":
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			_, _ = io.WriteString(w, `{}`)
		default:
			forward.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
