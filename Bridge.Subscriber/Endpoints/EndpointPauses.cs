namespace Bridge.Subscriber.Endpoints;

/// <summary>Pauses and resumes endpoints on an operator's request.</summary>
internal sealed class EndpointPauses
{
    public Task PauseAsync(EndpointGuard guard, string by, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(guard);
        guard.PauseManually(by, reason);
        return Task.CompletedTask;
    }

    public Task ResumeAsync(EndpointGuard guard, string by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(guard);
        return guard.ResumeAsync(by);
    }
}
