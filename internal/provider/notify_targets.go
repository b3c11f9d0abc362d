package provider

import (
	"context"

	"github.com/golive-dev/terraform-provider-golive/internal/change"
	"github.com/golive-dev/terraform-provider-golive/internal/envconfig"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/notify"
)

// notifierOf announces to env's notify targets; nil when it has none. A
// signed webhook's secret is read from SSM when the first event is sent.
func (d *providerData) notifierOf(env *ledger.Environment, failed func(target string, e ledger.Event, err error)) change.Notifier {
	n := env.Notify
	if n == nil || (n.SNSTopicARN == "" && n.EventBusARN == "" && n.WebhookURL == "") {
		return nil
	}
	out := &notify.Notifier{TopicARN: n.SNSTopicARN, EventBusARN: n.EventBusARN, WebhookURL: n.WebhookURL, WebhookFormat: n.WebhookFormat, OnFailure: failed}
	if n.SNSTopicARN != "" {
		out.SNS = d.aws.SNS()
	}
	if n.EventBusARN != "" {
		out.EventBridge = d.aws.EventBridge()
	}
	if n.WebhookURL != "" && n.WebhookSecretVersion != nil {
		store := envconfig.New(d.aws.SSM(), env.Application, env.Name, nil)
		out.WebhookSecretFrom = func(ctx context.Context) (notify.Secret, error) {
			s, err := store.ReadSecret(ctx, envconfig.Notify, envconfig.WebhookSecret)
			return notify.Secret(s), err
		}
	}
	return out
}
