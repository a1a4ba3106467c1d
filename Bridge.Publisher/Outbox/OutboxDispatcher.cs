using System.Diagnostics.Metrics;
using Bridge.Envelopes;
using Bridge.Messaging;
using Bridge.Store;
using Bridge.Store.Outbox;
using Bridge.Telemetry;
using Bridge.Threading;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bridge.Publisher.Outbox;

/// <summary>
/// Forwards the outbox to the broker in acceptance order, a batch at a time. Rows the broker confirmed are deleted by
/// their sequence numbers in the background while the next batch is read and forwarded, so a delete (a write that waits
/// for the store's lock) is never between an accepted envelope and the broker; until it is done those rows are skipped.
/// A crash before the delete forwards them again (at least once). Holds the store's dispatcher lease so one process
/// forwards at a time. While the broker is unreachable it backs off and tries again; an envelope the broker refuses for
/// good is kept, marked failed with the reason, and skipped.
/// </summary>
internal sealed partial class OutboxDispatcher(
    IDbContextFactory<BridgeDbContext> store, TransportPublisher transport, OutboxSignal signal, IOptions<OutboxOptions> options,
    TimeProvider time, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private const string LeaseName = "dispatcher";
    private static readonly Counter<long> Dispatched = BridgeTelemetry.Meter.CreateCounter<long>("bridge.outbox.dispatched", "{envelope}", "Envelopes forwarded from the outbox to the broker.");
    private static readonly Counter<long> Failed = BridgeTelemetry.Meter.CreateCounter<long>("bridge.outbox.failed", "{envelope}", "Envelopes the broker refused for good, kept in the outbox with the reason.");
    private readonly string _holder = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private long _pending;
    private DateTimeOffset _renewAfter = DateTimeOffset.MinValue;
    private DateTimeOffset _countAfter = DateTimeOffset.MinValue;
    private readonly HashSet<long> _forwarded = []; // confirmed by the broker, not yet deleted from the outbox
    private (Task Task, long[] Sequences)? _deleting;

    /// <summary>Envelopes waiting, as last counted.</summary>
    public long Pending => Math.Max(0, Interlocked.Read(ref _pending));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        BridgeTelemetry.Meter.CreateObservableGauge("bridge.outbox.pending", () => Pending, "{envelope}", "Envelopes accepted but not yet confirmed by the broker.");
        var backoff = new Backoff(TimeSpan.FromMilliseconds(500), options.Value.MaxBackoff);
        var failures = 0;
        var unreachableSince = (DateTimeOffset?)null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var forwarded = await TryLeaseAsync(stoppingToken) ? await ForwardBatchAsync(stoppingToken) : 0;
                if (unreachableSince is { } since)
                {
                    LogRecovered(logger, time.GetUtcNow() - since, Pending);
                    unreachableSince = null;
                }
                failures = 0;
                if (forwarded == 0)
                {
                    await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The broker or the store is away: back off and try again; nothing leaves the outbox unconfirmed.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures++;
                if (unreachableSince is null)
                {
                    unreachableSince = time.GetUtcNow();
                    LogUnreachable(logger, ex, Pending);
                }
                await Task.Delay(backoff.After(failures), time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        // Stopping: delete what was forwarded, so a restart does not forward it again.
        await CollectDeleteAsync(wait: true);
        StartDelete();
        await CollectDeleteAsync(wait: true);
    }

    /// <summary>Takes or renews the lease; a lease renewed less than a third of its duration ago is still safely held.</summary>
    private async Task<bool> TryLeaseAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now < _renewAfter)
        {
            return true;
        }

        await using var db = await store.CreateDbContextAsync(cancellationToken);
        var until = now + options.Value.LeaseDuration;
        var held = await db.Set<OutboxLease>()
            .Where(l => l.Name == LeaseName && (l.Holder == _holder || l.ExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, _holder).SetProperty(l => l.ExpiresAt, until), cancellationToken);
        _renewAfter = held == 1 ? now + (options.Value.LeaseDuration / 3) : DateTimeOffset.MinValue;
        return held == 1;
    }

    private async Task<int> ForwardBatchAsync(CancellationToken cancellationToken)
    {
        // Many confirmed rows still waiting for their delete (a slow store): wait for it rather than read past them all.
        await CollectDeleteAsync(wait: _forwarded.Count >= 4 * options.Value.BatchSize);
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        var read = await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.FailedAt == null)
            .OrderBy(m => m.Sequence).Take(options.Value.BatchSize + _forwarded.Count).ToListAsync(cancellationToken);
        var batch = _forwarded.Count == 0 ? read : read.Where(m => !_forwarded.Contains(m.Sequence)).ToList();
        if (read.Count < options.Value.BatchSize + _forwarded.Count)
        {
            Interlocked.Exchange(ref _pending, batch.Count);
        }
        else if (time.GetUtcNow() >= _countAfter)
        {
            // A full batch: count what waits behind it, at most once a second (the gauge, not the hot path).
            Interlocked.Exchange(ref _pending, await db.Set<OutboxMessage>().CountAsync(m => m.FailedAt == null, cancellationToken) - _forwarded.Count);
            _countAfter = time.GetUtcNow() + TimeSpan.FromSeconds(1);
        }
        if (batch.Count == 0)
        {
            return 0;
        }

        // Consecutive rows of one topic go in one call, so order holds across topics too.
        var forwarded = 0;
        foreach (var run in Runs(batch))
        {
            var messages = run.Select(m => new OutgoingMessage(EnvelopeSerializer.Deserialize(m.Envelope), m.ScheduledEnqueueTime)).ToList();
            try
            {
                await transport.Inner.PublishAsync(run[0].Topic, messages, cancellationToken);
            }
            catch (Exception ex) when (ex is TopicNotFoundException or MessageTooLargeException)
            {
                await MarkFailedAsync(db, run, ex.Message, cancellationToken);
                continue;
            }

            foreach (var message in run)
            {
                _forwarded.Add(message.Sequence);
            }
            Dispatched.Add(run.Count);
            forwarded += run.Count;
            Interlocked.Add(ref _pending, -run.Count);
        }
        StartDelete();
        return forwarded;
    }

    /// <summary>Deletes the confirmed rows in the background, unless a delete still runs (the next one takes them).</summary>
    private void StartDelete()
    {
        if (_deleting is not null || _forwarded.Count == 0)
        {
            return;
        }

        var sequences = _forwarded.ToArray();
        _deleting = (DeleteAsync(sequences), sequences);
    }

    /// <summary>Not cancellable: a short write, and one left half-done would only make the next delete repeat it.</summary>
    private async Task DeleteAsync(long[] sequences)
    {
        await using var db = await store.CreateDbContextAsync(CancellationToken.None);
        await db.Set<OutboxMessage>().Where(m => sequences.Contains(m.Sequence)).ExecuteDeleteAsync(CancellationToken.None);
    }

    /// <summary>Takes the finished (or, with <paramref name="wait"/>, the running) delete's rows off the confirmed set; a failed delete is tried again by the next.</summary>
    private async Task CollectDeleteAsync(bool wait)
    {
        if (_deleting is not { } deleting || (!wait && !deleting.Task.IsCompleted))
        {
            return;
        }

        _deleting = null;
        try
        {
            await deleting.Task;
            _forwarded.ExceptWith(deleting.Sequences);
        }
#pragma warning disable CA1031 // The rows stay confirmed and skipped; the next delete takes them again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogDeleteFailed(logger, ex, deleting.Sequences.Length);
        }
    }

    private async Task MarkFailedAsync(BridgeDbContext db, List<OutboxMessage> run, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var error = reason.Length > 1000 ? reason[..1000] : reason;
        var ids = run.Select(m => m.Sequence).ToList();
        await db.Set<OutboxMessage>().Where(m => ids.Contains(m.Sequence))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.FailedAt, now).SetProperty(m => m.Error, error), cancellationToken);
        foreach (var message in run)
        {
            LogRefused(logger, message.MessageId, message.Topic, message.CorrelationId, error);
        }
        Failed.Add(run.Count);
    }

    private static IEnumerable<List<OutboxMessage>> Runs(List<OutboxMessage> batch)
    {
        var run = new List<OutboxMessage>();
        foreach (var message in batch)
        {
            if (run.Count > 0 && run[0].Topic != message.Topic)
            {
                yield return run;
                run = [];
            }
            run.Add(message);
        }
        yield return run;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The broker is unreachable; {Pending} envelope(s) wait in the outbox and are forwarded when it returns")]
    private static partial void LogUnreachable(ILogger logger, Exception exception, long pending);

    [LoggerMessage(Level = LogLevel.Information, Message = "The broker is reachable again after {Outage}; forwarding the outbox ({Pending} envelope(s) waiting)")]
    private static partial void LogRecovered(ILogger logger, TimeSpan outage, long pending);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting {Count} forwarded envelope(s) from the outbox failed; the next delete tries again (a restart before it forwards them again)")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The broker refused envelope {MessageId} for topic {Topic} for good (correlation {CorrelationId}): {Error}; it stays in the outbox, marked failed")]
    private static partial void LogRefused(ILogger logger, string messageId, string topic, string? correlationId, string error);
}
