namespace Bridge.Messaging;

/// <summary>The topic does not exist on the broker.</summary>
public sealed class TopicNotFoundException(string topic)
    : InvalidOperationException($"Topic '{topic}' does not exist.")
{
    /// <summary>The missing topic.</summary>
    public string Topic { get; } = topic;
}

/// <summary>An envelope is larger than the transport accepts.</summary>
public sealed class MessageTooLargeException(string messageId, long size, long limit)
    : InvalidOperationException($"Envelope '{messageId}' is {size} bytes; the transport accepts at most {limit}.")
{
    /// <summary>The transport's limit in bytes.</summary>
    public long Limit { get; } = limit;
}

/// <summary>The message's lock expired and another delivery owns it now.</summary>
public sealed class MessageLockLostException(string messageId)
    : InvalidOperationException($"The lock on message '{messageId}' was lost; the message will be delivered again.");
