using Bridge.Store.DeadLetters;

namespace Bridge.Publisher.Sources;

/// <summary>Reads a kept message again through its source's current mapping and publishes what it now gives.</summary>
internal sealed partial class SourceReplayer(SourceStore store, SourceIngest ingest, TimeProvider time, ILogger<SourceReplayer> logger)
{
    /// <summary>What a replay did.</summary>
    public sealed record Result(bool Missing, bool NotOpen, string? Reason, string? Description, IReadOnlyList<string> Published, int Duplicates);

    public async Task<Result> ReplayAsync(SourceDefinition source, long id, string by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (await store.FindAsync(source.Name, id, cancellationToken) is not { } deadLetter)
        {
            return new Result(true, false, null, null, [], 0);
        }

        if (deadLetter.State != DeadLetterState.Open)
        {
            return new Result(false, true, null, null, [], 0);
        }

        var now = time.GetUtcNow();
        var message = SourceMessageJson.Message(deadLetter.Headers, deadLetter.ContentType, deadLetter.Body);
        var reading = await ingest.ReadAsync(source, message, now, cancellationToken);
        if (reading.Failed)
        {
            return new Result(false, false, reading.Reason, reading.Description, [], 0);
        }

        // Claimed before publishing: of two replays at once, one publishes and the other gets 409.
        if (!await store.ResolveAsync(id, DeadLetterState.Replayed, by, cancellationToken))
        {
            return new Result(false, true, null, null, [], 0);
        }

        try
        {
            var (published, duplicates, tooLarge) = await ingest.PublishAsync(source, [reading], now, CancellationToken.None);
            if (tooLarge.Count > 0)
            {
                await store.ReopenAsync(id, CancellationToken.None);
                return new Result(false, false, tooLarge[0].Reason, tooLarge[0].Description, [], 0);
            }

            await store.ReplayedAsync(id, [.. reading.Events.Select(e => e.Id)], CancellationToken.None);
            LogReplayed(logger, source.Name, id, published.Count, duplicates, by);
            return new Result(false, false, null, null, published, duplicates);
        }
        catch
        {
            await store.ReopenAsync(id, CancellationToken.None);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {Source}: dead letter {Id} replayed by {By}: {Published} event(s) published, {Duplicates} published before")]
    private static partial void LogReplayed(ILogger logger, string source, long id, int published, int duplicates, string by);
}
