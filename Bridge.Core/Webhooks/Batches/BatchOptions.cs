namespace Bridge.Webhooks.Batches;

/// <summary>
/// A subscription's batching (<c>…:Webhook:Batch</c>, API field <c>batch</c>): up to <see cref="MaxEvents"/> envelopes, or
/// whatever arrived within <see cref="MaxWaitMilliseconds"/> of the first, go to the webhook in one call as a CloudEvents
/// batch (<c>application/cloudevents-batch+json</c>). Structured format only. Checked by <see cref="BatchRules"/>.
/// </summary>
public sealed class BatchOptions
{
    /// <summary>Most events one call carries (2-1000).</summary>
    public int MaxEvents { get; set; } = 100;

    /// <summary>How long a call waits for more events after the first one arrived (0-60000, below half the lock duration).</summary>
    public int MaxWaitMilliseconds { get; set; } = 1000;
}

/// <summary>A subscription's resolved batching: at most <paramref name="MaxEvents"/> events per call, gathered within <paramref name="MaxWait"/> of the first.</summary>
/// <param name="MaxEvents">Most events one call carries.</param>
/// <param name="MaxWait">How long a call waits for more events after the first one arrived.</param>
public sealed record WebhookBatching(int MaxEvents, TimeSpan MaxWait)
{
    /// <summary>The settings as configured and shown in the API.</summary>
    public BatchOptions Options => new() { MaxEvents = MaxEvents, MaxWaitMilliseconds = (int)MaxWait.TotalMilliseconds };

    /// <summary>The resolved batching of <paramref name="options"/>, or null when the subscription sends one event per call.</summary>
    public static WebhookBatching? From(BatchOptions? options) =>
        options is null ? null : new WebhookBatching(options.MaxEvents, TimeSpan.FromMilliseconds(options.MaxWaitMilliseconds));
}
