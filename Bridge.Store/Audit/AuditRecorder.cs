using System.Data.Common;
using System.Threading.Channels;
using Bridge.Envelopes;
using Bridge.Store.Attempts;
using Bridge.Store.DeadLetters;
using Bridge.Threading;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Store.Audit;

/// <summary>
/// The audit trail's one writer: accepted events, delivery attempts with the delivery state they lead to, and dead
/// letters. Recording never slows the caller: entries are queued and written in batches by a background service, which
/// drains the queue on shutdown. While the store cannot be reached, the batch waits and is tried again until it is back
/// (an outage delays the trail, it leaves no hole); a batch the database refuses (another process inserted the same
/// delivery meanwhile, a constraint) is tried three times, then logged as lost with every entry, and recording goes on
/// with the next. An entry queued by a process that dies before writing it is lost; the envelope itself never is, and
/// a dead letter is written before its envelope leaves for the dead-letter queue (<see cref="RecordDeadLetterAsync"/>).
/// The queue is bounded by <see cref="AuditOptions.QueueCapacity"/>: while it is full, <see cref="WhenRoomAsync"/> makes
/// publishers and deliveries wait for the writer (at most <see cref="AuditOptions.MaxQueueWait"/>, and not at all while
/// the store refuses writes), so a writer slower than ingest slows ingest down instead of holding every accepted
/// envelope in memory. Nothing is ever dropped from the queue.
/// </summary>
public sealed partial class AuditRecorder(
    IDbContextFactory<BridgeDbContext> contexts,
    IOptions<AuditOptions> options,
    ILogger<AuditRecorder> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private const int Tries = 3;
    private static readonly Backoff Outage = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5));
    private static readonly CancellationToken Stopped = new(canceled: true);
    private readonly Channel<AuditEntry> _queue = Channel.CreateUnbounded<AuditEntry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _capacity = options.Value.QueueCapacity;
    private readonly TimeSpan _maxWait = options.Value.MaxQueueWait;
    private readonly ChangeSignal _written = new();
    private int _queued;
    private volatile bool _refused;

    /// <summary>Entries queued and not yet written (or given up on).</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>Queues the envelopes the broker accepted on <paramref name="topic"/>.</summary>
    public void RecordAccepted(string topic, IEnumerable<Envelope> envelopes, DateTimeOffset acceptedAt)
    {
        ArgumentNullException.ThrowIfNull(envelopes);
        foreach (var envelope in envelopes)
        {
            Enqueue(new AcceptedEntry(topic, envelope, acceptedAt));
        }
    }

    /// <summary>
    /// Queues an attempt; its delivery (one per envelope and subscription) is created or brought up to date with it:
    /// attempts, latest status code and error, and status — delivered, or failing until a dead letter ends it. The
    /// recorder owns <paramref name="attempt"/> from now on.
    /// </summary>
    public void RecordAttempt(DeliveryAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        Enqueue(new AttemptEntry(attempt));
    }

    /// <summary>Queues a dead letter; it ends its delivery as dead-lettered. The recorder owns <paramref name="deadLetter"/> from now on.</summary>
    public void RecordDeadLetter(DeadLetterRecord deadLetter)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        Enqueue(new DeadLetterEntry(deadLetter));
    }

    /// <summary>
    /// Queues a dead letter like <see cref="RecordDeadLetter"/> and completes once it is in the store: true when its batch
    /// was committed; false when the store refused it for good (the batch is logged as lost), when the recorder has
    /// stopped, or after <see cref="AuditOptions.DeadLetterWait"/>, the entry staying queued. Delivery awaits this before
    /// it moves the envelope to the dead-letter queue, so a process killed in between leaves the envelope in the broker
    /// to be dead-lettered again, never a dead letter the store does not know of.
    /// </summary>
    public async Task<bool> RecordDeadLetterAsync(DeadLetterRecord deadLetter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        var written = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Enqueue(new DeadLetterEntry(deadLetter, written)))
        {
            return false;
        }

        try
        {
            return await written.Task.WaitAsync(options.Value.DeadLetterWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// Completes at once while the queue has room; while it is full, when the writer has made room, when the store
    /// refuses writes (waiting would not help), or after <see cref="AuditOptions.MaxQueueWait"/> — whichever comes first.
    /// What the caller recorded is queued either way; this only paces it.
    /// </summary>
    public ValueTask WhenRoomAsync(CancellationToken cancellationToken = default) =>
        HasRoom() ? ValueTask.CompletedTask : WaitForRoomAsync(cancellationToken);

    private bool HasRoom() => Volatile.Read(ref _queued) < _capacity || _refused || _queue.Reader.Completion.IsCompleted;

    private async ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var written = _written.Next; // taken before the check, so a batch written after it wakes this wait
            var left = _maxWait - waited.Elapsed;
            if (HasRoom() || left <= TimeSpan.Zero)
            {
                return;
            }

            try
            {
                await written.WaitAsync(left, cancellationToken);
            }
            catch (TimeoutException)
            {
                return;
            }
        }
    }

    private bool Enqueue(AuditEntry entry)
    {
        if (!_queue.Writer.TryWrite(entry))
        {
            return false;
        }

        Interlocked.Increment(ref _queued);
        return true;
    }

    /// <summary>Takes <paramref name="count"/> entries off the count and wakes whoever waits for room.</summary>
    private void Dequeued(int count)
    {
        Interlocked.Add(ref _queued, -count);
        _written.Raise();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditEntry>(BatchSize);
        await WarmUpAsync(stoppingToken);
        try
        {
            var gather = options.Value.FlushInterval;
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                if (gather > TimeSpan.Zero && Volatile.Read(ref _queued) < BatchSize)
                {
                    await Pause.ForAsync(gather, TimeProvider.System, stoppingToken);
                }
                await WriteAvailableAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: drain below.
        }

        await WriteAvailableAsync(batch, Stopped);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        Dequeued(0); // no one waits for room any more
        await base.StopAsync(cancellationToken);
        if (ExecuteTask is { IsCanceled: true })
        {
            // Stopped before the background loop ever ran: write what was queued here.
            await WriteAvailableAsync(new List<AuditEntry>(BatchSize), Stopped);
        }
    }

    /// <summary>
    /// Writes what is queued, a batch at a time. While the store cannot be reached the batch is tried again, backing off
    /// from 200 ms up to 5 s, for as long as the recorder runs (<paramref name="keepTrying"/>): an outage delays
    /// the audit trail, it does not cut holes in it. A batch the store refuses (a constraint) — or any failure once the
    /// recorder is stopping — gets <see cref="Tries"/> tries and is then logged as lost with every entry.
    /// </summary>
    private async Task WriteAvailableAsync(List<AuditEntry> batch, CancellationToken keepTrying)
    {
        while (true)
        {
            batch.Clear();
            while (batch.Count < BatchSize && _queue.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            if (batch.Count == 0)
            {
                return;
            }

            var committed = false;
            var unreachable = 0;
            for (var tries = 1; ; tries++)
            {
                try
                {
                    await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
                    await AuditBatch.WriteAsync(db, batch, options.Value.KeepPayload, CancellationToken.None);
                    if (unreachable > 0)
                    {
                        LogReachable(logger, unreachable, Volatile.Read(ref _queued));
                    }
                    _refused = false;
                    committed = true;
                    break;
                }
                catch (Exception ex) when (IsWriteFailure(ex) && IsUnreachable(ex) && !keepTrying.IsCancellationRequested)
                {
                    if (unreachable++ == 0)
                    {
                        LogUnreachable(logger, ex, Volatile.Read(ref _queued));
                    }
                    _refused = true;
                    Dequeued(0); // waiting callers go on: room will not come soon
                    tries = 0; // an outage spends no try: the batch waits for the store
                    await Pause.ForAsync(Outage.After(unreachable), TimeProvider.System, keepTrying);
                }
                catch (Exception ex) when (IsWriteFailure(ex) && tries < Tries)
                {
                    LogRetry(logger, ex, batch.Count, tries);
                    _refused = true;
                    Dequeued(0); // waiting callers go on: room will not come soon
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * tries), CancellationToken.None);
                }
                catch (Exception ex) when (IsWriteFailure(ex))
                {
                    LogLost(logger, ex, batch.Count, string.Join(", ", batch.Select(e => e.Describe())));
                    break;
                }
            }

            foreach (var entry in batch)
            {
                (entry as DeadLetterEntry)?.Written?.TrySetResult(committed);
            }
            Dequeued(batch.Count);
        }
    }

    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await AuditBatch.WarmUpAsync(db, cancellationToken);
        }
#pragma warning disable CA1031 // Only an optimisation: whatever failed here, the first batch meets it and deals with it.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>
    /// The store could not be reached (a connection refused or timed out, a server going down): the provider calls the
    /// failure transient, or a socket or timeout error lies underneath.
    /// </summary>
    private static bool IsUnreachable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException { IsTransient: true } or System.Net.Sockets.SocketException or TimeoutException)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The database refused the batch (a unique delivery another process inserted first, a constraint) or could not be
    /// reached; EF wraps a connection failure its provider calls transient in an <see cref="InvalidOperationException"/>.
    /// </summary>
    private static bool IsWriteFailure(Exception exception) =>
        exception is DbUpdateException or DbException || exception.InnerException is DbException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The store cannot be reached; {Queued} audit record(s) wait and are written when it is back")]
    private static partial void LogUnreachable(ILogger logger, Exception exception, int queued);

    [LoggerMessage(Level = LogLevel.Information, Message = "The store is reachable again after {Failures} failed write(s); writing the {Queued} audit record(s) that waited")]
    private static partial void LogReachable(ILogger logger, int failures, int queued);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} audit records failed (try {Try}); retrying")]
    private static partial void LogRetry(ILogger logger, Exception exception, int count, int @try);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} audit records could not be written: {Records}")]
    private static partial void LogLost(ILogger logger, Exception exception, int count, string records);
}
