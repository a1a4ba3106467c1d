using System.Net;
using System.Net.Http.Headers;
using Bridge.Tests.Support;
using static Bridge.Tests.Security.SecurityClient;

namespace Bridge.Tests.Retention;

/// <summary><c>GET /api/retention</c>: what the store keeps how long, for admins only.</summary>
public sealed class RetentionApiTests : BridgeTestBase
{
    [Fact]
    public async Task An_admin_reads_the_periods_in_force_other_scopes_are_refused_and_an_anonymous_caller_is_asked_to_sign_in()
    {
        var topology = new TestTopology().Topic("orders")
            .With("Bridge:Store:Retention:Events", "14.00:00:00")
            .With("Bridge:Store:Retention:Topics:orders", "400.00:00:00");
        await using var bridge = await StartBridgeAsync(topology);
        using var admin = bridge.CreateClient();

        var retention = await GetJsonAsync(admin, "/api/retention");

        Assert.Equal("14.00:00:00", retention.GetProperty("events").GetString());
        Assert.Equal("400.00:00:00", retention.GetProperty("topics").GetProperty("orders").GetString());
        Assert.Equal("90.00:00:00", retention.GetProperty("deadLetters").GetString());
        Assert.Equal("00:10:00", retention.GetProperty("interval").GetString());
        Assert.True(retention.GetProperty("enabled").GetBoolean());

        foreach (var scope in new[] { "publish:orders", "subscribe:orders" })
        {
            var publisher = "recipes-" + scope.Split(':')[0];
            await CreatePublisherAsync(admin, publisher, [scope]);
            var (_, key) = await IssueKeyAsync(admin, publisher);
            using var other = bridge.CreateAnonymousClient();
            other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var refused = await other.GetAsync("/api/retention");
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"A key with {scope} got {(int)refused.StatusCode}.");
        }

        using var anonymous = await bridge.CreateAnonymousClient().GetAsync("/api/retention");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
