using Bridge.Envelopes;
using Bridge.Messaging;
using Bridge.Publisher.Contracts;
using Bridge.Publisher.Publishing;
using Bridge.Sources;
using Bridge.Store.Audit;
using Bridge.Store.DeadLetters;
using Bridge.Store.Sources;
using Bridge.Telemetry;
using Microsoft.Extensions.Options;

namespace Bridge.Publisher.Sources;

/// <summary>
/// Turns broker messages into events on the source's topic. When <see cref="IngestAsync"/> returns, everything it was
/// given is durable in Bridge: each event is on the topic (published through the same port, outbox included, as the
/// publish API, so the same 202 rule holds) and remembered against redeliveries, and each message that could not be
/// read is kept as a dead letter with its bytes. Only then may the source acknowledge the messages.
/// </summary>
internal sealed partial class SourceIngest(
    ITopicPublisher publisher, SourceStore store, AuditRecorder audit, ContractValidator contracts, TimeProvider time, IOptions<PublisherOptions> options,
    ILogger<SourceIngest> logger)
{
    /// <summary>Events of one message, or why there are none.</summary>
    public sealed record Reading(SourceMessage Message, IReadOnlyList<Envelope> Events, string? Reason, string? Description)
    {
        public bool Failed => Reason is not null;
    }

    /// <summary>What a batch came to.</summary>
    public sealed record Outcome(IReadOnlyList<string> Published, int Duplicates, int DeadLettered);

    /// <summary>Reads, publishes and keeps <paramref name="messages"/> (in their order); throws when the broker or the store failed (nothing may be acknowledged then).</summary>
    public async Task<Outcome> IngestAsync(SourceDefinition source, IReadOnlyList<SourceMessage> messages, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var readings = new List<Reading>(messages.Count);
        foreach (var message in messages)
        {
            readings.Add(await ReadAsync(source, message, now, cancellationToken));
        }

        var (published, duplicates, tooLarge) = await PublishAsync(source, readings.Where(r => !r.Failed).ToList(), now, cancellationToken);
        var deadLetters = readings.Where(r => r.Failed).Concat(tooLarge).Select(r => DeadLetter(source, r, now)).ToList();
        await store.AddDeadLettersAsync(deadLetters, CancellationToken.None); // the batch's events are out: finish it
        foreach (var deadLetter in deadLetters)
        {
            LogDeadLettered(logger, source.Name, deadLetter.MessageId, deadLetter.Reason, deadLetter.Description);
        }

        Count(source, published.Count, duplicates, deadLetters.Count);
        return new Outcome(published, duplicates, deadLetters.Count);
    }

    /// <summary>
    /// One message through the source's mapping, then each event through its type's contract, as the publish API checks
    /// it (an event that passes carries its contract's <c>dataschema</c>); refused as <c>TooLarge</c> when its data is over
    /// the publisher's event limit, as <c>ContractViolation</c> when it breaks its contract.
    /// </summary>
    public async Task<Reading> ReadAsync(SourceDefinition source, SourceMessage message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(message);
        var result = SourceStandardiser.Standardise(source.Name, message, source.Mapping, now);
        if (result.Failed)
        {
            return new Reading(message, [], result.FailureReason, result.FailureDescription);
        }

        var limit = options.Value.MaxEventBytes;
        if (result.Envelopes.FirstOrDefault(e => e.Data.Length > limit) is { } large)
        {
            return new Reading(message, [], SourceReasons.TooLarge, $"The data of event '{large.Id}' is {large.Data.Length} bytes; the event limit is {limit} (Bridge:Publisher:MaxEventBytes).");
        }

        var events = new List<Envelope>(result.Envelopes.Count);
        foreach (var envelope in result.Envelopes)
        {
            var (checkedEvent, refusal) = await CheckContractAsync(envelope, cancellationToken);
            if (refusal is not null)
            {
                return new Reading(message, [], SourceReasons.ContractViolation, refusal);
            }

            events.Add(checkedEvent);
        }

        return new Reading(message, events, null, null);
    }

    /// <summary>
    /// Publishes the events of <paramref name="readings"/> that the source has not published before (in order), then
    /// remembers them. Returns their ids, how many were skipped as published before, and the readings the broker refused
    /// as too large.
    /// </summary>
    public async Task<(IReadOnlyList<string> Published, int Duplicates, IReadOnlyList<Reading> TooLarge)> PublishAsync(
        SourceDefinition source, IReadOnlyList<Reading> readings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(readings);
        var events = readings.SelectMany(r => r.Events).ToList();
        var known = await store.PublishedAsync(source.Name, [.. events.Select(e => e.Id).Distinct(StringComparer.Ordinal)], cancellationToken);
        var fresh = new List<Reading>();
        foreach (var reading in readings)
        {
            var unseen = reading.Events.Where(e => known.Add(e.Id)).ToList(); // Add: a second copy within the batch is a duplicate too
            if (unseen.Count > 0)
            {
                fresh.Add(reading with { Events = unseen });
            }
        }

        var duplicates = events.Count - fresh.Sum(r => r.Events.Count);
        var refused = new List<Reading>();
        try
        {
            await SendAsync(source, [.. fresh.SelectMany(r => r.Events)], cancellationToken);
        }
        catch (MessageTooLargeException)
        {
            // The broker's limit is lower than the publisher's: find the messages it refuses, one at a time, in order.
            foreach (var reading in fresh.ToList())
            {
                try
                {
                    await SendAsync(source, reading.Events, cancellationToken);
                }
                catch (MessageTooLargeException ex)
                {
                    fresh.Remove(reading);
                    refused.Add(reading with { Reason = SourceReasons.TooLarge, Description = $"The broker refused an event of this message as too large (limit {ex.Limit} bytes)." });
                }
            }
        }

        var published = fresh.SelectMany(r => r.Events).ToList();
        await store.RememberAsync(source.Name, [.. published.Select(e => e.Id)], CancellationToken.None); // published: remember it, even while stopping
        if (published.Count > 0)
        {
            audit.RecordAccepted(source.Topic, published, now);
            await audit.WhenRoomAsync(CancellationToken.None);
        }

        return ([.. published.Select(e => e.Id)], duplicates, refused);
    }

    private async Task SendAsync(SourceDefinition source, IReadOnlyList<Envelope> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        using var activity = MessagingSpans.StartPublish(source.Topic, events.Count, events[0].CorrelationId);
        activity?.SetTag("bridge.source", source.Name);
        try
        {
            // Not tied to the caller's cancellation once started: the events may already be durable, and must then be
            // remembered (the caller goes on to the receipts without cancellation).
            await publisher.PublishAsync(source.Topic, [.. events.Select(e => new OutgoingMessage(e))], CancellationToken.None);
        }
        catch (Exception ex)
        {
            MessagingSpans.Failed(activity, ex.GetType().FullName!, ex.Message);
            throw;
        }
    }

    private async Task<(Envelope Event, string? Refusal)> CheckContractAsync(Envelope envelope, CancellationToken cancellationToken)
    {
        var item = new BatchItem(new EventAttributes { Type = envelope.Type, DataSchema = envelope.DataSchema }, envelope.Data);
        ContractValidator.Result checkedItem;
        try
        {
            checkedItem = await contracts.CheckAsync([item], batch: false, envelope.CorrelationId, cancellationToken);
        }
        catch (Exception ex) when (ex is Newtonsoft.Json.JsonException or FormatException)
        {
            return (envelope, $"Event '{envelope.Id}' of type '{envelope.Type}' has a contract, and its data ({envelope.DataContentType}) is not JSON.");
        }

        if (checkedItem.Problem is { } problem)
        {
            var errors = problem.ProblemDetails.Extensions.TryGetValue("errors", out var list) && list is IEnumerable<ContractError> found
                ? string.Join("; ", found.Take(5).Select(e => $"{e.Path}: {e.Message}"))
                : "";
            return (envelope, $"Event '{envelope.Id}' of type '{envelope.Type}': {problem.ProblemDetails.Detail} {errors}".TrimEnd());
        }

        return (checkedItem.Items[0].Attributes.DataSchema is { } schema && schema != envelope.DataSchema ? envelope with { DataSchema = schema } : envelope, null);
    }

    private static SourceDeadLetter DeadLetter(SourceDefinition source, Reading reading, DateTimeOffset now) => new()
    {
        Source = source.Name,
        Topic = source.Topic,
        MessageId = SourceMessageJson.Clean(Truncate(reading.Message.MessageId, 256)),
        Reason = reading.Reason ?? SourceFailureReasons.MappingFailed,
        Description = SourceMessageJson.Clean(Truncate(reading.Description, 2000)),
        ContentType = SourceMessageJson.Clean(Truncate(reading.Message.ContentType, 256)),
        Headers = SourceMessageJson.Headers(reading.Message),
        Body = reading.Message.Body.ToArray(),
        DeadLetteredAt = now,
        State = DeadLetterState.Open,
    };

    private static string? Truncate(string? value, int length) => value is { } text && text.Length > length ? text[..length] : value;

    private static void Count(SourceDefinition source, int published, int duplicates, int deadLettered)
    {
        var tag = new KeyValuePair<string, object?>("source", source.Name);
        if (published > 0)
        {
            BridgeTelemetry.Published.Add(published, new KeyValuePair<string, object?>("topic", source.Topic));
            SourceMetrics.Messages.Add(published, tag, new("outcome", "published"));
        }

        if (duplicates > 0)
        {
            SourceMetrics.Messages.Add(duplicates, tag, new("outcome", "duplicate"));
        }

        if (deadLettered > 0)
        {
            SourceMetrics.Messages.Add(deadLettered, tag, new("outcome", "dead_lettered"));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {Source}: message {MessageId} kept as a dead letter ({Reason}): {Description}")]
    private static partial void LogDeadLettered(ILogger logger, string source, string? messageId, string reason, string? description);
}

/// <summary>Why a source kept a message as a dead letter, beside the standardiser's own reasons.</summary>
internal static class SourceReasons
{
    /// <summary>The event is over the publisher's event limit or the broker's message limit.</summary>
    public const string TooLarge = "TooLarge";

    /// <summary>The event breaks its type's contract (or contracts are required and it has none).</summary>
    public const string ContractViolation = "ContractViolation";
}

/// <summary>The sources' instruments.</summary>
internal static class SourceMetrics
{
    /// <summary>Messages read from sources, by source and outcome (published, duplicate, dead_lettered).</summary>
    public static readonly System.Diagnostics.Metrics.Counter<long> Messages =
        BridgeTelemetry.Meter.CreateCounter<long>("bridge.source.messages", "{message}", "Messages read from broker sources, by outcome.");
}
