package emulator

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// Refusals the fault proxy answers. moto allows every call and assumes any
// role (TOOLCHAIN: IAM roles need not exist to be assumed), so a test that
// needs AWS to say no — a role whose trust policy does not name the caller —
// has the proxy answer as STS would (FaultOptions.Refuse), never product
// code.

// RefuseAssumeRole refuses sts:AssumeRole of roleARN, with the message STS
// gives a caller its trust policy does not name.
func RefuseAssumeRole(roleARN string) func(*http.Request) string {
	return func(r *http.Request) string {
		if action, _ := r.Context().Value(actionKey{}).(string); action != "AssumeRole" {
			return ""
		}
		if form := formOf(r); form.Get("RoleArn") == roleARN {
			return fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s (refused by the golive fault proxy)",
				accessKeyOf(r), roleARN)
		}
		return ""
	}
}

// refused answers r with AccessDenied if the proxy's Refuse says so.
func (p *FaultProxy) refused(w http.ResponseWriter, r *http.Request) bool {
	if p.opts.Refuse == nil {
		return false
	}
	msg := p.opts.Refuse(r)
	if msg == "" {
		return false
	}
	_, _ = io.Copy(io.Discard, r.Body)
	h := w.Header()
	h.Set("X-Amzn-RequestId", "golive-fault-proxy")
	switch protocolOf(r) {
	case protoJSON, protoRESTJSON:
		h.Set("Content-Type", "application/x-amz-json-1.1")
		h.Set("X-Amzn-ErrorType", "AccessDeniedException")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":"AccessDeniedException","message":%q}`, msg)
	default:
		h.Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>%s</Message></Error><RequestId>golive-fault-proxy</RequestId></ErrorResponse>`,
			xmlEscape(msg))
	}
	return true
}

// formOf reads the form of a query-protocol request, leaving its body to be
// read again.
func formOf(r *http.Request) url.Values {
	if r.Body == nil {
		return r.URL.Query()
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return nil
	}
	form, _ := url.ParseQuery(string(body))
	for k, v := range r.URL.Query() {
		form[k] = append(form[k], v...)
	}
	return form
}

func accessKeyOf(r *http.Request) string {
	if m := credentialPattern.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		return m[1]
	}
	return "?"
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
