using Bridge.Messaging;
using Bridge.Subscriber.Endpoints;
using Bridge.Topology;

namespace Bridge.Subscriber.Delivery;

/// <summary>
/// Runs one <see cref="SubscriptionWorker"/> per configured subscription. On shutdown it stops receiving, lets
/// in-flight deliveries finish within the host's shutdown timeout, and only then cancels what still runs
/// (those envelopes are abandoned and delivered again later).
/// </summary>
internal sealed partial class DeliveryService(
    TopologyCatalog catalog,
    ISubscriptionReceiverFactory receivers,
    DeliveryProcessor processor,
    EndpointRegistry endpoints,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly CancellationTokenSource _abort = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var logger = loggerFactory.CreateLogger<DeliveryService>();
        var workers = new List<Task>();
        foreach (var subscription in catalog.Subscriptions)
        {
            var receiver = receivers.CreateReceiver(subscription.Address);
            var worker = new SubscriptionWorker(subscription, receiver, endpoints.Get(subscription.Address), processor, loggerFactory.CreateLogger<SubscriptionWorker>());
            workers.Add(RunWorkerAsync(worker, receiver, stoppingToken));
            LogStarted(logger, subscription.Address.ToString(), subscription.Webhook.Url, subscription.Webhook.Concurrency);
        }

        await Task.WhenAll(workers);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.Register(_abort.Cancel);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    private async Task RunWorkerAsync(SubscriptionWorker worker, ISubscriptionReceiver receiver, CancellationToken stoppingToken)
    {
        await using (receiver)
        {
            await worker.RunAsync(stoppingToken, _abort.Token);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivering {Subscription} to {Url} with concurrency {Concurrency}")]
    private static partial void LogStarted(ILogger logger, string subscription, Uri url, int concurrency);
}
