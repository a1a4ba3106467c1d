using System.Globalization;
using System.Net.Sockets;

namespace Bridge.AppHost.LocalServers;

/// <summary>Debian's <c>redis-server</c>: no persistence, a password, <c>ConnectionStrings__{name}</c> = <c>127.0.0.1:{port},password=…</c> like the container resource.</summary>
internal sealed class LocalRedisResource(string name, string directory, ParameterResource password)
    : LocalServerResource(name, "/usr/bin/redis-server", directory, password)
{
    public override ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"127.0.0.1:{Port},password={Password}");
}

internal static class LocalRedisExtensions
{
    /// <summary>Adds a redis-server on a free loopback port; its configuration (with the password) is written before it starts.</summary>
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name)
    {
        var port = ServerDirectory.FreePort();
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var redis = new LocalRedisResource(name, ServerDirectory.Create(builder, name), password);
        var config = Path.Combine(redis.Directory, "redis.conf");
        return builder.AddLocalServer(redis, port, PingAsync)
            .WithArgs(config)
            .OnBeforeResourceStarted(async (resource, _, cancellationToken) =>
            {
                var secret = await resource.Password.GetValueAsync(cancellationToken);
                await File.WriteAllLinesAsync(config,
                [
                    $"port {port.ToString(CultureInfo.InvariantCulture)}", "bind 127.0.0.1", $"dir {resource.Directory}",
                    "save \"\"", "appendonly no", "daemonize no", $"requirepass {secret}",
                ], cancellationToken);
            });
    }

    /// <summary>Authenticates and pings over the Redis protocol; throws unless both answer OK.</summary>
    private static async Task PingAsync(string connectionString, CancellationToken cancellationToken)
    {
        var parts = connectionString.Split(',');
        var endpoint = parts[0].Split(':');
        var password = parts.Single(p => p.StartsWith("password=", StringComparison.Ordinal))["password=".Length..];
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint[0], int.Parse(endpoint[1], CultureInfo.InvariantCulture), cancellationToken);
        await using var stream = client.GetStream();
        var command = $"*2\r\n$4\r\nAUTH\r\n${Encoding.UTF8.GetByteCount(password)}\r\n{password}\r\n*1\r\n$4\r\nPING\r\n";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(command), cancellationToken);
        var answer = new StringBuilder();
        var buffer = new byte[256];
        while (!answer.ToString().Contains("+PONG", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
            if (read == 0 || answer.ToString().StartsWith('-'))
            {
                throw new InvalidOperationException($"redis answered '{answer.ToString().Trim()}'.");
            }
        }
    }
}
