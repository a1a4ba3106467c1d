using Bridge.Envelopes;

namespace Bridge.Sources;

/// <summary>
/// What one source message became: its envelopes (one, or one per event of a CloudEvents batch, possibly none for an
/// empty batch), or why it cannot become any (<see cref="FailureReason"/> is then one of <see cref="SourceFailureReasons"/>
/// and <see cref="FailureDescription"/> says what is wrong).
/// </summary>
public sealed record StandardisedMessage(IReadOnlyList<Envelope> Envelopes, string? FailureReason, string? FailureDescription)
{
    /// <summary>True when the message could not be standardised; it has no envelopes then.</summary>
    public bool Failed => FailureReason is not null;

    /// <summary>A message standardised into <paramref name="envelopes"/>.</summary>
    public static StandardisedMessage Succeeded(IReadOnlyList<Envelope> envelopes) => new(envelopes, null, null);

    /// <summary>A message that cannot be standardised, for <paramref name="reason"/> as <paramref name="description"/> explains.</summary>
    public static StandardisedMessage Failure(string reason, string description) => new([], reason, description);
}
