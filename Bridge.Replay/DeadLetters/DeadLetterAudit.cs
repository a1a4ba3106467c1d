using Bridge.Store;
using Bridge.Store.DeadLetters;
using Bridge.Topology;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Replay.DeadLetters;

/// <summary>Marks the audit rows of dead letters (<c>dead_letters</c>) replayed or purged; a dead letter without a row is fine.</summary>
public sealed class DeadLetterAudit(IDbContextFactory<BridgeDbContext> contexts)
{
    private const int Chunk = 500;
    private const int ResolvedByMaxLength = 128;

    /// <summary>Sets the still-open rows of <paramref name="messageIds"/> to <paramref name="state"/>, with who and when.</summary>
    public async Task ResolveAsync(
        SubscriptionAddress address, IReadOnlyCollection<string> messageIds, DeadLetterState state, string resolvedBy, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await ResolveAsync(db, address, messageIds, state, resolvedBy, at, cancellationToken);
    }

    /// <summary>As above, on the caller's context (and transaction).</summary>
    internal static async Task ResolveAsync(
        BridgeDbContext db, SubscriptionAddress address, IReadOnlyCollection<string> messageIds, DeadLetterState state, string resolvedBy, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        ArgumentNullException.ThrowIfNull(resolvedBy);
        var by = Truncate(resolvedBy, ResolvedByMaxLength);
        foreach (var chunk in messageIds.Chunk(Chunk))
        {
            await db.DeadLetters
                .Where(d => d.Topic == address.Topic && d.Subscription == address.Subscription && d.State == DeadLetterState.Open && chunk.Contains(d.MessageId))
                .ExecuteUpdateAsync(row => row
                    .SetProperty(d => d.State, state)
                    .SetProperty(d => d.ResolvedAt, at)
                    .SetProperty(d => d.ResolvedBy, by), cancellationToken);
        }
    }

    /// <summary>Cuts <paramref name="text"/> to <paramref name="length"/> characters, marking the cut with an ellipsis.</summary>
    internal static string Truncate(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");
}
