namespace Bridge.Subscriber.Endpoints;

/// <summary>Pauses and resumes endpoints on an operator's request, in this process at once and durably in the store.</summary>
internal sealed class EndpointPauses(EndpointStateStore store)
{
    /// <summary>Pauses the endpoint; throws when the store cannot keep it (it then holds in this process only).</summary>
    public Task PauseAsync(EndpointGuard guard, string by, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(guard);
        guard.PauseManually(by, reason);
        return store.SaveAsync(guard, cancellationToken);
    }

    /// <summary>Resumes the endpoint; throws when the store cannot keep it (it then holds in this process only).</summary>
    public async Task ResumeAsync(EndpointGuard guard, string by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(guard);
        await guard.ResumeAsync(by);
        await store.SaveAsync(guard, cancellationToken);
    }
}
