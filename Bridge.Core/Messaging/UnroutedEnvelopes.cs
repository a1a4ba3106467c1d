using Bridge.Envelopes;
using Bridge.Telemetry;
using Microsoft.Extensions.Logging;

namespace Bridge.Messaging;

/// <summary>
/// What a transport does with an envelope that matches no subscription of its topic: as on a Service Bus topic it is
/// not kept, but never silently — a warning with its id and correlation id, and the <c>bridge.envelopes.unrouted</c> counter.
/// </summary>
public static partial class UnroutedEnvelopes
{
    /// <summary>Reports one unrouted envelope.</summary>
    public static void Report(ILogger logger, string topic, Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        BridgeTelemetry.Unrouted.Add(1, new KeyValuePair<string, object?>("topic", topic));
        LogUnrouted(logger, envelope.Id, envelope.Type, topic, envelope.CorrelationId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Envelope {MessageId} of type {Type} matched no subscription of topic {Topic} (correlation {CorrelationId}); it is not delivered anywhere")]
    private static partial void LogUnrouted(ILogger logger, string messageId, string type, string topic, string correlationId);
}
