using Bridge.Tests.Connectors;
using Bridge.Tests.Support;

namespace Bridge.Tests.Sources;

/// <summary>
/// A recipe subscribes to a topic fed by a RabbitMQ source exactly like to any other: the official Workato SDK runs the
/// connector's REST-hook trigger (subscribe, then the real signed delivery through <c>webhook_notification</c>), for JSON
/// data and for bytes, which the trigger hands over as base64 with their content type.
/// </summary>
public sealed class SourceConnectorTests : BridgeTestBase
{
    [Fact]
    public async Task The_rest_hook_trigger_reads_events_of_a_sourced_topic_json_and_bytes()
    {
        await using var source = await RabbitMqSource.CreateAsync();
        var topology = source.Configure(new TestTopology().Topic("orders"), "erp", "orders", new Dictionary<string, string> { ["Type"] = "erp.document" })
            .With("Bridge:Subscriptions:AllowHttpLoopback", "true").AllowLoopbackWebhooks()
            .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200");
        await using var bridge = await StartBridgeAsync(topology);
        var sdk = WorkatoSdk.Open(Path.Combine(Data.Path, "workato"), new { base_url = bridge.BaseAddress.ToString(), api_key = bridge.BootstrapKey });
        var input = new { topic = "orders", event_types = "erp.document" };
        var subscription = (await sdk.RunAsync("triggers.new_event.webhook_subscribe", new SdkArguments(Input: input, WebhookUrl: Receiver.UrlOf("recipe").ToString())))!;
        Receiver.Trust(subscription["secret"]!.GetValue<string>());
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken); // the subscription reaches the delivery loop

        await source.PublishJsonAsync("doc", """{"orderId":"S-1"}""", "src-json");
        var bytes = new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x00, 0xff };
        await source.PublishAsync("doc", bytes, "application/pdf", "src-pdf");
        var deliveries = await Receiver["recipe"].WaitForAsync(2, Patience);
        Receiver.AssertEveryDeliveryVerified();

        foreach (var delivery in deliveries)
        {
            var evt = (await sdk.RunAsync("triggers.new_event.webhook_notification", new SdkArguments(
                Input: input, WebhookPayload: Encoding.UTF8.GetString(delivery.Body), WebhookHeaders: delivery.Headers, WebhookSubscribeOutput: subscription)))!;
            Assert.Equal("erp.document", evt["type"]!.GetValue<string>());
            Assert.Equal("urn:bridge:source:erp", evt["source"]!.GetValue<string>());
            if (evt["id"]!.GetValue<string>() == "src-json")
            {
                Assert.Equal("S-1", evt["data"]!["orderId"]!.GetValue<string>());
            }
            else
            {
                Assert.Equal("src-pdf", evt["id"]!.GetValue<string>());
                Assert.Equal(bytes, Convert.FromBase64String(evt["data_base64"]!.GetValue<string>()));
                Assert.Equal("application/pdf", evt["data_content_type"]!.GetValue<string>());
            }
        }

        await sdk.RunAsync("triggers.new_event.webhook_unsubscribe", new SdkArguments(WebhookSubscribeOutput: subscription));
    }
}
