package envconfig_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/envconfig"
)

// A create whose answer is lost after SSM applied it is retried by the SDK
// and finds the parameter it wrote: that is created, not "someone else's".
func TestPutSurvivesALostAnswer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := emulator.Shared(t)
	cfg, err := s.AccountConfig(ctx, emulator.NewAccountID())
	if err != nil {
		t.Fatal(err)
	}
	proxy, err := emulator.StartFaultProxy(s.URL, emulator.FaultOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	viaProxy := cfg.Copy()
	viaProxy.BaseEndpoint = aws.String(proxy.URL)
	viaProxy.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 10 * time.Millisecond, nil })
		})
	}
	check := ssm.NewFromConfig(cfg)
	st := envconfig.New(ssm.NewFromConfig(viaProxy), "shop", "dev", map[string]string{"owner": "golive"})

	for _, kind := range []envconfig.Kind{envconfig.Variables, envconfig.Secrets} {
		proxy.Inject(emulator.FaultResetAfter)
		created, err := st.Put(ctx, kind, map[string]string{"A": "a-" + string(kind), "B": "b-" + string(kind)}, nil)
		if err != nil {
			t.Fatalf("%s with a lost answer: %v", kind, err)
		}
		if !reflect.DeepEqual(created, []string{"A", "B"}) {
			t.Fatalf("%s: created %v, want [A B]", kind, created)
		}
		if got, ok := get(t, check, "/golive/shop/dev/"+string(kind)+"/A"); !ok || got.Value != "a-"+string(kind) {
			t.Fatalf("%s: A is %v (exists %v)", kind, got, ok)
		}
	}
	if n := proxy.Counts()["reset-after"]; n != 2 {
		t.Fatalf("%d answers lost, want 2: %s", n, proxy)
	}

	// A parameter someone else wrote earlier, even with the same value, is
	// still refused.
	seed(t, check, ssmtypes.ParameterTypeString, map[string]string{"/golive/shop/dev/vars/TAKEN": "same"})
	if _, err := check.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/golive/shop/dev/vars/TAKEN"), Value: aws.String("same"), Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	created, err := st.Put(ctx, envconfig.Variables, map[string]string{"TAKEN": "same"}, nil)
	if err == nil || !strings.Contains(err.Error(), "TAKEN already exists") || len(created) != 0 {
		t.Fatalf("over a foreign parameter: created %v, err %v", created, err)
	}
}
