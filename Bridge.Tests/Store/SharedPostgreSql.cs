[assembly: AssemblyFixture(typeof(Bridge.Tests.Store.SharedPostgreSql))]

namespace Bridge.Tests.Store;

/// <summary>
/// The one PostgreSQL server of a test run: started on first use, stopped at the end of the run (as an assembly
/// fixture) if a test started it. Each test works in a database of its own.
/// </summary>
public sealed class SharedPostgreSql : IAsyncDisposable
{
    private static readonly Lazy<Task<PostgreSqlServer>> Shared = new(PostgreSqlServer.StartAsync);

    /// <summary>The server of this run, started on first use.</summary>
    public static Task<PostgreSqlServer> GetAsync() => Shared.Value;

    /// <summary>A new, empty database on the server of this run; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var server = await GetAsync();
        return await server.CreateDatabaseAsync("t_" + Guid.NewGuid().ToString("N"));
    }

    public async ValueTask DisposeAsync()
    {
        if (Shared.IsValueCreated && Shared.Value.IsCompletedSuccessfully)
        {
            await Shared.Value.Result.DisposeAsync();
        }
    }
}
