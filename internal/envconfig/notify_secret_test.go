package envconfig_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/golive-dev/terraform-provider-golive/internal/envconfig"
)

// The webhook secret lives beside the environment's secrets, encrypted, out
// of the paths applications are given; Read lists it by name only, ReadSecret
// decrypts it for golive, and DeleteAll removes it with the rest.
func TestStore_webhookSecret(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, check, _ := account(t)
	s := envconfig.New(client, "shop", "prod", nil)
	name := "/golive/shop/prod/notify/webhook_secret"
	if s.Name(envconfig.Notify, envconfig.WebhookSecret) != name {
		t.Fatalf("name %s", s.Name(envconfig.Notify, envconfig.WebhookSecret))
	}
	if _, err := s.ReadSecret(ctx, envconfig.Notify, envconfig.WebhookSecret); !errors.Is(err, envconfig.ErrNoSecret) {
		t.Fatalf("before it is written: %v", err)
	}
	if _, err := s.Put(ctx, envconfig.Secrets, map[string]string{"DB_PASSWORD": "pw"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, envconfig.Notify, map[string]string{envconfig.WebhookSecret: "hook-s3cret"}, nil); err != nil {
		t.Fatal(err)
	}
	if p, ok := get(t, check, name); !ok || p.Type != ssmtypes.ParameterTypeSecureString || p.Value != "hook-s3cret" {
		t.Fatalf("parameter %s: %+v %v", name, p, ok)
	}
	got, err := s.ReadSecret(ctx, envconfig.Notify, envconfig.WebhookSecret)
	if err != nil || got != "hook-s3cret" {
		t.Fatalf("ReadSecret = %q, %v", got, err)
	}
	snap, err := s.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(snap.SecretKeys, []string{"DB_PASSWORD"}) || !reflect.DeepEqual(snap.NotifyKeys, []string{envconfig.WebhookSecret}) {
		t.Fatalf("snapshot %+v: the webhook secret is not an application secret", snap)
	}
	if strings.Contains(strings.Join(snap.SecretKeys, ",")+strings.Join(snap.NotifyKeys, ","), "hook-s3cret") {
		t.Fatal("a snapshot holds a secret value")
	}
	if err := s.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	if left := params(t, check, "/golive/shop/prod/"); len(left) != 0 {
		t.Fatalf("left after DeleteAll: %v", left)
	}
}
