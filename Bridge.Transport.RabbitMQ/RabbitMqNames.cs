using Bridge.Topology;

namespace Bridge.Transport.RabbitMQ;

/// <summary>How topics and subscriptions map to exchanges and queues.</summary>
internal sealed class RabbitMqNames(string prefix)
{
    /// <summary>Header carrying the ordering key.</summary>
    public const string OrderingKeyHeader = "bridge-ordering-key";

    /// <summary>Headers a dead letter carries.</summary>
    public const string ReasonHeader = "bridge-dead-letter-reason";
    public const string DescriptionHeader = "bridge-dead-letter-description";
    public const string DeadLetteredAtHeader = "bridge-dead-lettered-at";
    public const string DeliveryCountHeader = "bridge-delivery-count";
    public const string EnqueuedAtHeader = "bridge-enqueued-at";

    /// <summary>Deliveries a message had before it went through a delay queue for a retry (the queue it returns to counts afresh).</summary>
    public const string PriorDeliveriesHeader = "bridge-prior-deliveries";

    /// <summary>The quorum queues' own redelivery counter.</summary>
    public const string BrokerDeliveryCountHeader = "x-delivery-count";

    /// <summary>The topic's exchange (direct; routing key = subscription name).</summary>
    public string Exchange(string topic) => $"{prefix}.topic.{topic}";

    /// <summary>The subscription's queue (quorum).</summary>
    public string Queue(SubscriptionAddress address) => $"{prefix}.{address.Topic}.{address.Subscription}";

    /// <summary>The subscription's dead-letter queue.</summary>
    public string DeadLetterQueue(SubscriptionAddress address) => Queue(address) + ".dead-letter";
}
