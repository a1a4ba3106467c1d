using Bridge.AppHost.LocalServers;

namespace Bridge.AppHost;

/// <summary>
/// The servers every Bridge service uses and the settings they share. Redis (<c>cache</c>), RabbitMQ
/// (<c>messaging</c>) and PostgreSQL (database <c>bridgedb</c>) run as containers where a container runtime answers,
/// else as executables from the machine's packages — under the same connection-string names and shapes either way.
/// </summary>
/// <param name="Cache">Redis for delivery dedupe: <c>ConnectionStrings__cache</c>.</param>
/// <param name="Messaging">The broker: <c>ConnectionStrings__messaging</c>, used by the transport <paramref name="Transport"/>.</param>
/// <param name="Database">The Bridge store: <c>ConnectionStrings__bridgedb</c>, used by the provider <paramref name="StoreProvider"/>.</param>
/// <param name="Transport">The value of <c>Bridge:Transport</c> the services get.</param>
/// <param name="StoreProvider">The value of <c>Bridge:Store:Provider</c> the services get.</param>
/// <param name="BootstrapKey">The API key of the first calls (<c>Bridge:Security:BootstrapKey</c>), parameter <c>bootstrap-key</c>.</param>
/// <param name="Settings">The AppHost's <c>Bridge</c> section (topics, subscriptions, options) every service is given, without <c>Bridge:AppHost</c>.</param>
/// <param name="SubscriberReplicas">How many subscriber processes run (<c>Bridge:AppHost:SubscriberReplicas</c>).</param>
internal sealed record BridgeResources(
    IResourceBuilder<IResourceWithConnectionString> Cache,
    IResourceBuilder<IResourceWithConnectionString> Messaging,
    IResourceBuilder<IResourceWithConnectionString> Database,
    string Transport,
    string StoreProvider,
    IResourceBuilder<ParameterResource> BootstrapKey,
    IReadOnlyList<KeyValuePair<string, string>> Settings,
    int SubscriberReplicas)
{
    /// <summary>What an edition adds to every service beyond the connections and settings (e.g. role assignments).</summary>
    public Action<IResourceBuilder<ProjectResource>> ConfigureService { get; init; } = _ => { };
}

internal static partial class BridgeResourceExtensions
{
    private const string AppHostSection = "Bridge:AppHost";

    /// <summary>Adds Redis, RabbitMQ and PostgreSQL (containers or executables, see <see cref="ServerChoice"/>) and reads the shared settings.</summary>
    public static BridgeResources AddBridgeResources(this IDistributedApplicationBuilder builder)
    {
        IResourceBuilder<IResourceWithConnectionString> cache, messaging, database;
        if (builder.UseContainers())
        {
            cache = builder.AddRedis("cache");
            messaging = builder.AddRabbitMQ("messaging");
            database = builder.AddPostgres("postgres").AddDatabase("bridgedb");
        }
        else
        {
            cache = builder.AddLocalRedis("cache");
            messaging = builder.AddLocalRabbitMq("messaging");
            database = builder.AddLocalPostgres("postgres").AddDatabase("bridgedb");
        }

        var settings = builder.Configuration.GetSection("Bridge").AsEnumerable()
            .Where(s => s.Value is not null && !s.Key.StartsWith(AppHostSection, StringComparison.OrdinalIgnoreCase))
            .Select(s => KeyValuePair.Create(s.Key, s.Value!))
            .ToList();
        var bridge = new BridgeResources(
            cache, messaging, database, Transport: "rabbitmq", StoreProvider: "postgresql",
            BootstrapKey: builder.AddParameter("bootstrap-key", secret: true),
            Settings: settings,
            SubscriberReplicas: builder.Configuration.GetValue($"{AppHostSection}:SubscriberReplicas", 2));
        UseAzureEdition(builder, ref bridge);
        return bridge;
    }

    /// <summary>
    /// Gives a service its connections (started once each server is healthy), selects its transport, store and Redis
    /// dedupe, passes the shared settings and the bootstrap key, and reports it healthy once its <c>/health</c> passes.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithBridge(this IResourceBuilder<ProjectResource> project, BridgeResources bridge)
    {
        project
            .WithReference(bridge.Cache).WaitFor(bridge.Cache)
            .WithReference(bridge.Messaging).WaitFor(bridge.Messaging)
            .WithReference(bridge.Database).WaitFor(bridge.Database)
            .WithEnvironment("Bridge__Transport", bridge.Transport)
            .WithEnvironment("Bridge__Store__Provider", bridge.StoreProvider)
            .WithEnvironment("Bridge__Dedupe__Store", "redis")
            .WithEnvironment("Bridge__Security__BootstrapKey", bridge.BootstrapKey)
            .WithHttpHealthCheck("/health");
        foreach (var (key, value) in bridge.Settings)
        {
            project.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
        }

        bridge.ConfigureService(project);
        return project;
    }

    /// <summary>The Azure edition's resources (<c>Azure/</c>, built with <c>-p:BridgeEdition=Azure</c>) replace or add to these.</summary>
    static partial void UseAzureEdition(IDistributedApplicationBuilder builder, ref BridgeResources bridge);
}
