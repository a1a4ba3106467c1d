using Bridge.Publisher.Sources;
using Bridge.Transport.AzureServiceBus.Sources;
using Bridge.Transport.RabbitMQ.Sources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bridge.Tests.Sources;

/// <summary>A source that cannot work stops the start, with every problem named by its setting.</summary>
public sealed class SourceDefinitionTests
{
    public static TheoryData<string, Dictionary<string, string?>, string> Refused => new()
    {
        { "an unknown topic", new() { ["Topic"] = "nope", ["RabbitMQ:Exchange"] = "erp", ["Mapping:Type"] = "t" }, "Bridge:Sources:erp:Topic: must name a configured topic" },
        { "no broker", new() { ["Topic"] = "orders", ["Mapping:Type"] = "t" }, "Bridge:Sources:erp: needs exactly one broker section (RabbitMQ or ServiceBus), found 0" },
        { "two brokers", new() { ["Topic"] = "orders", ["RabbitMQ:Exchange"] = "erp", ["ServiceBus:Queue"] = "q", ["Mapping:Type"] = "t" }, "found 2" },
        { "neither exchange nor queue", new() { ["Topic"] = "orders", ["RabbitMQ:BindingKey"] = "#", ["Mapping:Type"] = "t" }, "Bridge:Sources:erp:RabbitMQ:Exchange: Set Exchange" },
        { "a prefetch of 0", new() { ["Topic"] = "orders", ["RabbitMQ:Queue"] = "q", ["RabbitMQ:Prefetch"] = "0", ["Mapping:Type"] = "t" }, "Bridge:Sources:erp:RabbitMQ:Prefetch: Must be 1-10000." },
        { "an http connection string", new() { ["Topic"] = "orders", ["RabbitMQ:Queue"] = "q", ["RabbitMQ:ConnectionString"] = "http://broker", ["Mapping:Type"] = "t" }, "Bridge:Sources:erp:RabbitMQ:ConnectionString: Must be an amqp://" },
        { "a topic without its subscription", new() { ["Topic"] = "orders", ["ServiceBus:Topic"] = "dataverse", ["ServiceBus:ConnectionString"] = "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=a", ["Mapping:Type"] = "t" }, "Bridge:Sources:erp:ServiceBus:Subscription: A topic subscription needs both" },
        { "an AMQP URI for Service Bus", new() { ["Topic"] = "orders", ["ServiceBus:Queue"] = "q", ["ServiceBus:ConnectionString"] = "amqp://guest:guest@127.0.0.1:5672/", ["Mapping:Type"] = "t" }, "Bridge:Sources:erp:ServiceBus:ConnectionString: Must be a Service Bus connection string" },
        { "no type", new() { ["Topic"] = "orders", ["RabbitMQ:Queue"] = "q" }, "Bridge:Sources:erp:Mapping" },
        { "a bad expression", new() { ["Topic"] = "orders", ["RabbitMQ:Queue"] = "q", ["Mapping:Type"] = "t", ["Mapping:SubjectFrom"] = "header:x" }, "Bridge:Sources:erp:Mapping:SubjectFrom" },
        { "a prefetch over 65535", new() { ["Topic"] = "orders", ["RabbitMQ:Queue"] = "q", ["RabbitMQ:Prefetch"] = "70000", ["Mapping:Type"] = "t" }, "Bridge:Sources:erp:RabbitMQ: " },
        { "a batch that is no number", new() { ["Topic"] = "orders", ["RabbitMQ:Queue"] = "q", ["Mapping:Type"] = "t", ["MaxBatch"] = "many" }, "Bridge:Sources:erp:MaxBatch: " },
        { "a batch of 0", new() { ["Topic"] = "orders", ["RabbitMQ:Queue"] = "q", ["Mapping:Type"] = "t", ["MaxBatch"] = "0" }, "Bridge:Sources:erp:MaxBatch: must be 1-1000." },
        { "a receipt window of half an hour", new() { ["Topic"] = "orders", ["RabbitMQ:Queue"] = "q", ["Mapping:Type"] = "t", ["ReceiptWindow"] = "00:30:00" }, "Bridge:Sources:erp:ReceiptWindow" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_source_that_cannot_work_stops_the_start_naming_the_setting(string what, Dictionary<string, string?> settings, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Definitions("erp", settings));
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{what}: {error.Message}");
    }

    [Fact]
    public void An_invalid_source_name_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Definitions("ERP Orders", new() { ["Topic"] = "orders", ["RabbitMQ:Queue"] = "q", ["Mapping:Type"] = "t" }));
        Assert.Contains("Bridge:Sources:ERP Orders: a source's name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_source_is_read_with_its_defaults()
    {
        var definitions = Definitions("erp", new() { ["Topic"] = "orders", ["RabbitMQ:Exchange"] = "erp.events", ["Mapping:TypeFrom"] = "property:event_type" });

        var source = Assert.Single(definitions.All);
        Assert.Equal(("erp", "orders", 100, TimeSpan.FromDays(7)), (source.Name, source.Topic, source.MaxBatch, source.ReceiptWindow));
        Assert.Equal("RabbitMQ exchange 'erp.events' (binding '#', queue 'bridge.source.erp')", source.Reader.Describe(source.Name, source.Settings));
        Assert.Equal("property:event_type", source.Mapping.TypeFrom);
        Assert.Same(source, definitions.Find("erp"));
        Assert.Null(definitions.Find("other"));
    }

    private static SourceDefinitions Definitions(string name, Dictionary<string, string?> settings)
    {
        var values = settings.ToDictionary(s => $"Bridge:Sources:{name}:{s.Key}", s => s.Value);
        values["Bridge:Topics:orders:Description"] = "Orders";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var topology = configuration.GetSection(TopologyOptions.SectionName).Get<TopologyOptions>() ?? new TopologyOptions();
        var catalog = new TopologyCatalog(Options.Create(topology));
        return new SourceDefinitions(configuration, catalog,
        [
            new RabbitMqSourceReaderFactory(configuration, NullLoggerFactory.Instance),
            new ServiceBusSourceReaderFactory(configuration, NullLoggerFactory.Instance),
        ]);
    }
}
