using System.Security.Cryptography;
using Bridge.Envelopes;
using Bridge.Topology;
using Bridge.Webhooks;
using Bridge.Webhooks.Batches;
using Bridge.Webhooks.Credentials;
using Bridge.Webhooks.Projection;

namespace Bridge.Subscriptions;

/// <summary>Checks a <see cref="SubscriptionRequest"/> and turns it into what the store keeps, naming every problem.</summary>
internal static class SubscriptionRequests
{
    /// <summary>Longest lock a delivery or a receive may hold, in seconds (as for a configured subscription).</summary>
    private const double MaxLockDurationSeconds = 600;

    /// <summary>
    /// The name, URL (null for a pull subscription), settings and credentials to the endpoint (null for none) of a valid
    /// request; otherwise <paramref name="errors"/> lists each problem by field.
    /// </summary>
    public static (string Name, Uri? Url, SubscriptionSettings Settings, CredentialOptions? Credentials)? Read(
        SubscriptionRequest? request, string? routeName, WebhookUrlPolicy urls, SubscriptionOptions defaults, out Dictionary<string, string[]> errors)
    {
        errors = [];
        if (request is null)
        {
            errors["body"] = ["A JSON body is required, with at least 'url' for a push subscription or \"delivery\": \"pull\"."];
            return null;
        }

        var name = routeName ?? request.Name ?? "sub-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        if (routeName is not null && request.Name is not null && request.Name != routeName)
        {
            errors["name"] = [$"name '{request.Name}' differs from the route's '{routeName}'; a subscription cannot be renamed."];
        }
        else if (!TopologyValidator.IsValidName(name))
        {
            errors["name"] = ["name must be 1-63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit."];
        }

        if (request.Description is { } description && (description.Length > 1000 || description.Any(char.IsControl)))
        {
            errors["description"] = ["description must be at most 1000 characters without control characters."];
        }

        var delivery = ReadDelivery(request.Delivery, errors);
        var pull = delivery == SubscriptionDelivery.Pull;
        var schedule = request.RetryScheduleSeconds;
        Check(errors, "retryScheduleSeconds", schedule is null || (schedule.Count is >= 1 and <= 99 && schedule.All(s => s is >= 0 and <= 86_400)),
            "retryScheduleSeconds must hold 1-99 delays, each between 0 and 86400 seconds.");
        Check(errors, "retryScheduleSeconds", schedule is null || request.MaxAttempts is null,
            "give either maxAttempts or retryScheduleSeconds: a schedule sets the attempts itself (one more than its delays).");
        var maxAttempts = request.MaxAttempts ?? (schedule is { Count: > 0 } ? schedule.Count + 1 : pull ? defaults.Pull.MaxDeliveries : defaults.Webhook.MaxAttempts);
        Check(errors, "maxAttempts", maxAttempts is >= 1 and <= 100,
            pull ? "maxAttempts (receives before a dead letter) must be between 1 and 100." : "maxAttempts must be between 1 and 100.");
        var lockDuration = request.LockDurationSeconds;
        Check(errors, "lockDurationSeconds", lockDuration is null || lockDuration is >= 1 and <= MaxLockDurationSeconds,
            $"lockDurationSeconds must be between 1 and {MaxLockDurationSeconds}.");

        Uri? url = null;
        WebhookChoices? webhook = null;
        CredentialOptions? credentials = null;
        if (pull)
        {
            RefuseWebhookFields(request, errors);
        }
        else if (delivery is not null)
        {
            var locks = lockDuration is >= 1 and <= MaxLockDurationSeconds ? TimeSpan.FromSeconds(lockDuration.Value) : defaults.LockDuration;
            webhook = ReadWebhook(request, urls, defaults.Webhook, locks, errors, out url);
            credentials = CredentialRequests.Read(request.Credentials, urls, errors);
        }

        var filter = request.Filter;
        var types = filter?.Types ?? [];
        Check(errors, "filter.types", types.Count <= 100 && types.All(t => t is { Length: > 0 and <= 256 } && !t.Any(char.IsControl)),
            "filter.types must hold at most 100 event types of 1-256 characters without control characters.");
        var subject = string.IsNullOrEmpty(filter?.Subject) ? null : filter.Subject;
        Check(errors, "filter.subject", subject is null || (subject.Length <= 1024 && !subject.Any(char.IsControl)),
            "filter.subject must be at most 1024 characters without control characters.");
        var properties = filter?.Properties ?? new Dictionary<string, string>();
        Check(errors, "filter.properties", properties.Count <= 20 && properties.All(p =>
                CloudEventAttributes.IsValidExtensionName(p.Key) && !CloudEventAttributes.IsReserved(p.Key) && p.Value is { Length: <= 1024 }),
            "filter.properties names must be 1-20 lower-case letters or digits and not a CloudEvents attribute; values at most 1024 characters; at most 20 properties.");

        if (errors.Count > 0)
        {
            return null;
        }

        var settings = new SubscriptionSettings([.. types], subject, new Dictionary<string, string>(properties, StringComparer.Ordinal),
            webhook?.TimeoutSeconds, maxAttempts, webhook?.Concurrency, request.Ordered ?? false, webhook?.Format)
        {
            Projection = webhook is null ? null : request.Projection,
            RetryScheduleSeconds = webhook is null ? null : schedule,
            Batch = webhook is null ? null : request.Batch,
            Delivery = delivery,
            LockDurationSeconds = lockDuration,
            Credentials = credentials is null ? null : SubscriptionCredentials.Of(EndpointCredentials.From(credentials)),
        };

        // The same rules as a configured subscription, as a backstop (defaults included).
        var options = settings.ToOptions(defaults, url?.AbsoluteUri, pull ? null : WebhookSecret.Generate(), null, credentials);
        if (TopologyValidator.ValidateSubscription("subscription", name, options) is { Count: > 0 } failures)
        {
            errors["subscription"] = [.. failures];
            return null;
        }
        return (name, url, settings, credentials);
    }

    /// <summary><c>push</c> (also when omitted) or <c>pull</c>; null, with the problem named, for anything else.</summary>
    private static string? ReadDelivery(string? delivery, Dictionary<string, string[]> errors)
    {
        if (delivery is null || string.Equals(delivery, SubscriptionDelivery.Push, StringComparison.OrdinalIgnoreCase))
        {
            return SubscriptionDelivery.Push;
        }

        if (string.Equals(delivery, SubscriptionDelivery.Pull, StringComparison.OrdinalIgnoreCase))
        {
            return SubscriptionDelivery.Pull;
        }

        errors["delivery"] = [$"delivery must be {SubscriptionDelivery.Push} (a webhook is called; the default) or {SubscriptionDelivery.Pull} (clients receive over HTTP)."];
        return null;
    }

    /// <summary>A pull subscription has no webhook: each webhook field given is refused by name rather than ignored.</summary>
    private static void RefuseWebhookFields(SubscriptionRequest request, Dictionary<string, string[]> errors)
    {
        var given = new (string Field, bool Present)[]
        {
            ("url", request.Url is not null),
            ("timeoutSeconds", request.TimeoutSeconds is not null),
            ("concurrency", request.Concurrency is not null),
            ("format", request.Format is not null),
            ("projection", request.Projection is not null),
            ("retryScheduleSeconds", request.RetryScheduleSeconds is not null),
            ("batch", request.Batch is not null),
            ("credentials", request.Credentials is not null),
        };
        foreach (var (field, _) in given.Where(g => g.Present))
        {
            errors[field] = [$"{field} applies to push subscriptions only; a pull subscription has no webhook (its clients receive over …/messages/receive), so leave it out."];
        }
    }

    /// <summary>The webhook settings of a push subscription, each problem named in <paramref name="errors"/>.</summary>
    private static WebhookChoices ReadWebhook(
        SubscriptionRequest request, WebhookUrlPolicy urls, WebhookOptions defaults, TimeSpan lockDuration, Dictionary<string, string[]> errors, out Uri? url)
    {
        if (urls.Refuse(request.Url, out url) is { } refused)
        {
            errors["url"] = [refused];
        }

        var timeout = request.TimeoutSeconds ?? defaults.Timeout.TotalSeconds;
        Check(errors, "timeoutSeconds", timeout is > 0 and <= 300, "timeoutSeconds must be above 0 and at most 300.");
        var concurrency = request.Concurrency ?? defaults.Concurrency;
        Check(errors, "concurrency", concurrency is >= 1 and <= 512, "concurrency must be between 1 and 512.");
        var format = WebhookFormats.TryParse(request.Format ?? defaults.Format, out var parsed) ? parsed.Name() : null;
        Check(errors, "format", format is not null, $"format must be one of {string.Join(", ", WebhookFormats.Names)}.");
        foreach (var problem in ProjectionRules.Validate(request.Projection))
        {
            errors.TryAdd(problem.ApiField, [$"{problem.ApiField} {problem.Message}"]);
        }
        foreach (var problem in format is null ? [] : BatchRules.Validate(request.Batch, parsed, lockDuration))
        {
            errors.TryAdd(problem.ApiField, [$"{problem.ApiField} {problem.Message}"]);
        }
        return new WebhookChoices(timeout, concurrency, format);
    }

    private static void Check(Dictionary<string, string[]> errors, string field, bool valid, string message)
    {
        if (!valid)
        {
            errors[field] = [message];
        }
    }
}

/// <summary>What a push subscription's request chose for its webhook.</summary>
internal sealed record WebhookChoices(double TimeoutSeconds, int Concurrency, string? Format);
