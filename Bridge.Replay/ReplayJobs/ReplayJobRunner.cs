using System.Collections.Concurrent;
using Bridge.Store.Replays;
using Microsoft.Extensions.Options;

namespace Bridge.Replay.ReplayJobs;

/// <summary>
/// Runs replay jobs in the background: at start-up it resumes the jobs the store shows running (this process was
/// stopped while they ran), then claims queued jobs oldest first — up to <see cref="ReplayJobOptions.MaxConcurrent"/>
/// at once, never two for one subscription.
/// </summary>
internal sealed partial class ReplayJobRunner(
    ReplayJobStore store, ReplayJobExecutor executor, IOptions<ReplayJobOptions> options, ILogger<ReplayJobRunner> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Running> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0);
    private int _resume = 1; // resume the jobs the store shows Running: at start-up, and after a job or a poll failed

    /// <summary>The jobs running in this process.</summary>
    public IEnumerable<ReplayJobProgress> Jobs => _running.Values.Select(r => r.Progress);

    /// <summary>Stops a job running in this process at once (the store already says it is cancelled).</summary>
    private void Cancel(string id)
    {
        try
        {
            if (_running.TryGetValue(id, out var running))
            {
                running.Cancel.Cancel();
            }
        }
        catch (ObjectDisposedException)
        {
            // it ended meanwhile
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        store.Changed += Wake;
        store.Cancelled += Cancel;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (Interlocked.Exchange(ref _resume, 0) == 1)
                    {
                        foreach (var job in await store.WithStatusAsync(ReplayJobStatus.Running, int.MaxValue, stoppingToken))
                        {
                            Start(job, resumed: true, stoppingToken);
                        }
                    }
                    await StartQueuedAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Volatile.Write(ref _resume, 1);
                    LogPollFailed(logger, ex);
                }

                try
                {
                    await _wake.WaitAsync(options.Value.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            store.Changed -= Wake;
            store.Cancelled -= Cancel;
            await Task.WhenAll(_running.Values.Select(r => r.Task));
        }
    }

    private async Task StartQueuedAsync(CancellationToken stoppingToken)
    {
        var max = options.Value.MaxConcurrent;
        if (_running.Count >= max)
        {
            return;
        }

        foreach (var job in await store.WithStatusAsync(ReplayJobStatus.Queued, 100, stoppingToken))
        {
            if (_running.Count >= max)
            {
                return;
            }
            if (_running.Values.Any(r => r.Progress.Job.Topic == job.Topic && r.Progress.Job.Subscription == job.Subscription))
            {
                continue; // one job per subscription at a time: replays of one subscription never interleave
            }
            if (await store.ClaimAsync(job.Id, stoppingToken))
            {
                job.Status = ReplayJobStatus.Running;
                Start(job, resumed: false, stoppingToken);
            }
        }
    }

    private void Start(ReplayJob job, bool resumed, CancellationToken stoppingToken)
    {
        var progress = new ReplayJobProgress(job);
        var cancel = new CancellationTokenSource();
        var running = new Running(progress, cancel);
        if (!_running.TryAdd(job.Id, running))
        {
            cancel.Dispose();
            return;
        }

        running.Task = Task.Run(async () =>
        {
            try
            {
                await executor.RunAsync(progress, resumed, cancel.Token, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // left running in the store: resumed at the next start
            }
            catch (Exception ex)
            {
                // e.g. the store went away: the job stays Running there and is resumed by the next poll that works.
                Volatile.Write(ref _resume, 1);
                LogJobCrashed(logger, ex, job.Id);
            }
            finally
            {
                _running.TryRemove(job.Id, out _);
                cancel.Dispose();
                Wake();
            }
        }, CancellationToken.None);
    }

    private void Wake() => _wake.Release();

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking for replay jobs failed; trying again")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Replay job {JobId} stopped unexpectedly; it is resumed once the runner can read the store again")]
    private static partial void LogJobCrashed(ILogger logger, Exception exception, string jobId);

    private sealed class Running(ReplayJobProgress progress, CancellationTokenSource cancel)
    {
        public ReplayJobProgress Progress { get; } = progress;

        public CancellationTokenSource Cancel { get; } = cancel;

        public Task Task { get; set; } = Task.CompletedTask;
    }
}
