using System.Collections.Concurrent;
using Bridge.Topology;

namespace Bridge.Subscriptions;

/// <summary>
/// The API-made subscriptions whose signing secret or credentials to the endpoint this process cannot decrypt (a key ring
/// of another deployment, or a lost one). Nothing is delivered to them; the subscriptions API and the console show them
/// as failed, with <see cref="Problem"/> (until their secret is rotated) or <see cref="CredentialsProblem"/> (until their
/// credentials are replaced).
/// </summary>
public sealed class UnreadableSecrets
{
    /// <summary>What an operator reads about such a subscription.</summary>
    public const string Problem =
        "Its signing secret cannot be decrypted with this deployment's Data Protection key ring (the key ring of another " +
        "deployment, or a lost one), so nothing is delivered to it. Rotate its secret (POST …/rotate-secret) to give it a new one.";

    /// <summary>What an operator reads about a subscription whose credentials to the endpoint cannot be decrypted.</summary>
    public const string CredentialsProblem =
        "Its credentials to the endpoint cannot be decrypted with this deployment's Data Protection key ring (the key ring " +
        "of another deployment, or a lost one), so nothing is delivered to it. Replace the subscription (PUT) with its " +
        "credentials to store them again, or without them to remove them.";

    private readonly ConcurrentDictionary<SubscriptionAddress, UnreadableSubscription> _subscriptions = new();

    /// <summary>Every subscription in that state, by address.</summary>
    public IReadOnlyList<UnreadableSubscription> All => [.. _subscriptions.Values.OrderBy(s => s.Address.ToString(), StringComparer.Ordinal)];

    /// <summary>Records one found in that state; true when it was not already known at this version.</summary>
    internal bool Mark(UnreadableSubscription subscription)
    {
        var isNew = !_subscriptions.TryGetValue(subscription.Address, out var known) || known.Version != subscription.Version;
        _subscriptions[subscription.Address] = subscription;
        return isNew;
    }

    /// <summary>Forgets those no longer in that state (rotated, deleted, or readable again).</summary>
    internal void Retain(IReadOnlySet<SubscriptionAddress> stillUnreadable)
    {
        foreach (var address in _subscriptions.Keys.Where(a => !stillUnreadable.Contains(a)))
        {
            _subscriptions.TryRemove(address, out _);
        }
    }
}

/// <summary>A subscription whose secret cannot be decrypted, as its stored row describes it.</summary>
/// <param name="Address">Its topic and name.</param>
/// <param name="Url">Its webhook URL.</param>
/// <param name="Types">Event types it accepts (empty: any).</param>
/// <param name="Subject">Subject equality or prefix, if any.</param>
/// <param name="Properties">Application properties it requires.</param>
/// <param name="MaxAttempts">Attempts before a dead letter.</param>
/// <param name="Concurrency">Deliveries in flight at once.</param>
/// <param name="Version">The row's version when it was found unreadable.</param>
public sealed record UnreadableSubscription(
    SubscriptionAddress Address, Uri Url, IReadOnlyList<string> Types, string? Subject, IReadOnlyDictionary<string, string> Properties,
    int MaxAttempts, int Concurrency, long Version);
