namespace Bridge.Sources;

/// <summary>Why a source message could not become an envelope: the values of <see cref="StandardisedMessage.FailureReason"/>.</summary>
public static class SourceFailureReasons
{
    /// <summary>The message is a CloudEvent (structured, batched or in the AMQP binding) that breaks the CloudEvents rules.</summary>
    public const string InvalidCloudEvent = "InvalidCloudEvent";

    /// <summary>The message says its data is JSON, but it is not.</summary>
    public const string InvalidJson = "InvalidJson";

    /// <summary>The source's mapping gave no value where one is needed, or a value Bridge cannot carry.</summary>
    public const string MappingFailed = "MappingFailed";
}
