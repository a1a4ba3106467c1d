using System.Text.RegularExpressions;

namespace Bridge.Security;

/// <summary>Body of <c>POST /api/publishers</c>.</summary>
/// <param name="Id">Lower-case letters, digits and dashes, up to 64; not <c>bootstrap</c>.</param>
/// <param name="Name">A name for people.</param>
/// <param name="Scopes"><c>publish:{topic}</c>, <c>publish:*</c>, <c>subscribe:{topic}</c>, <c>subscribe:*</c>, <c>admin</c>.</param>
/// <param name="RateLimitPerSecond">Its own publish rate limit, or null for the default.</param>
public sealed record CreatePublisherRequest(string? Id, string? Name, IReadOnlyList<string>? Scopes, int? RateLimitPerSecond = null);

/// <summary>Body of <c>PUT /api/publishers/{id}</c>.</summary>
/// <param name="Name">A name for people.</param>
/// <param name="Scopes">The scopes, replacing the current ones.</param>
/// <param name="RateLimitPerSecond">Its own publish rate limit, or null for the default.</param>
public sealed record UpdatePublisherRequest(string? Name, IReadOnlyList<string>? Scopes, int? RateLimitPerSecond = null);

/// <summary>Body of <c>POST /api/publishers/{id}/keys</c>.</summary>
/// <param name="Kind"><c>api-key</c> (default) or <c>hmac</c>.</param>
/// <param name="ExpiresAt">When the key stops working by itself; null for never.</param>
public sealed record CreateKeyRequest(string? Kind = null, DateTimeOffset? ExpiresAt = null);

/// <summary>Body of <c>POST /api/publishers/{id}/keys/{keyId}/rotate</c>.</summary>
/// <param name="GracePeriod">How long the old key keeps working (default <c>Bridge:Security:DefaultRotationGracePeriod</c>).</param>
/// <param name="ExpiresAt">When the new key expires; null for never.</param>
public sealed record RotateKeyRequest(TimeSpan? GracePeriod = null, DateTimeOffset? ExpiresAt = null);

/// <summary>A publisher as the API shows it (never with secrets).</summary>
/// <param name="Id">Its id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Scopes">Its scopes.</param>
/// <param name="RateLimitPerSecond">Its own rate limit, or null for the default.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="Keys">Its keys.</param>
public sealed record PublisherView(
    string Id, string Name, IReadOnlyList<string> Scopes, int? RateLimitPerSecond, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<KeyView> Keys);

/// <summary>A key as the API shows it (never its secret).</summary>
/// <param name="KeyId">Its id.</param>
/// <param name="Kind"><c>api-key</c> or <c>hmac</c>.</param>
/// <param name="Status"><c>active</c>, <c>expired</c> or <c>revoked</c>.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ExpiresAt">When it stops working by itself.</param>
/// <param name="RevokedAt">When it was revoked.</param>
/// <param name="ReplacedBy">Its successor after a rotation.</param>
public sealed record KeyView(string KeyId, string Kind, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, string? ReplacedBy);

/// <summary>A new key, with its secret: shown this once and never again.</summary>
/// <param name="KeyId">Its id (the <c>Bridge-Key-Id</c> of signed requests).</param>
/// <param name="PublisherId">Its publisher.</param>
/// <param name="Kind"><c>api-key</c> or <c>hmac</c>.</param>
/// <param name="Key">An API key to send as <c>Authorization: Bearer …</c>; null for an HMAC key.</param>
/// <param name="Secret">An HMAC key's signing secret; null for an API key.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ExpiresAt">When it stops working by itself.</param>
public sealed record CreatedKey(string KeyId, string PublisherId, string Kind, string? Key, string? Secret, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>Checks of publisher requests.</summary>
internal static partial class PublisherRules
{
    public static void CheckId(string? id, Dictionary<string, string[]> errors)
    {
        if (id is null || !Id().IsMatch(id))
        {
            errors["id"] = ["Use 1-64 lower-case letters, digits and dashes, starting with a letter or digit."];
        }
        else if (id == Credentials.BootstrapPublisher)
        {
            errors["id"] = ["'bootstrap' is reserved for the bootstrap key."];
        }
    }

    public static void Check(string? name, IReadOnlyList<string>? scopes, int? rate, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            errors["name"] = ["A name of 1-200 characters is required."];
        }

        var bad = (scopes ?? []).Where(s => s is null || !Scope().IsMatch(s)).ToList();
        if (scopes is null || scopes.Count == 0 || scopes.Count > 100 || bad.Count > 0)
        {
            errors["scopes"] = [$"Give 1-100 scopes, each admin, publish:*, publish:<topic>, subscribe:* or subscribe:<topic>{(bad.Count > 0 ? "; not: " + string.Join(", ", bad.Take(5)) : "")}."];
        }

        if (rate is < 1 or > 1_000_000)
        {
            errors["rateLimitPerSecond"] = ["Between 1 and 1000000, or null for the default."];
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex Id();

    [GeneratedRegex(@"^(admin|(publish|subscribe):\*|(publish|subscribe):[A-Za-z0-9][A-Za-z0-9._-]{0,62})$")]
    private static partial Regex Scope();
}
