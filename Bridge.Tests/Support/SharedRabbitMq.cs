[assembly: AssemblyFixture(typeof(Bridge.Tests.Support.SharedRabbitMq))]

namespace Bridge.Tests.Support;

/// <summary>
/// The one rabbitmq-server of a test run: started on first use, stopped at the end of the run (as an assembly
/// fixture) if a test started it.
/// </summary>
public sealed class SharedRabbitMq : IAsyncDisposable
{
    private static readonly Lazy<Task<RabbitMqServer>> Shared = new(() => RabbitMqServer.StartAsync("bridge-test"));

    /// <summary>The server of this run, started on first use.</summary>
    public static Task<RabbitMqServer> GetAsync() => Shared.Value;

    /// <summary>Points <paramref name="topology"/> at this run's server, under its own name prefix.</summary>
    public static async Task<TestTopology> UseAsync(TestTopology topology, string prefix)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var server = await GetAsync();
        return topology
            .With("Bridge:Transport", "rabbitmq")
            .With("ConnectionStrings:messaging", server.ConnectionString)
            .With("Bridge:RabbitMQ:Prefix", prefix + Guid.NewGuid().ToString("N")[..8]);
    }

    public async ValueTask DisposeAsync()
    {
        if (Shared.IsValueCreated && Shared.Value.IsCompletedSuccessfully)
        {
            await Shared.Value.Result.DisposeAsync();
        }
    }
}
