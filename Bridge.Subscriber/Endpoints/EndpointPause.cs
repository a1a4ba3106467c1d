namespace Bridge.Subscriber.Endpoints;

/// <summary>How an endpoint came to be paused.</summary>
internal enum PauseMode
{
    /// <summary>By an operator: only an operator resumes it.</summary>
    Manual,

    /// <summary>By Bridge after a run of failed calls: a successful probe resumes it.</summary>
    Automatic,
}

/// <summary>A pause of a webhook endpoint.</summary>
/// <param name="Mode">Manual or automatic.</param>
/// <param name="Since">When it began.</param>
/// <param name="By">Who paused it (<c>bridge</c> when automatic).</param>
/// <param name="Reason">Why.</param>
internal sealed record EndpointPause(PauseMode Mode, DateTimeOffset Since, string By, string? Reason)
{
    /// <summary>The mode's name in the API, the metrics and the store: <c>manual</c> or <c>automatic</c>.</summary>
    public string ModeName => Mode == PauseMode.Automatic ? "automatic" : "manual";
}

/// <summary>Leave to receive: a probe turn receives one envelope and must end with <see cref="EndpointGuard.EndProbe"/>.</summary>
internal readonly record struct EndpointTurn(bool IsProbe);
