namespace Bridge.Webhooks.Batches;

/// <summary>
/// The rules a <see cref="BatchOptions"/> must meet, shared by the configuration check at start and the subscriptions API:
/// 2-<see cref="MaxEvents"/> events, a wait of 0-<see cref="MaxWaitMilliseconds"/> ms that is below half the lock duration
/// (the first envelope's lock is renewed only once the call starts), and the structured format (CloudEvents has no batch
/// form of the binary binding or of bare data).
/// </summary>
public static class BatchRules
{
    /// <summary>Most events one call may carry.</summary>
    public const int MaxEvents = 1000;

    /// <summary>Longest wait for more events.</summary>
    public const int MaxWaitMilliseconds = 60_000;

    /// <summary>Every problem of <paramref name="options"/> for a subscription in <paramref name="format"/> holding locks of <paramref name="lockDuration"/>; none without batching.</summary>
    public static IEnumerable<BatchProblem> Validate(BatchOptions? options, WebhookFormat format, TimeSpan lockDuration)
    {
        if (options is null)
        {
            yield break;
        }

        if (options.MaxEvents is < 2 or > MaxEvents)
        {
            yield return new(nameof(BatchOptions.MaxEvents), $"must be between 2 and {MaxEvents} (was {options.MaxEvents}).");
        }

        if (options.MaxWaitMilliseconds is < 0 or > MaxWaitMilliseconds)
        {
            yield return new(nameof(BatchOptions.MaxWaitMilliseconds), $"must be between 0 and {MaxWaitMilliseconds} (was {options.MaxWaitMilliseconds}).");
        }
        else if (TimeSpan.FromMilliseconds(options.MaxWaitMilliseconds) >= lockDuration / 2)
        {
            yield return new(nameof(BatchOptions.MaxWaitMilliseconds),
                $"must be below half the lock duration ({lockDuration.TotalMilliseconds / 2:0} ms), so the first event's lock holds until the call renews it (was {options.MaxWaitMilliseconds}).");
        }

        if (format != WebhookFormat.Structured)
        {
            yield return new(null, $"needs the structured format: CloudEvents has a batch form only for structured events (the format is {format.Name()}).");
        }
    }
}

/// <summary>One problem of a batch setting: the member at fault (null for the batch as a whole) and why.</summary>
/// <param name="Member">The <see cref="BatchOptions"/> property at fault, or null.</param>
/// <param name="Message">What is wrong, as the rest of a sentence.</param>
public sealed record BatchProblem(string? Member, string Message)
{
    /// <summary>The configuration key at fault under the subscription's <paramref name="webhookKey"/>, e.g. <c>…:Webhook:Batch:MaxEvents</c>.</summary>
    public string ConfigurationKey(string webhookKey) => Member is null ? $"{webhookKey}:Batch" : $"{webhookKey}:Batch:{Member}";

    /// <summary>The API field at fault, e.g. <c>batch.maxEvents</c>.</summary>
    public string ApiField => Member is null ? "batch" : "batch." + char.ToLowerInvariant(Member[0]) + Member[1..];
}
