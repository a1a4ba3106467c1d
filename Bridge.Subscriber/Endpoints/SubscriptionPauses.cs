using Bridge.Subscriptions;
using Bridge.Topology;

namespace Bridge.Subscriber.Endpoints;

/// <summary>Pauses and resumes a subscription through its endpoint guard: at once in this process, durably in the store.</summary>
internal sealed class SubscriptionPauses(EndpointRegistry registry, EndpointPauses pauses) : ISubscriptionPauses
{
    public bool IsPaused(SubscriptionDefinition definition) => registry.Find(definition.Address)?.Pause is not null;

    public Task PauseAsync(SubscriptionDefinition definition, string by, string? reason) => pauses.PauseAsync(registry.Get(definition), by, reason);

    public Task ResumeAsync(SubscriptionDefinition definition, string by) => pauses.ResumeAsync(registry.Get(definition), by);
}
