using Bridge.AppHost.LocalServers;

namespace Bridge.AppHost;

/// <summary>
/// The servers every Bridge service uses and the settings they share. Redis (<c>cache</c>), RabbitMQ
/// (<c>messaging</c>) and PostgreSQL (database <c>bridgedb</c>) run as containers where a container runtime answers,
/// else as executables from the machine's packages — under the same connection-string names and shapes either way.
/// </summary>
/// <param name="Cache">Redis for delivery dedupe: <c>ConnectionStrings__cache</c>.</param>
/// <param name="Messaging">The broker: <c>ConnectionStrings__messaging</c>, used by the transport <paramref name="Transport"/> (null until added).</param>
/// <param name="Database">The Bridge store: <c>ConnectionStrings__bridgedb</c>, used by the provider <paramref name="StoreProvider"/> (null until added).</param>
/// <param name="Transport">The value of <c>Bridge:Transport</c> the services get.</param>
/// <param name="StoreProvider">The value of <c>Bridge:Store:Provider</c> the services get.</param>
/// <param name="BootstrapKey">The API key of the first calls (<c>Bridge:Security:BootstrapKey</c>), parameter <c>bootstrap-key</c>.</param>
/// <param name="Settings">The AppHost's <c>Bridge</c> section (topics, subscriptions, options) every service is given, without <c>Bridge:AppHost</c>.</param>
/// <param name="SubscriberReplicas">How many subscriber processes run (<c>Bridge:AppHost:SubscriberReplicas</c>).</param>
internal sealed record BridgeResources(
    IResourceBuilder<IResourceWithConnectionString> Cache,
    IResourceBuilder<IResourceWithConnectionString>? Messaging,
    IResourceBuilder<IResourceWithConnectionString>? Database,
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
        var containers = builder.UseContainers();
        var settings = builder.Configuration.GetSection("Bridge").AsEnumerable()
            .Where(s => s.Value is not null && !s.Key.StartsWith(AppHostSection, StringComparison.OrdinalIgnoreCase))
            .Select(s => KeyValuePair.Create(s.Key, s.Value!))
            .ToList();
        var bridge = new BridgeResources(
            Cache: containers ? builder.AddRedis("cache") : builder.AddLocalRedis("cache"),
            Messaging: null,
            Database: null,
            Transport: "rabbitmq",
            StoreProvider: "postgresql",
            BootstrapKey: builder.AddParameter("bootstrap-key", secret: true),
            Settings: settings,
            SubscriberReplicas: builder.Configuration.GetValue($"{AppHostSection}:SubscriberReplicas", 2));
        UseAzureEdition(builder, ref bridge);
        if (containers)
        {
            return bridge with
            {
                Messaging = bridge.Messaging ?? builder.AddRabbitMQ("messaging"),
                Database = bridge.Database ?? builder.AddPostgres("postgres").AddDatabase("bridgedb"),
            };
        }

        return bridge with
        {
            Messaging = bridge.Messaging ?? builder.AddLocalRabbitMq("messaging"),
            Database = bridge.Database ?? builder.AddLocalPostgreSql("postgres").AddDatabase("bridgedb"),
        };
    }

    /// <summary>
    /// Gives a service its connections (started once each server is healthy), selects its transport, store and Redis
    /// dedupe, passes the shared settings and the bootstrap key, and reports it healthy once its <c>/health</c> passes.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithBridge(this IResourceBuilder<ProjectResource> project, BridgeResources bridge)
    {
        project
            .WithReference(bridge.Cache).WaitFor(bridge.Cache)
            .WithReference(bridge.Messaging!).WaitFor(bridge.Messaging!)
            .WithReference(bridge.Database!).WaitFor(bridge.Database!)
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

    /// <summary>The Azure edition (<c>Azure/</c>, built with <c>-p:BridgeEdition=Azure</c>) sets the broker and the store before the core's are added.</summary>
    static partial void UseAzureEdition(IDistributedApplicationBuilder builder, ref BridgeResources bridge);
}
