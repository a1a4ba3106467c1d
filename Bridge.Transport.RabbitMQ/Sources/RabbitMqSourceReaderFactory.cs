using Bridge.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Bridge.Transport.RabbitMQ.Sources;

/// <summary>Makes readers for sources with a <c>RabbitMQ</c> section.</summary>
internal sealed class RabbitMqSourceReaderFactory(IConfiguration configuration, ILoggerFactory loggers) : ISourceReaderFactory
{
    private const int MaxName = 255;

    public string Section => RabbitMqSourceOptions.SectionName;

    public IReadOnlyList<(string Setting, string Message)> Validate(IConfigurationSection settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = Bind(settings);
        var errors = new List<(string, string)>();
        var exchange = options.Exchange is { Length: > 0 };
        var queue = options.Queue is { Length: > 0 };
        if (!exchange && !queue)
        {
            errors.Add(("Exchange", "Set Exchange (Bridge binds a queue of its own to it) or Queue (an existing queue Bridge consumes)."));
        }

        foreach (var (setting, value) in new[] { ("Exchange", options.Exchange), ("Queue", options.Queue), ("BindingKey", options.BindingKey) })
        {
            if (value is not null && (value.Length > MaxName || value.Any(char.IsControl)))
            {
                errors.Add((setting, $"Must be at most {MaxName} characters without control characters."));
            }
        }

        if (options.Prefetch is < 1 or > 10_000)
        {
            errors.Add(("Prefetch", "Must be 1-10000."));
        }

        if (!Uri.TryCreate(ConnectionString(options), UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
        {
            errors.Add(("ConnectionString", "Must be an amqp:// or amqps:// URI."));
        }

        return errors;
    }

    public string Describe(string source, IConfigurationSection settings) => Bind(settings).Describe(source);

    public ISourceReader Create(string source, IConfigurationSection settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = Bind(settings);
        return new RabbitMqSourceReader(source, options, ConnectionString(options), loggers.CreateLogger<RabbitMqSourceReader>());
    }

    private static RabbitMqSourceOptions Bind(IConfigurationSection settings)
    {
        var options = new RabbitMqSourceOptions();
        settings.Bind(options);
        return options;
    }

    private string ConnectionString(RabbitMqSourceOptions options) =>
        options.ConnectionString is { Length: > 0 } own ? own
        : configuration[$"{RabbitMqTransportOptions.SectionName}:ConnectionString"] is { Length: > 0 } transport ? transport
        : configuration.GetConnectionString("messaging") is { Length: > 0 } shared ? shared
        : new RabbitMqTransportOptions().ConnectionString;
}
