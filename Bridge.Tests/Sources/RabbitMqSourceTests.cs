using Bridge.Tests.Support;

namespace Bridge.Tests.Sources;

/// <summary>The source conformance cases on a real rabbitmq-server, written to by a plain RabbitMQ.Client producer; and what is RabbitMQ's own.</summary>
public sealed class RabbitMqSourceTests : SourceBehaviour
{
    private protected override async Task<ITestSource> CreateSourceAsync() => await RabbitMqSource.CreateAsync();

    [Fact]
    public async Task A_queue_deleted_under_the_source_is_declared_again_and_reading_goes_on()
    {
        await using var source = await RabbitMqSource.CreateAsync();
        var hook = Receiver["erp"];
        var topology = source.Configure(new TestTopology().Subscription("orders", "erp", Receiver.UrlOf("erp")), "erp", "orders", new Dictionary<string, string> { ["Type"] = "erp.message" });
        await using var bridge = await StartBridgeAsync(topology);
        await source.PublishJsonAsync("a", """{"n":1}""", "before");
        await hook.WaitForAsync(1, Patience);

        await source.DeleteQueueAsync("erp"); // an operator removes it: the broker cancels Bridge's consumer
        await EventuallyAsync(async () =>
        {
            await source.PublishJsonAsync("a", """{"n":2}""", "after");
            await Task.Delay(500);
            return hook.Received.Any(r => r.MessageId == "after");
        }, arrived => arrived, "an event published after the queue came back");
        Receiver.AssertEveryDeliveryVerified();
    }
}
