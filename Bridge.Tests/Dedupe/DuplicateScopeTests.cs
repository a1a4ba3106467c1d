using System.Net;
using Bridge.Tests.Security;
using static Bridge.Tests.Security.SecurityClient;

namespace Bridge.Tests.Dedupe;

/// <summary>Two publishers allowed to publish to <c>erp-events</c>.</summary>
public sealed class DuplicateScopeFixture : HostileBridgeFixture
{
    protected override async Task SeedAsync(HttpClient admin)
    {
        foreach (var publisher in new[] { "alpha", "beta" })
        {
            await CreatePublisherAsync(admin, publisher, ["publish:erp-events"]);
            (_, Keys[publisher]) = await IssueKeyAsync(admin, publisher);
        }
    }
}

/// <summary>Duplicates are recognised per publisher: one publisher reusing another's event id cannot suppress it.</summary>
public sealed class DuplicateScopeTests(DuplicateScopeFixture fixture) : IClassFixture<DuplicateScopeFixture>
{
    [Fact]
    public async Task Another_publisher_reusing_an_id_is_delivered_and_cannot_suppress_the_first()
    {
        using var client = fixture.Bridge.CreateAnonymousClient();
        const string Id = "order-12345-created";

        await PublishAsync(client, "alpha", Id, "first");
        await fixture.Sink.WaitForAsync(1, TimeSpan.FromSeconds(30));
        await PublishAsync(client, "beta", Id, "second");
        await fixture.Sink.WaitForAsync(2, TimeSpan.FromSeconds(30));
        await PublishAsync(client, "alpha", Id, "third"); // the same publisher's id again: a duplicate
        await Task.Delay(TimeSpan.FromSeconds(2));

        var delivered = fixture.Sink.Received;
        Assert.Equal(2, delivered.Count);
        Assert.All(delivered, r => Assert.Equal(Id, r.MessageId));
        Assert.Equal(["alpha", "beta"], delivered.Select(r => r.Json.GetProperty("publisher").GetString()));
        Assert.Equal(["first", "second"], delivered.Select(r => r.Json.GetProperty("data").GetProperty("n").GetString()));
    }

    private async Task PublishAsync(HttpClient client, string publisher, string id, string n)
    {
        using var request = Publish("erp-events", $$"""{ "n": "{{n}}" }""", fixture.Keys[publisher]);
        request.Headers.Add("ce-id", id);
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }
}
