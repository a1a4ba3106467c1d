using Aspire.Hosting.Azure;
using Azure.Provisioning;
using Azure.Provisioning.KeyVault;
using Azure.Provisioning.ServiceBus;
using Bridge.Transport.AzureServiceBus;

namespace Bridge.AppHost;

/// <summary>
/// The Azure edition of the same model (compiled only with <c>-p:BridgeEdition=Azure</c>, whose Aspire Azure hosting
/// packages not every feed holds): Azure Service Bus replaces RabbitMQ and Azure SQL replaces PostgreSQL, Redis stays.
/// Run locally they are the Service Bus emulator and a SQL Server container; published (<c>azd up</c>) they are a
/// namespace, an Azure SQL database, a Key Vault and a Container Apps environment, reached with managed identity.
/// </summary>
internal static partial class BridgeResourceExtensions
{
    /// <summary>The emulator refuses a larger delivery limit; Bridge counts its own attempts before the broker's count matters.</summary>
    private const int EmulatorMaxDeliveryCount = 10;

    static partial void UseAzureEdition(IDistributedApplicationBuilder builder, ref BridgeResources bridge)
    {
        // The rules the provisioner gives each subscription (filter, resubmit), declared in the emulator's configuration
        // and in Bicep: the Aspire model's own rules hold correlation filters only.
        var rules = ServiceBusDeclarations.Rules(builder.Configuration);
        var serviceBus = builder.AddAzureServiceBus("messaging")
            .RunAsEmulator(emulator => emulator.WithConfiguration(config => ServiceBusDeclarations.WriteToEmulatorConfig(config, rules)));
        serviceBus.AddBridgeTopology(builder.Configuration.GetSection("Bridge:Topics"), builder.ExecutionContext.IsRunMode);
        serviceBus.ConfigureInfrastructure(infrastructure => DeclareRules(infrastructure, rules));
        var database = builder.AddAzureSqlServer("sql").RunAsContainer().AddDatabase("bridgedb");

        IResourceBuilder<AzureKeyVaultResource>? secrets = null;
        if (builder.ExecutionContext.IsPublishMode)
        {
            builder.AddAzureContainerAppEnvironment("bridge");
            secrets = builder.AddAzureKeyVault("secrets");
        }

        bridge = bridge with
        {
            Messaging = serviceBus,
            Database = database,
            Transport = "azureservicebus",
            StoreProvider = "sqlserver",
            ConfigureService = project =>
            {
                // Data Owner, not only sender and receiver: on a namespace Bridge manages the rules and the run-time subscriptions.
                project.WithRoleAssignments(serviceBus, ServiceBusBuiltInRole.AzureServiceBusDataOwner);
                if (secrets is not null)
                {
                    project.WithReference(secrets).WithRoleAssignments(secrets, KeyVaultBuiltInRole.KeyVaultSecretsUser);
                }
            },
        };
    }

    /// <summary>Adds each rule to its subscription in the namespace's Bicep, as a SQL filter.</summary>
    private static void DeclareRules(AzureResourceInfrastructure infrastructure, IReadOnlyList<DeclaredRule> rules)
    {
        var subscriptions = infrastructure.GetProvisionableResources().OfType<ServiceBusSubscription>().ToList();
        foreach (var rule in rules)
        {
            var subscription = subscriptions.Single(s => s.Name.Value == rule.Subscription && s.Parent?.Name.Value == rule.Topic);
            infrastructure.Add(new ServiceBusRule(Infrastructure.NormalizeBicepIdentifier($"{rule.Topic}-{rule.Subscription}-{rule.Name}"))
            {
                Parent = subscription,
                Name = rule.Name,
                FilterType = ServiceBusFilterType.SqlFilter,
                SqlFilter = new ServiceBusSqlFilter { SqlExpression = rule.SqlExpression },
            });
        }
    }

    /// <summary>
    /// Declares each topic (duplicate detection on) and subscription (sessions on) of <c>Bridge:Topics</c> in the
    /// model — the emulator's configuration locally, Bicep when published — so the services need no administration
    /// client against the emulator. Locally the delivery limit is the emulator's cap (10); on a namespace it is left
    /// to Bridge.
    /// </summary>
    private static void AddBridgeTopology(this IResourceBuilder<AzureServiceBusResource> serviceBus, IConfigurationSection topics, bool emulator)
    {
        foreach (var topic in topics.GetChildren())
        {
            var topicResource = serviceBus.AddServiceBusTopic($"topic-{topic.Key}", topic.Key)
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
                        s.MaxDeliveryCount = emulator ? EmulatorMaxDeliveryCount : int.MaxValue;
                        s.LockDuration = lockDuration > TimeSpan.FromMinutes(5) ? TimeSpan.FromMinutes(5) : lockDuration;
                    });
            }
        }
    }
}
