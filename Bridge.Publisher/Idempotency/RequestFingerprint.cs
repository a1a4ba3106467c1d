namespace Bridge.Publisher.Idempotency;

/// <summary>
/// SHA-256 over everything in a publish request that shapes its events: the route (topic, single or batch), the
/// Content-Type, every <c>ce-*</c> header, the attribute query parameters (<c>type</c>, <c>subject</c>, <c>source</c>,
/// <c>orderingKey</c>) and the body bytes. Headers that differ between honest retries (traceparent, authorization,
/// X-Correlation-Id) are left out.
/// </summary>
internal static class RequestFingerprint
{
    private static readonly string[] AttributeQueryParameters = ["type", "subject", "source", "orderingKey"];

    /// <summary>The fingerprint of <paramref name="request"/> with body <paramref name="body"/>, as lower-case hex.</summary>
    public static string Compute(HttpRequest request, string topic, bool batch, ReadOnlySpan<byte> body)
    {
        using var hash = new Sha256Writer();
        hash.Add("bridge-publish-v1").Add(topic).Add(batch ? "batch" : "single").Add(request.ContentType ?? "");

        var headers = request.Headers
            .Where(h => h.Key.StartsWith("ce-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Values: h.Value.ToArray()))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        hash.Add(headers.Count);
        foreach (var (name, values) in headers)
        {
            AddAll(hash.Add(name), values);
        }

        foreach (var name in AttributeQueryParameters)
        {
            AddAll(hash, request.Query[name].ToArray());
        }

        hash.Add(body);
        return Convert.ToHexStringLower(hash.Finish());
    }

    private static void AddAll(Sha256Writer hash, string?[] values)
    {
        hash.Add(values.Length);
        foreach (var value in values)
        {
            hash.Add(value ?? "");
        }
    }
}
