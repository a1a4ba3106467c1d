using Azure;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Bridge.Messaging;
using Bridge.Topology;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Transport.AzureServiceBus;

/// <summary>
/// Provisions topics (duplicate detection on) and subscriptions (sessions on, so that an ordering key is one session;
/// dead-lettering on filter errors) with their rules. The broker's own delivery limit is set out of reach: Bridge
/// counts deliveries itself (a release gives one back) and dead-letters at the subscription's maximum with the
/// broker's reason, <c>MaxDeliveryCountExceeded</c>.
/// </summary>
internal sealed partial class AzureServiceBusProvisioner(
    ServiceBusConnection connection, DeliveryLimits limits, IOptions<AzureServiceBusTransportOptions> options, ILogger<AzureServiceBusProvisioner> logger)
    : ITopologyProvisioner
{
    /// <summary>The broker-side delivery limit: never reached, Bridge enforces the subscription's own.</summary>
    internal const int BrokerMaxDeliveryCount = int.MaxValue;

    /// <summary>The longest lock Service Bus grants; longer lock durations are kept by renewing.</summary>
    internal static readonly TimeSpan MaxLockDuration = TimeSpan.FromMinutes(5);

    private ServiceBusAdministrationClient Admin => connection.Administration;

    public async Task ProvisionAsync(IReadOnlyCollection<TopicSpec> topics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topics);
        if (connection.IsEmulator)
        {
            await ServiceBusEmulator.VerifyAsync(connection.Client, limits, topics, cancellationToken);
            return;
        }

        var missing = new List<string>();
        foreach (var topic in topics)
        {
            if (!(await Admin.TopicExistsAsync(topic.Name, cancellationToken)).Value)
            {
                if (!options.Value.ManageEntities)
                {
                    missing.Add(topic.Name);
                    continue;
                }

                await IgnoreAlreadyExists(() => Admin.CreateTopicAsync(
                    new CreateTopicOptions(topic.Name)
                    {
                        RequiresDuplicateDetection = true,
                        DuplicateDetectionHistoryTimeWindow = options.Value.DuplicateDetectionWindow,
                    },
                    cancellationToken));
                LogCreated(logger, "topic", topic.Name);
            }

            foreach (var subscription in topic.Subscriptions)
            {
                if (!await ProvisionSubscriptionAsync(subscription, cancellationToken))
                {
                    missing.Add(subscription.Address.ToString());
                }
            }
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"{AzureServiceBusTransportOptions.SectionName}:ManageEntities is false and the namespace lacks: {string.Join(", ", missing)}. " +
                "Declare them (e.g. in the AppHost) or let Bridge manage its entities.");
        }
    }

    public async Task RemoveSubscriptionAsync(SubscriptionAddress address, CancellationToken cancellationToken)
    {
        if (connection.IsEmulator)
        {
            return; // nothing is made at run time on the emulator (IFixedTopology), so nothing is removed there
        }

        try
        {
            await Admin.DeleteSubscriptionAsync(address.Topic, address.Subscription, cancellationToken);
            LogRemoved(logger, address.ToString());
        }
        catch (ServiceBusException ex) when (ex.Reason == ServiceBusFailureReason.MessagingEntityNotFound)
        {
            // Not there: nothing to remove.
        }
    }

    /// <summary>Creates or updates one subscription and its rules; false when it is missing and may not be created.</summary>
    private async Task<bool> ProvisionSubscriptionAsync(SubscriptionSpec spec, CancellationToken cancellationToken)
    {
        var (topic, name) = (spec.Address.Topic, spec.Address.Subscription);
        var lockDuration = spec.LockDuration > MaxLockDuration ? MaxLockDuration : spec.LockDuration;
        var rules = ServiceBusRules.For(spec);
        if (!(await Admin.SubscriptionExistsAsync(topic, name, cancellationToken)).Value)
        {
            if (!options.Value.ManageEntities)
            {
                return false;
            }

            var create = new CreateSubscriptionOptions(topic, name)
            {
                RequiresSession = true,
                LockDuration = lockDuration,
                MaxDeliveryCount = BrokerMaxDeliveryCount,
                EnableDeadLetteringOnFilterEvaluationExceptions = true,
                UserMetadata = ServiceBusEnvelopes.LimitMetadata(spec.MaxDeliveryCount),
            };
            await IgnoreAlreadyExists(() => Admin.CreateSubscriptionAsync(
                create, new CreateRuleOptions(ServiceBusRules.FilterRule, rules[ServiceBusRules.FilterRule]), cancellationToken));
            LogCreated(logger, "subscription", spec.Address.ToString());
        }
        else
        {
            SubscriptionProperties existing = await Admin.GetSubscriptionAsync(topic, name, cancellationToken);
            if (!existing.RequiresSession)
            {
                throw new InvalidOperationException(
                    $"Subscription {spec.Address} exists without sessions; Bridge keeps an ordering key's envelopes in order with sessions. " +
                    "Delete it (its envelopes go with it) or create it with sessions enabled.");
            }

            var metadata = ServiceBusEnvelopes.LimitMetadata(spec.MaxDeliveryCount);
            if (options.Value.ManageEntities
                && (existing.LockDuration != lockDuration || existing.MaxDeliveryCount != BrokerMaxDeliveryCount || existing.UserMetadata != metadata))
            {
                existing.LockDuration = lockDuration;
                existing.MaxDeliveryCount = BrokerMaxDeliveryCount;
                existing.UserMetadata = metadata;
                await Admin.UpdateSubscriptionAsync(existing, cancellationToken);
                LogUpdated(logger, spec.Address.ToString());
            }
        }

        if (options.Value.ManageEntities)
        {
            await ReconcileRulesAsync(topic, name, rules, cancellationToken);
            limits.Remember(spec.Address, spec.MaxDeliveryCount);
        }

        return true;
    }

    /// <summary>Leaves exactly the wanted rules: new ones added first, then changed and foreign ones replaced or removed.</summary>
    private async Task ReconcileRulesAsync(string topic, string name, IReadOnlyDictionary<string, SqlRuleFilter> wanted, CancellationToken cancellationToken)
    {
        var existing = new Dictionary<string, RuleProperties>(StringComparer.Ordinal);
        await foreach (var rule in Admin.GetRulesAsync(topic, name, cancellationToken))
        {
            existing[rule.Name] = rule;
        }

        foreach (var (ruleName, filter) in wanted)
        {
            if (!existing.TryGetValue(ruleName, out var rule))
            {
                await IgnoreAlreadyExists(() => Admin.CreateRuleAsync(topic, name, new CreateRuleOptions(ruleName, filter), cancellationToken));
            }
            else if (!ServiceBusRules.IsSame(rule.Filter, filter))
            {
                rule.Filter = filter;
                await Admin.UpdateRuleAsync(topic, name, rule, cancellationToken);
            }
        }

        foreach (var stale in existing.Keys.Where(k => !wanted.ContainsKey(k)))
        {
            await Admin.DeleteRuleAsync(topic, name, stale, cancellationToken);
        }
    }

    private static async Task IgnoreAlreadyExists<T>(Func<Task<Response<T>>> create)
    {
        try
        {
            await create();
        }
        catch (ServiceBusException ex) when (ex.Reason == ServiceBusFailureReason.MessagingEntityAlreadyExists)
        {
            // Another process created it first.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created Service Bus {Kind} {Name}")]
    private static partial void LogCreated(ILogger logger, string kind, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Updated Service Bus subscription {Name} (lock duration, delivery limit)")]
    private static partial void LogUpdated(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed Service Bus subscription {Name} with its envelopes and dead letters")]
    private static partial void LogRemoved(ILogger logger, string name);
}
