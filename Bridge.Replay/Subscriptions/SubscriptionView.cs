namespace Bridge.Replay.Subscriptions;

/// <summary>A subscription as the operations API shows it.</summary>
/// <param name="Topic">Its topic.</param>
/// <param name="Name">Its name within the topic.</param>
/// <param name="Types">Event types it accepts (empty: any).</param>
/// <param name="Subject">Subject equality or prefix (<c>*</c>), if any.</param>
/// <param name="Properties">Application properties it requires.</param>
/// <param name="WebhookUrl">Where it delivers.</param>
/// <param name="MaxAttempts">Attempts before a dead letter.</param>
/// <param name="Concurrency">Deliveries in flight at once.</param>
/// <param name="DeadLetterCount">Dead letters waiting.</param>
/// <param name="Source"><c>configuration</c>, or <c>api</c> when made through the subscriptions API.</param>
public sealed record SubscriptionView(
    string Topic,
    string Name,
    IReadOnlyList<string> Types,
    string? Subject,
    IReadOnlyDictionary<string, string> Properties,
    Uri WebhookUrl,
    int MaxAttempts,
    int Concurrency,
    long DeadLetterCount,
    string Source)
{
    /// <summary>Why it is not delivered (its secret cannot be decrypted with this deployment's key ring), or null.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Problem { get; init; }
}
