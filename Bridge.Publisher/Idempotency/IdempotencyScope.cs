using System.Security.Cryptography;
using System.Text;
using Bridge.Security;
using Bridge.Store.Idempotency;

namespace Bridge.Publisher.Idempotency;

/// <summary>Where an <c>Idempotency-Key</c> is unique: the publisher (or, for a caller without one, one anonymous scope) and the topic.</summary>
/// <param name="Scope">The publisher id, or <see cref="Anonymous"/>.</param>
/// <param name="Topic">The topic published to.</param>
/// <param name="Key">The key.</param>
internal sealed record IdempotencyScope(string Scope, string Topic, string Key)
{
    /// <summary>The scope of callers without a publisher id (no authentication): they share one key space per topic.</summary>
    public const string Anonymous = BridgeClaims.Anonymous;

    /// <summary>The scope of the caller of <paramref name="context"/>.</summary>
    public static IdempotencyScope Of(HttpContext context, string topic, string key)
    {
        ArgumentNullException.ThrowIfNull(context);
        var publisher = context.User.FindFirst(BridgeClaims.PublisherId)?.Value;
        var scope = string.IsNullOrEmpty(publisher)
            ? Anonymous
            : publisher.Length <= IdempotencyRecord.ScopeMaxLength
                ? publisher
                : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(publisher)));
        return new IdempotencyScope(scope, topic, key);
    }

    /// <summary>For logs: publisher scope, topic and key.</summary>
    public override string ToString() => $"{Scope}/{Topic}/{Key}";
}
