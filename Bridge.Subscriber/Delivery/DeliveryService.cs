using Bridge.Messaging;
using Bridge.Subscriber.Delivery.Batches;
using Bridge.Subscriber.Endpoints;
using Bridge.Topology;
using Bridge.Webhooks.Credentials;

namespace Bridge.Subscriber.Delivery;

/// <summary>
/// Runs one <see cref="SubscriptionWorker"/> (a <see cref="BatchWorker"/> for a subscription with batching) per subscription in the <see cref="TopologyCatalog"/>, following it at run
/// time: a new subscription gets a worker, a deleted one's worker stops receiving and finishes the deliveries in flight,
/// a changed one's worker is replaced once the old one has finished. On shutdown every worker stops receiving, lets
/// in-flight deliveries finish within the host's shutdown timeout, and only then are the calls still running cancelled
/// (those envelopes are abandoned and delivered again later).
/// </summary>
internal sealed partial class DeliveryService(
    TopologyCatalog catalog,
    ISubscriptionReceiverFactory receivers,
    DeliveryProcessor processor,
    BatchDeliveryProcessor batches,
    DeliverySettlement settlement,
    TimeProvider timeProvider,
    EndpointRegistry endpoints,
    EndpointStateStore endpointStates,
    OAuthTokens tokens,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly CancellationTokenSource _abort = new();
    private readonly Dictionary<SubscriptionAddress, Running> _running = [];
    private readonly ILogger _logger = loggerFactory.CreateLogger<DeliveryService>();
    private readonly SemaphoreSlim _changed = new(0);
    private readonly List<Task> _retired = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        void OnChanged() => _changed.Release();
        catalog.Changed += OnChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Reconcile(stoppingToken);
                try
                {
                    await _changed.WaitAsync(stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            catalog.Changed -= OnChanged;
        }

        await Task.WhenAll(_running.Values.Select(r => r.Task).Concat(_retired));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.Register(_abort.Cancel);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        _changed.Dispose();
        foreach (var running in _running.Values)
        {
            running.Stop.Dispose();
        }
        base.Dispose();
    }

    /// <summary>Starts, stops and replaces workers so that exactly the catalog's subscriptions run.</summary>
    private void Reconcile(CancellationToken stoppingToken)
    {
        var wanted = catalog.Subscriptions.Where(s => s.Webhook is not null).ToDictionary(s => s.Address);
        foreach (var (address, running) in _running.ToList())
        {
            var now = wanted.GetValueOrDefault(address);
            if (running.Definition.IsSameRevision(now))
            {
                continue;
            }

            running.Stop.Cancel(); // stops receiving; the deliveries in flight finish
            _ = running.Task.ContinueWith(_ => running.Stop.Dispose(), TaskScheduler.Default);
            if (running.Definition.Webhook?.Credentials.OAuth is { } oauth && now?.Webhook?.Credentials.OAuth != oauth)
            {
                // Changed credentials, or gone: the old client's cached token goes once its last call has finished.
                _ = running.Task.ContinueWith(_ => tokens.Forget(oauth), TaskScheduler.Default);
            }
            _running.Remove(address);
            if (now is null)
            {
                endpoints.Remove(address);
                _retired.Add(running.Task);
                LogStopped(_logger, address.ToString());
            }
            else
            {
                _running[address] = Start(now, running.Task, stoppingToken);
            }
        }

        foreach (var (address, definition) in wanted)
        {
            if (!_running.ContainsKey(address))
            {
                _running[address] = Start(definition, Task.CompletedTask, stoppingToken);
            }
        }

        _retired.RemoveAll(t => t.IsCompleted);
    }

    /// <summary>Starts the worker of <paramref name="definition"/> once <paramref name="predecessor"/> (the worker it replaces) has finished.</summary>
    private Running Start(SubscriptionDefinition definition, Task predecessor, CancellationToken stoppingToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var task = RunAsync(definition, predecessor, stop.Token);
        LogStarted(_logger, definition.Address.ToString(), definition.PushTarget.Url, definition.PushTarget.Concurrency);
        return new Running(definition, stop, task);
    }

    private async Task RunAsync(SubscriptionDefinition definition, Task predecessor, CancellationToken stopping)
    {
        await predecessor;
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        var guard = endpoints.Get(definition);
        if (definition.Source == SubscriptionSource.Api)
        {
            await TakeUpPauseAsync(definition, stopping); // a subscription made at run time may have been paused before this process knew it
        }

        var receiver = receivers.CreateReceiver(definition.Address);
        await using (receiver)
        {
            if (definition.PushTarget.Batch is null)
            {
                await new SubscriptionWorker(definition, receiver, guard, processor, loggerFactory.CreateLogger<SubscriptionWorker>()).RunAsync(stopping, _abort.Token);
            }
            else
            {
                await new BatchWorker(definition, receiver, guard, batches, settlement, timeProvider, loggerFactory.CreateLogger<BatchWorker>()).RunAsync(stopping, _abort.Token);
            }
        }
    }

    private async Task TakeUpPauseAsync(SubscriptionDefinition definition, CancellationToken stopping)
    {
        try
        {
            await endpointStates.LoadAsync(stopping, definition.Address);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPauseUnknown(_logger, ex, definition.Address.ToString());
        }
    }

    private sealed record Running(SubscriptionDefinition Definition, CancellationTokenSource Stop, Task Task);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivering {Subscription} to {Url} with concurrency {Concurrency}")]
    private static partial void LogStarted(ILogger logger, string subscription, Uri url, int concurrency);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Whether {Subscription} is paused could not be read from the store; delivering, and taking a pause up at the next endpoint sync")]
    private static partial void LogPauseUnknown(ILogger logger, Exception exception, string subscription);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped delivering {Subscription}: it was deleted; deliveries in flight finish")]
    private static partial void LogStopped(ILogger logger, string subscription);
}
