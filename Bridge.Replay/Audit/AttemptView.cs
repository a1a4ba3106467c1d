using Bridge.Store.Attempts;

namespace Bridge.Replay.Audit;

/// <summary>One delivery attempt.</summary>
public sealed record AttemptView(
    string Topic,
    string Subscription,
    string MessageId,
    string CorrelationId,
    int Attempt,
    DateTimeOffset StartedAt,
    double DurationMs,
    int? StatusCode,
    string Outcome,
    string? Error,
    string? ResponseExcerpt)
{
    internal static AttemptView From(DeliveryAttempt a) => new(
        a.Topic, a.Subscription, a.MessageId, a.CorrelationId, a.Attempt, a.StartedAt, a.DurationMs, a.StatusCode,
        a.Outcome.ToString(), a.Error, a.ResponseExcerpt);
}
