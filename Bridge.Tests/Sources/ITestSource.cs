using Bridge.Tests.Support;

namespace Bridge.Tests.Sources;

/// <summary>A broker entity "another system" writes to with the broker's own client library, and the source settings that read it.</summary>
internal interface ITestSource : IAsyncDisposable
{
    /// <summary>The broker kind as <c>GET /api/sources</c> names it.</summary>
    string Broker { get; }

    /// <summary>The broker field the publishing key lands in (RabbitMQ: the routing key; Service Bus: the subject).</summary>
    string KeyField { get; }

    /// <summary>A source named <paramref name="name"/> reading this entity into <paramref name="topic"/>, with mapping settings under <c>Mapping:</c>.</summary>
    TestTopology Configure(TestTopology topology, string name, string topic, IReadOnlyDictionary<string, string> mapping);

    /// <summary>Sends one message, durably.</summary>
    Task PublishAsync(string key, byte[] body, string? contentType = null, string? messageId = null, string? correlationId = null, IDictionary<string, object?>? headers = null);
}

internal static class TestSourceExtensions
{
    public static Task PublishJsonAsync(this ITestSource source, string key, string json, string? messageId = null, IDictionary<string, object?>? headers = null, string? correlationId = null) =>
        source.PublishAsync(key, Encoding.UTF8.GetBytes(json), "application/json", messageId, correlationId, headers);
}
