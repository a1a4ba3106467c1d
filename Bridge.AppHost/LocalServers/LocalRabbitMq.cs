using System.Globalization;
using System.Net.Sockets;
using RabbitMQ.Client;

namespace Bridge.AppHost.LocalServers;

/// <summary>
/// Debian's <c>rabbitmq-server</c> (3.10): data, logs and Erlang cookie in its directory, no plugins, user
/// <c>guest</c> with a generated password; <c>ConnectionStrings__{name}</c> = <c>amqp://guest:…@127.0.0.1:{port}</c>
/// like the container resource.
/// </summary>
internal sealed class LocalRabbitMqResource(string name, string directory, ParameterResource password)
    : LocalServerResource(name, "/usr/lib/rabbitmq/bin/rabbitmq-server", directory, password)
{
    public const string UserName = "guest";

    public override ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://{UserName}:{Password}@127.0.0.1:{Port}");
}

internal static class LocalRabbitMqExtensions
{
    /// <summary>
    /// Adds a rabbitmq-server on free loopback ports and the Erlang port mapper it needs as a resource of its own
    /// (<c>{name}-epmd</c>), so that it stops with the application instead of outliving it as a daemon.
    /// </summary>
    public static IResourceBuilder<LocalRabbitMqResource> AddLocalRabbitMq(this IDistributedApplicationBuilder builder, string name)
    {
        var port = ServerDirectory.FreePort();
        var epmdPort = ServerDirectory.FreePort().ToString(CultureInfo.InvariantCulture);
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var rabbit = new LocalRabbitMqResource(name, ServerDirectory.Create(builder, name), password);
        var directory = rabbit.Directory;

        var epmd = builder.AddExecutable($"{name}-epmd", Epmd(), directory, "-port", epmdPort, "-address", "127.0.0.1")
            .WithHealthCheck(builder.AddPortCheck($"{name}-epmd-listening", int.Parse(epmdPort, CultureInfo.InvariantCulture)))
            .ExcludeFromManifest();

        var server = builder.AddLocalServer(rabbit, port, OpenConnectionAsync)
            .WaitFor(epmd)
            .WithEnvironment(context =>
            {
                var environment = new Dictionary<string, string>
                {
                    ["HOME"] = Path.Combine(directory, "home"),
                    ["RABBITMQ_NODENAME"] = $"{name}-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}@localhost",
                    ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
                    ["RABBITMQ_NODE_PORT"] = port.ToString(CultureInfo.InvariantCulture),
                    ["RABBITMQ_DIST_PORT"] = ServerDirectory.FreePort().ToString(CultureInfo.InvariantCulture),
                    ["ERL_EPMD_PORT"] = epmdPort,
                    ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
                    ["RABBITMQ_MNESIA_BASE"] = Path.Combine(directory, "mnesia"),
                    ["RABBITMQ_LOG_BASE"] = Path.Combine(directory, "log"),
                    ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(directory, "enabled_plugins"),
                    ["RABBITMQ_CONFIG_FILE"] = Path.Combine(directory, "rabbitmq.conf"),
                    ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(directory, "rabbitmq-env.conf"),
                    ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}", // distribution on loopback too
                    ["RABBITMQ_LOGS"] = "-", // to standard output: the dashboard's console logs
                    // The script then execs the Erlang VM instead of waiting on it, so the stop signal reaches the VM itself.
                    ["RUNNING_UNDER_SYSTEMD"] = "true",
                };
                foreach (var (key, value) in environment)
                {
                    context.EnvironmentVariables[key] = value;
                }
            })
            .OnBeforeResourceStarted(async (resource, _, cancellationToken) =>
            {
                foreach (var sub in new[] { "home", "mnesia", "log" })
                {
                    Directory.CreateDirectory(Path.Combine(directory, sub));
                }
                var secret = await resource.Password.GetValueAsync(cancellationToken);
                await File.WriteAllTextAsync(Path.Combine(directory, "enabled_plugins"), "[].", cancellationToken);
                await File.WriteAllTextAsync(Path.Combine(directory, "rabbitmq-env.conf"), "", cancellationToken);
                await File.WriteAllLinesAsync(Path.Combine(directory, "rabbitmq.conf"),
                    ["loopback_users = none", $"default_user = {LocalRabbitMqResource.UserName}", $"default_pass = {secret}"], cancellationToken);
            });
        epmd.WithParentRelationship(server);
        return server;
    }

    /// <summary>Opens and closes an AMQP connection.</summary>
    private static async Task OpenConnectionAsync(string connectionString, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = new Uri(connectionString), RequestedConnectionTimeout = TimeSpan.FromSeconds(2) };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
    }

    private static string Epmd() =>
        Directory.Exists("/usr/lib/erlang/bin") && File.Exists("/usr/lib/erlang/bin/epmd")
            ? "/usr/lib/erlang/bin/epmd"
            : throw new InvalidOperationException("/usr/lib/erlang/bin/epmd is missing. Install rabbitmq-server with apt-get (./eng/setup.sh does).");

    /// <summary>Registers a health check that passes once something listens on 127.0.0.1:<paramref name="port"/>; returns its name.</summary>
    public static string AddPortCheck(this IDistributedApplicationBuilder builder, string name, int port)
    {
        builder.Services.AddHealthChecks().AddAsyncCheck(name, async cancellationToken =>
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (SocketException ex)
            {
                return HealthCheckResult.Unhealthy($"nothing listens on 127.0.0.1:{port} yet", ex);
            }
        });
        return name;
    }
}
