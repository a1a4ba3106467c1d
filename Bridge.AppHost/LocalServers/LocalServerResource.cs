namespace Bridge.AppHost.LocalServers;

/// <summary>
/// A server the AppHost runs as an executable from the machine's packages, listening on one loopback port, with the
/// same connection-string name and shape as the container resource it stands in for.
/// </summary>
internal abstract class LocalServerResource(string name, string command, string directory, ParameterResource password)
    : ExecutableResource(name, command, directory), IResourceWithConnectionString
{
    /// <summary>The name of its one endpoint.</summary>
    public const string EndpointName = "tcp";

    /// <summary>Its data directory (deleted when the application stops).</summary>
    public string Directory { get; } = directory;

    /// <summary>The password clients use.</summary>
    public ParameterResource Password { get; } = password;

    /// <summary>The loopback endpoint it listens on.</summary>
    public EndpointReference Endpoint => field ??= new EndpointReference(this, EndpointName);

    /// <summary>The port clients connect to.</summary>
    public EndpointReferenceExpression Port => Endpoint.Property(EndpointProperty.Port);

    public abstract ReferenceExpression ConnectionStringExpression { get; }
}

/// <summary>What adding any local server shares.</summary>
internal static class LocalServerExtensions
{
    /// <summary>
    /// Adds <paramref name="server"/> with its loopback endpoint on a free port (not proxied: the server binds it
    /// itself) and a health check that runs <paramref name="probe"/> against its connection string.
    /// </summary>
    public static IResourceBuilder<T> AddLocalServer<T>(
        this IDistributedApplicationBuilder builder, T server, int port, Func<string, CancellationToken, Task> probe)
        where T : LocalServerResource
    {
        var healthCheck = $"{server.Name}-reachable";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheck, _ => new ConnectionProbe(server, probe), failureStatus: null, tags: null));
        return builder.AddResource(server)
            .WithEndpoint(port: port, targetPort: port, name: LocalServerResource.EndpointName, isProxied: false)
            .WithHealthCheck(healthCheck)
            .ExcludeFromManifest();
    }

    /// <summary>Healthy once a client can use the server with its connection string.</summary>
    private sealed class ConnectionProbe(IResourceWithConnectionString server, Func<string, CancellationToken, Task> probe) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken)
                    ?? throw new InvalidOperationException($"{server.Name} has no connection string yet.");
                await probe(connectionString, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy($"{server.Name} does not accept connections yet: {ex.Message}", ex);
            }
        }
    }
}
