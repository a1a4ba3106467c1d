using Bridge.Envelopes;

namespace Bridge.Messaging;

/// <summary>Publishes envelopes to a topic. When the returned task completes, the broker holds them durably.</summary>
public interface ITopicPublisher
{
    /// <summary>Publishes a batch atomically where the transport can (all or nothing).</summary>
    /// <exception cref="TopicNotFoundException">The topic is not provisioned.</exception>
    /// <exception cref="MessageTooLargeException">An envelope exceeds the transport's size limit.</exception>
    Task PublishAsync(string topic, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken);
}

/// <summary>An envelope on its way to a topic.</summary>
/// <param name="Envelope">The envelope.</param>
/// <param name="ScheduledEnqueueTime">When set, the envelope becomes visible to subscriptions no earlier than this.</param>
public sealed record OutgoingMessage(Envelope Envelope, DateTimeOffset? ScheduledEnqueueTime = null);
