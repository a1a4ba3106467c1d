using Bridge.Topology;
using Bridge.Webhooks;

namespace Bridge.Subscriber.Delivery;

/// <summary>Makes one signed webhook call for a received envelope, or for a batch of them, to its subscription's webhook (see <see cref="WebhookSender"/>).</summary>
internal sealed class WebhookClient(WebhookSender sender)
{
    public Task<WebhookCallResult> SendAsync(WebhookTarget target, PreparedCall call, CancellationToken cancellationToken) =>
        sender.SendAsync(target, target.Url, call, cancellationToken);

    public Task<WebhookCallResult> SendBatchAsync(WebhookTarget target, string batchId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        sender.SendBatchAsync(target, batchId, body, cancellationToken);
}
