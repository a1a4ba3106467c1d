using Bridge.Messaging;
using Bridge.Topology;
using Bridge.Webhooks;

namespace Bridge.Subscriber.Delivery;

/// <summary>Makes one signed webhook call for a received envelope to its subscription's webhook (see <see cref="WebhookSender"/>).</summary>
internal sealed class WebhookClient(WebhookSender sender, TimeProvider time)
{
    public Task<WebhookCallResult> SendAsync(WebhookTarget target, ReceivedMessage message, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        sender.SendAsync(target.Url, target.SigningSecrets(time.GetUtcNow()), target.Timeout, target.Format, message.Envelope, body, cancellationToken);
}
