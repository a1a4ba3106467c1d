namespace Bridge.Subscriptions;

/// <summary>
/// A change the subscription's delivery does not allow (push turned into pull or back, the secret of a pull subscription
/// rotated); nothing was written. The subscriptions API answers 409 with <see cref="ProblemType"/> and the message.
/// </summary>
internal sealed class DeliveryConflictException(string problemType, string title, string message) : InvalidOperationException(message)
{
    /// <summary>The problem's type, without the <c>urn:bridge:problem:</c> prefix.</summary>
    public string ProblemType { get; } = problemType;

    /// <summary>The problem's title.</summary>
    public string Title { get; } = title;

    /// <summary>Replacing a subscription would change how it delivers.</summary>
    public static DeliveryConflictException DeliveryChanged(string topic, string name, string from, string to) => new(
        "delivery-cannot-change", "Delivery cannot change",
        $"Subscription '{name}' of topic '{topic}' is a {from} subscription and cannot become a {to} one; delete it and create a new one (its waiting envelopes go with it).");

    /// <summary>A pull subscription has no signing secret to rotate.</summary>
    public static DeliveryConflictException NoSecret(string topic, string name) => new(
        "pull-subscription-has-no-secret", "A pull subscription has no secret",
        $"Subscription '{name}' of topic '{topic}' is a pull subscription: nothing is signed, since its clients fetch envelopes with their own keys over …/messages/receive, so there is no secret to rotate.");
}
