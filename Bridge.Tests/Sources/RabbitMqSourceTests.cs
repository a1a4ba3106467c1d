namespace Bridge.Tests.Sources;

/// <summary>The source conformance cases on a real rabbitmq-server, written to by a plain RabbitMQ.Client producer.</summary>
public sealed class RabbitMqSourceTests : SourceBehaviour
{
    private protected override async Task<ITestSource> CreateSourceAsync() => await RabbitMqSource.CreateAsync();
}
