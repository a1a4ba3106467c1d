using Aspire.Hosting.Azure;
using Azure.Provisioning.KeyVault;
using Azure.Provisioning.ServiceBus;
using Microsoft.Extensions.Configuration;

namespace Bridge.AppHost;

/// <summary>
/// The backing resources every Bridge service uses, and the topology they share. Locally Service Bus runs as the
/// emulator, SQL and Redis as containers; published (<c>azd up</c>) they are an Azure Service Bus namespace, an Azure
/// SQL database, Redis in the Container Apps environment and a Key Vault, reached with managed identity.
/// </summary>
/// <param name="Messaging">Service Bus: <c>ConnectionStrings__messaging</c>.</param>
/// <param name="Database">The Bridge database: <c>ConnectionStrings__bridgedb</c>.</param>
/// <param name="Cache">Redis for delivery dedupe: <c>ConnectionStrings__cache</c>.</param>
/// <param name="Secrets">Key Vault for publisher keys and the bootstrap key (published only): <c>ConnectionStrings__secrets</c>.</param>
/// <param name="Topology">The <c>Bridge:Topics</c> section the services and the namespace are given.</param>
/// <param name="SubscriberReplicas">How many subscriber processes run (<c>Bridge:SubscriberReplicas</c>).</param>
/// <param name="LocalBootstrapKey">
/// Run mode only: the <c>Bridge:BootstrapKey</c> of the AppHost's user secrets, handed to the services for the first
/// calls. Published deployments take it from Key Vault instead, never from the AppHost.
/// </param>
internal sealed record BridgeResources(
    IResourceBuilder<AzureServiceBusResource> Messaging,
    IResourceBuilder<AzureSqlDatabaseResource> Database,
    IResourceBuilder<RedisResource> Cache,
    IResourceBuilder<AzureKeyVaultResource>? Secrets,
    IConfigurationSection Topology,
    int SubscriberReplicas,
    string? LocalBootstrapKey);

internal static class BridgeResourceExtensions
{
    /// <summary>Adds Service Bus (with the topology's topics and subscriptions), SQL, Redis and, when published, Key Vault and the Container Apps environment.</summary>
    public static BridgeResources AddBridgeResources(this IDistributedApplicationBuilder builder)
    {
        var messaging = builder.AddAzureServiceBus("messaging").RunAsEmulator();
        var topology = builder.Configuration.GetSection("Bridge:Topics");
        messaging.AddBridgeTopology(topology);

        var database = builder.AddAzureSqlServer("sql").RunAsContainer().AddDatabase("bridgedb");
        var cache = builder.AddRedis("cache");

        IResourceBuilder<AzureKeyVaultResource>? secrets = null;
        if (builder.ExecutionContext.IsPublishMode)
        {
            builder.AddAzureContainerAppEnvironment("bridge");
            secrets = builder.AddAzureKeyVault("secrets");
        }

        var replicas = builder.Configuration.GetValue("Bridge:SubscriberReplicas", 2);
        var bootstrapKey = builder.ExecutionContext.IsRunMode ? builder.Configuration["Bridge:BootstrapKey"] : null;
        return new BridgeResources(messaging, database, cache, secrets, topology, replicas, bootstrapKey);
    }

    /// <summary>
    /// Gives a service its connections (waiting for each resource to be ready), selects the Azure Service Bus
    /// transport, the SQL Server store and Redis dedupe, and passes it the topology.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithBridge(this IResourceBuilder<ProjectResource> project, BridgeResources bridge)
    {
        project
            .WithReference(bridge.Messaging).WaitFor(bridge.Messaging)
            .WithReference(bridge.Database).WaitFor(bridge.Database)
            .WithReference(bridge.Cache).WaitFor(bridge.Cache)
            .WithEnvironment("Bridge__Transport", "azureservicebus")
            .WithEnvironment("Bridge__Store__Provider", "sqlserver")
            .WithEnvironment("Bridge__Dedupe__Store", "redis");
        if (!string.IsNullOrEmpty(bridge.LocalBootstrapKey))
        {
            project.WithEnvironment("Bridge__Security__BootstrapKey", bridge.LocalBootstrapKey);
        }

        if (bridge.Secrets is not null)
        {
            project.WithReference(bridge.Secrets).WithRoleAssignments(bridge.Secrets, KeyVaultBuiltInRole.KeyVaultSecretsUser);
        }

        // Data Owner, not only sender and receiver: Bridge manages its rules and the subscriptions recipes create at run time.
        project.WithRoleAssignments(bridge.Messaging, ServiceBusBuiltInRole.AzureServiceBusDataOwner);

        foreach (var (key, value) in bridge.Topology.AsEnumerable())
        {
            if (value is not null)
            {
                project.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        return project;
    }

    /// <summary>
    /// Declares each topic (duplicate detection on) and subscription (sessions on, the delivery limit left to Bridge)
    /// of <c>Bridge:Topics</c> on the namespace — in the emulator's configuration locally, in Bicep when published.
    /// Bridge adds each subscription's filter rules at start-up with the administration client.
    /// </summary>
    public static void AddBridgeTopology(this IResourceBuilder<AzureServiceBusResource> messaging, IConfigurationSection topology)
    {
        foreach (var topic in topology.GetChildren())
        {
            var topicResource = messaging.AddServiceBusTopic($"topic-{topic.Key}", topic.Key)
                .WithProperties(t =>
                {
                    t.RequiresDuplicateDetection = true;
                    t.DuplicateDetectionHistoryTimeWindow = TimeSpan.FromMinutes(10);
                });
            foreach (var subscription in topic.GetSection("Subscriptions").GetChildren())
            {
                var lockDuration = subscription.GetValue<TimeSpan?>("LockDuration") ?? TimeSpan.FromMinutes(1);
                topicResource.AddServiceBusSubscription($"{topic.Key}-{subscription.Key}", subscription.Key)
                    .WithProperties(s =>
                    {
                        s.RequiresSession = true;
                        s.MaxDeliveryCount = int.MaxValue;
                        s.LockDuration = lockDuration > TimeSpan.FromMinutes(5) ? TimeSpan.FromMinutes(5) : lockDuration;
                    });
            }
        }
    }
}
