using System.Net;
using System.Text.Json;

namespace Bridge.Tests.Contracts;

public sealed class ContractValidationTests : ContractTestBase
{
    private static readonly Dictionary<string, string> OrderCreated = new() { ["ce-type"] = "order.created" };

    [Fact]
    public async Task A_valid_event_is_delivered_with_its_contract_as_dataschema()
    {
        await using var bridge = await StartAsync();
        using var client = bridge.CreateClient();
        await RegisteredAsync(client, "order.created", OrderSchema);

        await PublishAsync(client, "orders", new { orderId = "12345", amount = 1500, lines = new[] { new { sku = "A-1" } } }, "order.created");

        var delivered = Assert.Single(await Receiver["sink"].WaitForAsync(1, Patience));
        Assert.Equal("urn:bridge:contract:order.created:1", delivered.Json.GetProperty("dataschema").GetString());
    }

    [Fact]
    public async Task An_invalid_event_is_refused_with_every_error_and_its_path_and_nothing_is_stored()
    {
        await using var bridge = await StartAsync();
        using var client = bridge.CreateClient();
        await RegisteredAsync(client, "order.created", OrderSchema);
        var before = await SettledStoreAsync();

        var (status, problem, _) = await SendAsync(client, HttpMethod.Post, "/api/topics/orders/events",
            """{ "amount": -5, "currency": "GBP", "lines": [ { "sku": "ok-1" }, {} ], "extra": true }""", "application/json", OrderCreated);

        AssertProblem(problem, status, HttpStatusCode.UnprocessableEntity, "contract-violation", "invalid event");
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => (Path: e.GetProperty("path").GetString(), Kind: e.GetProperty("kind").GetString())).ToList();
        Assert.Contains(("$.orderId", "PropertyRequired"), errors);
        Assert.Contains(("$.amount", "NumberTooSmall"), errors);
        Assert.Contains(("$.currency", "NotInEnumeration"), errors);
        Assert.Contains(("$.extra", "NoAdditionalPropertiesAllowed"), errors);
        Assert.Contains(errors, e => e.Path == "$.lines[0].sku" && e.Kind == "PatternMismatch");
        Assert.Contains(errors, e => e.Path == "$.lines[1].sku" && e.Kind == "PropertyRequired");
        Assert.All(problem.GetProperty("errors").EnumerateArray(), e => Assert.False(string.IsNullOrEmpty(e.GetProperty("message").GetString())));
        await AssertStoreUnchangedAsync(before, "an event that breaks its contract");
    }

    [Fact]
    public async Task A_batch_with_one_bad_event_publishes_nothing_and_names_that_event()
    {
        await using var bridge = await StartAsync();
        using var client = bridge.CreateClient();
        await RegisteredAsync(client, "order.created", OrderSchema);
        var before = await SettledStoreAsync();
        const string Batch = """
            [ { "type": "order.created", "data": { "orderId": "1", "amount": 1 } },
              { "type": "order.created", "data": { "orderId": "2" } },
              { "type": "other.event", "data": { "anything": true } } ]
            """;

        var (status, problem, _) = await SendAsync(client, HttpMethod.Post, "/api/topics/orders/events/batch", Batch, "application/json");

        AssertProblem(problem, status, HttpStatusCode.UnprocessableEntity, "contract-violation", "batch");
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal(1, error.GetProperty("index").GetInt32());
        Assert.Equal("$.amount", error.GetProperty("path").GetString());
        await AssertStoreUnchangedAsync(before, "a batch with one event breaking its contract");
    }

    [Fact]
    public async Task A_pinned_version_is_validated_against_that_version_and_stamped()
    {
        await using var bridge = await StartAsync();
        using var client = bridge.CreateClient();
        await RegisteredAsync(client, "order.created", OrderSchema);
        await RegisteredAsync(client, "order.created", OrderSchema.Replace("\"maximum\": 100000", "\"maximum\": 1000000", StringComparison.Ordinal));
        const string Big = """{ "orderId": "7", "amount": 500000 }""";

        var (v1Status, v1Problem, _) = await SendAsync(client, HttpMethod.Post, "/api/topics/orders/events", Big, "application/json",
            new Dictionary<string, string> { ["ce-type"] = "order.created", ["ce-dataschema"] = "urn:bridge:contract:order.created:1" });
        AssertProblem(v1Problem, v1Status, HttpStatusCode.UnprocessableEntity, "contract-violation", "pinned v1");
        Assert.Equal("NumberTooBig", v1Problem.GetProperty("errors")[0].GetProperty("kind").GetString());

        await PublishAsync(client, "orders", JsonDocument.Parse(Big).RootElement, "order.created",
            new Dictionary<string, string> { ["ce-dataschema"] = "urn:bridge:contract:order.created:2" });
        await PublishAsync(client, "orders", new { orderId = "8", amount = 5 }, "order.created",
            new Dictionary<string, string> { ["ce-dataschema"] = "urn:bridge:contract:order.created:1" });

        var delivered = await Receiver["sink"].WaitForAsync(2, Patience);
        Assert.Equal(
            ["urn:bridge:contract:order.created:1", "urn:bridge:contract:order.created:2"],
            delivered.Select(d => d.Json.GetProperty("dataschema").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task When_contracts_are_required_an_event_type_without_one_is_refused()
    {
        await using var bridge = await StartAsync(t => t.With("Bridge:Publisher:Contracts:Required", "true"));
        using var client = bridge.CreateClient();
        await RegisteredAsync(client, "order.created", OrderSchema);
        var before = await SettledStoreAsync();

        var (status, problem, _) = await SendAsync(client, HttpMethod.Post, "/api/topics/orders/events", "{}", "application/json",
            new Dictionary<string, string> { ["ce-type"] = "unregistered.event" });

        AssertProblem(problem, status, HttpStatusCode.UnprocessableEntity, "no-contract", "type without contract");
        await AssertStoreUnchangedAsync(before, "an event type without a contract");
        await PublishAsync(client, "orders", new { orderId = "1", amount = 1 }, "order.created");
    }

    [Fact]
    public async Task A_subscription_requiring_a_minimum_version_dead_letters_older_envelopes_with_the_reason_and_delivers_newer_ones()
    {
        await using var bridge = await StartAsync(t => t
            .With("Bridge:Topics:orders:Subscriptions:sink:Contract:Type", "order.created")
            .With("Bridge:Topics:orders:Subscriptions:sink:Contract:MinVersion", "2"));
        using var client = bridge.CreateClient();
        await RegisteredAsync(client, "order.created", OrderSchema);

        var old = await PublishAsync(client, "orders", new { orderId = "1", amount = 1 }, "order.created");
        var page = await EventuallyAsync(() => DeadLettersAsync(client, "orders", "sink"), p => p.GetProperty("items").GetArrayLength() == 1, "the dead letter");
        var deadLetter = page.GetProperty("items")[0];
        Assert.Equal(old, deadLetter.GetProperty("messageId").GetString());
        Assert.Equal("ContractVersionMismatch", deadLetter.GetProperty("reason").GetString());
        var description = deadLetter.GetProperty("description").GetString();
        Assert.Contains("urn:bridge:contract:order.created:2", description, StringComparison.Ordinal);
        Assert.Contains("version 1", description, StringComparison.Ordinal);

        await RegisteredAsync(client, "order.created", OrderSchema.Replace("\"maxLength\": 64", "\"maxLength\": 65", StringComparison.Ordinal));
        var current = await PublishAsync(client, "orders", new { orderId = "2", amount = 2 }, "order.created");
        var other = await PublishAsync(client, "orders", new { note = "no contract needed" }, "note.added");

        var delivered = await Receiver["sink"].WaitForAsync(2, Patience);
        Assert.Contains(delivered, d => d.MessageId == current && d.Json.GetProperty("dataschema").GetString() == "urn:bridge:contract:order.created:2");
        Assert.Contains(delivered, d => d.MessageId == other);
        Assert.DoesNotContain(Receiver["sink"].Received, r => r.MessageId == old);
    }
}
