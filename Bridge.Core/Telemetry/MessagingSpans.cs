using System.Diagnostics;
using Bridge.Envelopes;
using Bridge.Messaging;
using Bridge.Topology;

namespace Bridge.Telemetry;

/// <summary>
/// Spans of the OpenTelemetry messaging conventions as Bridge makes them: <c>publish</c> (send) and <c>create</c> on the
/// publisher, <c>process</c> per delivery, a settle span per outcome (<c>complete</c>, <c>abandon</c>, <c>release</c>,
/// <c>dead_letter</c>) and <c>replay</c> (send) for dead letters sent back. Every method returns null when nothing listens
/// and sets attributes only on spans that record them.
/// </summary>
public static class MessagingSpans
{
    /// <summary>
    /// A delivery this soon after the envelope's time is a child of its creation context (one trace from publish to
    /// webhook, retries close in time as siblings). Later deliveries (late retries, replays) start their own trace and
    /// only link to it, so an old trace is not stretched over minutes or days.
    /// </summary>
    public static readonly TimeSpan ParentWindow = TimeSpan.FromMinutes(1);

    /// <summary>Settle operation: the envelope was delivered (or needs no delivery).</summary>
    public const string Complete = "complete";

    /// <summary>Settle operation: the attempt failed; the broker offers the envelope again after a delay.</summary>
    public const string Abandon = "abandon";

    /// <summary>Settle operation: handed back without spending an attempt (endpoint held, shutdown).</summary>
    public const string Release = "release";

    /// <summary>Settle operation: moved to the dead-letter queue with a reason.</summary>
    public const string DeadLetter = "dead_letter";

    /// <summary>
    /// The span of one publish request: PRODUCER and the envelope's creation context for a single envelope; CLIENT
    /// linking each envelope's own <c>create</c> span for a batch (<paramref name="created"/>).
    /// </summary>
    public static Activity? StartPublish(string topic, int count, string correlationId, IEnumerable<ActivityLink>? created = null)
    {
        var activity = BridgeTelemetry.ActivitySource.StartActivity(
            $"publish {topic}", count == 1 ? ActivityKind.Producer : ActivityKind.Client, default(ActivityContext), null, created);
        if (activity is { IsAllDataRequested: true })
        {
            SetOperation(activity, "publish", "send", topic);
            activity.SetTag(MessagingAttributes.BatchMessageCount, count);
            activity.SetTag(MessagingAttributes.ConversationId, correlationId);
        }
        return activity;
    }

    /// <summary>The <c>create</c> span of one envelope of a batch: its own creation context.</summary>
    public static Activity? StartCreate(string topic, string correlationId)
    {
        var activity = BridgeTelemetry.ActivitySource.StartActivity($"create {topic}", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            SetOperation(activity, "create", "create", topic);
            activity.SetTag(MessagingAttributes.ConversationId, correlationId);
        }
        return activity;
    }

    /// <summary>Names the envelope a publish or create span made.</summary>
    public static void Created(Activity? activity, Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessagingAttributes.MessageId, envelope.Id);
            activity.SetTag(MessagingAttributes.ConversationId, envelope.CorrelationId);
        }
    }

    /// <summary>
    /// The CONSUMER span of one delivery: always linked to the envelope's creation context, and its child only within
    /// <see cref="ParentWindow"/> of the envelope's time; otherwise the root of a new trace.
    /// </summary>
    public static Activity? StartProcess(ReceivedMessage message, SubscriptionAddress address, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!BridgeTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }

        var envelope = message.Envelope;
        var linked = ActivityContext.TryParse(envelope.TraceParent, envelope.TraceState, isRemote: true, out var creation);
        var parented = linked && now - envelope.Time <= ParentWindow;
        if (!parented)
        {
            Activity.Current = null; // whatever flowed into the worker is not this delivery's parent
        }

        var activity = BridgeTelemetry.ActivitySource.StartActivity(
            $"process {address}", ActivityKind.Consumer, parented ? creation : default, null, linked ? [new ActivityLink(creation)] : null);
        if (activity is { IsAllDataRequested: true })
        {
            SetMessage(activity, "process", "process", address, envelope);
            activity.SetTag(MessagingAttributes.ConversationId, envelope.CorrelationId);
            activity.SetTag(MessagingAttributes.DeliveryAttempt, message.DeliveryCount);
        }
        return activity;
    }

    /// <summary>
    /// The CONSUMER span of one batch call: the root of its own trace (its events come from many), linked to each
    /// envelope's creation context, with the batch's <c>webhook-id</c> as its message id.
    /// </summary>
    public static Activity? StartProcessBatch(IReadOnlyList<ReceivedMessage> messages, SubscriptionAddress address, string batchId)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (!BridgeTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }

        var links = new List<ActivityLink>(messages.Count);
        foreach (var message in messages)
        {
            if (ActivityContext.TryParse(message.Envelope.TraceParent, message.Envelope.TraceState, isRemote: true, out var creation))
            {
                links.Add(new ActivityLink(creation));
            }
        }

        Activity.Current = null;
        var activity = BridgeTelemetry.ActivitySource.StartActivity($"process {address}", ActivityKind.Consumer, default(ActivityContext), null, links);
        if (activity is { IsAllDataRequested: true })
        {
            SetOperation(activity, "process", "process", address.Topic);
            activity.SetTag(MessagingAttributes.SubscriptionName, address.Subscription);
            activity.SetTag(MessagingAttributes.MessageId, batchId);
            activity.SetTag(MessagingAttributes.BatchMessageCount, messages.Count);
        }
        return activity;
    }

    /// <summary>The CLIENT span of settling a delivery with <paramref name="operation"/> (<see cref="Complete"/> …).</summary>
    public static Activity? StartSettle(string operation, ReceivedMessage message, SubscriptionAddress address)
    {
        ArgumentNullException.ThrowIfNull(message);
        var activity = BridgeTelemetry.ActivitySource.StartActivity($"{operation} {address}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            SetMessage(activity, operation, "settle", address, message.Envelope);
        }
        return activity;
    }

    /// <summary>Marks a span failed with a low-cardinality <c>error.type</c> and a description.</summary>
    public static void Failed(Activity? activity, string errorType, string? description)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessagingAttributes.ErrorType, errorType);
        }
        activity?.SetStatus(ActivityStatusCode.Error, description);
    }

    /// <summary>The span of sending dead letters back to their subscription, linked to each envelope's creation context.</summary>
    public static Activity? StartReplay(SubscriptionAddress address, IEnumerable<Envelope> envelopes, int count)
    {
        ArgumentNullException.ThrowIfNull(envelopes);
        if (!BridgeTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }

        var links = new List<ActivityLink>(count);
        foreach (var envelope in envelopes)
        {
            if (ActivityContext.TryParse(envelope.TraceParent, envelope.TraceState, isRemote: true, out var creation))
            {
                links.Add(new ActivityLink(creation));
            }
        }

        var activity = BridgeTelemetry.ActivitySource.StartActivity($"replay {address}", ActivityKind.Producer, default(ActivityContext), null, links);
        if (activity is { IsAllDataRequested: true })
        {
            SetOperation(activity, "replay", "send", address.Topic);
            activity.SetTag(MessagingAttributes.SubscriptionName, address.Subscription);
            activity.SetTag(MessagingAttributes.BatchMessageCount, count);
        }
        return activity;
    }

    private static void SetMessage(Activity activity, string operation, string type, SubscriptionAddress address, Envelope envelope)
    {
        SetOperation(activity, operation, type, address.Topic);
        activity.SetTag(MessagingAttributes.SubscriptionName, address.Subscription);
        activity.SetTag(MessagingAttributes.MessageId, envelope.Id);
    }

    private static void SetOperation(Activity activity, string operation, string type, string topic)
    {
        activity.SetTag(MessagingAttributes.System, MessagingAttributes.SystemName);
        activity.SetTag(MessagingAttributes.OperationName, operation);
        activity.SetTag(MessagingAttributes.OperationType, type);
        activity.SetTag(MessagingAttributes.LegacyOperation, type == "send" ? "publish" : type); // "send" was "publish" before
        activity.SetTag(MessagingAttributes.DestinationName, topic);
    }
}
