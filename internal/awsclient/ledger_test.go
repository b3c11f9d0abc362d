package awsclient

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// fakeAWS answers sts:AssumeRole (refusing roles named "refused"),
// sts:GetCallerIdentity and dynamodb:GetItem, and notes who signed each
// call in which region: the access key of an assumed role is "AK-<role
// name>".
type fakeAWS struct {
	mu    sync.Mutex
	calls []string // "<action> by <access key> in <region>"
	// sessionEnd is when the sessions it hands out end; zero: far ahead.
	sessionEnd time.Time
}

var credentialScope = regexp.MustCompile(`Credential=([^/]+)/\d+/([^/]+)/`)

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization"))
	key, region := m[1], m[2]
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		f.note(target[strings.Index(target, ".")+1:], key, region)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(`{}`))), 10))
		fmt.Fprint(w, `{}`)
		return
	}
	_ = r.ParseForm()
	f.note(r.Form.Get("Action"), key, region)
	w.Header().Set("Content-Type", "text/xml")
	switch role := r.Form.Get("RoleArn"); {
	case strings.HasSuffix(role, "/refused"):
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not trusted</Message></Error><RequestId>r</RequestId></ErrorResponse>`)
	case role != "":
		name := role[strings.LastIndex(role, "/")+1:]
		end := "2099-01-01T00:00:00Z"
		if !f.sessionEnd.IsZero() {
			end = f.sessionEnd.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>`+
			`<AccessKeyId>AK-%s</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>%s</Expiration>`+
			`</Credentials><AssumedRoleUser><Arn>%s</Arn><AssumedRoleId>AROA:%s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>`+
			`<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`, name, end, role, name)
	default:
		fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>`+
			`<Arn>arn:aws:sts::123456789012:assumed-role/x/%s</Arn><UserId>u</UserId><Account>123456789012</Account>`+
			`</GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`, key)
	}
}

func (f *fakeAWS) note(action, key, region string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf("%s by %s in %s", action, key, region))
}

func newFakeAWS(t *testing.T) (*fakeAWS, map[string]string) {
	staticEnv(t)
	f := &fakeAWS{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, map[string]string{"sts": srv.URL, "dynamodb": srv.URL}
}

func getItem(c *Clients) error {
	_, err := c.DynamoDB().GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String("golive-ledger"),
		Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "ENV#shop/prod"}, "sk": &types.AttributeValueMemberS{Value: "ENV"}}})
	return err
}

// The ledger role is assumed with the workload credentials (after the
// provider's own assume_role), and only the ledger's calls use it and its
// region; the caller identity stays the workload's.
func TestForLedgerChainsFromTheWorkloadRole(t *testing.T) {
	f, endpoints := newFakeAWS(t)
	workload, err := New(context.Background(), Config{Region: "eu-west-1", Endpoints: endpoints,
		AssumeRole: &AssumeRole{RoleARN: "arn:aws:iam::333333333333:role/deployer"}})
	if err != nil {
		t.Fatal(err)
	}
	lc := workload.ForLedger(LedgerAccess{Region: "us-east-1", AssumeRole: &AssumeRole{RoleARN: "arn:aws:iam::111111111111:role/golive-ledger"}})
	if lc.Region() != "us-east-1" || workload.Region() != "eu-west-1" {
		t.Fatalf("regions: ledger %s, workload %s", lc.Region(), workload.Region())
	}
	if err := getItem(lc); err != nil {
		t.Fatal(err)
	}
	id, err := workload.CallerIdentity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"AssumeRole by test in eu-west-1",          // the workload role, with the base credentials
		"AssumeRole by AK-deployer in us-east-1",   // the ledger role, with the workload role's
		"GetItem by AK-golive-ledger in us-east-1", // the ledger, as the ledger role, in its region
		"GetCallerIdentity by AK-deployer in eu-west-1",
	}
	if strings.Join(f.calls, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls:\n%s\nwant:\n%s", strings.Join(f.calls, "\n"), strings.Join(want, "\n"))
	}
	if !strings.HasSuffix(id.ARN, "/AK-deployer") {
		t.Fatalf("caller identity %s, want the workload role's", id.ARN)
	}
}

// A session is renewed a minute before it ends, not at its end: a request
// signed in its last moments could reach AWS after it ended and fail with
// ExpiredToken, which the SDK does not retry.
func TestAssumedSessionsAreRenewedBeforeTheyEnd(t *testing.T) {
	for _, c := range []struct {
		left    time.Duration
		renewed bool
	}{{30 * time.Second, true}, {10 * time.Minute, false}} {
		f, endpoints := newFakeAWS(t)
		f.sessionEnd = time.Now().Add(c.left)
		workload, err := New(context.Background(), Config{Region: "eu-west-1", Endpoints: endpoints})
		if err != nil {
			t.Fatal(err)
		}
		lc := workload.ForLedger(LedgerAccess{AssumeRole: &AssumeRole{RoleARN: "arn:aws:iam::111111111111:role/golive-ledger"}})
		for range 2 {
			if err := getItem(lc); err != nil {
				t.Fatal(err)
			}
		}
		want := 1
		if c.renewed {
			want = 2
		}
		if got := strings.Count(strings.Join(f.calls, "\n"), "AssumeRole by test"); got != want {
			t.Errorf("session with %s left: %d AssumeRole calls for two requests, want %d (calls: %q)", c.left, got, want, f.calls)
		}
	}
}

func TestForLedgerSharesTheWorkloadClientsWhenNothingDiffers(t *testing.T) {
	_, endpoints := newFakeAWS(t)
	workload, err := New(context.Background(), Config{Region: "eu-west-1", Endpoints: endpoints})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []LedgerAccess{{}, {Region: "eu-west-1"}} {
		if workload.ForLedger(a) != workload {
			t.Errorf("ForLedger(%+v) built new clients", a)
		}
	}
	if workload.ForLedger(LedgerAccess{Region: "us-east-1"}) == workload {
		t.Error("ForLedger with another region shares the workload's clients")
	}
}

func TestForLedgerNamesARefusedRole(t *testing.T) {
	_, endpoints := newFakeAWS(t)
	workload, err := New(context.Background(), Config{Region: "us-east-1", Endpoints: endpoints})
	if err != nil {
		t.Fatal(err)
	}
	role := "arn:aws:iam::111111111111:role/refused"
	lc := workload.ForLedger(LedgerAccess{AssumeRole: &AssumeRole{RoleARN: role, Setting: "ledger.assume_role"}})
	err = getItem(lc)
	var are *AssumeRoleError
	if !errors.As(err, &are) || are.RoleARN != role {
		t.Fatalf("got %v, want an AssumeRoleError of %s", err, role)
	}
	for _, want := range []string{"assuming role " + role + " (ledger.assume_role): STS refused: not trusted", "trust policy must allow sts:AssumeRole"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestLedgerAccessAccount(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:iam::111111111111:role/golive-ledger":      "111111111111",
		"arn:aws-us-gov:iam::222222222222:role/path/ledger": "222222222222",
		"": "",
	} {
		a := LedgerAccess{}
		if arn != "" {
			a.AssumeRole = &AssumeRole{RoleARN: arn}
		}
		if got := a.Account(); got != want {
			t.Errorf("Account of %q = %q, want %q", arn, got, want)
		}
	}
}
