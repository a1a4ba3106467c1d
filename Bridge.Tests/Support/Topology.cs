namespace Bridge.Tests.Support;

/// <summary>Builds the configuration of a test topology as key/value settings.</summary>
public sealed class TestTopology
{
    /// <summary>A development-only test secret (24 bytes).</summary>
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private readonly Dictionary<string, string> _settings = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Settings => _settings;

    public TestTopology Topic(string topic)
    {
        _settings[$"Bridge:Topics:{topic}:Description"] = "Test topic " + topic;
        return this;
    }

    /// <summary>The allow-list entry that lets webhooks reach receivers on 127.0.0.1 (refused by default, like any non-public address).</summary>
    public const string LoopbackAllowance = "Bridge:Webhooks:AllowedNetworks:0";

    /// <summary>Lets webhooks reach 127.0.0.1, the documented way: the operator's allow-list. Added by <see cref="Subscription"/> for a loopback URL.</summary>
    public TestTopology AllowLoopbackWebhooks() => With(LoopbackAllowance, "127.0.0.1/32");

    /// <summary>Takes a setting out again (e.g. <see cref="LoopbackAllowance"/>, to prove the default refusal).</summary>
    public TestTopology Without(string key)
    {
        _settings.Remove(key);
        return this;
    }

    public TestTopology Subscription(
        string topic, string name, Uri url, int maxAttempts = 3, string[]? types = null, string? subject = null,
        IReadOnlyDictionary<string, string>? properties = null, int concurrency = 4, string lockDuration = "00:00:30",
        string secret = Secret)
    {
        var key = $"Bridge:Topics:{topic}:Subscriptions:{name}";
        _settings[$"{key}:Webhook:Url"] = url.ToString();
        _settings[$"{key}:Webhook:Secret"] = secret;
        _settings[$"{key}:Webhook:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _settings[$"{key}:Webhook:Concurrency"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _settings[$"{key}:Webhook:Timeout"] = "00:00:05";
        _settings[$"{key}:Webhook:RetryBaseDelay"] = "00:00:00.100";
        _settings[$"{key}:Webhook:MaxRetryDelay"] = "00:00:01";
        _settings[$"{key}:LockDuration"] = lockDuration;
        if (url.IsLoopback)
        {
            AllowLoopbackWebhooks();
        }
        var i = 0;
        foreach (var type in types ?? [])
        {
            _settings[$"{key}:Filter:Types:{i++}"] = type;
        }
        if (subject is not null)
        {
            _settings[$"{key}:Filter:Subject"] = subject;
        }
        foreach (var (property, value) in properties ?? new Dictionary<string, string>())
        {
            _settings[$"{key}:Filter:Properties:{property}"] = value;
        }
        return this;
    }

    public TestTopology With(string key, string value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>
    /// Lifts the failed-authentication throttle (per address and per key) for a bridge whose cases fail authentication
    /// from 127.0.0.1 on purpose; the throttle itself is tested in AuthThrottlingTests.
    /// </summary>
    public TestTopology WithoutAuthenticationThrottle() =>
        With("Bridge:Security:FailedAuthentication:PerAddress", "100000").With("Bridge:Security:FailedAuthentication:PerKey", "100000");
}
