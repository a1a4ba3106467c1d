using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Subscriptions;

/// <summary>Calls of the subscriptions API, and a signature check with the official StandardWebhooks library.</summary>
internal static class SubscriptionClient
{
    public static string Route(string topic, string? name = null) => $"/api/topics/{topic}/subscriptions" + (name is null ? "" : "/" + name);

    public static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    /// <summary>Creates a subscription and returns its secret; fails the test on anything but 201.</summary>
    public static async Task<string> CreateAsync(HttpClient client, string topic, object body)
    {
        var (status, json, response) = await SendAsync(client, HttpMethod.Post, Route(topic), body);
        using (response)
        {
            Assert.True(status == HttpStatusCode.Created, $"create answered {(int)status}: {json}");
            return json.GetProperty("secret").GetString()!;
        }
    }

    /// <summary>True when one of the request's signatures verifies with <paramref name="secret"/> (each secret checked on its own).</summary>
    public static bool SignedWith(ReceivedRequest request, string secret) => OfficialDeliveryCheck.SignedWith(request.Headers, request.Body, secret);

    public static string ProblemType(JsonElement problem) => problem.GetProperty("type").GetString()!;
}
