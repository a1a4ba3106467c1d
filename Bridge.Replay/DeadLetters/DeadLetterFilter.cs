namespace Bridge.Replay.DeadLetters;

/// <summary>
/// Which dead letters to take, as a request gives it: by <paramref name="Reason"/>, event <paramref name="Type"/>,
/// dead-lettered time (<paramref name="From"/> and <paramref name="To"/>, both inclusive) and <paramref name="MessageIds"/>.
/// Criteria combine; an empty filter takes every dead letter, which a purge only does with <paramref name="All"/> set.
/// </summary>
/// <param name="Reason">Dead-letter reason, e.g. <c>MaxAttemptsExceeded</c>.</param>
/// <param name="Type">CloudEvent type of the envelope.</param>
/// <param name="From">Dead-lettered at or after.</param>
/// <param name="To">Dead-lettered at or before.</param>
/// <param name="MessageIds">Only these envelopes.</param>
/// <param name="All">Confirms that an empty filter means every dead letter (required for a purge of everything).</param>
public sealed record DeadLetterFilter(
    string? Reason = null, string? Type = null, DateTimeOffset? From = null, DateTimeOffset? To = null, IReadOnlyList<string>? MessageIds = null, bool All = false)
{
    /// <summary>Most message ids one filter may name.</summary>
    public const int MaxMessageIds = 100;

    /// <summary>Checks the filter and adds each problem to <paramref name="errors"/>; returns the selection it describes.</summary>
    internal DeadLetterSelection Validate(Dictionary<string, string[]> errors, string prefix = "")
    {
        if (From is { } from && To is { } to && from > to)
        {
            errors[prefix + "from"] = [$"'from' ({from:O}) is after 'to' ({to:O})."];
        }
        if (MessageIds is { Count: > MaxMessageIds })
        {
            errors[prefix + "messageIds"] = [$"At most {MaxMessageIds} message ids; use the other criteria for more."];
        }
        if (MessageIds?.Any(string.IsNullOrWhiteSpace) == true)
        {
            errors[prefix + "messageIds"] = ["Message ids must not be empty."];
        }

        return new DeadLetterSelection
        {
            Reasons = string.IsNullOrWhiteSpace(Reason) ? [] : [Reason],
            Types = string.IsNullOrWhiteSpace(Type) ? [] : [Type],
            From = From,
            To = To,
            MessageIds = MessageIds ?? [],
        };
    }
}
