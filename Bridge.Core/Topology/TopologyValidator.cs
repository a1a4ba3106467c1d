using System.Text.RegularExpressions;
using Bridge.Envelopes;
using Bridge.Webhooks;
using Microsoft.Extensions.Options;

namespace Bridge.Topology;

/// <summary>
/// Validates the configured topology at start-up. Every failure names the configuration key at fault,
/// e.g. <c>Bridge:Topics:erp-events:Subscriptions:sap:Webhook:Url</c>.
/// </summary>
public sealed partial class TopologyValidator : IValidateOptions<TopologyOptions>
{
    private const string Root = TopologyOptions.SectionName + ":Topics";

    /// <summary>Topic and subscription names: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most 63 characters.</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TopologyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (topic, topicOptions) in options.Topics)
        {
            var topicKey = $"{Root}:{topic}";
            if (!IsValidName(topic))
            {
                failures.Add($"{topicKey}: topic name '{topic}' is invalid; use 1-63 lower-case letters, digits, '.', '_' or '-'.");
            }

            foreach (var (subscription, subscriptionOptions) in topicOptions?.Subscriptions ?? [])
            {
                ValidateSubscription($"{topicKey}:Subscriptions:{subscription}", subscription, subscriptionOptions, failures);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// Validates one subscription's settings (a runtime subscription, made through the API, is held to the same rules as a
    /// configured one). Each failure starts with <paramref name="key"/>.
    /// </summary>
    public static IReadOnlyList<string> ValidateSubscription(string key, string name, SubscriptionOptions options)
    {
        var failures = new List<string>();
        ValidateSubscription(key, name, options, failures);
        return failures;
    }

    private static void ValidateSubscription(string key, string name, SubscriptionOptions? options, List<string> failures)
    {
        if (!IsValidName(name))
        {
            failures.Add($"{key}: subscription name '{name}' is invalid; use 1-63 lower-case letters, digits, '.', '_' or '-'.");
        }

        if (options is null)
        {
            failures.Add($"{key}: the subscription has no settings.");
            return;
        }

        if (options.LockDuration < TimeSpan.FromSeconds(1) || options.LockDuration > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{key}:LockDuration must be between 00:00:01 and 00:10:00 (was {options.LockDuration}).");
        }

        foreach (var property in options.Filter.Properties.Keys)
        {
            if (!CloudEventAttributes.IsValidExtensionName(property) || CloudEventAttributes.IsReserved(property))
            {
                failures.Add($"{key}:Filter:Properties:{property}: property names are 1-20 lower-case letters or digits and not a CloudEvents attribute.");
            }
        }

        if (options.Contract is { } contract)
        {
            if (string.IsNullOrWhiteSpace(contract.Type) || contract.Type.Length > 256 || contract.Type.Any(char.IsControl))
            {
                failures.Add($"{key}:Contract:Type must name an event type of 1-256 characters (was '{contract.Type}').");
            }

            if (contract.MinVersion < 1)
            {
                failures.Add($"{key}:Contract:MinVersion must be at least 1 (was {contract.MinVersion}).");
            }
        }

        if (TopologyCatalog.IsPull(options))
        {
            ValidatePull($"{key}:Pull", options.Pull, failures);
        }
        else if (string.Equals(options.Delivery, SubscriptionDelivery.Push, StringComparison.OrdinalIgnoreCase))
        {
            ValidateWebhook($"{key}:Webhook", options.Webhook, options.LockDuration, failures);
        }
        else
        {
            failures.Add($"{key}:Delivery must be {SubscriptionDelivery.Push} or {SubscriptionDelivery.Pull} (was '{options.Delivery}').");
        }
    }

    private static void ValidatePull(string key, PullOptions pull, List<string> failures)
    {
        if (pull.MaxDeliveries is < 1 or > 100)
        {
            failures.Add($"{key}:MaxDeliveries must be between 1 and 100 (was {pull.MaxDeliveries}).");
        }

        if (pull.Owner is { } owner && (owner.Length is 0 or > 200 || owner.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))))
        {
            failures.Add($"{key}:Owner must be a publisher id of 1-200 characters without spaces (was '{owner}').");
        }
    }

    private static void ValidateWebhook(string key, WebhookOptions webhook, TimeSpan lockDuration, List<string> failures)
    {
        if (!Uri.TryCreate(webhook.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{key}:Url must be an absolute http or https URL (was '{webhook.Url}').");
        }
        else if (!string.IsNullOrEmpty(url.UserInfo))
        {
            failures.Add($"{key}:Url must not carry credentials; use the signing secret.");
        }

        if (!WebhookSecret.TryParse(webhook.Secret, out _, out var secretError))
        {
            failures.Add($"{key}:Secret {secretError}");
        }

        if (webhook.Timeout <= TimeSpan.Zero || webhook.Timeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{key}:Timeout must be greater than zero and at most 00:05:00 (was {webhook.Timeout}).");
        }

        failures.AddRange(Webhooks.Credentials.EndpointCredentials.Validate($"{key}:Credentials", webhook.Credentials, tokenUrl =>
            Uri.TryCreate(tokenUrl, UriKind.Absolute, out var token) && (token.Scheme == Uri.UriSchemeHttps || token.Scheme == Uri.UriSchemeHttp) && string.IsNullOrEmpty(token.UserInfo)
                ? null
                : $"must be an absolute http or https URL without credentials (was '{tokenUrl}')."));

        if (!Webhooks.WebhookFormats.TryParse(webhook.Format, out var format))
        {
            failures.Add($"{key}:Format must be one of {string.Join(", ", Webhooks.WebhookFormats.Names)} (was '{webhook.Format}').");
        }
        else
        {
            failures.AddRange(Webhooks.Batches.BatchRules.Validate(webhook.Batch, format, lockDuration).Select(p => $"{p.ConfigurationKey(key)} {p.Message}"));
        }

        failures.AddRange(Webhooks.Projection.ProjectionRules.Validate(webhook.Projection).Select(p => $"{p.ConfigurationKey(key)} {p.Message}"));

        if (webhook.MaxAttempts is < 1 or > 100)
        {
            failures.Add($"{key}:MaxAttempts must be between 1 and 100 (was {webhook.MaxAttempts}).");
        }

        if (webhook.Concurrency is < 1 or > 512)
        {
            failures.Add($"{key}:Concurrency must be between 1 and 512 (was {webhook.Concurrency}).");
        }

        if (webhook.RetrySchedule.Count > 99 || webhook.RetrySchedule.Any(d => d < TimeSpan.Zero || d > TimeSpan.FromDays(1)))
        {
            failures.Add($"{key}:RetrySchedule must hold at most 99 delays, each between 00:00:00 and 1.00:00:00 (was {string.Join(", ", webhook.RetrySchedule)}).");
        }

        if (webhook.RetryBaseDelay < TimeSpan.Zero || webhook.MaxRetryDelay < webhook.RetryBaseDelay)
        {
            failures.Add($"{key}:RetryBaseDelay must be non-negative and not above MaxRetryDelay (was {webhook.RetryBaseDelay} / {webhook.MaxRetryDelay}).");
        }

        ValidateProtection(key, webhook, failures);
    }

    private static void ValidateProtection(string key, WebhookOptions webhook, List<string> failures)
    {
        if (webhook.RateLimitPerSecond is < 1 or > 100_000)
        {
            failures.Add($"{key}:RateLimitPerSecond must be between 1 and 100000 when set (was {webhook.RateLimitPerSecond}).");
        }

        if (webhook.PauseAfterConsecutiveFailures is < 0 or > 100_000)
        {
            failures.Add($"{key}:PauseAfterConsecutiveFailures must be between 0 (never) and 100000 (was {webhook.PauseAfterConsecutiveFailures}).");
        }

        if (webhook.ProbeInterval < TimeSpan.FromMilliseconds(100) || webhook.ProbeInterval > TimeSpan.FromHours(24))
        {
            failures.Add($"{key}:ProbeInterval must be between 00:00:00.1 and 1.00:00:00 (was {webhook.ProbeInterval}).");
        }

        var breaker = webhook.CircuitBreaker;
        var breakerKey = key + ":CircuitBreaker";
        if (breaker.FailureRatio is <= 0 or > 1 || double.IsNaN(breaker.FailureRatio))
        {
            failures.Add($"{breakerKey}:FailureRatio must be above 0 and at most 1 (was {breaker.FailureRatio}).");
        }

        if (breaker.MinimumThroughput < 2)
        {
            failures.Add($"{breakerKey}:MinimumThroughput must be at least 2 (was {breaker.MinimumThroughput}).");
        }

        if (breaker.SuccessesToClose is < 1 or > 1000)
        {
            failures.Add($"{breakerKey}:SuccessesToClose must be between 1 and 1000 (was {breaker.SuccessesToClose}).");
        }

        foreach (var (name, value) in new[] { ("SamplingDuration", breaker.SamplingDuration), ("BreakDuration", breaker.BreakDuration) })
        {
            if (value < TimeSpan.FromMilliseconds(500) || value > TimeSpan.FromDays(1))
            {
                failures.Add($"{breakerKey}:{name} must be between 00:00:00.5 and 1.00:00:00 (was {value}).");
            }
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
