package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Answers the fault proxy rewrites. moto lacks some AWS behaviours golive
// depends on: an ECS deployment whose rollout FAILED (the circuit breaker),
// tasks that stop with exit codes, load balancer targets that are not
// healthy. Tests simulate them by rewriting moto's answers on their way to
// the client (FaultOptions.Rewrite), never in product code.

type actionKey struct{}

// withAction notes on the request the API action it calls: the X-Amz-Target
// operation (JSON protocols) or the Action form field (query protocols),
// read from a copy of the body.
func withAction(r *http.Request) *http.Request {
	action := ""
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		action = t[strings.LastIndex(t, ".")+1:]
	} else if a := r.URL.Query().Get("Action"); a != "" {
		action = a
	} else if r.Body != nil && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		body, err := io.ReadAll(r.Body)
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err == nil {
			if form, err := url.ParseQuery(string(body)); err == nil {
				action = form.Get("Action")
			}
		}
	}
	return r.WithContext(context.WithValue(r.Context(), actionKey{}, action))
}

// rewrite hands a successful answer to the test's Rewrite, after fixing
// what moto gets wrong for every test (fixTaskNumbers).
func (p *FaultProxy) rewrite(resp *http.Response) error {
	action, _ := resp.Request.Context().Value(actionKey{}).(string)
	if resp.StatusCode/100 != 2 || action == "" || p.opts.Rewrite == nil && !taskActions[action] {
		return nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if taskActions[action] {
		body = fixTaskNumbers(body)
	}
	if p.opts.Rewrite != nil {
		body = p.opts.Rewrite(action, body)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	resp.Header.Del("Content-Encoding")
	return nil
}

var taskNumbers = regexp.MustCompile(`"(cpu|memory)": ?(\d+)`)

// taskActions answer tasks.
var taskActions = map[string]bool{"RunTask": true, "StartTask": true, "StopTask": true, "DescribeTasks": true}

// fixTaskNumbers works around a moto 5.2 bug: the answers of taskActions
// carry a container's "cpu" and "memory" as JSON numbers where the ECS API
// has strings, which the SDK refuses to decode.
func fixTaskNumbers(body []byte) []byte {
	return taskNumbers.ReplaceAll(body, []byte(`"$1": "$2"`))
}

// EditJSON decodes a JSON answer, lets edit change it, and encodes it
// again; an answer that is not a JSON object is returned unchanged.
func EditJSON(body []byte, edit func(answer map[string]any)) []byte {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return body
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}
