using System.Data.Common;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bridge.Store.Attempts;

/// <summary>
/// Records delivery attempts without slowing delivery: attempts are queued and written in batches by a background
/// service, which drains the queue on shutdown. A batch that cannot be written (the database is down) is tried three
/// times, then logged as lost with every message id and attempt number; recording goes on with the next batch.
/// </summary>
public sealed partial class AttemptRecorder(IDbContextFactory<BridgeDbContext> contexts, ILogger<AttemptRecorder> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private readonly Channel<DeliveryAttempt> _queue = Channel.CreateUnbounded<DeliveryAttempt>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues an attempt for writing.</summary>
    public void Record(DeliveryAttempt attempt) => _queue.Writer.TryWrite(attempt);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<DeliveryAttempt>(BatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await WriteAvailableAsync(batch, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: drain below.
        }

        await WriteAvailableAsync(batch, CancellationToken.None);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task WriteAvailableAsync(List<DeliveryAttempt> batch, CancellationToken cancellationToken)
    {
        while (true)
        {
            batch.Clear();
            while (batch.Count < BatchSize && _queue.Reader.TryRead(out var attempt))
            {
                batch.Add(attempt);
            }

            if (batch.Count == 0)
            {
                return;
            }

            for (var tries = 1; ; tries++)
            {
                try
                {
                    await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                    db.DeliveryAttempts.AddRange(batch);
                    await db.SaveChangesAsync(cancellationToken);
                    break;
                }
                catch (Exception ex) when (IsWriteFailure(ex) && tries < 3)
                {
                    LogRetry(logger, ex, batch.Count, tries);
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * tries), cancellationToken);
                }
                catch (Exception ex) when (IsWriteFailure(ex))
                {
                    LogLost(logger, ex, batch.Count, string.Join(", ", batch.Select(a => $"{a.MessageId}#{a.Attempt}")));
                    break;
                }
            }
        }
    }

    /// <summary>
    /// The database refused the batch or could not be reached; EF wraps a connection failure its provider calls transient
    /// in an <see cref="InvalidOperationException"/>.
    /// </summary>
    private static bool IsWriteFailure(Exception exception) =>
        exception is DbUpdateException or DbException || exception.InnerException is DbException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} delivery attempts failed (try {Try}); retrying")]
    private static partial void LogRetry(ILogger logger, Exception exception, int count, int @try);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} delivery attempt records could not be written: {Attempts}")]
    private static partial void LogLost(ILogger logger, Exception exception, int count, string attempts);
}
