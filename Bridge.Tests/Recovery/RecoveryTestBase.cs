using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Replay;

namespace Bridge.Tests.Recovery;

/// <summary>Helpers of the recovery tests: waiting for the audit trail to hold deliveries, recovery jobs and their end.</summary>
public abstract class RecoveryTestBase : ReplayTestBase
{
    /// <summary>Waits until the audit trail holds <paramref name="count"/> deliveries of the subscription with <paramref name="status"/>.</summary>
    protected Task<long> WaitForDeliveriesAsync(string subscription, long count, string status = "Delivered") =>
        EventuallyAsync(
            () => Task.FromResult(Convert.ToInt64(QueryFile("bridge.db", $"SELECT COUNT(*) FROM deliveries WHERE Subscription = '{subscription}' AND Status = '{status}'"), CultureInfo.InvariantCulture)),
            n => n == count, $"{count} {status} deliveries of {subscription} in the audit trail");

    /// <summary>Creates a recovery job of one subscription; asserts the 202 and its Location; returns the job.</summary>
    protected static async Task<JsonElement> StartRecoveryAsync(HttpClient client, string subscription, object request)
    {
        using var response = await client.PostAsJsonAsync($"/api/topics/{Topic}/subscriptions/{subscription}/recovery-jobs", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Creating the recovery job answered {(int)response.StatusCode}: {body}");
        var job = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal($"/api/recovery-jobs/{job.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
        Assert.StartsWith("rc_", job.GetProperty("id").GetString(), StringComparison.Ordinal);
        return job;
    }

    protected static Task<JsonElement> RecoveryAsync(HttpClient client, string id) => GetJsonAsync(client, $"/api/recovery-jobs/{id}");

    /// <summary>Waits until the recovery job has ended (completed, failed or cancelled).</summary>
    protected static Task<JsonElement> WaitForRecoveryToEndAsync(HttpClient client, string id) =>
        EventuallyAsync(() => RecoveryAsync(client, id), j => j.GetProperty("status").GetString() is "Completed" or "Failed" or "Cancelled", $"recovery job {id} to end");

    /// <summary>A time as a request body takes it (RFC 3339, UTC, milliseconds).</summary>
    protected static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Events with the given ordering keys, one each, numbered from <paramref name="first"/>; <paramref name="reject"/> marks the ones the receiver refuses.</summary>
    protected static IEnumerable<object> Events(IEnumerable<string> keys, int first = 0, Func<int, bool>? reject = null) =>
        keys.Select((key, i) => (object)new { type = "order.updated", orderingKey = key, data = new { i = first + i, reject = reject?.Invoke(first + i) ?? false } });

    /// <summary>Whether the receiver is to refuse the request (its event was published with <c>reject</c>).</summary>
    protected static bool Rejects(Support.ReceivedRequest request) => request.Json.GetProperty("data").GetProperty("reject").GetBoolean();
}
