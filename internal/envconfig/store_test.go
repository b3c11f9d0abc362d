package envconfig_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/golive-dev/terraform-provider-golive/internal/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/envconfig"
)

func TestMain(m *testing.M) { emulator.Main(m, emulator.Options{}) }

func client(t *testing.T) *ssm.Client {
	t.Helper()
	cfg, err := emulator.Shared(t).AccountConfig(context.Background(), emulator.NewAccountID())
	if err != nil {
		t.Fatal(err)
	}
	return ssm.NewFromConfig(cfg)
}

func get(t *testing.T, c *ssm.Client, name string) (string, ssmtypes.ParameterType) {
	t.Helper()
	out, err := c.GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Parameter.Value), out.Parameter.Type
}

func TestPutReadAndTags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := client(t)
	s := envconfig.New(c, "shop", "prod", map[string]string{"team": "platform"})
	if _, err := s.Put(ctx, envconfig.Variables, map[string]string{"LOG_LEVEL": "info"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, envconfig.Secrets, map[string]string{"DB_PASSWORD": "hunter2"}, nil); err != nil {
		t.Fatal(err)
	}
	if v, typ := get(t, c, "/golive/shop/prod/vars/LOG_LEVEL"); v != "info" || typ != ssmtypes.ParameterTypeString {
		t.Fatalf("variable: %s %s", v, typ)
	}
	if v, typ := get(t, c, "/golive/shop/prod/secrets/DB_PASSWORD"); v != "hunter2" || typ != ssmtypes.ParameterTypeSecureString {
		t.Fatalf("secret: %s %s", v, typ)
	}
	tags, err := c.ListTagsForResource(ctx, &ssm.ListTagsForResourceInput{ResourceId: aws.String("/golive/shop/prod/vars/LOG_LEVEL"), ResourceType: ssmtypes.ResourceTypeForTaggingParameter})
	if err != nil || len(tags.TagList) != 1 || aws.ToString(tags.TagList[0].Key) != "team" {
		t.Fatalf("tags %v %v", tags, err)
	}
	// Neighbours that are not this environment's own.
	for _, n := range []string{"/golive/shop/other/vars/X", "/golive/shop/prod/vars/a/b"} {
		if _, err := c.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(n), Value: aws.String("x"), Type: ssmtypes.ParameterTypeString}); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := s.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(snap.Variables, map[string]string{"LOG_LEVEL": "info"}) || !reflect.DeepEqual(snap.SecretKeys, []string{"DB_PASSWORD"}) {
		t.Fatalf("snapshot %+v", snap)
	}
	if strings.Contains(fmt.Sprint(snap), "hunter2") {
		t.Fatal("Read returned a secret value")
	}
}

func TestPutOverwritesOnlyWhatItOwns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := client(t)
	s := envconfig.New(c, "shop", "dev", nil)
	if _, err := s.Put(ctx, envconfig.Variables, map[string]string{"A": "1"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, envconfig.Variables, map[string]string{"A": "2"}, map[string]bool{"A": true}); err != nil {
		t.Fatal(err)
	}
	if v, _ := get(t, c, "/golive/shop/dev/vars/A"); v != "2" {
		t.Fatalf("overwrite: %s", v)
	}
	created, err := s.Put(ctx, envconfig.Variables, map[string]string{"0FIRST": "x", "A": "3"}, nil)
	if err == nil || !strings.Contains(err.Error(), "/golive/shop/dev/vars/A already exists") {
		t.Fatalf("foreign parameter: %v", err)
	}
	if !reflect.DeepEqual(created, []string{"0FIRST"}) {
		t.Fatalf("created before the failure: %v", created)
	}
}

func TestDeleteAndDeleteAll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := client(t)
	s := envconfig.New(c, "shop", "staging", nil)
	vars := map[string]string{}
	for i := 0; i < 23; i++ {
		vars[fmt.Sprintf("K%02d", i)] = "v"
	}
	if _, err := s.Put(ctx, envconfig.Variables, vars, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, envconfig.Variables, []string{"K00", "GONE"}); err != nil {
		t.Fatal(err)
	}
	snap, _ := s.Read(ctx)
	if len(snap.Variables) != 22 {
		t.Fatalf("after Delete: %d variables", len(snap.Variables))
	}
	if err := s.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	snap, _ = s.Read(ctx)
	if len(snap.Variables) != 0 {
		t.Fatalf("after DeleteAll: %v", snap.Variables)
	}
}
