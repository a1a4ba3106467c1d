using System.Text.Json;
using Bridge.Envelopes;
using Bridge.Messaging;
using Bridge.Store.Alerts;
using Bridge.Store.Audit;
using Microsoft.Extensions.Options;

namespace Bridge.Hosting.Alerts;

/// <summary>
/// Publishes an alert's two events — <c>bridge.alert.fired</c> when it opens and <c>bridge.alert.cleared</c> when it
/// closes — to <see cref="AlertOptions.Topic"/>, like any accepted event (audited; its subscriptions are the alert
/// webhooks). The partition key is the rule and subject, so an ordered subscription gets them in order.
/// </summary>
public sealed class AlertNotifier(ITopicPublisher publisher, AuditRecorder audit, IOptions<AlertOptions> options, TimeProvider time)
{
    /// <summary>The CloudEvents <c>source</c> of alert events.</summary>
    public const string Source = "/bridge/alerts";

    /// <summary>The CloudEvents <c>type</c> of an alert that opened.</summary>
    public const string FiredType = "bridge.alert.fired";

    /// <summary>The CloudEvents <c>type</c> of an alert that closed.</summary>
    public const string ClearedType = "bridge.alert.cleared";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Whether alerts are published at all (a topic is set).</summary>
    public bool Publishes => options.Value.Topic is not null;

    /// <summary>
    /// Publishes <paramref name="alert"/>'s fired or cleared event; done when the broker holds it. The event's id is
    /// <c>{alertId}-fired</c> or <c>{alertId}-cleared</c>, so one sent again after a failure is the same event to receivers.
    /// </summary>
    public async Task NotifyAsync(AlertRecord alert, bool cleared, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (options.Value.Topic is not { } topic)
        {
            return;
        }

        var data = new AlertEventData(alert.Id, alert.Rule, alert.Kind, alert.Subject, cleared ? "cleared" : "open", alert.Value, alert.Peak,
            alert.Threshold, alert.Summary, AlertView.MembersOf(alert), alert.OpenedAt, cleared ? alert.ClearedAt : null);
        var envelope = new Envelope
        {
            Id = $"{alert.Id}-{(cleared ? "cleared" : "fired")}",
            Source = Source,
            Type = cleared ? ClearedType : FiredType,
            Subject = $"{alert.Rule}/{alert.Subject}",
            Time = time.GetUtcNow(),
            Data = JsonSerializer.SerializeToUtf8Bytes(data, Json),
            CorrelationId = alert.Id,
            OrderingKey = $"alert:{alert.Rule}/{alert.Subject}",
        };
        await publisher.PublishAsync(topic, [new OutgoingMessage(envelope)], cancellationToken);
        audit.RecordAccepted(topic, [envelope], envelope.Time);
    }
}

/// <summary>The <c>data</c> of an alert event.</summary>
/// <param name="AlertId">The alert (both of its events carry it; also their correlation id).</param>
/// <param name="Rule">The rule's name.</param>
/// <param name="Kind">What the rule watches.</param>
/// <param name="Subject">What the alert is about.</param>
/// <param name="State"><c>open</c> or <c>cleared</c>.</param>
/// <param name="Value">The value measured when it fired.</param>
/// <param name="Peak">The highest value seen while open.</param>
/// <param name="Threshold">The rule's threshold.</param>
/// <param name="Summary">One line for people.</param>
/// <param name="Members">The subjects in breach when the rule groups several.</param>
/// <param name="OpenedAt">When it fired.</param>
/// <param name="ClearedAt">When it cleared (null while open).</param>
public sealed record AlertEventData(
    string AlertId, string Rule, string Kind, string Subject, string State, double Value, double Peak, double Threshold, string Summary,
    IReadOnlyList<string> Members, DateTimeOffset OpenedAt, DateTimeOffset? ClearedAt);
