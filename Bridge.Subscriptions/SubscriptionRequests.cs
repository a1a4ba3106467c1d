using System.Security.Cryptography;
using Bridge.Envelopes;
using Bridge.Topology;
using Bridge.Webhooks;
using Bridge.Webhooks.Projection;

namespace Bridge.Subscriptions;

/// <summary>Checks a <see cref="SubscriptionRequest"/> and turns it into what the store keeps, naming every problem.</summary>
internal static class SubscriptionRequests
{
    /// <summary>The name, URL and settings of a valid request; otherwise <paramref name="errors"/> lists each problem by field.</summary>
    public static (string Name, Uri Url, SubscriptionSettings Settings)? Read(
        SubscriptionRequest? request, string? routeName, WebhookUrlPolicy urls, SubscriptionOptions defaults, out Dictionary<string, string[]> errors)
    {
        errors = [];
        if (request is null)
        {
            errors["body"] = ["A JSON body with at least 'url' is required."];
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

        if (urls.Refuse(request.Url, out var url) is { } refused)
        {
            errors["url"] = [refused];
        }

        if (request.Description is { } description && (description.Length > 1000 || description.Any(char.IsControl)))
        {
            errors["description"] = ["description must be at most 1000 characters without control characters."];
        }

        var webhook = defaults.Webhook;
        var timeout = request.TimeoutSeconds ?? webhook.Timeout.TotalSeconds;
        Check(errors, "timeoutSeconds", timeout is > 0 and <= 300, "timeoutSeconds must be above 0 and at most 300.");
        var maxAttempts = request.MaxAttempts ?? webhook.MaxAttempts;
        Check(errors, "maxAttempts", maxAttempts is >= 1 and <= 100, "maxAttempts must be between 1 and 100.");
        var concurrency = request.Concurrency ?? webhook.Concurrency;
        Check(errors, "concurrency", concurrency is >= 1 and <= 512, "concurrency must be between 1 and 512.");
        var format = WebhookFormats.TryParse(request.Format ?? webhook.Format, out var parsed) ? parsed.Name() : null;
        Check(errors, "format", format is not null, $"format must be one of {string.Join(", ", WebhookFormats.Names)}.");
        foreach (var problem in ProjectionRules.Validate(request.Projection))
        {
            errors.TryAdd(problem.ApiField, [$"{problem.ApiField} {problem.Message}"]);
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
            timeout, maxAttempts, concurrency, request.Ordered ?? false, format)
        {
            Projection = request.Projection,
        };

        // The same rules as a configured subscription, as a backstop (defaults included).
        var options = settings.ToOptions(defaults, url!.AbsoluteUri, WebhookSecret.Generate());
        if (TopologyValidator.ValidateSubscription("subscription", name, options) is { Count: > 0 } failures)
        {
            errors["subscription"] = [.. failures];
            return null;
        }
        return (name, url, settings);
    }

    private static void Check(Dictionary<string, string[]> errors, string field, bool valid, string message)
    {
        if (!valid)
        {
            errors[field] = [message];
        }
    }
}
