using Bridge.Messaging;
using Bridge.Topology;
using Microsoft.Extensions.Logging;

namespace Bridge.Transport.RabbitMQ;

/// <summary>Creates receivers; receivers of one subscription share one session while any of them is open.</summary>
internal sealed class RabbitMqReceiverFactory(RabbitMqBroker broker, RabbitMqDeadLettering deadLettering, RabbitMqScheduler scheduler, ILogger<SubscriptionSession> logger) : ISubscriptionReceiverFactory
{
    private readonly Lock _sync = new();
    private readonly Dictionary<SubscriptionAddress, (SubscriptionSession Session, int Receivers)> _sessions = [];
    private readonly Dictionary<SubscriptionAddress, Task> _closing = [];

    public ISubscriptionReceiver CreateReceiver(SubscriptionAddress address)
    {
        lock (_sync)
        {
            var (session, receivers) = _sessions.TryGetValue(address, out var open)
                ? open
                : (new SubscriptionSession(broker, deadLettering, scheduler, address, _closing.GetValueOrDefault(address, Task.CompletedTask), logger), 0);
            _sessions[address] = (session, receivers + 1);
            return new RabbitMqReceiver(session, () => ReleaseAsync(address));
        }
    }

    /// <summary>The open session of the subscription in this process, if any.</summary>
    public SubscriptionSession? Find(SubscriptionAddress address)
    {
        lock (_sync)
        {
            return _sessions.TryGetValue(address, out var open) ? open.Session : null;
        }
    }

    private async ValueTask ReleaseAsync(SubscriptionAddress address)
    {
        Task? closed = null;
        lock (_sync)
        {
            var (session, receivers) = _sessions[address];
            if (receivers == 1)
            {
                _sessions.Remove(address);
                closed = session.DisposeAsync().AsTask();
                _closing[address] = closed;
            }
            else
            {
                _sessions[address] = (session, receivers - 1);
            }
        }

        if (closed is not null)
        {
            await closed;
        }
    }
}
