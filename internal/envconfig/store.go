// Package envconfig keeps an environment's variables and secrets in SSM
// Parameter Store, where AWS applications usually read configuration:
//
//	/golive/<application>/<environment>/vars/<KEY>     String
//	/golive/<application>/<environment>/secrets/<KEY>  SecureString
//
// and, beside them, what golive itself needs but must keep secret, which
// applications are not given:
//
//	/golive/<application>/<environment>/notify/webhook_secret  SecureString
package envconfig

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// Kind is the sort of parameter.
type Kind string

const (
	// Variables holds the environment's plain variables.
	Variables Kind = "vars"
	// Secrets holds the environment's secrets (SecureString parameters).
	Secrets Kind = "secrets"
	// Notify holds the secrets of the environment's notify block.
	Notify Kind = "notify"
)

// WebhookSecret is the Notify key of the secret that signs webhook bodies.
const WebhookSecret = "webhook_secret"

func (k Kind) paramType() types.ParameterType {
	if k == Secrets || k == Notify {
		return types.ParameterTypeSecureString
	}
	return types.ParameterTypeString
}

// Store reads and writes one environment's parameters.
type Store struct {
	ssm         *ssm.Client
	application string
	environment string
	tags        map[string]string
}

// New returns the store of application/environment. tags are put on every
// parameter it creates.
func New(client *ssm.Client, application, environment string, tags map[string]string) *Store {
	return &Store{ssm: client, application: application, environment: environment, tags: tags}
}

// Root is the environment's path prefix, with a trailing slash.
func (s *Store) Root() string {
	return "/golive/" + s.application + "/" + s.environment + "/"
}

// Name is the full parameter name of key.
func (s *Store) Name(kind Kind, key string) string { return s.Root() + string(kind) + "/" + key }

// Snapshot is what Parameter Store holds for an environment. Secret values
// are never read: only their names.
type Snapshot struct {
	Variables  map[string]string
	SecretKeys []string
	NotifyKeys []string
}

// Read lists every parameter under the environment's root.
func (s *Store) Read(ctx context.Context) (Snapshot, error) {
	snap := Snapshot{Variables: map[string]string{}}
	p := ssm.NewGetParametersByPathPaginator(s.ssm, &ssm.GetParametersByPathInput{
		Path:           aws.String(s.Root()),
		Recursive:      aws.Bool(true),
		WithDecryption: aws.Bool(false),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return Snapshot{}, fmt.Errorf("reading parameters under %s: %w", s.Root(), err)
		}
		for _, prm := range page.Parameters {
			rest := strings.TrimPrefix(aws.ToString(prm.Name), s.Root())
			kind, key, ok := strings.Cut(rest, "/")
			if !ok || strings.Contains(key, "/") {
				continue // not ours
			}
			switch Kind(kind) {
			case Variables:
				snap.Variables[key] = aws.ToString(prm.Value)
			case Secrets:
				snap.SecretKeys = append(snap.SecretKeys, key)
			case Notify:
				snap.NotifyKeys = append(snap.NotifyKeys, key)
			}
		}
	}
	sort.Strings(snap.SecretKeys)
	sort.Strings(snap.NotifyKeys)
	return snap, nil
}

// Put writes values. Keys listed in existing are overwritten; others are
// created, with tags, and fail if a parameter of that name already exists
// (someone else's). It returns the keys it created, so a caller can undo them.
func (s *Store) Put(ctx context.Context, kind Kind, values map[string]string, existing map[string]bool) (created []string, err error) {
	started := time.Now()
	for _, key := range sortedKeys(values) {
		in := &ssm.PutParameterInput{
			Name:  aws.String(s.Name(kind, key)),
			Value: aws.String(values[key]),
			Type:  kind.paramType(),
		}
		if existing[key] {
			in.Overwrite = aws.Bool(true) // AWS refuses tags on an overwrite
		} else {
			in.Tags = s.tagList()
		}
		if _, err := s.ssm.PutParameter(ctx, in); err != nil {
			var exists *types.ParameterAlreadyExists
			if errors.As(err, &exists) && s.wroteItself(ctx, kind, key, values[key], started) {
				// The SDK retried a create whose answer was lost after SSM
				// had applied it: the parameter is the one we just wrote.
				created = append(created, key)
				continue
			}
			if errors.As(err, &exists) {
				return created, fmt.Errorf("parameter %s already exists and is not managed by this environment: delete it or import the environment", s.Name(kind, key))
			}
			// Never echo a secret's value: the SDK error does not carry it.
			return created, fmt.Errorf("writing parameter %s: %w", s.Name(kind, key), err)
		}
		if !existing[key] {
			created = append(created, key)
		}
	}
	return created, nil
}

// wroteItself says whether the parameter of key is the one this Put just
// created: its first version, holding value, written since started (less
// the clock skew SigV4 tolerates). Values are compared, never reported.
func (s *Store) wroteItself(ctx context.Context, kind Kind, key, value string, started time.Time) bool {
	p := ssm.NewGetParametersByPathPaginator(s.ssm, &ssm.GetParametersByPathInput{
		Path: aws.String(s.Root() + string(kind)), WithDecryption: aws.Bool(kind == Secrets),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return false
		}
		for _, prm := range page.Parameters {
			if aws.ToString(prm.Name) == s.Name(kind, key) {
				return prm.Version == 1 && prm.Type == kind.paramType() && aws.ToString(prm.Value) == value &&
					!aws.ToTime(prm.LastModifiedDate).Before(started.Add(-5*time.Minute))
			}
		}
	}
	return false
}

// Delete removes keys; keys already gone are fine.
func (s *Store) Delete(ctx context.Context, kind Kind, keys []string) error {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = s.Name(kind, k)
	}
	return s.deleteNames(ctx, names)
}

// DeleteAll removes every parameter under the environment's root.
func (s *Store) DeleteAll(ctx context.Context) error {
	snap, err := s.Read(ctx)
	if err != nil {
		return err
	}
	var names []string
	for _, k := range sortedKeys(snap.Variables) {
		names = append(names, s.Name(Variables, k))
	}
	for _, k := range snap.SecretKeys {
		names = append(names, s.Name(Secrets, k))
	}
	for _, k := range snap.NotifyKeys {
		names = append(names, s.Name(Notify, k))
	}
	return s.deleteNames(ctx, names)
}

// ErrNoSecret is returned by ReadSecret when the parameter does not exist.
var ErrNoSecret = errors.New("no such secret")

// ReadSecret returns the decrypted value of a SecureString parameter. It is
// for golive's own use of a secret (signing webhooks); errors never carry
// the value.
func (s *Store) ReadSecret(ctx context.Context, kind Kind, key string) (string, error) {
	out, err := s.ssm.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(s.Name(kind, key)), WithDecryption: aws.Bool(true)})
	var missing *types.ParameterNotFound
	switch {
	case errors.As(err, &missing):
		return "", fmt.Errorf("reading parameter %s: %w", s.Name(kind, key), ErrNoSecret)
	case err != nil:
		return "", fmt.Errorf("reading parameter %s: %w", s.Name(kind, key), err)
	}
	return aws.ToString(out.Parameter.Value), nil
}

func (s *Store) deleteNames(ctx context.Context, names []string) error {
	const batch = 10 // DeleteParameters takes at most ten names
	for len(names) > 0 {
		n := min(batch, len(names))
		if _, err := s.ssm.DeleteParameters(ctx, &ssm.DeleteParametersInput{Names: names[:n]}); err != nil {
			return fmt.Errorf("deleting parameters under %s: %w", s.Root(), err)
		}
		names = names[n:]
	}
	return nil
}

func (s *Store) tagList() []types.Tag {
	var tags []types.Tag
	for _, k := range sortedKeys(s.tags) {
		tags = append(tags, types.Tag{Key: aws.String(k), Value: aws.String(s.tags[k])})
	}
	return tags
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
