using System.ComponentModel.DataAnnotations;

namespace Bridge.Security;

/// <summary>Authentication, keys and rate limits, section <c>Bridge:Security</c>.</summary>
public sealed class SecurityOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Security";

    /// <summary>
    /// An API key (<c>brk_…</c>) that authenticates as publisher <c>bootstrap</c> with the scopes <c>admin</c> and
    /// <c>publish:*</c>: the way in to create the first publishers. Supply it from a secret store or an environment variable
    /// (<c>Bridge__Security__BootstrapKey</c>); it is never stored. Leave it unset once publishers exist.
    /// </summary>
    public string? BootstrapKey { get; set; }

    /// <summary>How old a signed request's <c>Bridge-Timestamp</c> may be.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan HmacWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How far ahead of the server's clock a signed request's <c>Bridge-Timestamp</c> may be (the signer's clock running fast).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan HmacClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a process trusts a key it looked up; a revocation reaches other processes within this time.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a rotated key keeps working beside its successor, unless the rotation says otherwise.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan DefaultRotationGracePeriod { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Where earlier versions kept the key ring in files. The key ring now lives in the store (see
    /// <c>Bridge:DataProtection</c>); keys found here are copied into it once, so the secrets they encrypted stay readable.
    /// </summary>
    [Required]
    public string KeyRingPath { get; set; } = "data/keys";

    /// <summary>Default publish rate limit per publisher.</summary>
    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>How many failed authentications are tolerated per client address and per key id.</summary>
    public FailedAuthenticationOptions FailedAuthentication { get; set; } = new();
}

/// <summary>
/// Failed authentications (a wrong, revoked or expired key or signature) counted in fixed windows: once a client address,
/// or a key id, reaches its limit, further requests presenting a credential from that address or for that key id get 429
/// with Retry-After until the window ends. The address limit is the lower, so one client is stopped long before it can
/// hold a key id hostage; a success resets nothing.
/// </summary>
public sealed class FailedAuthenticationOptions
{
    /// <summary>Failures allowed per client address per window.</summary>
    [Range(1, 1_000_000)]
    public int PerAddress { get; set; } = 10;

    /// <summary>Failures allowed per presented key id per window, over every address.</summary>
    [Range(1, 1_000_000)]
    public int PerKey { get; set; } = 50;

    /// <summary>The window.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>A token bucket per publisher over the publish endpoints.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests per second a publisher may sustain (a publisher's own limit overrides it).</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 5000;

    /// <summary>How many requests a publisher may send at once above the sustained rate.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 10000;
}
