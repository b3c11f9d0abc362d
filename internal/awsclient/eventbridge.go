package awsclient

import "github.com/aws/aws-sdk-go-v2/service/eventbridge"

// EventBridge sends notifications to event buses (PutEvents). Its endpoint
// key is "eventbridge", as AWS_ENDPOINT_URL_EVENTBRIDGE.
func (c *Clients) EventBridge() *eventbridge.Client {
	return c.events.get(func() *eventbridge.Client { return eventbridge.NewFromConfig(c.configFor("eventbridge")) })
}
