namespace Bridge.Transport.AzureServiceBus.Sources;

/// <summary>
/// A Service Bus source, section <c>Bridge:Sources:{source}:ServiceBus</c>: a <see cref="Queue"/>, or a
/// <see cref="Topic"/> and <see cref="Subscription"/>, that another system's messages arrive in.
/// </summary>
public sealed class ServiceBusSourceOptions
{
    /// <summary>The section's name under the source.</summary>
    public const string SectionName = "ServiceBus";

    /// <summary>The namespace's connection string (or its name, for a managed identity); defaults to the transport's (<c>Bridge:AzureServiceBus:ConnectionString</c>, else <c>ConnectionStrings:messaging</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>A queue to read.</summary>
    public string? Queue { get; set; }

    /// <summary>A topic whose <see cref="Subscription"/> to read.</summary>
    public string? Topic { get; set; }

    /// <summary>The topic subscription to read.</summary>
    public string? Subscription { get; set; }

    /// <summary>Whether the entity requires sessions: then one session is read at a time, in order, and its id is the mapping's <c>sessionId</c>.</summary>
    public bool Sessions { get; set; }

    internal string Describe() => Queue is { Length: > 0 } queue
        ? $"Service Bus queue '{queue}'"
        : $"Service Bus subscription '{Subscription}' of topic '{Topic}'";
}
