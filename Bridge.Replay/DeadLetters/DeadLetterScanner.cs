using System.Runtime.CompilerServices;
using Bridge.Messaging;
using Bridge.Topology;

namespace Bridge.Replay.DeadLetters;

/// <summary>
/// Reads a subscription's dead letters from the broker — the broker's queue is the truth — page by page, in dead-letter
/// order, and yields those a <see cref="DeadLetterSelection"/> takes.
/// </summary>
public sealed class DeadLetterScanner(IDeadLetterQueue deadLetters)
{
    /// <summary>Dead letters read from the broker per call.</summary>
    public const int PageSize = 500;

    /// <summary>Yields the matching dead letters after sequence number <paramref name="after"/>, oldest first.</summary>
    public async IAsyncEnumerable<DeadLetter> ScanAsync(
        SubscriptionAddress address, DeadLetterSelection selection, long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var taken = 0;
        while (selection.Limit is not { } limit || taken < limit)
        {
            var page = await deadLetters.ListAsync(address, after, PageSize, cancellationToken);
            foreach (var deadLetter in page)
            {
                if (selection.To is { } to && deadLetter.DeadLetteredTime > to)
                {
                    yield break; // dead letters are listed in the order they were dead-lettered
                }

                if (selection.Matches(deadLetter))
                {
                    yield return deadLetter;
                    if (++taken == selection.Limit)
                    {
                        yield break;
                    }
                }
            }

            if (page.Count < PageSize)
            {
                yield break;
            }
            after = page[^1].SequenceNumber;
        }
    }

    /// <summary>The matching dead letters, oldest first.</summary>
    public async Task<List<DeadLetter>> ListAsync(SubscriptionAddress address, DeadLetterSelection selection, CancellationToken cancellationToken)
    {
        var found = new List<DeadLetter>();
        await foreach (var deadLetter in ScanAsync(address, selection, 0, cancellationToken))
        {
            found.Add(deadLetter);
        }
        return found;
    }
}
