using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bridge.Tests.Support;

namespace Bridge.Tests.Connectors;

/// <summary>
/// The Workato connector (connectors/workato/connector.rb) run by the official Workato Connector SDK CLI against a real
/// bridge process: the connection test, pick lists, object definitions, every action through <c>invoke</c> (input schema
/// and <c>convert_input</c> applied, as on the platform), and the REST-hook trigger — subscribe, a real signed delivery
/// captured by a real HTTP receiver, that payload and those headers through <c>webhook_notification</c>, dedup,
/// unsubscribe, and nothing delivered afterwards.
/// </summary>
public sealed class WorkatoConnectorTests : BridgeTestBase
{
    private const string Topic = "orders";
    private readonly string _eventType = "order.placed." + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task The_connection_test_pick_lists_object_definitions_and_actions_run_through_the_sdk_against_a_real_bridge()
    {
        await using var bridge = await StartAsync();
        var sdk = Sdk(bridge);
        var wrongKey = sdk.With(new { base_url = bridge.BaseAddress.ToString(), api_key = "brk_nobody_not-a-key" });
        using var client = bridge.CreateClient();
        await RegisterContractAsync(client);
        var contracted = new { topic = Topic, event_type = _eventType };
        var uncontracted = new { topic = Topic, event_type = "no.such.contract" };

        var connection = sdk.RunAsync("test");
        var refused = wrongKey.FailAsync("test");
        var topics = sdk.RunAsync("pick_lists.topics");
        var eventTypes = sdk.RunAsync("pick_lists.event_types");
        var form = sdk.RunAsync("actions.publish_event.input_fields", new SdkArguments(ConfigFields: contracted));
        var jsonField = sdk.RunAsync("object_definitions.event_data.fields", new SdkArguments(ConfigFields: uncontracted));
        var eventFields = sdk.RunAsync("object_definitions.event.fields");
        var published = sdk.RunAsync("actions.publish_event", new SdkArguments(Input: new
        {
            topic = Topic,
            event_type = _eventType,
            subject = "orders/A-1",
            correlation_id = "connector-publish",
            data = new { orderId = "A-1", amount = "15.5", express = "true" }, // form values arrive as text: convert_input types them
        }));
        var violation = sdk.FailAsync("actions.publish_event", new SdkArguments(Input: new
        {
            topic = Topic,
            event_type = _eventType,
            data = new { orderId = "V-1", amount = "-1" }, // the form accepts it, the contract does not
        }));
        var array = sdk.RunAsync("actions.publish_event", new SdkArguments(Input: new
        {
            topic = Topic,
            event_type = "order.lines",
            data_json = """[{"sku":"X-1","quantity":2},{"sku":"Y-9","quantity":1}]""",
        }));
        var batch = sdk.RunAsync("actions.publish_batch", new SdkArguments(Input: new
        {
            topic = Topic,
            correlation_id = "connector-batch",
            events = new object[]
            {
                new { event_type = _eventType, data_json = """{"orderId":"B-1","amount":1}""" },
                new { event_type = _eventType, data_json = """{"orderId":"B-2","amount":2}""", ordering_key = "customer-7", subject = "orders/B-2" },
            },
        }));
        var missing = sdk.FailAsync("actions.replay_dead_letter", new SdkArguments(Input: new
        {
            topic = Topic,
            subscription = "audit",
            message_id = "no-such-message",
        }));

        Assert.IsType<JsonArray>((await connection)!["items"]);
        Assert.Contains("401", await refused, StringComparison.Ordinal);
        Assert.Contains((await topics)!.AsArray(), o => o![0]!.GetValue<string>() == Topic && o[1]!.GetValue<string>() == Topic);
        Assert.Contains((await eventTypes)!.AsArray(), o => o![0]!.GetValue<string>() == _eventType);

        var fields = (await form)!.AsArray();
        var data = Field(fields, "data")!["properties"]!.AsArray();
        Assert.False(Field(data, "orderId")!["optional"]!.GetValue<bool>());
        Assert.Equal("number", Field(data, "amount")!["type"]!.GetValue<string>());
        Assert.Equal("boolean", Field(data, "express")!["type"]!.GetValue<string>());
        Assert.Equal("[[\"web\",\"web\"],[\"store\",\"store\"]]", Field(data, "channel")!["pick_list"]!.ToJsonString());
        Assert.NotNull(Field(fields, "idempotency_key"));
        Assert.NotNull(Field((await jsonField)!.AsArray(), "data_json"));
        Assert.Equal("date_time", Field((await eventFields)!.AsArray(), "time")!["type"]!.GetValue<string>());

        var messageId = (await published)!["messageId"]!.GetValue<string>();
        Assert.Equal(Topic, (await published)!["topic"]!.GetValue<string>());
        var contractErrors = await violation;
        Assert.Matches("422.*amount", contractErrors);
        var arrayId = (await array)!["messageId"]!.GetValue<string>();
        var batchIds = (await batch)!["messageIds"]!.AsArray().Select(id => id!.GetValue<string>()).ToList();
        Assert.Equal(2, batchIds.Count);
        Assert.Matches("(?i)404.*dead letter", await missing);

        // What the actions published is what subscribers get: typed form data, a JSON array, both batch events.
        var delivered = (await Receiver["audit"].WaitForAsync(4, Patience)).ToDictionary(r => r.MessageId, r => r.Json);
        var typed = delivered[messageId].GetProperty("data");
        Assert.Equal("A-1", typed.GetProperty("orderId").GetString());
        Assert.Equal(15.5m, typed.GetProperty("amount").GetDecimal()); // "15.5" typed by float_conversion
        Assert.True(typed.GetProperty("express").GetBoolean()); // "true" typed by boolean_conversion
        Assert.Equal("connector-publish", delivered[messageId].GetProperty("correlationid").GetString());
        Assert.Equal("""[{"sku":"X-1","quantity":2},{"sku":"Y-9","quantity":1}]""", JsonNode.Parse(delivered[arrayId].GetProperty("data").GetRawText())!.ToJsonString());
        Assert.All(batchIds, id => Assert.Equal(_eventType, delivered[id].GetProperty("type").GetString()));
        Assert.Equal("customer-7", delivered[batchIds[1]].GetProperty("partitionkey").GetString());
    }

    [Fact]
    public async Task The_trigger_subscribes_verifies_a_real_signed_delivery_dedups_and_unsubscribes_through_the_sdk()
    {
        await using var bridge = await StartAsync();
        var sdk = Sdk(bridge);
        using var client = bridge.CreateClient();
        await RegisterContractAsync(client);
        var input = new { topic = Topic, event_types = _eventType };
        var hook = Receiver.UrlOf("recipe").ToString();

        // Starting the recipe: Workato calls webhook_subscribe with the recipe's webhook URL.
        var subscription = (await sdk.RunAsync("triggers.new_event.webhook_subscribe", new SdkArguments(Input: input, WebhookUrl: hook)))!;
        var name = subscription["name"]!.GetValue<string>();
        var secret = Receiver.Trust(subscription["secret"]!.GetValue<string>());
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var created = await GetJsonAsync(client, $"/api/topics/{Topic}/subscriptions/{name}");
        Assert.Equal(hook, created.GetProperty("url").GetString());

        var sent = (await sdk.RunAsync("actions.publish_event", new SdkArguments(Input: new
        {
            topic = Topic,
            event_type = _eventType,
            correlation_id = "connector-trigger",
            data = new { orderId = "T-1", amount = "3" },
        })))!["messageId"]!.GetValue<string>();
        var delivery = (await Receiver["recipe"].WaitForAsync(1, Patience)).Single();
        var body = Encoding.UTF8.GetString(delivery.Body);
        var headers = delivery.Headers;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.True(OfficialDeliveryCheck.SignedWith(headers, delivery.Body, secret),
            "the secret webhook_subscribe kept is the one Bridge signs with");

        // Each delivery goes through webhook_notification as the platform runs it: the raw body (webhook_payload_type
        // 'raw') and the headers as received. The SDK's invoke path types the payload as a Hash, so the lambda is named.
        Task<JsonNode?> Notify(string payload, IReadOnlyDictionary<string, string> with, JsonNode closure) =>
            sdk.RunAsync("triggers.new_event.webhook_notification", new SdkArguments(Input: input, WebhookPayload: payload, WebhookHeaders: with, WebhookSubscribeOutput: closure));
        var stale = (now - 3600).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var staleHeaders = new Dictionary<string, string>(headers) { ["webhook-timestamp"] = stale, ["webhook-signature"] = "v1," + Sign(secret, headers["webhook-id"], stale, body) };
        var otherSecret = subscription.DeepClone();
        otherSecret["secret"] = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var valid = Notify(body, headers, subscription);
        var tampered = Notify(body.Replace("T-1", "T-2", StringComparison.Ordinal), headers, subscription);
        var old = Notify(body, staleHeaders, subscription);
        var wrongSecret = Notify(body, headers, otherSecret);

        var evt = (await valid)!;
        Assert.Equal(sent, evt["id"]!.GetValue<string>());
        Assert.Equal(_eventType, evt["type"]!.GetValue<string>());
        Assert.Equal("connector-trigger", evt["correlation_id"]!.GetValue<string>());
        Assert.Equal("T-1", evt["data"]!["orderId"]!.GetValue<string>());
        Assert.Equal(3m, evt["data"]!["amount"]!.GetValue<decimal>());
        Assert.False(string.IsNullOrEmpty(evt["time"]?.ToString()));
        Assert.Empty((await tampered)!.AsArray());
        Assert.Empty((await old)!.AsArray());
        Assert.Empty((await wrongSecret)!.AsArray());

        // Stopping the recipe: webhook_unsubscribe gets the subscribe output only; Bridge deletes the subscription.
        var dedup = sdk.RunAsync("triggers.new_event.dedup", new SdkArguments(Input: evt));
        await sdk.RunAsync("triggers.new_event.webhook_unsubscribe", new SdkArguments(WebhookSubscribeOutput: subscription));
        Assert.Equal(sent, (await dedup)!.GetValue<string>());
        using (var gone = await client.GetAsync(new Uri($"/api/topics/{Topic}/subscriptions/{name}", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        var again = sdk.RunAsync("triggers.new_event.webhook_unsubscribe", new SdkArguments(WebhookSubscribeOutput: subscription));
        var after = await PublishAsync(client, Topic, new { orderId = "T-3", amount = 4 }, _eventType);
        await Receiver["audit"].WaitForAsync(2, Patience); // the other subscription got it ...
        Assert.Contains(Receiver["audit"].Received, r => r.MessageId == after);
        await again; // ... unsubscribing twice is harmless ...
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.Single(Receiver["recipe"].Received); // ... and the stopped recipe got nothing more
    }

    [Theory]
    [InlineData("binary")]
    [InlineData("data")]
    public async Task The_trigger_reads_an_event_sent_in_the_binary_or_the_data_format_to_the_same_fields(string format)
    {
        await using var bridge = await StartAsync();
        var sdk = Sdk(bridge);
        using var client = bridge.CreateClient();
        var input = new { topic = Topic, event_types = _eventType, format };
        var subscription = (await sdk.RunAsync("triggers.new_event.webhook_subscribe", new SdkArguments(Input: input, WebhookUrl: Receiver.UrlOf("recipe").ToString())))!;
        Receiver.Trust(subscription["secret"]!.GetValue<string>());
        Assert.Equal(format, subscription["format"]!.GetValue<string>());

        const string subject = "Lieferung 7 für A+B";
        var sent = await PublishAsync(client, Topic, new { orderId = "F-1", amount = 2 }, _eventType, new Dictionary<string, string>
        {
            ["ce-subject"] = Uri.EscapeDataString(subject),
            ["X-Correlation-Id"] = "connector-format",
        });
        var delivery = (await Receiver["recipe"].WaitForAsync(1, Patience)).Single();
        Assert.Equal(format == "binary", delivery.Headers.ContainsKey("ce-id"));
        Assert.Equal(format == "data", delivery.Headers.ContainsKey("x-event-id"));

        var evt = (await sdk.RunAsync("triggers.new_event.webhook_notification", new SdkArguments(
            Input: input, WebhookPayload: Encoding.UTF8.GetString(delivery.Body), WebhookHeaders: delivery.Headers, WebhookSubscribeOutput: subscription)))!;
        Assert.Equal(sent, evt["id"]!.GetValue<string>());
        Assert.Equal(_eventType, evt["type"]!.GetValue<string>());
        Assert.Equal(subject, evt["subject"]!.GetValue<string>());
        Assert.Equal("connector-format", evt["correlation_id"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(evt["source"]?.ToString()));
        Assert.False(string.IsNullOrEmpty(evt["time"]?.ToString()));
        Assert.Equal("F-1", evt["data"]!["orderId"]!.GetValue<string>());
        await sdk.RunAsync("triggers.new_event.webhook_unsubscribe", new SdkArguments(WebhookSubscribeOutput: subscription));
    }

    [Fact]
    public async Task The_polling_trigger_reads_a_pull_subscription_page_by_page_and_completes_what_it_returned()
    {
        await using var bridge = await StartBridgeAsync(new TestTopology()
            .Topic(Topic)
            .With($"Bridge:Topics:{Topic}:Subscriptions:agent:Delivery", "pull")
            .With($"Bridge:Topics:{Topic}:Subscriptions:agent:Pull:Owner", "erp-agent"));
        using var admin = bridge.CreateClient();
        await Security.SecurityClient.CreatePublisherAsync(admin, "erp-agent", ["subscribe:orders"]);
        var (_, key) = await Security.SecurityClient.IssueKeyAsync(admin, "erp-agent");
        await Security.SecurityClient.CreatePublisherAsync(admin, "other-recipes", ["subscribe:orders"]);
        var (_, otherKey) = await Security.SecurityClient.IssueKeyAsync(admin, "other-recipes");
        var sdk = Sdk(bridge).With(new { base_url = bridge.BaseAddress.ToString(), api_key = key });
        var published = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            published.Add(await PublishAsync(admin, Topic, new { orderId = $"P-{i}", amount = i }, _eventType));
        }

        var input = new { topic = Topic, subscription = "agent", batch_size = 2 };
        // poll_page is one poll as the platform runs it; poll runs pages while can_poll_more says so.
        var first = (await sdk.RunAsync("triggers.new_pulled_event.poll_page", new SdkArguments(Input: input)))!;
        var second = (await sdk.RunAsync("triggers.new_pulled_event.poll_page", new SdkArguments(Input: input)))!;
        var third = (await sdk.RunAsync("triggers.new_pulled_event.poll_page", new SdkArguments(Input: input)))!;

        Assert.Equal(2, first["events"]!.AsArray().Count);
        Assert.True(first["can_poll_more"]!.GetValue<bool>(), "a full page says there may be more");
        Assert.Single(second["events"]!.AsArray());
        Assert.False(second["can_poll_more"]!.GetValue<bool>());
        Assert.Empty(third["events"]!.AsArray()); // what the polls returned was completed in Bridge
        var events = first["events"]!.AsArray().Concat(second["events"]!.AsArray()).Select(e => e!).ToList();
        // Without an ordering key no order is promised, so they are compared as sets.
        Assert.Equal(published.Order(StringComparer.Ordinal), events.Select(e => e["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(["P-0", "P-1", "P-2"], events.Select(e => e["data"]!["orderId"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(events, e => Assert.Equal(_eventType, e["type"]!.GetValue<string>()));
        Assert.Equal(events[0]["id"]!.GetValue<string>(), (await sdk.RunAsync("triggers.new_pulled_event.dedup", new SdkArguments(Input: events[0])))!.GetValue<string>());
        var later = new[] { await PublishAsync(admin, Topic, new { orderId = "P-3" }, _eventType), await PublishAsync(admin, Topic, new { orderId = "P-4" }, _eventType), await PublishAsync(admin, Topic, new { orderId = "P-5" }, _eventType) };
        var drained = (await sdk.RunAsync("triggers.new_pulled_event.poll", new SdkArguments(Input: input)))!;
        Assert.Equal(later.Order(StringComparer.Ordinal), drained["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));

        // A key of another identity does not see the subscription: the poll fails with Bridge's problem.
        var refused = await sdk.With(new { base_url = bridge.BaseAddress.ToString(), api_key = otherKey })
            .FailAsync("triggers.new_pulled_event.poll", new SdkArguments(Input: input));
        Assert.Contains("404", refused, StringComparison.Ordinal);
    }

    private Task<BridgeProcess> StartAsync() => StartBridgeAsync(new TestTopology()
        .Topic(Topic)
        .Subscription(Topic, "audit", Receiver.UrlOf("audit"))
        .With("Bridge:Subscriptions:AllowHttpLoopback", "true").AllowLoopbackWebhooks()
        .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200"));

    private WorkatoSdk Sdk(BridgeProcess bridge) =>
        WorkatoSdk.Open(Path.Combine(Data.Path, "workato"), new { base_url = bridge.BaseAddress.ToString(), api_key = bridge.BootstrapKey });

    private async Task RegisterContractAsync(HttpClient client)
    {
        var schema = JsonNode.Parse("""
            { "type": "object", "required": ["orderId", "amount"],
              "properties": { "orderId": { "type": "string", "maxLength": 64 }, "amount": { "type": "number", "minimum": 0 },
                              "express": { "type": "boolean" }, "channel": { "type": "string", "enum": ["web", "store"] } } }
            """);
        using var response = await client.PostAsJsonAsync($"/api/contracts/{_eventType}/versions", new { schema, description = "Connector test" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static JsonNode? Field(JsonArray fields, string name) => fields.FirstOrDefault(f => f?["name"]?.GetValue<string>() == name);

    private static string Sign(string secret, string id, string timestamp, string body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(secret["whsec_".Length..]), Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
}
