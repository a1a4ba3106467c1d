namespace Bridge.Subscriber.Endpoints;

/// <summary>Pauses and resumes endpoints on an operator's request, in this process at once and durably in the store.</summary>
internal sealed class EndpointPauses(EndpointStateStore store)
{
    /// <summary>Pauses the endpoint; throws when the store cannot keep it (it then holds in this process only).</summary>
    public Task PauseAsync(EndpointGuard guard, string by, string? reason)
    {
        ArgumentNullException.ThrowIfNull(guard);
        return store.ChangeAsync(guard, () =>
        {
            guard.PauseManually(by, reason);
            return Task.CompletedTask;
        });
    }

    /// <summary>Resumes the endpoint; throws when the store cannot keep it (it then holds in this process only).</summary>
    public Task ResumeAsync(EndpointGuard guard, string by)
    {
        ArgumentNullException.ThrowIfNull(guard);
        return store.ChangeAsync(guard, () => guard.ResumeAsync(by));
    }
}
