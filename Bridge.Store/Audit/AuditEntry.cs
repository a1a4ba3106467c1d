using Bridge.Envelopes;
using Bridge.Store.Attempts;
using Bridge.Store.DeadLetters;

namespace Bridge.Store.Audit;

/// <summary>One thing the <see cref="AuditRecorder"/> has queued for writing.</summary>
internal abstract record AuditEntry
{
    /// <summary>The entry in a few words, for the log of a batch that could not be written.</summary>
    public abstract string Describe();
}

/// <summary>The publisher accepted <paramref name="Envelope"/> on <paramref name="Topic"/>.</summary>
internal sealed record AcceptedEntry(string Topic, Envelope Envelope, DateTimeOffset AcceptedAt) : AuditEntry
{
    public override string Describe() => $"event {Envelope.Id} (correlation {Envelope.CorrelationId})";
}

/// <summary>A delivery attempt, and through it the change of its delivery.</summary>
internal sealed record AttemptEntry(DeliveryAttempt Attempt) : AuditEntry
{
    public override string Describe() => $"attempt {Attempt.Topic}/{Attempt.Subscription} {Attempt.MessageId}#{Attempt.Attempt} (correlation {Attempt.CorrelationId})";
}

/// <summary>
/// An envelope dead-lettered by delivery, and through it the end of its delivery. <paramref name="Written"/>, when
/// given, learns whether the batch holding it was committed (true) or given up on (false).
/// </summary>
internal sealed record DeadLetterEntry(DeadLetterRecord DeadLetter, TaskCompletionSource<bool>? Written = null) : AuditEntry
{
    public override string Describe() => $"dead letter {DeadLetter.Topic}/{DeadLetter.Subscription} {DeadLetter.MessageId} (correlation {DeadLetter.CorrelationId})";
}
