using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace Bridge.Tests.Security;

/// <summary>Drives the publisher and key API with the bootstrap key, and signs requests as a partner would.</summary>
internal static class SecurityClient
{
    public static async Task CreatePublisherAsync(HttpClient admin, string id, string[] scopes, int? rateLimitPerSecond = null)
    {
        using var response = await admin.PostAsJsonAsync("/api/publishers", new { id, name = "Publisher " + id, scopes, rateLimitPerSecond });
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"create publisher answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Issues a key; returns (key id, API key or HMAC secret).</summary>
    public static async Task<(string KeyId, string Secret)> IssueKeyAsync(HttpClient admin, string publisher, string kind = "api-key", DateTimeOffset? expiresAt = null)
    {
        using var response = await admin.PostAsJsonAsync($"/api/publishers/{publisher}/keys", new { kind, expiresAt });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"issue key answered {(int)response.StatusCode}: {body}");
        var created = JsonDocument.Parse(body).RootElement;
        return (created.GetProperty("keyId").GetString()!, (kind == "hmac" ? created.GetProperty("secret") : created.GetProperty("key")).GetString()!);
    }

    public static async Task<(string KeyId, string Key)> RotateAsync(HttpClient admin, string publisher, string keyId, string gracePeriod)
    {
        using var response = await admin.PostAsJsonAsync($"/api/publishers/{publisher}/keys/{keyId}/rotate", new { gracePeriod });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"rotate answered {(int)response.StatusCode}: {body}");
        var created = JsonDocument.Parse(body).RootElement;
        return (created.GetProperty("keyId").GetString()!, created.GetProperty("key").GetString()!);
    }

    public static HttpRequestMessage Publish(string topic, string json, string? apiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/topics/{topic}/events") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        return request;
    }

    /// <summary>
    /// Signs <paramref name="request"/>: <c>v1=base64(HMAC-SHA256(secret, signed string))</c>, the signed string being
    /// <c>{timestamp}\n{METHOD}\n{path?query}\n{hex SHA-256 of body}</c> and a line <c>{name}:{value}</c> per covered header, sorted.
    /// </summary>
    public static async Task SignAsync(HttpRequestMessage request, string keyId, string secret, long? timestamp = null)
    {
        var ts = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        request.Headers.Add("Bridge-Key-Id", keyId);
        request.Headers.Add("Bridge-Timestamp", ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("Bridge-Signature", "v1=" + await SignatureAsync(request, secret, ts));
    }

    /// <summary>The base64 HMAC of <paramref name="request"/> as it stands (its covered headers included).</summary>
    public static async Task<string> SignatureAsync(HttpRequestMessage request, string secret, long timestamp)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync();
        var canonical = new StringBuilder($"{timestamp}\n{request.Method.Method}\n{(request.RequestUri!.IsAbsoluteUri ? request.RequestUri.PathAndQuery : request.RequestUri.OriginalString)}\n{Convert.ToHexStringLower(SHA256.HashData(body))}");
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .Where(h => IsCovered(h.Key))
            .OrderBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal);
        foreach (var (name, values) in headers)
        {
            canonical.Append('\n').Append(name.ToLowerInvariant()).Append(':').Append(string.Join(", ", values));
        }
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(canonical.ToString())));
    }

    private static bool IsCovered(string name) =>
        name.StartsWith("ce-", StringComparison.OrdinalIgnoreCase)
        || name.ToLowerInvariant() is "content-type" or "idempotency-key" or "x-correlation-id" or "traceparent" or "tracestate";
}
