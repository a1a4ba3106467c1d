using Bridge.Messaging;
using Bridge.Topology;
using Bridge.Webhooks;

namespace Bridge.Subscriber.Delivery;

/// <summary>Makes one signed webhook call for a received envelope to its subscription's webhook (see <see cref="WebhookSender"/>).</summary>
internal sealed class WebhookClient(WebhookSender sender)
{
    public async Task<AttemptResult> SendAsync(WebhookTarget target, ReceivedMessage message, CancellationToken cancellationToken)
    {
        var call = await sender.SendAsync(target.Url, target.Secret, target.Timeout, message.Envelope, message.SerializedEnvelope(), cancellationToken);
        return new AttemptResult(call.Outcome, call.StatusCode, call.Duration, call.Error, call.ResponseExcerpt, call.RetryAfter);
    }
}
