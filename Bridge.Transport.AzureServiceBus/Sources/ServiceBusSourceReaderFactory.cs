using Bridge.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Bridge.Transport.AzureServiceBus.Sources;

/// <summary>Makes readers for sources with a <c>ServiceBus</c> section.</summary>
internal sealed class ServiceBusSourceReaderFactory(IConfiguration configuration, ILoggerFactory loggers) : ISourceReaderFactory
{
    private const int MaxName = 260;

    public string Section => ServiceBusSourceOptions.SectionName;

    public IReadOnlyList<(string Setting, string Message)> Validate(IConfigurationSection settings)
    {
        var options = Bind(settings);
        var errors = new List<(string, string)>();
        var queue = options.Queue is { Length: > 0 };
        var subscription = options.Topic is { Length: > 0 } || options.Subscription is { Length: > 0 };
        if (queue == subscription)
        {
            errors.Add(("Queue", "Set either Queue, or Topic and Subscription."));
        }
        else if (subscription && (options.Topic is not { Length: > 0 } || options.Subscription is not { Length: > 0 }))
        {
            errors.Add((options.Topic is { Length: > 0 } ? "Subscription" : "Topic", "A topic subscription needs both Topic and Subscription."));
        }

        foreach (var (setting, value) in new[] { ("Queue", options.Queue), ("Topic", options.Topic), ("Subscription", options.Subscription) })
        {
            if (value is not null && (value.Length > MaxName || value.Any(char.IsControl)))
            {
                errors.Add((setting, $"Must be at most {MaxName} characters without control characters."));
            }
        }

        if (ConnectionString(options) is not { Length: > 0 } connection)
        {
            errors.Add(("ConnectionString", "Set it, or the transport's Bridge:AzureServiceBus:ConnectionString or ConnectionStrings:messaging."));
        }
        else if (!ServiceBusConnection.IsConnectionString(connection) && !IsNamespace(connection))
        {
            errors.Add(("ConnectionString", "Must be a Service Bus connection string (Endpoint=sb://…) or a namespace such as contoso.servicebus.windows.net."));
        }

        return errors;
    }

    public string Describe(string source, IConfigurationSection settings) => Bind(settings).Describe();

    public ISourceReader Create(string source, IConfigurationSection settings)
    {
        var options = Bind(settings);
        return new ServiceBusSourceReader(source, options, ConnectionString(options)!, loggers.CreateLogger<ServiceBusSourceReader>());
    }

    private static bool IsNamespace(string connection)
    {
        try
        {
            return ServiceBusConnection.NamespaceOf(connection).Contains('.', StringComparison.Ordinal) && !connection.Contains("://", StringComparison.Ordinal) || connection.StartsWith("sb://", StringComparison.OrdinalIgnoreCase);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static ServiceBusSourceOptions Bind(IConfigurationSection settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = new ServiceBusSourceOptions();
        settings.Bind(options);
        return options;
    }

    private string? ConnectionString(ServiceBusSourceOptions options) =>
        options.ConnectionString is { Length: > 0 } own ? own
        : configuration[$"{AzureServiceBusTransportOptions.SectionName}:ConnectionString"] is { Length: > 0 } transport ? transport
        : configuration.GetConnectionString("messaging");
}
