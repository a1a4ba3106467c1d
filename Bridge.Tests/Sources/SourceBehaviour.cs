using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Support;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace Bridge.Tests.Sources;

/// <summary>
/// The conformance cases of a broker source: messages another system writes to the broker with the broker's own client
/// library reach a real receiver as signed CloudEvents (every call checked with the official Standard Webhooks and
/// CloudEvents libraries), with the attributes the source's mapping gives them; redeliveries are published once, each
/// key keeps its order, and an unreadable message is kept and replayed once the mapping is fixed.
/// </summary>
public abstract class SourceBehaviour : BridgeTestBase
{
    /// <summary>A new entity on the broker under test that "another system" writes to.</summary>
    private protected abstract Task<ITestSource> CreateSourceAsync();

    private static readonly Dictionary<string, string> Mapping = new()
    {
        ["TypeFrom"] = "property:event_type",
        ["Type"] = "erp.message",
        ["Source"] = "urn:erp:orders",
        ["SubjectFrom"] = "data:/orderId",
        ["OrderingKeyFrom"] = "property:customer",
        ["Extensions:region"] = "property:region",
    };

    [Fact]
    public async Task Json_bytes_and_cloudevents_in_both_amqp_modes_arrive_as_signed_cloudevents_with_the_mapped_attributes()
    {
        await using var source = await CreateSourceAsync();
        var hook = Receiver["erp"];
        var topology = source.Configure(new TestTopology().Subscription("orders", "erp", Receiver.UrlOf("erp")), "erp", "orders", Mapping);
        await using var bridge = await StartBridgeAsync(topology);

        // Raw JSON with a message id, a correlation id and headers the mapping reads.
        await source.PublishJsonAsync("order.created", """{"orderId":"o-1","total":12.5}""", messageId: "m-json",
            headers: new Dictionary<string, object?> { ["event_type"] = "erp.order.created", ["customer"] = "c-7", ["region"] = "emea" }, correlationId: "corr-1");
        // Bytes without an id or a type header: the mapping's constant type, a new id, data_base64.
        var pdf = new byte[] { 0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0xfe, 0x01 };
        await source.PublishAsync("order.document", pdf, "application/pdf");
        // A CloudEvent in the AMQP binary mode, as the Azure SDKs write it (cloudEvents: application properties).
        await source.PublishJsonAsync("order.shipped", """{"orderId":"o-2"}""", headers: new Dictionary<string, object?>
        {
            ["cloudEvents:specversion"] = "1.0",
            ["cloudEvents:id"] = "ce-binary-1",
            ["cloudEvents:source"] = "urn:wms",
            ["cloudEvents:type"] = "wms.order.shipped",
            ["cloudEvents:subject"] = "shipment-9",
            ["cloudEvents:partitionkey"] = "c-8",
        });
        // The same with the cloudEvents_ prefix (JMS-style brokers), text data.
        await source.PublishAsync("order.note", Encoding.UTF8.GetBytes("a plain note"), "text/plain", headers: new Dictionary<string, object?>
        {
            ["cloudEvents_specversion"] = "1.0",
            ["cloudEvents_id"] = "ce-binary-2",
            ["cloudEvents_source"] = "urn:crm",
            ["cloudEvents_type"] = "crm.note.added",
        });
        // A structured CloudEvent written by the official SDK.
        var structured = new CloudEvent { Id = "ce-structured-1", Source = new Uri("urn:billing"), Type = "billing.invoice.paid", Subject = "inv-3", DataContentType = "application/json", Data = new { invoice = "inv-3" } };
        var encoded = new JsonEventFormatter().EncodeStructuredModeMessage(structured, out var contentType);
        await source.PublishAsync("invoice.paid", encoded.ToArray(), contentType.ToString());

        var received = await hook.WaitForAsync(5, Patience);
        Receiver.AssertEveryDeliveryVerified();
        var events = received.Select(r => r.CloudEvent).ToDictionary(e => e.Type!);

        var json = events["erp.order.created"];
        Assert.Equal("m-json", json.Id);
        Assert.Equal(new Uri("urn:erp:orders"), json.Source);
        Assert.Equal("o-1", json.Subject);
        Assert.Equal("c-7", json[OfficialDeliveryCheck.Extensions.Single(e => e.Name == "partitionkey")]);
        Assert.Equal("corr-1", json[OfficialDeliveryCheck.Extensions.Single(e => e.Name == "correlationid")]);
        Assert.Equal("emea", json["region"]);
        Assert.Equal("application/json", json.DataContentType);
        Assert.Equal(12.5, ((JsonElement)json.Data!).GetProperty("total").GetDouble());

        var bytes = events["erp.message"];
        Assert.Equal(pdf, (byte[])bytes.Data!);
        Assert.Equal("application/pdf", bytes.DataContentType);
        Assert.Matches("^[0-9a-f]{32}$", bytes.Id);

        var binary = events["wms.order.shipped"];
        Assert.Equal(("ce-binary-1", new Uri("urn:wms"), "shipment-9"), (binary.Id, binary.Source, binary.Subject));
        Assert.Equal("c-8", binary[OfficialDeliveryCheck.Extensions.Single(e => e.Name == "partitionkey")]);
        Assert.Equal("o-2", ((JsonElement)binary.Data!).GetProperty("orderId").GetString());

        var note = events["crm.note.added"];
        Assert.Equal(("ce-binary-2", "text/plain"), (note.Id, note.DataContentType));
        Assert.Equal("a plain note", Encoding.UTF8.GetString((byte[])note.Data!));

        var paid = events["billing.invoice.paid"];
        Assert.Equal(("ce-structured-1", new Uri("urn:billing"), "inv-3"), (paid.Id, paid.Source, paid.Subject));
        Assert.Equal("inv-3", ((JsonElement)paid.Data!).GetProperty("invoice").GetString());
    }

    [Fact]
    public async Task A_message_sent_again_with_the_same_id_is_delivered_once_and_per_key_order_holds()
    {
        await using var source = await CreateSourceAsync();
        var hook = Receiver["erp"];
        hook.Delay = TimeSpan.FromMilliseconds(5);
        var topology = source.Configure(new TestTopology().Subscription("orders", "erp", Receiver.UrlOf("erp"), concurrency: 8), "erp", "orders", Mapping);
        await using var bridge = await StartBridgeAsync(topology);

        const int PerKey = 40;
        string[] customers = ["c-1", "c-2", "c-3", "c-4"];
        for (var i = 0; i < PerKey; i++)
        {
            foreach (var customer in customers)
            {
                var headers = new Dictionary<string, object?> { ["customer"] = customer, ["event_type"] = "erp.order.changed" };
                await source.PublishJsonAsync("order.changed", $$"""{"orderId":"{{customer}}","seq":{{i}}}""", $"{customer}-{i}", headers);
                if (i % 10 == 3)
                {
                    await source.PublishJsonAsync("order.changed", $$"""{"orderId":"{{customer}}","seq":{{i}}}""", $"{customer}-{i}", headers); // the producer's retry
                }
            }
        }

        await hook.WaitForAsync(PerKey * customers.Length, Patience);
        await Task.Delay(TimeSpan.FromSeconds(2)); // room for a duplicate to arrive, if one were coming
        Receiver.AssertEveryDeliveryVerified();
        var received = hook.Received;
        Assert.Equal(PerKey * customers.Length, received.Count);
        Assert.Equal(PerKey * customers.Length, received.Select(r => r.MessageId).Distinct().Count());
        foreach (var customer in customers)
        {
            var order = received.Where(r => r.CloudEvent.Subject == customer).Select(r => ((JsonElement)r.CloudEvent.Data!).GetProperty("seq").GetInt32()).ToList();
            Assert.Equal(Enumerable.Range(0, PerKey), order);
        }

        using var client = bridge.CreateClient();
        var sources = await GetJsonAsync(client, "/api/sources");
        var erp = sources.GetProperty("items")[0];
        Assert.Equal("erp", erp.GetProperty("name").GetString());
        Assert.Equal(source.Broker, erp.GetProperty("broker").GetString());
        Assert.Equal(0, erp.GetProperty("openDeadLetters").GetInt32());
    }

    [Fact]
    public async Task An_unreadable_message_is_kept_with_its_bytes_blocks_nothing_and_is_replayed_once_the_mapping_is_fixed()
    {
        await using var source = await CreateSourceAsync();
        var hook = Receiver["erp"];
        var strict = new Dictionary<string, string> { ["TypeFrom"] = "property:event_type" };
        var topology = source.Configure(new TestTopology().Subscription("orders", "erp", Receiver.UrlOf("erp")), "erp", "orders", strict);
        var poison = Encoding.UTF8.GetBytes("""{"orderId":"o-9"}""");
        long id;
        await using (var bridge = await StartBridgeAsync(topology))
        {
            await source.PublishAsync("order.created", poison, "application/json", "m-poison", headers: new Dictionary<string, object?> { ["customer"] = "c-1" });
            // A header no store takes as it is (a NUL) must not keep the message from its dead letter.
            await source.PublishAsync("order.created", poison, "application/json", "m-hostile", headers: new Dictionary<string, object?> { ["note"] = "a\0b" });
            await source.PublishAsync("order.created", Encoding.UTF8.GetBytes("{not json"), "application/json", "m-broken");
            await source.PublishJsonAsync("order.created", """{"orderId":"o-10"}""", "m-fine", new Dictionary<string, object?> { ["event_type"] = "erp.order.created" });

            var fine = await hook.WaitForAsync(1, Patience);
            Assert.Equal("m-fine", fine[0].MessageId);

            using var client = bridge.CreateClient();
            var page = await EventuallyAsync(() => GetJsonAsync(client, "/api/sources/erp/dead-letters?state=open"), p => p.GetProperty("items").GetArrayLength() == 3, "three dead letters");
            var items = page.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("messageId").GetString()!);
            Assert.Equal("MappingFailed", items["m-poison"].GetProperty("reason").GetString());
            Assert.Contains("event_type", items["m-poison"].GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.Equal("InvalidJson", items["m-broken"].GetProperty("reason").GetString());
            Assert.Equal("MappingFailed", items["m-hostile"].GetProperty("reason").GetString());
            var hostile = await GetJsonAsync(client, $"/api/sources/erp/dead-letters/{items["m-hostile"].GetProperty("id").GetInt64()}");
            Assert.Equal("a\uFFFDb", hostile.GetProperty("headers").GetProperty("properties").GetProperty("note").GetString());
            id = items["m-poison"].GetProperty("id").GetInt64();

            var detail = await GetJsonAsync(client, $"/api/sources/erp/dead-letters/{id}");
            Assert.Equal(poison, Convert.FromBase64String(detail.GetProperty("body").GetString()!));
            Assert.Equal("c-1", detail.GetProperty("headers").GetProperty("properties").GetProperty("customer").GetString());
            Assert.Equal("order.created", detail.GetProperty("headers").GetProperty(source.KeyField).GetString());

            using var still = await client.PostAsync($"/api/sources/erp/dead-letters/{id}/replay", null);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, still.StatusCode);
            Assert.Equal("application/problem+json", still.Content.Headers.ContentType?.MediaType);
        }

        // The operator fixes the mapping (a constant type when the header is missing) and replays.
        await using (var fixedBridge = await StartBridgeAsync(topology.With("Bridge:Sources:erp:Mapping:Type", "erp.order.unlabelled")))
        {
            using var client = fixedBridge.CreateClient();
            using var replay = await client.PostAsync($"/api/sources/erp/dead-letters/{id}/replay", null);
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            var replayed = await hook.WaitForAsync(2, Patience);
            var again = replayed.Single(r => r.MessageId == "m-poison").CloudEvent;
            Assert.Equal("erp.order.unlabelled", again.Type);
            Assert.Equal("o-9", ((JsonElement)again.Data!).GetProperty("orderId").GetString());

            using var twice = await client.PostAsync($"/api/sources/erp/dead-letters/{id}/replay", null);
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
            var open = await GetJsonAsync(client, "/api/sources/erp/dead-letters?state=open");
            Assert.Equal(["m-broken", "m-hostile"], open.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("messageId").GetString()).Order());
        }

        Receiver.AssertEveryDeliveryVerified();
    }

    [Fact]
    public async Task Events_are_checked_against_their_type_s_contract_like_published_ones()
    {
        await using var source = await CreateSourceAsync();
        var hook = Receiver["erp"];
        var topology = source.Configure(new TestTopology().Subscription("orders", "erp", Receiver.UrlOf("erp")), "erp", "orders",
            new Dictionary<string, string> { ["Type"] = "erp.invoice.paid" });
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        var schema = JsonDocument.Parse("""{ "type": "object", "required": ["invoice"], "properties": { "invoice": { "type": "string" } } }""").RootElement;
        using (var registered = await client.PostAsJsonAsync("/api/contracts/erp.invoice.paid/versions", new { schema, description = "Invoices" }))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        await source.PublishJsonAsync("invoice", """{"amount":3}""", "m-breaks");
        await source.PublishJsonAsync("invoice", """{"invoice":"inv-1"}""", "m-keeps");

        var delivered = Assert.Single(await hook.WaitForAsync(1, Patience));
        Assert.Equal("m-keeps", delivered.MessageId);
        Assert.Equal(new Uri("urn:bridge:contract:erp.invoice.paid:1"), delivered.CloudEvent.DataSchema);
        var page = await EventuallyAsync(() => GetJsonAsync(client, "/api/sources/erp/dead-letters"), p => p.GetProperty("items").GetArrayLength() == 1, "the refused event's dead letter");
        var refused = page.GetProperty("items")[0];
        Assert.Equal(("m-breaks", "ContractViolation"), (refused.GetProperty("messageId").GetString(), refused.GetProperty("reason").GetString()));
        Assert.Contains("invoice", refused.GetProperty("description").GetString(), StringComparison.Ordinal);
        Receiver.AssertEveryDeliveryVerified();
    }
}
