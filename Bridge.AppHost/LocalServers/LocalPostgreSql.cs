using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Bridge.AppHost.LocalServers;

/// <summary>
/// Debian's PostgreSQL 15: a cluster made with <c>initdb</c> in its directory just before it starts, the server on a
/// free loopback port, as the <c>postgres</c> OS user when the AppHost runs as root (the server refuses root).
/// <c>ConnectionStrings__{name}</c> = <c>Host=127.0.0.1;Port=…;Username=postgres;Password=…</c> like the container resource.
/// </summary>
internal sealed class LocalPostgreSqlResource(string name, string command, string directory, ParameterResource password)
    : LocalServerResource(name, command, directory, password)
{
    public const string UserName = "postgres";

    public string DataDirectory => Path.Combine(Directory, "data");

    public override ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host=127.0.0.1;Port={Port};Username={UserName};Password={Password}");
}

/// <summary>A database of a <see cref="LocalPostgreSqlResource"/>, created when the server is ready: <c>ConnectionStrings__{name}</c>.</summary>
internal sealed class LocalPostgreSqlDatabaseResource(string name, string databaseName, LocalPostgreSqlResource parent)
    : Resource(name), IResourceWithParent<LocalPostgreSqlResource>, IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;

    public LocalPostgreSqlResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent.ConnectionStringExpression};Database={DatabaseName}");
}

internal static class LocalPostgreSqlExtensions
{
    private const string Binaries = "/usr/lib/postgresql/15/bin";

    /// <summary>Adds a PostgreSQL server on a free loopback port (fsync off: a throwaway development cluster).</summary>
    public static IResourceBuilder<LocalPostgreSqlResource> AddLocalPostgreSql(this IDistributedApplicationBuilder builder, string name)
    {
        var port = ServerDirectory.FreePort();
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var command = AsServerUser(Path.Combine(Binaries, "postgres"));
        var postgres = new LocalPostgreSqlResource(name, command[0], ServerDirectory.Create(builder, name), password);
        return builder.AddLocalServer(postgres, port, OpenAsync)
            .WithArgs([.. command.Skip(1),
                "-D", postgres.DataDirectory, "-p", port.ToString(CultureInfo.InvariantCulture), "-h", "127.0.0.1", "-k", postgres.Directory,
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200"])
            .OnBeforeResourceStarted((resource, _, cancellationToken) => InitDbAsync(resource, cancellationToken));
    }

    /// <summary>Adds a database that is created once the server is ready; healthy once it accepts connections.</summary>
    public static IResourceBuilder<LocalPostgreSqlDatabaseResource> AddDatabase(this IResourceBuilder<LocalPostgreSqlResource> server, string name)
    {
        var database = new LocalPostgreSqlDatabaseResource(name, name, server.Resource);
        server.OnResourceReady(async (resource, ready, cancellationToken) =>
        {
            var builder = new NpgsqlConnectionStringBuilder(await resource.ConnectionStringExpression.GetValueAsync(cancellationToken)) { Database = "postgres", Pooling = false };
            await using (var connection = new NpgsqlConnection(builder.ConnectionString))
            {
                await connection.OpenAsync(cancellationToken);
                await using var create = connection.CreateCommand();
                create.CommandText = $"CREATE DATABASE \"{database.DatabaseName}\"";
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            // The database is not a process of its own: it runs once it exists, and its health check takes over from there.
            await ready.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database, state => state with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        });
        var healthCheck = $"{name}-reachable";
        server.ApplicationBuilder.Services.AddHealthChecks().AddAsyncCheck(healthCheck, async cancellationToken =>
        {
            try
            {
                await OpenAsync(await database.ConnectionStringExpression.GetValueAsync(cancellationToken) ?? "", cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy($"database {database.DatabaseName} is not there yet: {ex.Message}", ex);
            }
        });
        return server.ApplicationBuilder.AddResource(database).WithHealthCheck(healthCheck).ExcludeFromManifest();
    }

    private static async Task OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var probe = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 2 };
        await using var connection = new NpgsqlConnection(probe.ConnectionString);
        await connection.OpenAsync(cancellationToken);
    }

    /// <summary>Creates the cluster (password authentication over TCP, the password from a file deleted right after).</summary>
    private static async Task InitDbAsync(LocalPostgreSqlResource postgres, CancellationToken cancellationToken)
    {
        if (Directory.Exists(postgres.DataDirectory))
        {
            return; // restarted from the dashboard: keep its data
        }

        var passwordFile = Path.Combine(postgres.Directory, "password");
        await File.WriteAllTextAsync(passwordFile, await postgres.Password.GetValueAsync(cancellationToken), cancellationToken);
        try
        {
            if (Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows())
            {
                // The server's OS user owns its directory; the temp root stays reachable whatever the umask.
                File.SetUnixFileMode(Path.GetDirectoryName(postgres.Directory)!, (UnixFileMode)0b111_101_101);
                await RunAsync(["chown", "-R", "postgres:postgres", postgres.Directory], cancellationToken);
            }
            await RunAsync([.. AsServerUser(Path.Combine(Binaries, "initdb")),
                "-D", postgres.DataDirectory, "-U", LocalPostgreSqlResource.UserName, "--pwfile", passwordFile,
                "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"], cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    /// <summary>
    /// The command line that runs <paramref name="binary"/> as the server's OS user: itself, or as root through
    /// <c>setpriv</c>, which execs it (so the stop signal reaches the server, not a wrapper).
    /// </summary>
    private static string[] AsServerUser(string binary)
    {
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"{binary} is missing. Install postgresql with apt-get (./eng/setup.sh does).");
        }

        return Environment.IsPrivilegedProcess
            ? ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", binary]
            : [binary];
    }

    private static async Task RunAsync(string[] command, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command[0], command.Skip(1))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command[0]} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', command)} exited with {process.ExitCode}:\n{await output}{await errors}");
        }
    }
}
